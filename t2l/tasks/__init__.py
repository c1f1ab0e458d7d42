"""Tasks: every source (BIG-bench, BIG-Bench Hard, Super-NaturalInstructions, user files, generated) behind one `Task` schema.

- `schema`    Example / RawTask / Task and the deterministic (hash-based) train/validation/test split
- `source`    the Source protocol and SOURCES, the registry tuple: one line per source
- `bigbench`, `bbh`, `sni`, `local`, `generated`, `pool`   the sources, one module each (reader + Source class)
- `registry`  TaskSources + TaskCatalog: find tasks by name, named task lists, exclusions, description banks
- `descriptions`  the description banks (training and evaluation) and the checks that keep them apart
- `heldout`   the held-out list's rules: families, example overlap, the training pool, `refuse_heldout`
- `prompts`   the exact text a model sees (chat template or plain Q/A) and training features
- `batching`  length-grouped and task-balanced batch samplers, padding collators

May import: the standard library, torch (samplers), datasets (the SNI parquet layout), and
t2l.errors / t2l.io / t2l.assets. Nothing above it.
"""

from t2l.tasks.schema import Example, RawTask, Task

__all__ = ["Example", "RawTask", "Task"]
