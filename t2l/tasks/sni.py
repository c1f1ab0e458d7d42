"""Super-NaturalInstructions (SNI) task sources.

Two on-disk layouts exist in the wild and both are read here into a generative `RawTask`:

* the natural-instructions repository's task files (`tasks/task001_quoref_question_generation.json`),
  which keep the definition, demonstrations and instances as separate fields;
* the per-task dataset directories published with the Lots-of-LoRAs SNI adapters
  (`task1391_winogrande_classification/data/{train,valid,test}-00000-of-00001.parquet`), whose
  `input` column holds the whole Tk-Instruct prompt. We parse that prompt back into the definition
  (the task description a hypernetwork conditions on) and the bare example input, because the
  trainer builds its own prompt and must not see the publisher's few-shot demonstrations twice.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from t2l.errors import T2LError
from t2l.io import json_error
from t2l.tasks.schema import Example, RawTask

SOURCE = "sni"

# Tk-Instruct prompt landmarks (the Lots-of-LoRAs `input` column is built from this template).
_DEFINITION_PREFIX = "Definition: "
_QUERY_MARKER = "Now complete the following example -\nInput: "
_TRAILING_OUTPUT = re.compile(r"\s*\n\s*Output:\s*$")

# File stems the dataset layout may use for each split, in the order we look for them.
_SPLIT_STEMS = {"train": ("train",), "validation": ("valid", "validation"), "test": ("test",)}
_DATA_EXTS = ("parquet", "jsonl", "json")


def _targets(raw_output) -> tuple[str, ...]:
    """Accepted references: every non-empty output string (a bare string counts as one)."""
    if isinstance(raw_output, str):
        raw_output = [raw_output]
    if not isinstance(raw_output, (list, tuple)):
        return ()
    return tuple(o for o in raw_output if isinstance(o, str) and o.strip())


def _distinct(items) -> list[str]:
    """Order-preserving de-duplication: the first description stays the primary one."""
    return list(dict.fromkeys(items))


def _read_json(path: Path):
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: tolerate a BOM from Windows editors
    except UnicodeDecodeError as err:
        raise T2LError(f"{path} is not UTF-8 text ({err}); re-save it as UTF-8") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise json_error(path, err, "fix the file (a fresh copy from natural-instructions/tasks is valid)") from None


# --------------------------------------------------------------------------- natural-instructions

def _list_field(data: dict, key: str, path: Path) -> list:
    """An optional list field of a task file (metadata): absent is empty, anything but a list is refused."""
    value = data.get(key, [])
    if not isinstance(value, list):
        raise T2LError(f"{path}: '{key}' must be a list, got {type(value).__name__}; fix the field or delete it")
    return list(value)


def load_sni_task_file(path) -> RawTask:
    """Read one natural-instructions task JSON (`Definition`, `Positive Examples`, `Instances`, ...)."""
    path = Path(path)
    if not path.is_file():
        raise T2LError(f"SNI task file {path} does not exist; point data at a task JSON from the "
                       f"natural-instructions repository's tasks/ folder")
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("Instances"), list):
        raise T2LError(f"{path} is not a natural-instructions task file: expected a JSON object with an "
                       f"'Instances' list; use t2l.tasks.local for plain example files")
    name = path.stem

    definition = data.get("Definition", [])
    if isinstance(definition, str):  # some forks store a single string rather than a list
        definition = [definition]
    if not isinstance(definition, list):
        raise T2LError(f"{path}: 'Definition' must be a list of strings (or one string), got "
                       f"{type(definition).__name__}; fix the field")
    descriptions = _distinct(d.strip() for d in definition if isinstance(d, str) and d.strip())

    examples, skipped = [], 0
    for index, instance in enumerate(data["Instances"]):
        if not isinstance(instance, dict) or not isinstance(instance.get("input"), str):
            where = instance.get("id", f"#{index}") if isinstance(instance, dict) else f"#{index}"
            raise T2LError(f"{path}: instance {where} has no 'input' string; fix or delete that instance")
        targets = _targets(instance.get("output"))
        if not targets:
            skipped += 1  # SNI has a handful of instances with blank references: unscoreable, so drop
            continue
        examples.append(Example(input=instance["input"], targets=targets))
    if not examples:
        raise T2LError(f"{path}: no usable instances ({skipped} skipped for an empty 'output'); "
                       f"add instances with a non-empty output or exclude task '{name}'")

    positives = [{"input": ex.get("input", ""), "output": ex.get("output", "")}
                 for ex in _list_field(data, "Positive Examples", path) if isinstance(ex, dict)]
    meta = {
        "path": str(path),
        "format": "natural-instructions",
        "categories": _list_field(data, "Categories", path),
        "domains": _list_field(data, "Domains", path),
        "input_language": _list_field(data, "Input_language", path),
        "output_language": _list_field(data, "Output_language", path),
        "instruction_language": _list_field(data, "Instruction_language", path),
        "source_datasets": _list_field(data, "Source", path),
        "positive_examples": positives,
        "skipped": skipped,
    }
    return RawTask(name=name, source=SOURCE, descriptions=descriptions or [name], metric="gen",
                   examples=examples, meta=meta)


# --------------------------------------------------------------------------- Lots-of-LoRAs datasets

def parse_tk_instruct_prompt(text: str) -> tuple[str | None, str]:
    """Split a Tk-Instruct prompt into (definition, example input).

    Returns (None, text) when `text` lacks the query marker: we then keep the input verbatim rather
    than guess, and the caller falls back to the directory name for a description.
    """
    cut = text.rfind(_QUERY_MARKER)  # last: a demonstration's own input could quote the marker
    if cut < 0:
        return None, text
    query = _TRAILING_OUTPUT.sub("", text[cut + len(_QUERY_MARKER):].rstrip()).strip()
    head = text[:cut].lstrip()
    definition = None
    if head.startswith(_DEFINITION_PREFIX):
        definition = head[len(_DEFINITION_PREFIX):].split("\n\n", 1)[0].strip() or None
    return definition, query


def _split_files(root: Path) -> dict[str, list[Path]]:
    """Data files per split, looked up in `root/data` (the Hub layout) and then `root` itself."""
    found: dict[str, list[Path]] = {}
    for folder in (root / "data", root):
        if not folder.is_dir():
            continue
        for split, stems in _SPLIT_STEMS.items():
            if split in found:
                continue
            for stem in stems:
                for ext in _DATA_EXTS:
                    # `train.parquet` or sharded `train-00000-of-00001.parquet`
                    files = sorted({*folder.glob(f"{stem}.{ext}"), *folder.glob(f"{stem}-*.{ext}")})
                    if files:
                        found[split] = files
                        break
                if split in found:
                    break
    return found


def _json_error_location(path: Path) -> str:
    """Re-parse a JSON/JSONL file with the stdlib to name the line and column `datasets` hid."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
    try:
        if path.suffix == ".jsonl":
            for lineno, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        json.loads(line)
                    except json.JSONDecodeError as err:
                        return f" (malformed JSON at line {lineno}, column {err.colno}: {err.msg})"
        else:
            json.loads(text)
    except json.JSONDecodeError as err:
        return f" (malformed JSON at line {err.lineno}, column {err.colno}: {err.msg})"
    return ""


