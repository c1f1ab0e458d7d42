"""Tasks: every source (BIG-bench, Super-NaturalInstructions, user files) behind one `Task` schema.

- `schema`    Example / RawTask / Task and the deterministic (hash-based) train/validation/test split
- `bigbench`, `sni`, `local`   the readers, one per source format
- `registry`  TaskSources + TaskCatalog: find tasks by name, named task lists, exclusions, description banks
- `heldout`   the held-out list's rules: families, example overlap, the training pool, `refuse_heldout`
- `prompts`   the exact text a model sees (chat template or plain Q/A) and training features
- `batching`  length-grouped and task-balanced batch samplers, padding collators

May import: the standard library, torch (samplers), datasets (the SNI parquet layout), and
t2l.errors / t2l.io / t2l.assets. Nothing above it.
"""

from t2l.tasks.schema import Example, RawTask, Task

__all__ = ["Example", "RawTask", "Task"]
