"""One way to add a task source: a `Source` class in the source's own module, one line in `SOURCES`.

A source detects its layout from the data config (`TaskSources`), lists its tasks (`entries()`: each
name with the file or directory it is read from, which is what `TaskCatalog.fingerprint` hashes) and
loads one task into the one schema (`RawTask`, t2l.tasks.schema). Listing must be cheap (no task file
parsed, except small user files); loading does the work.

    class MySource:                       # in t2l/tasks/mine.py
        kind = "mine"                     # how errors and `t2l tasks` name the source
        prefix = ""                       # every name it gives starts with this ("bbh:" for BIG-Bench Hard)
        unavailable = ""                  # why an expected source could not be read (a line naming the fix)

        @classmethod
        def from_config(cls, sources: TaskSources) -> "MySource | None": ...   # None: not configured
        def entries(self) -> list[Entry]: ...
        def load(self, name: str) -> RawTask: ...

and `"t2l.tasks.mine:MySource"` in SOURCES below. Two sources giving the same task name are refused
(one line naming both and the fix), so every name means one task.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from t2l.tasks.schema import RawTask

if TYPE_CHECKING:
    from t2l.tasks.registry import TaskSources

# The registry: one line per source, in indexing order ("module:Class", imported when a catalog opens).
SOURCES: tuple[str, ...] = (
    "t2l.tasks.bigbench:BigBenchSource",     # BIG-bench JSON (benchmark_tasks/**/task.json)
    "t2l.tasks.bbh:BBHSource",               # BIG-Bench Hard's published files (bbh/<task>.json) as bbh:<task>
    "t2l.tasks.sni:SNISource",               # Super-NaturalInstructions task files and per-task dataset dirs
    "t2l.tasks.local:LocalSource",           # the user's .json / .jsonl task files
    "t2l.tasks.generated:GeneratedSource",   # seeded generators (superseded for evaluation by the BBH files)
    "t2l.tasks.pool.source:PoolSource",      # the generated pool and held-out described suite
)


@dataclass(frozen=True)
class Entry:
    """One task a source lists: its name, the file or directory it is read from, and where it came from
    (as the 'two sources' error names it)."""

    name: str
    path: Path
    origin: str


@runtime_checkable
class Source(Protocol):
    kind: str
    prefix: str
    unavailable: str

    @classmethod
    def from_config(cls, sources: "TaskSources") -> "Source | None": ...

    def entries(self) -> list[Entry]: ...

    def load(self, name: str) -> RawTask: ...


def source_classes() -> list[type]:
    """The classes SOURCES names, imported."""
    classes = []
    for spec in SOURCES:
        module, _, attr = spec.partition(":")
        classes.append(getattr(importlib.import_module(module), attr))
    return classes


def path_fingerprint(path: Path) -> bytes:
    """A content digest of what a task is read from: a file's bytes; a directory's every file path, size
    and mtime (cheap for big dataset dirs); a path that is gone hashes to its name only."""
    digest = hashlib.sha256()
    if path.is_file():
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    elif path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.digest()
