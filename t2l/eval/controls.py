"""Row kinds and control descriptions for T2L evaluation: does the description matter?

Every evaluated row is one of KINDS: a `method` (a competitor), a `control` (T2L fed a description
that should not help) or an `upper_bound` (e.g. an oracle LoRA trained on the task itself). The
controls:

- random:  as many words as the real description, drawn at random (seeded) from the words of all the
           evaluated tasks' descriptions - text-like, but about nothing.
- wrong:   another evaluated task's description (a rotation), so the adapter is for the wrong task.
- generic: an empty-ish instruction that names no task.
"""

from __future__ import annotations

import random
import re
from typing import Sequence

from t2l.errors import T2LError

GENERIC_DESCRIPTION = "Solve the following task."
FALLBACK_WRONG = "Translate English sentences into French."
KINDS = ("method", "control", "upper_bound")
# What each control feeds the hypernetwork; reports print these next to the rows.
CONTROLS = {"random": "random words drawn from the task descriptions (text about nothing)",
            "wrong": "another evaluated task's description (an adapter for the wrong task)",
            "generic": "a generic instruction that names no task"}
# Controls that are not descriptions: t2l_rows adds them beside the example-conditioned row.
INPUT_CONTROLS = {"wrong_examples": "another evaluated task's unlabeled example inputs (examples condition)"}
UPPER_BOUNDS = {"oracle": "a LoRA trained on the held-out task's own examples; not zero-shot, an upper bound"}


def control_descriptions(real: Sequence[str], controls: Sequence[str], seed: int = 0,
                         draw: int = 0) -> dict[str, list[str]]:
    """{control: one description per task}, in the order `controls` names them; `real` holds each task's
    description. `draw` > 0 seeds another random draw (one per rotated evaluation description)."""
    unknown = set(controls) - set(CONTROLS)
    if unknown:
        raise T2LError(f"unknown controls {sorted(unknown)}; choose from {list(CONTROLS)}")
    out: dict[str, list[str]] = {}
    if "random" in controls:
        vocab = sorted({w for d in real for w in re.findall(r"[A-Za-z]+", d.lower())}) or ["task"]
        rng = random.Random(f"random-description:{seed}" + (f":{draw}" if draw else ""))
        out["random"] = [" ".join(rng.choice(vocab) for _ in range(max(3, len(d.split())))) for d in real]
    if "wrong" in controls:
        out["wrong"] = [real[(i + 1) % len(real)] if len(real) > 1 else FALLBACK_WRONG for i in range(len(real))]
    if "generic" in controls:
        out["generic"] = [GENERIC_DESCRIPTION] * len(real)
    return out


def rotated_controls(real: Sequence[Sequence[str]], controls: Sequence[str], seed: int = 0) -> dict[str, list[list[str]]]:
    """Controls for tasks with several evaluation descriptions each: for the k-th description of every task
    (cycled where a task has fewer), the k-th control text, so a control rotates the way T2L does.
    Wrong: the next task's k-th description. With one description per task this is control_descriptions."""
    draws = [control_descriptions([texts[k % len(texts)] for texts in real], controls, seed, draw=k)
             for k in range(max(len(texts) for texts in real))]
    return {control: [[draws[k][control][t] for k in range(len(texts))] for t, texts in enumerate(real)]
            for control in (draws[0] if draws else {})}
