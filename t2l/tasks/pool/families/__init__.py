"""The pool's families, in files by group and concept (letters_positions, numbers_arithmetic, lexical, ...).

Each module defines `FAMILIES: list[Family]`; `t2l.tasks.pool.build` finds every module here, so adding
a group is adding a file. A module whose name starts with "_" (_numbers_common, ...) holds helpers that
several files of one group import, and is skipped by the build.
"""
