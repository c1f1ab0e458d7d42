"""The behavioural contamination check: no pool task may reproduce a held-out task's answers.

Names can hide a paraphrase ("initial" vs "letter_at_1"), so the check runs the mappings: every pool
task over the same input kind is applied to each held-out task's inputs, and the share of those inputs
on which it gives the held-out task's gold answer is measured. Free-text tasks: the raw share. Tasks
with a fixed label set (yes/no): agreement above what the label frequencies give by chance (Cohen's
kappa), because a pool task answering "no" everywhere already matches half of a balanced yes/no task.

    from t2l.tasks.pool.contamination import contamination_report
    bad = [row for row in contamination_report() if row.share > MAX_SHARE]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from t2l.tasks.pool.core import Family, normalise_answer

MAX_SHARE = 0.30


@dataclass(frozen=True)
class Overlap:
    pool_task: str
    heldout_task: str
    share: float         # raw share (free text) or chance-corrected agreement (label tasks)
    inputs: int


def _kappa(pairs: list[tuple[str, str]]) -> float:
    n = len(pairs)
    agree = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(left[k] * right[k] for k in left) / (n * n)
    return 0.0 if chance >= 1 else (agree - chance) / (1 - chance)


def overlap(pool: tuple[Family, dict], heldout: tuple[Family, dict], inputs: list[str], gold: list[str]) -> float:
    """How much of a held-out task's gold answers one pool task reproduces on the held-out inputs."""
    fam, params = pool
    said = [normalise_answer(fam.answer(text, **params)) for text in inputs]
    gold = [normalise_answer(g) for g in gold]
    if heldout[0].labels:
        return _kappa(list(zip(said, gold)))
    return sum(s == g for s, g in zip(said, gold)) / max(1, len(gold))


def contamination_report(index: dict | None = None, tasks: dict | None = None) -> list[Overlap]:
    """Every (pool task, held-out task) pair over the same input kind, with its overlap."""
    from t2l.tasks.pool.build import pool_tasks, task_index

    index = index if index is not None else task_index()
    tasks = tasks if tasks is not None else pool_tasks()
    rows = []
    for h_name, (h_fam, h_params, h_out) in sorted(index.items()):
        if not h_out:
            continue
        examples = tasks[h_name].examples
        inputs, gold = [e.input for e in examples], [e.target for e in examples]
        for p_name, (p_fam, p_params, p_out) in sorted(index.items()):
            if p_out or p_fam.inputs != h_fam.inputs:
                continue
            share = overlap((p_fam, p_params), (h_fam, h_params), inputs, gold)
            rows.append(Overlap(p_name, h_name, share, len(inputs)))
    return rows
