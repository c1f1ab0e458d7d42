"""The generated task pool: sibling tasks over shared inputs, from code and data that packages ship.

- `resources`  WordNet, FreeDict and the PyPI packages the families read, with versions and licenses
- `inputs`     the shared input kinds (words, numbers, number pairs, sentences, word lists, dates, ...)
- `core`       `Family`: one mapping in several variants, its oracle and descriptions; example building
- `families/`  the families, one file per group
- `build`      every task as a RawTask, checked, cached by content hash under $T2L_HOME/pool
- `contamination`  the behavioural check that no pool task reproduces a held-out task's answers
- `source`     the pool as a catalog source (t2l.tasks.source): names from code, examples built on load
- `__main__`   `python -m t2l.tasks.pool`: writes the pool's task lists, prints its tables for the docs

May import: the standard library, the packages in `resources`, and t2l.errors / t2l.io / t2l.assets /
t2l.tasks.schema.
"""
