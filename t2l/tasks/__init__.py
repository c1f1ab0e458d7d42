"""Task sources (BIG-bench, Super-NaturalInstructions, user files) behind one `Task` schema."""

from t2l.tasks.schema import Example, RawTask, Task

__all__ = ["Example", "RawTask", "Task"]
