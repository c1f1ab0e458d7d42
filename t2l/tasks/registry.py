"""Find tasks by name across sources, pick named task lists, apply exclusions and descriptions.

    catalog = TaskCatalog(TaskSources(bigbench_dir="~/.cache/t2l/bigbench"))
    names = catalog.select(split="heldout_bbh", exclude=["navigate"])
    task = catalog.load("date_understanding")          # -> Task with train/validation/test
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from t2l.errors import T2LError
from t2l.tasks.descriptions import REPO_DATA, TRAIN_BANK, DescriptionBank
from t2l.tasks.schema import DEFAULT_FRACTIONS, RawTask, Task, split_task


@dataclass
class TaskSources:
    """Where tasks come from and how they split (conf/data/*.yaml). `t2l tasks` lists what they hold.

    descriptions_dir: the description bank (*.jsonl) that extends or replaces the sources' descriptions;
    eval_descriptions_dir: the held-out tasks' evaluation bank, set by evaluation jobs only (training
    refuses it, see t2l.tasks.descriptions); splits_dir: named task lists.
    exclude / exclude_file always win over inclusion. The example split depends only on
    (seed, task, example text); examples longer than max_input_chars are skipped, counted and logged.
    """

    bigbench_dir: str | None = None
    sni: list[str] = field(default_factory=list)          # task JSON files, dirs of them, or per-task dataset dirs
    local_files: list[str] = field(default_factory=list)  # user .json / .jsonl
    generated: bool = True    # the tasks t2l generates itself (t2l.tasks.generated: BBH's programmatic three)
    pool: bool = True         # the generated pool and held-out described suite (t2l.tasks.pool)
    descriptions_dir: str | None = str(TRAIN_BANK)
    eval_descriptions_dir: str | None = None   # evaluation jobs set it (t2l.tasks.descriptions.EVAL_BANK)
    splits_dir: str = str(REPO_DATA / "splits")
    seed: int = 0
    fractions: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FRACTIONS))
    max_input_chars: int = 4000
    exclude: list[str] = field(default_factory=list)
    exclude_file: str | None = None


def read_name_list(path: Path) -> list[str]:
    """A task list file: one name per line, `#` starts a comment."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


class TaskCatalog:
    def __init__(self, sources: TaskSources):
        self.sources = sources
        self._loaders: dict[str, Callable[[], RawTask]] = {}
        self._sources: dict[str, Path] = {}   # name -> the file (or directory) it is read from
        self._unavailable = ""                # why the bundled BIG-bench is not indexed, when it is not
        self._index_bigbench()
        self._index_sni()
        self._index_local()
        self._index_generated()
        self._index_pool()
        self.bank = DescriptionBank.read(sources.descriptions_dir)
        self.eval_bank = DescriptionBank.read(sources.eval_descriptions_dir) if sources.eval_descriptions_dir else None

    # -- indexing: cheap, no task file is parsed here except small user files ----------------------
    def _add(self, name: str, loader: Callable[[], RawTask], origin: str, source: Path | None = None) -> None:
        if name in self._loaders:
            raise T2LError(f"task name '{name}' comes from two sources (second: {origin}); rename one or drop a source")
        self._loaders[name] = loader
        self._sources[name] = source or Path(origin)

    def fingerprint(self, name: str) -> str:
        """A content hash of what `load(name)` returns: its source file's bytes (a directory: every file's
        path, size and mtime) and its bank descriptions. Caches of derived data key on it."""
        import hashlib

        self.check_known([name])
        digest = hashlib.sha256(name.encode())
        source = self._sources[name]
        if source.is_file():
            digest.update(hashlib.sha256(source.read_bytes()).digest())
        elif source.is_dir():
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                stat = path.stat()
                digest.update(f"{path.relative_to(source)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        for bank in (self.bank, self.eval_bank):
            digest.update(repr(bank.for_task(name) if bank else None).encode())
        return digest.hexdigest()

    def _index_bigbench(self) -> None:
        if not self.sources.bigbench_dir:
            return
        from t2l.assets import BUNDLE_SCHEME, resolve
        from t2l.tasks.bigbench import bigbench_index, load_bigbench_task, task_path

        try:
            root = Path(resolve(self.sources.bigbench_dir)).expanduser()
        except T2LError as err:
            if not self.sources.bigbench_dir.startswith(BUNDLE_SCHEME):
                raise
            # The bundle's BIG-bench could not be had (the package index stopped serving it): the other
            # sources still work, and asking for a task that is not in them says how to get BIG-bench.
            self._unavailable = str(err)
            return
        for name in bigbench_index(root):
            self._add(name, lambda n=name: load_bigbench_task(n, root, self.sources.max_input_chars), str(root),
                      task_path(root, name))

    def _index_sni(self) -> None:
        from t2l.tasks.sni import load_sni_dataset_dir, load_sni_task_file

        for entry in self.sources.sni:
            path = Path(entry).expanduser()
            if path.is_file():
                self._add(path.stem, lambda p=path: load_sni_task_file(p), str(path), path)
            elif (path / "data").is_dir() or any(path.glob("train*")):
                self._add(path.name, lambda p=path: load_sni_dataset_dir(p), str(path), path)
            elif path.is_dir():
                for sub in sorted(path.iterdir()):
                    if sub.suffix == ".json":
                        self._add(sub.stem, lambda p=sub: load_sni_task_file(p), str(sub), sub)
                    elif sub.is_dir() and ((sub / "data").is_dir() or any(sub.glob("train*"))):
                        self._add(sub.name, lambda p=sub: load_sni_dataset_dir(p), str(sub), sub)
            else:
                raise T2LError(f"data.sni entry {path} does not exist; fix the path or remove it")

    def _index_local(self) -> None:
        from t2l.tasks.local import load_local_file

        for entry in self.sources.local_files:
            for raw in load_local_file(Path(entry).expanduser()):
                self._add(raw.name, lambda r=raw: r, entry, Path(entry).expanduser())

    def _index_generated(self) -> None:
        if not self.sources.generated:
            return
        from t2l.tasks import generated

        for name in generated.GENERATED:   # the generator's code is what a fingerprint must see change
            self._add(name, lambda n=name: generated.generate_task(n), "t2l.tasks.generated", Path(generated.__file__))

    def _index_pool(self) -> None:
        if not self.sources.pool:
            return
        from t2l.tasks.pool import build

        for name in build.task_index():   # names come from code; examples are built (or read from cache) on load
            self._add(name, lambda n=name: build.raw_task(n), "t2l.tasks.pool",
                      build.POOL_DIR)

    # -- queries ---------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self._loaders)

    def check_known(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self._loaders:
                close = difflib.get_close_matches(name, self._loaders, n=3, cutoff=0.6)
                hint = f"did you mean {', '.join(close)}?" if close else "list tasks with `t2l tasks`"
                if self._unavailable:
                    hint += (f" (BIG-bench is not indexed: {self._unavailable}; the held-out tasks t2l generates "
                             "itself need no copy: split=heldout_generated)")
                raise T2LError(f"unknown task '{name}'; {hint}")

    def split_names(self, split: str) -> list[str]:
        """Names in a named task list (data/splits/NAME.txt) or in a list file given by path."""
        path = Path(split).expanduser()
        if not path.is_file():
            path = Path(self.sources.splits_dir) / f"{split}.txt"
        if not path.is_file():
            known = sorted(p.stem for p in Path(self.sources.splits_dir).glob("*.txt"))
            raise T2LError(f"unknown task split '{split}'; choose one of {known} or give a file path")
        return read_name_list(path)

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
            raise T2LError("no tasks chosen; pass tasks=[a,b] or split=NAME (see data/splits/)")
        excluded = set(exclude)
        if exclude_file:
            excluded |= set(read_name_list(Path(exclude_file).expanduser()))
        self.check_known(names)
        return [n for n in dict.fromkeys(names) if n not in excluded]

    def load_raw(self, name: str) -> RawTask:
        self.check_known([name])
        raw = self._loaders[name]()
        for bank in (self.bank, self.eval_bank):   # the evaluation bank, when read, has the last word
            texts, replace = bank.for_task(name) if bank else ([], False)
            if texts:
                raw.descriptions = list(dict.fromkeys(texts if replace or bank is self.eval_bank
                                                      else raw.descriptions + texts))
        return raw

    def load(self, name: str) -> Task:
        return split_task(self.load_raw(name), self.sources.seed, self.sources.fractions)
