"""A pool family: one mapping over a shared kind of input, in several variants (its tasks).

    Family(
        name="letter_at", inputs="word",
        answer=lambda text, k: text[k - 1] if len(text) >= k else None,        # what the examples say
        oracle=lambda text, k: re.match(rf".{{{k - 1}}}(.)", text) ...,          # an independent check
        variants={"letter_at_3": {"k": 3}, "letter_at_4": {"k": 4}},
        heldout={"letter_at_2": {"k": 2}},
        descriptions=("Give the {k_ordinal} letter of the word.", ...),          # >= 16, written per family
        params_text=lambda k: {"k_ordinal": ordinal(k)},
    )

A variant's examples come from the family's input kind (t2l.tasks.pool.inputs), shuffled by a seed of
(pool seed, task name), keeping the inputs where the mapping is defined. The build checks every example
against the family's `oracle` (a second implementation or a second data source) and refuses the whole
pool, naming the family's file, when one disagrees: nothing is written.

Multiple choice comes two ways: `labels` (a fixed label set such as ("yes", "no"), balanced by taking
equal numbers of each) or `distractors=k` (the answer plus k other inputs' answers of the same task).
"""

from __future__ import annotations

import inspect
import random
from dataclasses import dataclass, field
from typing import Callable

from t2l.errors import T2LError
from t2l.tasks.schema import Example

EXAMPLES_PER_TASK = 300     # at most; a task with fewer than MIN_EXAMPLES usable inputs is refused
MIN_EXAMPLES = 200          # pool tasks (issue: at least 200 each)
MIN_HELDOUT_EXAMPLES = 150  # held-out tasks: development and test examples, plus train for oracle LoRAs
MIN_DESCRIPTIONS = 16


def normalise_answer(text: str | None) -> str:
    """How answers compare (oracle vs generator, contamination): case and surrounding space ignored."""
    return " ".join(str(text).split()).lower() if text is not None else ""


@dataclass(frozen=True)
class Family:
    name: str
    inputs: str                                    # an input kind of t2l.tasks.pool.inputs
    answer: Callable[..., str | None]              # answer(text, **params); None: undefined for this input
    oracle: Callable[..., str | None]              # the same mapping computed independently
    variants: dict[str, dict]                      # pool task name -> params
    descriptions: tuple[str, ...] = ()             # format strings over params_text(**params)
    heldout: dict[str, dict] = field(default_factory=dict)   # held-out task name -> params (descriptions: eval bank)
    params_text: Callable[..., dict] | None = None  # params -> the words the descriptions fill in
    labels: tuple[str, ...] | None = None           # MC with a fixed label set, balanced
    distractors: int = 0                            # MC: k other answers of the task as wrong choices
    resources: tuple[str, ...] = ()                 # keys of t2l.tasks.pool.resources.RESOURCES (or PyPI names)
    examples: int = EXAMPLES_PER_TASK

    @property
    def metric(self) -> str:
        return "mc" if self.labels or self.distractors else "gen"

    @property
    def origin(self) -> str:
        """The file that defines this family (error messages name it)."""
        try:
            return inspect.getsourcefile(self.answer) or self.name
        except TypeError:
            return self.name

    def tasks(self) -> dict[str, tuple[dict, bool]]:
        """Every task of the family: name -> (params, held out?)."""
        return {**{n: (p, False) for n, p in self.variants.items()}, **{n: (p, True) for n, p in self.heldout.items()}}

    def describe(self, params: dict) -> list[str]:
        words = dict(params, **(self.params_text(**params) if self.params_text else {}))
        try:
            return list(dict.fromkeys(d.format(**words) for d in self.descriptions))
        except (KeyError, IndexError) as err:
            raise T2LError(f"pool family '{self.name}' ({self.origin}): a description names {err} that its params "
                           f"{sorted(words)} do not give; fix the description or params_text") from None


def build_examples(family: Family, task: str, params: dict, items: list[str], seed: int) -> list[Example]:
    """The task's examples: seeded order over the shared inputs, mapping defined, checked by the oracle."""
    rng = random.Random(f"{seed}:{task}")
    order = list(items)
    rng.shuffle(order)
    pairs = []
    for text in order:
        answer = family.answer(text, **params)
        if answer is None or answer == "":
            continue
        expected = family.oracle(text, **params)
        if normalise_answer(expected) != normalise_answer(answer):
            raise T2LError(f"pool family '{family.name}' ({family.origin}): task '{task}' answers {answer!r} for input "
                           f"{text!r} but its oracle says {expected!r}; fix the generator or the oracle (nothing was "
                           "written)")
        pairs.append((text, str(answer)))
    pairs = _balanced(pairs, family.labels, family.examples) if family.labels else pairs[:family.examples]
    if family.labels:
        return [Example(input=t, choices=family.labels, answers=(family.labels.index(a),)) for t, a in pairs]
    if family.distractors:
        return _with_distractors(pairs, family.distractors, rng)
    return [Example(input=t, targets=(a,)) for t, a in pairs]


def _balanced(pairs: list[tuple[str, str]], labels: tuple[str, ...], n: int) -> list[tuple[str, str]]:
    by_label = {label: [p for p in pairs if p[1] == label] for label in labels}
    unknown = {a for _, a in pairs} - set(labels)
    if unknown:
        raise T2LError(f"answers {sorted(unknown)[:3]} are not among the labels {labels}; fix the family")
    each = min(n // len(labels), *(len(v) for v in by_label.values()))
    # interleave so that any prefix stays balanced
    return [by_label[label][i] for i in range(each) for label in labels]


def _with_distractors(pairs: list[tuple[str, str]], k: int, rng: random.Random) -> list[Example]:
    answers = sorted({a for _, a in pairs})
    if len(answers) <= k:
        raise T2LError(f"{len(answers)} distinct answers cannot give {k} distractors per example")
    examples = []
    for text, answer in pairs:
        wrong = []
        while len(wrong) < k:
            pick = rng.choice(answers)
            if normalise_answer(pick) != normalise_answer(answer) and pick not in wrong:
                wrong.append(pick)
        choices = [answer, *wrong]
        rng.shuffle(choices)
        examples.append(Example(input=text, choices=tuple(choices), answers=(choices.index(answer),)))
    return examples
