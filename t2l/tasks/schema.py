"""One schema for every task source, and the deterministic train/validation/test split.

A source yields a `RawTask` (all examples, unsplit, or already split by its publisher); `split_task`
turns it into a `Task`. The split depends only on (seed, task name, example content), so it is the
same on every run and every machine, and does not move when a file's example order changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from t2l.errors import T2LError

Metric = Literal["mc", "gen"]
SPLITS = ("train", "validation", "test")
DEFAULT_FRACTIONS = {"train": 0.6, "validation": 0.1, "test": 0.3}
MIN_EXAMPLES = 3  # one per split
# The label of a token no loss is taken on (prompt, padding): torch cross_entropy's default ignore_index,
# which the Hugging Face models' own loss uses too.
IGNORE_INDEX = -100


def family(name: str) -> str:
    """`tracking_shuffled_objects:three_objects` -> `tracking_shuffled_objects` (a task and its subtasks)."""
    return name.split(":", 1)[0]


@dataclass(frozen=True)
class Example:
    """One scored example.

    Multiple choice: `choices` and `answers` (indices of every choice with the top score; ties are
    rare but real in BIG-bench). Generative: `targets`, every accepted reference. `target` is the text
    a model is trained to produce in both cases.
    """

    input: str
    targets: tuple[str, ...] = ()
    choices: tuple[str, ...] | None = None
    answers: tuple[int, ...] = ()

    @property
    def is_mc(self) -> bool:
        return self.choices is not None

    @property
    def answer(self) -> int | None:
        return self.answers[0] if self.answers else None

    @property
    def target(self) -> str:
        return self.choices[self.answers[0]] if self.is_mc else self.targets[0]

    def to_dict(self) -> dict:
        if self.is_mc:
            return {"input": self.input, "choices": list(self.choices), "answers": list(self.answers)}
        return {"input": self.input, "targets": list(self.targets)}


@dataclass
class RawTask:
    """What a source reads: all usable examples, plus the publisher's split if it has one."""

    name: str
    source: str
    descriptions: list[str]
    metric: Metric
    examples: list[Example] = field(default_factory=list)
    presplit: dict[str, list[Example]] | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class Task:
    name: str
    source: str
    descriptions: list[str]
    metric: Metric
    train: list[Example]
    validation: list[Example]
    test: list[Example]
    meta: dict = field(default_factory=dict)

    def split(self, name: str) -> list[Example]:
        if name not in SPLITS:
            raise T2LError(f"unknown split '{name}'; choose one of {list(SPLITS)}")
        return getattr(self, name)

    @property
    def description(self) -> str:
        return self.descriptions[0] if self.descriptions else self.name


def _order_key(seed: int, task: str, index: int, example: Example) -> tuple[bytes, int]:
    digest = hashlib.sha256(f"{seed}\x00{task}\x00{example.input}".encode()).digest()
    return digest, index  # index breaks ties between identical inputs


def split_examples(task: str, examples: list[Example], seed: int = 0,
                   fractions: dict[str, float] | None = None) -> dict[str, list[Example]]:
    """Deterministic split by hashing content: stable across runs, machines and file reorderings."""
    fractions = {**DEFAULT_FRACTIONS, **(fractions or {})}
    if set(fractions) != set(SPLITS) or any(v < 0 for v in fractions.values()) or abs(sum(fractions.values()) - 1) > 1e-6:
        raise T2LError(f"data.fractions must give train/validation/test shares that sum to 1, got {fractions}")
    if len(examples) < MIN_EXAMPLES:
        raise T2LError(f"task '{task}' has {len(examples)} usable examples, too few to split into "
                       f"train/validation/test (need {MIN_EXAMPLES}); exclude it with data.exclude=[{task}]")
    order = sorted(range(len(examples)), key=lambda i: _order_key(seed, task, i, examples[i]))
    n = len(order)
    n_test = max(1, round(n * fractions["test"])) if fractions["test"] > 0 else 0
    n_val = max(1, round(n * fractions["validation"])) if fractions["validation"] > 0 else 0
    n_test = min(n_test, n - 1)  # train always keeps at least one example, and never a test one
    n_val = max(0, min(n_val, n - n_test - 1))
    picked = [examples[i] for i in order]
    return {"test": picked[:n_test], "validation": picked[n_test:n_test + n_val], "train": picked[n_test + n_val:]}


def _check_unicode(raw: RawTask) -> None:
    """Every text of a task must be valid Unicode: a JSON escape of a lone surrogate (\\udcff) parses, but
    no tokenizer, hash or file can take it. Refused here, naming the task, its file and the example."""
    examples = raw.examples + [ex for part in (raw.presplit or {}).values() for ex in part]
    texts = [("a description", d) for d in raw.descriptions]
    texts += [(f"example {i + 1}", t) for i, ex in enumerate(examples) for t in (ex.input, *ex.targets, *(ex.choices or ()))]
    for where, text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            source = raw.meta.get("path", raw.source)
            raise T2LError(f"task '{raw.name}' ({source}): {where} holds text that is not valid Unicode (a lone "
                           f"surrogate such as \\udcff, from a damaged file); fix or delete it") from None


def split_task(raw: RawTask, seed: int = 0, fractions: dict[str, float] | None = None) -> Task:
    """The task split by the seeded content hash (split_examples), or as its publisher split it (presplit).

    A source that fixes its own shares records them in raw.meta["fractions"] (BIG-Bench Hard: 0.3 / 0.2 / 0.5,
    t2l.tasks.bbh.FRACTIONS); they win over `fractions` (data.fractions), so a benchmark splits the same
    way in every job. The hash is the same either way.
    """
    _check_unicode(raw)
    fractions = raw.meta.get("fractions") or fractions
    if raw.presplit is not None:
        parts = {name: list(raw.presplit.get(name, [])) for name in SPLITS}
        if not parts["test"]:
            raise T2LError(f"task '{raw.name}' ships no test examples; provide a test split or drop its presplit")
    else:
        parts = split_examples(raw.name, raw.examples, seed, fractions)
    return Task(raw.name, raw.source, list(raw.descriptions), raw.metric,
                parts["train"], parts["validation"], parts["test"], dict(raw.meta))


def validation_cost(task: "Task", examples: int = 16) -> float | None:
    """What scoring a task's first validation examples costs, roughly (None: no validation split).

    Scoring cost grows with prompt length times the number of choices (a 100-choice task with long
    stories costs hundreds of times a yes/no one).
    """
    shown = task.validation[:examples]
    if not shown:
        return None
    return sum(len(ex.input) * max(1, len(ex.choices or ())) for ex in shown) / len(shown)


def pick_validation_names(costs: dict[str, float | None], n: int, seed: int = 0) -> list[str]:
    """n task names to validate on during training: a seeded draw from the cheaper half of the pool.

    The alphabetically first pool tasks happen to be the dearest (abstract_narrative_understanding:
    99_distractors): taking the first n stalled training.
    """
    import random

    candidates = sorted((c, name) for name, c in costs.items() if c is not None)
    cheap = sorted(name for _, name in candidates[: max(n, len(candidates) // 2)])
    return random.Random(seed).sample(cheap, min(n, len(cheap)))


def validation_tasks(tasks: list["Task"], n: int, seed: int = 0, examples: int = 16) -> list["Task"]:
    """The tasks pick_validation_names chooses, from loaded tasks."""
    by_name = {t.name: t for t in tasks}
    return [by_name[name] for name in pick_validation_names({t.name: validation_cost(t, examples) for t in tasks}, n, seed)]
