"""Find tasks by name across sources, pick named task lists, apply exclusions and descriptions.

    catalog = TaskCatalog(TaskSources(bigbench_dir="~/.cache/t2l/bigbench"))
    names = catalog.select(split="heldout_bbh", exclude=["bbh:navigate"])   # with data.bbh_dir
    task = catalog.load("date_understanding")          # -> Task with train/validation/test
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from t2l.errors import T2LError
from t2l.tasks.descriptions import DescriptionBank
from t2l.tasks.schema import RawTask, Task, split_task
from t2l.tasks.source import Entry, TaskSources   # TaskSources lives beside the Source protocol it configures

__all__ = ["TaskCatalog", "TaskSources", "read_name_list"]

if TYPE_CHECKING:
    from t2l.tasks.source import Source


def read_name_list(path: Path) -> list[str]:
    """A task list file: one name per line, `#` starts a comment."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


class TaskCatalog:
    """Every task of every configured source (t2l.tasks.source.SOURCES), by name."""

    def __init__(self, sources: TaskSources):
        from t2l.tasks.source import source_classes

        self.sources = sources
        self._entries: dict[str, tuple[Entry, "Source"]] = {}   # name -> (what it is read from, its source)
        self._unavailable: list["Source"] = []                  # configured sources that could not be read
        for cls in source_classes():
            source = cls.from_config(sources)
            if source is None:
                continue
            if source.unavailable:
                self._unavailable.append(source)
            for entry in source.entries():
                self._add(entry, source)
        self.bank = DescriptionBank.read(sources.descriptions_dir)
        self.eval_bank = DescriptionBank.read(sources.eval_descriptions_dir) if sources.eval_descriptions_dir else None

    def _add(self, entry: Entry, source: "Source") -> None:
        if entry.name in self._entries:
            first, first_source = self._entries[entry.name]
            raise T2LError(f"task name '{entry.name}' comes from two sources ({first_source.kind}: {first.origin}; "
                           f"{source.kind}: {entry.origin}); rename one or drop a source")
        self._entries[entry.name] = (entry, source)

    def source_of(self, name: str) -> str:
        """The kind of source a task comes from (bigbench, bbh, sni, local, generated, pool)."""
        self.check_known([name])
        return self._entries[name][1].kind

    def path_of(self, name: str) -> Path:
        """The file (or directory) a task is read from."""
        self.check_known([name])
        return self._entries[name][0].path

    def fingerprint(self, name: str) -> str:
        """A content hash of what `load(name)` returns: its source file's bytes (a directory: every file's
        path, size and mtime) and its bank descriptions. Caches of derived data key on it."""
        import hashlib

        from t2l.tasks.source import path_fingerprint

        self.check_known([name])
        digest = hashlib.sha256(name.encode())
        digest.update(path_fingerprint(self._entries[name][0].path))
        for bank in (self.bank, self.eval_bank):
            digest.update(repr(bank.for_task(name) if bank else None).encode())
        return digest.hexdigest()

    # -- queries ---------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self._entries)

    def check_known(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self._entries:
                close = difflib.get_close_matches(name, self._entries, n=3, cutoff=0.6)
                hint = f"did you mean {', '.join(close)}?" if close else "list tasks with `t2l tasks`"
                # A source that could not be read explains a miss of a name it would have given.
                claimed = [s for s in self._unavailable if s.prefix and name.startswith(s.prefix)]
                for source in claimed or [s for s in self._unavailable if not s.prefix]:
                    hint += f" ({source.unavailable})"
                raise T2LError(f"unknown task '{name}'; {hint}")

    def split_names(self, split: str, _seen: tuple[str, ...] = ()) -> list[str]:
        """Names in a named task list (t2l/data/splits/NAME.txt) or in a list file given by path.

        A line `@OTHER` includes another list; `@OTHER?` only those of its tasks that some configured source
        holds (the pool takes the BIG-bench training tasks that are prepared: none, the 12 non-BBH tasks of a
        22-task folder, or all of them with a full copy)."""
        path = Path(split).expanduser()
        if not path.is_file():
            path = Path(self.sources.splits_dir) / f"{split}.txt"
        if not path.is_file():
            known = sorted(p.stem for p in Path(self.sources.splits_dir).glob("*.txt"))
            raise T2LError(f"unknown task split '{split}'; choose one of {known} or give a file path")
        if split in _seen:
            raise T2LError(f"task list {path} includes itself through {' -> '.join(_seen)}; remove the @ line")
        names: list[str] = []
        for name in read_name_list(path):
            if name.startswith("@"):
                other, available_only = name[1:].rstrip("?"), name.endswith("?")
                included = self.split_names(other, (*_seen, split))
                names += [n for n in included if n in self._entries] if available_only else included
            else:
                names.append(name)
        return list(dict.fromkeys(names))

    def select(self, tasks: Iterable[str] | None = None, split: str | None = None,
               exclude: Iterable[str] | None = None, exclude_file: str | None = None) -> list[str]:
        """Task names from an explicit list or a named split, minus exclusions (exclusion always wins).

        exclude / exclude_file default to the sources' own (data.exclude / data.exclude_file).
        """
        exclude = self.sources.exclude if exclude is None else exclude
        exclude_file = exclude_file or self.sources.exclude_file
        if tasks:
            names = list(tasks)
        elif split:
            names = self.split_names(split)
        else:
            raise T2LError("no tasks chosen; pass tasks=[a,b] or split=NAME (see t2l/data/splits/)")
        excluded = set(exclude)
        if exclude_file:
            excluded |= set(read_name_list(Path(exclude_file).expanduser()))
        self.check_known(names)
        return [n for n in dict.fromkeys(names) if n not in excluded]

    def load_raw(self, name: str) -> RawTask:
        self.check_known([name])
        raw = self._entries[name][1].load(name)
        for bank in (self.bank, self.eval_bank):   # the evaluation bank, when read, has the last word
            texts, replace = bank.for_task(name) if bank else ([], False)
            if texts:
                raw.descriptions = list(dict.fromkeys(texts if replace or bank is self.eval_bank
                                                      else raw.descriptions + texts))
        return raw

    def load(self, name: str) -> Task:
        """The task, split by the seeded content hash: by data.fractions, or by the source's own fractions where
        it records them (RawTask.meta["fractions"]: BIG-Bench Hard's 0.3 / 0.2 / 0.5)."""
        return split_task(self.load_raw(name), self.sources.seed, self.sources.fractions)
