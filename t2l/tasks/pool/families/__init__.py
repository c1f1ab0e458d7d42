"""The pool's families, one file per group (letters, numbers, lexical relations, ...).

Each module defines `FAMILIES: list[Family]`; `t2l.tasks.pool.build` finds every module here, so adding
a group is adding a file.
"""
