"""Tasks that t2l generates itself, from seeded code: no download, the same examples on every machine.

Superseded for evaluation by BIG-Bench Hard's published files (t2l.tasks.bbh, `split=heldout_bbh`, tasks
`bbh:boolean_expressions`, `bbh:web_of_lies`, `bbh:multistep_arithmetic_two` among the 27): those are the
standard benchmark and give way to nothing. This module stays as a self-contained, download-free set of
held-out tasks (`split=heldout_generated`; `make demo` falls back to it only where the BBH files are not
prepared), and its names stay held out from training.

BIG-bench defines these three BBH tasks by code (their examples come from code), so its JSON never held
them. The generators here follow their published definitions (our own code, not BIG-bench's), so they
are held-out tasks by construction: no training pool ever contained them.

    boolean_expressions        "not ( True ) and ( False or True ) is"  -> True / False   (multiple choice)
    web_of_lies                who tells the truth along a chain of five people -> Yes / No (multiple choice)
    multistep_arithmetic_two   "((-3 + 7) * (2 - -5)) ="                 -> "28"            (generative)

Prompts follow BIG-bench's JSON layout (t2l.tasks.bigbench.bigbench_prompt: task prefix, "Q: ",
choices, "A: "), which is the layout every training-pool task was shown in.

    from t2l.tasks.generated import GENERATED, generate_task
    raw = generate_task("web_of_lies")            # RawTask with 250 examples
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from t2l.tasks.bigbench import bigbench_prompt
from t2l.tasks.schema import Example, RawTask

SOURCE = "generated"
EXAMPLES_PER_TASK = 250        # as many as each of these tasks has in BIG-Bench-Hard
GENERATION_SEED = 2026         # part of the data's identity: changing it changes every example

# How tightly a boolean sub-expression binds (Python: not > and > or): a parent parenthesises a child
# that binds more loosely than its own operator.
_OR, _AND, _NOT, _ATOM = 1, 2, 3, 4


def _boolean(rng: random.Random, literals: int) -> tuple[str, bool, int]:
    """A random expression over `literals` True/False literals with not / and / or and optional parentheses.

    The text reads under Python's precedence (not > and > or); a sub-expression is parenthesised
    whenever its operator binds more loosely than its parent's, so the value computed here is the
    value of the text (tests check it against Python's own evaluation).
    """
    if literals == 1:
        text, prec = rng.choice(["True", "False"]), _ATOM
        value = text == "True"
    else:
        left_n = rng.randint(1, literals - 1)
        left, right = _boolean(rng, left_n), _boolean(rng, literals - left_n)
        op = rng.choice(["and", "or"])
        prec = _AND if op == "and" else _OR
        parts = [f"( {t} )" if p < prec or (p == prec and i == 1 and rng.random() < 0.3) else t
                 for i, (t, _, p) in enumerate((left, right))]
        text = f"{parts[0]} {op} {parts[1]}"
        value = (left[1] and right[1]) if op == "and" else (left[1] or right[1])
    if rng.random() < 0.35:   # an optional negation, sometimes doubled, of this sub-expression
        for _ in range(rng.choice([1, 1, 2])):
            text = f"not {text}" if prec >= _NOT else f"not ( {text} )"
            value, prec = not value, _NOT
    elif prec == _ATOM and rng.random() < 0.15:
        text = f"( {text} )"
    return text, value, prec


def boolean_expressions(rng: random.Random) -> tuple[str, tuple[str, ...], int]:
    text, value, _ = _boolean(rng, rng.randint(3, 5))
    return f"{text} is", ("True", "False"), 0 if value else 1


NAMES = ("Alejandro", "Amberly", "Andree", "Antwan", "Audrie", "Bernita", "Bryant", "Calvin", "Catherine",
         "Christie", "Conception", "Crista", "Delbert", "Delfina", "Dallas", "Elanor", "Ellen", "Emil",
         "Fidel", "Fletcher", "Gwenn", "Helene", "Inga", "Jamey", "Jerry", "Jim", "Kandi", "Kristian",
         "Leda", "Lorine", "Maybelle", "Millicent", "Michaela", "Osvaldo", "Phoebe", "Raymond", "Rashida",
         "Sal", "Shalonda", "Sherrie", "Shaunda", "Tamika", "Teressa", "Ryan", "Ka", "Vina", "Willian", "Yoland")


def web_of_lies(rng: random.Random) -> tuple[str, tuple[str, ...], int]:
    """The first person's honesty is stated; each next person says whether the previous one lies."""
    people = rng.sample(NAMES, 5)
    honest = rng.random() < 0.5
    sentences = [f"{people[0]} {'tells the truth' if honest else 'lies'}."]
    for previous, person in zip(people, people[1:]):
        claims_truth = rng.random() < 0.5
        sentences.append(f"{person} says {previous} {'tells the truth' if claims_truth else 'lies'}.")
        honest = claims_truth == honest      # the claim is right exactly when the speaker is honest
    question = f"Question: {' '.join(sentences)} Does {people[-1]} tell the truth?"
    return question, ("Yes", "No"), 0 if honest else 1


def multistep_arithmetic_two(rng: random.Random) -> tuple[str, tuple[str, ...], int]:
    """((a op b) op (c op d)) with integers in [-9, 9] and + - *; the answer as an integer string."""
    def term() -> tuple[str, int]:
        a, b, op = rng.randint(-9, 9), rng.randint(-9, 9), rng.choice("+-*")
        return f"({a} {op} {b})", {"+": a + b, "-": a - b, "*": a * b}[op]

    (left, x), (right, y), op = term(), term(), rng.choice("+-*")
    return f"({left} {op} {right}) =", (str({"+": x + y, "-": x - y, "*": x * y}[op]),), 0


@dataclass(frozen=True)
class Generator:
    make: Callable[[random.Random], tuple[str, tuple[str, ...], int]]   # (input, choices or (target,), answer)
    metric: str
    description: str   # the source's own description, as BIG-bench's "description" field
    task_prefix: str   # the instruction a `task`-setting prompt starts with (dropped in the `bare` setting)


GENERATED: dict[str, Generator] = {
    "boolean_expressions": Generator(
        boolean_expressions, "mc", "Evaluate the result of a random Boolean expression.",
        "Evaluate the result of a random Boolean expression.\n"),
    "web_of_lies": Generator(
        web_of_lies, "mc", "Evaluate a random boolean function expressed as a word problem.",
        "Evaluate a random boolean function expressed as a word problem.\n"),
    "multistep_arithmetic_two": Generator(
        multistep_arithmetic_two, "gen", "Solve multi-step arithmetic problems.",
        "Solve multi-step arithmetic problems.\n"),
}


def prompt_text(generator: Generator, text: str, choices: tuple[str, ...]) -> str:
    """The example input as BIG-bench builds a JSON task's prompt: prefix, Q:, choices (MC), A:."""
    return bigbench_prompt(text, choices if generator.metric == "mc" else None, generator.task_prefix)


def generate_task(name: str, n: int = EXAMPLES_PER_TASK) -> RawTask:
    """`n` distinct examples of a generated task; multiple-choice answers are balanced by construction."""
    generator = GENERATED[name]
    rng = random.Random(f"{GENERATION_SEED}:{name}")
    examples, seen = [], set()
    while len(examples) < n:
        text, choices, answer = generator.make(rng)
        if generator.metric == "mc" and answer != len(examples) % len(choices):
            continue            # rejection keeps the classes balanced: the majority class is chance
        if text in seen:
            continue
        seen.add(text)
        prompt = prompt_text(generator, text, choices)
        examples.append(Example(input=prompt, choices=choices, answers=(answer,)) if generator.metric == "mc"
                        else Example(input=prompt, targets=choices))
    return RawTask(name=name, source=SOURCE, descriptions=[generator.description], metric=generator.metric,
                   examples=examples, meta={"task_prefix": generator.task_prefix, "generation_seed": GENERATION_SEED})


class GeneratedSource:
    """The generated tasks (`data.generated`, on by default). Their fingerprint hashes this module: the
    generator's code is what a change of their examples comes from."""

    kind = SOURCE
    prefix = ""
    unavailable = ""

    @classmethod
    def from_config(cls, sources) -> "GeneratedSource | None":
        return cls() if sources.generated else None

    def entries(self) -> list:
        from pathlib import Path

        from t2l.tasks.source import Entry

        return [Entry(name, Path(__file__), "t2l.tasks.generated") for name in GENERATED]

    def load(self, name: str) -> RawTask:
        return generate_task(name)
