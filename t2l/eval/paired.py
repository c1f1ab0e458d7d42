"""Paired differences between two rows scored on the same examples, with a bootstrap 95% interval.

Rows of one evaluation score the same examples (same tasks, same order), so the difference of two
rows is measured example by example; its sampling noise is far smaller than the two rows' separate
standard errors suggest. The statistic is the one the tables print - the unweighted mean over tasks
of per-task accuracy - and the bootstrap resamples examples within each task (seeded).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import torch

BOOTSTRAP_SAMPLES = 2000


def outcomes(predictions: Iterable[dict], row: str, prompts: str | None = None) -> dict[str, list[float]]:
    """{task: [0/1 per example, in scoring order]} of one row (and one prompt setting, when given)."""
    found: dict[str, list[float]] = defaultdict(list)
    for line in predictions:
        if line.get("method") == row and (prompts is None or line.get("prompts", "task") == prompts):
            found[line["task"]].append(float(bool(line["correct"])))
    return dict(found)


def paired_difference(a: dict[str, list[float]], b: dict[str, list[float]], samples: int = BOOTSTRAP_SAMPLES,
                      seed: int = 0) -> dict:
    """mean over tasks of (accuracy_a - accuracy_b) with its bootstrap 95% interval; tasks both rows have."""
    tasks = sorted(t for t in a if t in b and len(a[t]) == len(b[t]) and a[t])
    if not tasks:
        raise ValueError("the two rows share no task scored on the same examples")
    generator = torch.Generator().manual_seed(seed)
    per_task, point = [], []
    for task in tasks:
        diff = torch.tensor(a[task]) - torch.tensor(b[task])
        picks = torch.randint(0, len(diff), (samples, len(diff)), generator=generator)
        per_task.append(diff[picks].mean(dim=1))
        point.append(float(diff.mean()))
    boot = torch.stack(per_task).mean(dim=0)
    low, high = torch.quantile(boot, torch.tensor([0.025, 0.975])).tolist()
    # Examples are resampled within tasks, so one example per task leaves nothing to resample: the
    # "interval" collapses onto the point estimate. Say so instead of printing it as a certainty.
    estimable = any(len(a[t]) > 1 for t in tasks)
    return {"difference": sum(point) / len(point), "low": low, "high": high, "tasks": len(tasks),
            "examples": sum(len(a[t]) for t in tasks), "estimable": estimable}


NOT_ESTIMABLE = "not estimable: one example per task (score at least 2 a task, e.g. limit=2)"


def interval_text(d: dict, width: int = 0) -> str:
    """'[low, high]' in % points, or why there is no interval (results written before 'estimable' count as yes)."""
    if not d.get("estimable", True):
        return NOT_ESTIMABLE
    return f"[{100 * d['low']:+{width}.2f}, {100 * d['high']:+{width}.2f}]"


def paired_against(predictions: list[dict], reference: str, others: Iterable[str], prompts: str | None = None,
                   seed: int = 0) -> dict[str, dict]:
    """{other: paired_difference(reference - other)} for every other row present."""
    ref = outcomes(predictions, reference, prompts)
    table = {}
    for other in others:
        if other != reference:
            theirs = outcomes(predictions, other, prompts)
            if theirs:
                table[other] = paired_difference(ref, theirs, seed=seed)
    return table


def format_paired(reference: str, table: dict[str, dict]) -> str:
    lines = [f"{reference} minus each row (paired, bootstrap 95% interval, % points):"]
    for other, d in table.items():
        if not d.get("estimable", True):
            mark = "not estimated"
        else:
            mark = "above zero" if d["low"] > 0 else "below zero" if d["high"] < 0 else "includes zero"
        lines.append(f"  - {other:<16} {100 * d['difference']:+6.2f}  {interval_text(d, 6)}"
                     f"  ({d['examples']} examples, {d['tasks']} tasks; interval {mark})")
    return "\n".join(lines)


def paired_markdown(results: dict) -> list[str]:
    """Markdown lines: every prompt setting's row averages and, where present, T2L minus each row."""
    lines = []
    settings = results.get("prompt_settings") or {"task": {"methods": results["methods"]}}
    for setting, part in settings.items():
        first = next(iter(part["methods"].values()))
        lines += ["", f"Prompts `{setting}` ({len(first['tasks'])} tasks, {sum(t['n'] for t in first['tasks'].values())} "
                  "examples per row):", "", "| row | kind | average | SE |", "|---|---|---:|---:|"]
        lines += [f"| {name} | {row['kind']} | {100 * row['average']:.2f} | {100 * row['stderr']:.2f} |"
                  for name, row in part["methods"].items()]
        paired = results.get("paired", {}).get(setting, {})
        if paired:
            lines += ["", f"T2L minus each row, prompts `{setting}`: paired by example, bootstrap 95% interval "
                      "(% points; the interval is above zero when T2L is reliably better):", "",
                      "| row | T2L minus row | 95% interval | examples |", "|---|---:|---|---:|"]
            lines += [f"| {name} | {100 * d['difference']:+.2f} | {interval_text(d)} "
                      f"| {d['examples']} |" for name, d in paired.items()]
    return lines


def paired_runs(a_lines: list[dict], a_row: str, b_lines: list[dict], b_row: str, prompts: str = "task",
                seed: int = 0, b_prompts: str | None = None) -> dict:
    """paired_difference(a_row of run A - b_row of run B) for two `t2l eval` runs, after checking that
    both rows scored the same examples in the same order (task by task): by prompt text when both sides use
    one prompt setting, by gold answers when they differ (`b_prompts`: the prompting baseline, `described`,
    against an adapter's `bare` prompts - the same examples shown two ways). Rows of two runs pair only when
    the split and limit were the same."""
    b_prompts = b_prompts or prompts

    def identities(lines: list[dict], row: str, setting: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for line in lines:
            if line.get("method") == row and line.get("prompts", "task") == setting:
                key = line["prompt"] if setting == b_prompts == prompts else repr(line.get("gold", line.get("target")))
                found[line["task"]].append(key)
        if not found:
            rows = sorted({line.get("method") for line in lines})
            settings = sorted({line.get("prompts", "task") for line in lines})
            raise ValueError(f"no row '{row}' with prompts={setting} in these predictions (rows: {rows}; prompt "
                             f"settings: {settings}); name a row and setting both runs scored")
        return found

    seen_a, seen_b = identities(a_lines, a_row, prompts), identities(b_lines, b_row, b_prompts)
    differ = sorted(t for t in set(seen_a) | set(seen_b) if seen_a.get(t) != seen_b.get(t))
    if differ:
        raise ValueError(f"the two rows did not score the same examples for {differ[:5]}"
                         f"{' ...' if len(differ) > 5 else ''}; pair runs made with the same split, limit and prompts")
    return paired_difference(outcomes(a_lines, a_row, prompts), outcomes(b_lines, b_row, b_prompts), seed=seed)
