"""The generated pool as a catalog source (t2l.tasks.source): names come from code (`build.task_index`),
examples are built, or read from the content-hashed cache, when a task is loaded."""

from __future__ import annotations

from t2l.tasks.schema import RawTask


class PoolSource:
    kind = "pool"
    prefix = ""
    unavailable = ""

    @classmethod
    def from_config(cls, sources) -> "PoolSource | None":
        return cls() if sources.pool else None

    def entries(self) -> list:
        from t2l.tasks.pool import build
        from t2l.tasks.source import Entry

        return [Entry(name, build.POOL_DIR, "t2l.tasks.pool") for name in build.task_index()]

    def load(self, name: str) -> RawTask:
        from t2l.tasks.pool import build

        return build.raw_task(name)
