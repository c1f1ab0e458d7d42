"""Description banks: many plain-language descriptions per task, one bank for training, one for evaluation.

    t2l/data/descriptions/train/*.jsonl   training-pool tasks (>= 16 each); read by training and evaluation
    t2l/data/descriptions/eval/*.jsonl    held-out tasks (>= 5 each); read by evaluation only

A line is `{"task": NAME, "descriptions": [...], "how": "hand|template|generation"}`, or
`{"family": FAMILY, ...}` for a set shared by every `FAMILY:subtask` (subtasks that differ only in
size). `replace: true` drops the source's own descriptions instead of extending them.
t2l/data/descriptions/README.md says how each file was made.

Training must never see an evaluation description: `refuse_eval_bank` stops a training job that is
pointed at the evaluation bank, and `check_training_bank` refuses a training bank that describes a
held-out task or repeats an evaluation text (contamination).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from t2l.errors import T2LError
from t2l.io import parse_json_line
from t2l.package_data import DATA_DIR
from t2l.tasks.schema import family

TRAIN_BANK = DATA_DIR / "descriptions" / "train"
EVAL_BANK = DATA_DIR / "descriptions" / "eval"
HOW = ("hand", "template", "generation")


def normalise_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass
class DescriptionBank:
    """Texts by task name and by family, read from every *.jsonl of a directory."""

    tasks: dict[str, list[str]] = field(default_factory=dict)
    families: dict[str, list[str]] = field(default_factory=dict)
    replace: set[str] = field(default_factory=set)          # task or family keys that replace
    how: dict[str, str] = field(default_factory=dict)       # key -> how the set was made
    files: list[Path] = field(default_factory=list)

    @classmethod
    def read(cls, directory: Path | str | None) -> "DescriptionBank":
        bank = cls()
        directory = Path(directory).expanduser() if directory else None
        for path in sorted(directory.glob("*.jsonl")) if directory and directory.is_dir() else []:
            bank.files.append(path)
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as err:
                raise T2LError(f"description bank {path} is not UTF-8 text ({err}); re-save it as UTF-8 JSONL "
                               "(one {\"task\": ..., \"descriptions\": [...]} object per line)") from None
            for lineno, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    bank._add(parse_json_line(line, path, lineno), path, lineno)
        return bank

    def _add(self, row, path: Path, lineno: int) -> None:
        texts = row.get("descriptions") if isinstance(row, dict) else None
        keys = [k for k in ("task", "family") if isinstance(row, dict) and isinstance(row.get(k), str)]
        if len(keys) != 1 or not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise T2LError(f"{path} line {lineno}: expected {{\"task\" or \"family\": str, \"descriptions\": [str, ...]}}")
        if row.get("how", "hand") not in HOW:
            raise T2LError(f"{path} line {lineno}: \"how\" must be one of {list(HOW)}")
        key = row[keys[0]]
        table = self.tasks if keys[0] == "task" else self.families
        table[key] = list(dict.fromkeys(table.get(key, []) + [t.strip() for t in texts if t.strip()]))
        self.how[key] = row.get("how", "hand")
        if row.get("replace"):
            self.replace.add(key)

    def for_task(self, name: str) -> tuple[list[str], bool]:
        """(texts for `name`: its own set, then its family's; whether they replace the source's)."""
        own, shared = self.tasks.get(name, []), self.families.get(family(name), [])
        return list(dict.fromkeys(own + shared)), name in self.replace or family(name) in self.replace

    def texts(self) -> set[str]:
        return {normalise_text(t) for texts in [*self.tasks.values(), *self.families.values()] for t in texts}

    def __len__(self) -> int:
        return len(self.tasks) + len(self.families)


def refuse_eval_bank(directory: Path | str | None) -> None:
    """Training may not read the evaluation bank (it describes held-out tasks)."""
    if directory and Path(directory).expanduser().resolve() == EVAL_BANK.resolve():
        raise T2LError(f"{directory} holds the held-out tasks' evaluation descriptions; training never reads it "
                       f"(contamination); set data.descriptions_dir to {TRAIN_BANK}")


def check_training_bank(bank: DescriptionBank, heldout: list[str], eval_bank: DescriptionBank | None = None) -> None:
    """Refuse a training bank that describes a held-out task or repeats an evaluation description."""
    heldout_families = {family(n) for n in heldout}
    named = [k for k in bank.tasks if k in heldout or family(k) in heldout_families]
    named += [k for k in bank.families if k in heldout_families]
    if named:
        raise T2LError(f"the training description bank ({', '.join(map(str, bank.files)) or 'empty'}) describes held-out "
                       f"tasks {named[:5]} (contamination); move those lines to {EVAL_BANK}")
    shared = bank.texts() & eval_bank.texts() if eval_bank else set()
    if shared:
        raise T2LError(f"the training description bank repeats {len(shared)} evaluation description(s), e.g. "
                       f"{sorted(shared)[0]!r} (contamination); remove them from {TRAIN_BANK}")