def _load_rows(files: list[Path]):
    """Rows of one split through Hugging Face `datasets` (local files only, nothing downloaded)."""
    from datasets import (
        load_dataset,  # heavy import: only pay for it when this layout is used
    )

    builder = "parquet" if files[0].suffix == ".parquet" else "json"
    try:
        return load_dataset(builder, data_files=[str(f) for f in files], split="train")
    except Exception as err:  # datasets raises many types; the user needs the file, not the class
        where = ", ".join(str(f) for f in files)
        hint = _json_error_location(files[0]) if builder == "json" else ""
        raise T2LError(f"could not read {where}{hint}: {err}; fix or re-download the file") from err


def load_sni_dataset_dir(path) -> RawTask:
    """Read one Lots-of-LoRAs SNI task directory (`data/{train,valid,test}-*.parquet`)."""
    root = Path(path)
    if not root.is_dir():
        raise T2LError(f"SNI dataset directory {root} does not exist; point data at a per-task folder "
                       f"such as task1391_winogrande_classification/ holding data/train-*.parquet")
    name = root.name
    files = _split_files(root)
    if not files:
        raise T2LError(f"{root} holds no train/valid/test data files (looked for data/train-*.parquet, "
                       f"train.jsonl, ... in {root / 'data'} and {root}); download the task's data there")

    splits: dict[str, list[Example]] = {}
    definitions: list[str] = []
    skipped = 0
    for split, split_files in files.items():
        rows = _load_rows(split_files)
        missing = {"input", "output"} - set(rows.column_names)
        if missing:
            raise T2LError(f"{split_files[0]} lacks column(s) {sorted(missing)} (has {rows.column_names}); "
                           f"SNI data needs 'input' and 'output' columns")
        kept = []
        for row in rows:
            targets = _targets(row["output"])
            if not isinstance(row["input"], str) or not targets:
                skipped += 1
                continue
            definition, query = parse_tk_instruct_prompt(row["input"])
            if definition:
                definitions.append(definition)
            kept.append(Example(input=query, targets=targets))
        splits[split] = kept

    examples = [ex for part in splits.values() for ex in part]
    if not examples:
        raise T2LError(f"{root}: no usable rows ({skipped} skipped for an empty input or output); "
                       f"check the data files or exclude task '{name}'")
    # A publisher split without a test part is useless as a presplit (split_task would refuse it);
    # splitting everything deterministically ourselves is the more useful reading of such a folder.
    presplit = None
    if splits.get("test"):
        presplit = {s: splits.get(s, []) for s in _SPLIT_STEMS}
    meta = {
        "path": str(root),
        "format": "lots-of-loras",
        "files": {s: [str(f) for f in fs] for s, fs in files.items()},
        "split_sizes": {s: len(v) for s, v in splits.items()},
        "skipped": skipped,
    }
    return RawTask(name=name, source=SOURCE, descriptions=_distinct(definitions) or [name],
                   metric="gen", examples=examples, presplit=presplit, meta=meta)


