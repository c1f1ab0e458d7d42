"""One way to add a task source: a `Source` class in the source's own module, one line in `SOURCES`.

A source detects its layout from the data config (`TaskSources`), lists its tasks (`entries()`: each
name with the file or directory it is read from, which is what `TaskCatalog.fingerprint` hashes) and
loads one task into the one schema (`RawTask`, t2l.tasks.schema). Listing must be cheap (no task file
parsed, except small user files); loading does the work.

    class MySource:                       # in a module of its own: t2l/tasks/<yours>.py
        kind = "mine"                     # how errors and `t2l tasks` name the source
        prefix = ""                       # every name it gives starts with this ("bbh:" for BIG-Bench Hard)
        unavailable = ""                  # why an expected source could not be read (a line naming the fix)

        @classmethod
        def from_config(cls, sources: TaskSources) -> "MySource | None": ...   # None: not configured
        def entries(self) -> list[Entry]: ...
        def load(self, name: str) -> RawTask: ...

and `"t2l.tasks.<yours>:MySource"` in SOURCES below. Two sources giving the same task name are refused
(one line naming both and the fix), so every name means one task.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from t2l.package_data import DATA_DIR
from t2l.tasks.descriptions import TRAIN_BANK
from t2l.tasks.schema import DEFAULT_FRACTIONS, RawTask

# The registry: one line per source, in indexing order ("module:Class", imported when a catalog opens).
SOURCES: tuple[str, ...] = (
    "t2l.tasks.bigbench:BigBenchSource",     # BIG-bench JSON (benchmark_tasks/**/task.json)
    "t2l.tasks.bbh:BBHSource",               # BIG-Bench Hard's published files (bbh/<task>.json) as bbh:<task>
    "t2l.tasks.sni:SNISource",               # Super-NaturalInstructions task files and per-task dataset dirs
    "t2l.tasks.local:LocalSource",           # the user's .json / .jsonl task files
    "t2l.tasks.generated:GeneratedSource",   # seeded generators (superseded for evaluation by the BBH files)
    "t2l.tasks.pool.source:PoolSource",      # the generated pool and held-out described suite
)


@dataclass
class TaskSources:
    """Where tasks come from and how they split (t2l/conf/data/*.yaml). `t2l tasks` lists what they hold.

    Each source is read by its Source class (t2l.tasks.source.SOURCES). A source that records its own split
    shares (BIG-Bench Hard: RawTask.meta["fractions"]) splits by those instead of `fractions`.

    descriptions_dir: the description bank (*.jsonl) that extends or replaces the sources' descriptions;
    eval_descriptions_dir: the held-out tasks' evaluation bank, set by evaluation jobs only (training
    refuses it, see t2l.tasks.descriptions); splits_dir: named task lists.
    exclude / exclude_file always win over inclusion. The example split depends only on
    (seed, task, example text); examples longer than max_input_chars are skipped, counted and logged.
    """

    bigbench_dir: str | None = None
    bbh_dir: str | None = None   # BIG-Bench Hard's <task>.json files (t2l/conf/data: bundle://bbh), tasks bbh:<task>
    sni: list[str] = field(default_factory=list)          # task JSON files, dirs of them, or per-task dataset dirs
    local_files: list[str] = field(default_factory=list)  # user .json / .jsonl
    generated: bool = True    # the tasks t2l generates itself (t2l.tasks.generated: BBH's programmatic three)
    pool: bool = True         # the generated pool and held-out described suite (t2l.tasks.pool)
    descriptions_dir: str | None = str(TRAIN_BANK)
    eval_descriptions_dir: str | None = None   # evaluation jobs set it (t2l.tasks.descriptions.EVAL_BANK)
    splits_dir: str = str(DATA_DIR / "splits")
    seed: int = 0
    fractions: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FRACTIONS))
    max_input_chars: int = 4000
    exclude: list[str] = field(default_factory=list)
    exclude_file: str | None = None


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
    def from_config(cls, sources: TaskSources) -> "Source | None": ...

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