def _is_dataset_dir(path: Path) -> bool:
    return (path / "data").is_dir() or any(path.glob("train*"))


class SNISource:
    """`data.sni` entries: a task file (tasks/task001_*.json), a per-task dataset dir (data/train-*.parquet
    or train*.jsonl), or a folder of either; the layout of each entry is detected here."""

    kind = SOURCE
    prefix = ""
    unavailable = ""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self._found: dict[str, Path] = {}

    @classmethod
    def from_config(cls, sources) -> "SNISource | None":
        return cls([Path(entry).expanduser() for entry in sources.sni]) if sources.sni else None

    def entries(self) -> list:
        from t2l.tasks.source import Entry

        found: list[Entry] = []
        for path in self.paths:
            if path.is_file():
                found.append(Entry(path.stem, path, str(path)))
            elif _is_dataset_dir(path):
                found.append(Entry(path.name, path, str(path)))
            elif path.is_dir():
                for sub in sorted(path.iterdir()):
                    if sub.suffix == ".json":
                        found.append(Entry(sub.stem, sub, str(sub)))
                    elif sub.is_dir() and _is_dataset_dir(sub):
                        found.append(Entry(sub.name, sub, str(sub)))
            else:
                raise T2LError(f"data.sni entry {path} does not exist; fix the path or remove it")
        # A name twice within SNI is the catalog's 'two sources' error, naming both paths.
        self._found.update({entry.name: entry.path for entry in reversed(found)})
        return found

    def load(self, name: str) -> RawTask:
        path = self._found[name]
        return load_sni_task_file(path) if path.is_file() else load_sni_dataset_dir(path)
