"""Checks of a recorded paired bootstrap interval (results.json "paired") against the predictions it came from.

Independent of t2l.eval.paired: the per-example outcomes are read back from predictions.jsonl, and the exact
bootstrap distribution of the statistic (mean over tasks of a with-replacement resample's mean difference)
is enumerated, which is cheap for the few examples per task the tests score. The recorded interval is a
2000-draw percentile bootstrap of that distribution, so its ends must sit where the exact 2.5% / 97.5%
quantiles are, within sampling error; with one example per task every resample is the same and the
interval has no width.
"""

from __future__ import annotations

import itertools
from collections import Counter
from fractions import Fraction

import pytest

EPS = 1e-6               # the bootstrap runs in float32
MAX_EXAMPLES = 6         # n**n resamples per task are enumerated
# P(draw beyond an end) is 2.5% in expectation; 2000 draws put it within +-1.5% (over 4 standard errors)
TAIL_LOW, TAIL_HIGH = 0.01, 0.04


def outcomes(lines: list[dict], method: str, prompts: str = "task") -> dict[str, list[int]]:
    """{task: [1 if correct else 0, in scoring order]} of one row of predictions.jsonl."""
    found: dict[str, list[int]] = {}
    for line in lines:
        if line["method"] == method and line.get("prompts", "task") == prompts:
            found.setdefault(line["task"], []).append(int(bool(line["correct"])))
    return found


def differences(lines: list[dict], a: str, b: str, prompts: str = "task") -> dict[str, list[int]]:
    """{task: row a's outcome minus row b's, example by example} (rows score the same examples in order)."""
    ours, theirs = outcomes(lines, a, prompts), outcomes(lines, b, prompts)
    assert set(ours) == set(theirs) and all(len(ours[t]) == len(theirs[t]) for t in ours), (a, b)
    return {t: [x - y for x, y in zip(ours[t], theirs[t])] for t in sorted(ours)}


def exact_bootstrap(diffs: dict[str, list[int]]) -> dict[Fraction, Fraction]:
    """{value: probability} of the mean over tasks of each task's resampled mean difference."""
    total: Counter = Counter({Fraction(0): Fraction(1)})
    for values in diffs.values():
        n = len(values)
        assert 1 <= n <= MAX_EXAMPLES, f"{n} examples: too many to enumerate {n}**{n} resamples"
        task = Counter(Fraction(sum(pick), n) for pick in itertools.product(values, repeat=n))
        step: Counter = Counter()
        for (s, p), (v, c) in itertools.product(total.items(), task.items()):
            step[s + v] += p * Fraction(c, n ** n)
        total = step
    return {s / len(diffs): p for s, p in total.items()}


def check_paired_interval(recorded: dict, diffs: dict[str, list[int]]) -> None:
    """The recorded {difference, low, high, tasks, examples} is the paired bootstrap of `diffs`."""
    point = sum(Fraction(sum(v), len(v)) for v in diffs.values()) / len(diffs)
    assert recorded["difference"] == pytest.approx(float(point), abs=EPS)
    assert recorded["tasks"] == len(diffs) and recorded["examples"] == sum(map(len, diffs.values()))
    low, high = recorded["low"], recorded["high"]
    # EPS: the ends are float32 and the point float64, so a zero-width interval can miss its point by 1e-8
    assert low - EPS <= recorded["difference"] <= high + EPS
    dist = exact_bootstrap(diffs)
    if len(dist) == 1:   # no spread to resample: the interval is the point
        assert low == pytest.approx(float(point), abs=EPS) and high == pytest.approx(float(point), abs=EPS), \
            f"every resample gives {float(point)}, yet the interval is [{low}, {high}]"
        return
    assert high - low > EPS, "examples disagree, yet the interval has no width"
    assert min(dist) - EPS <= low and high <= max(dist) + EPS, "an end no resample can reach"
    below = float(sum(p for v, p in dist.items() if v < low - EPS))
    at_or_below = float(sum(p for v, p in dist.items() if v <= low + EPS))
    above = float(sum(p for v, p in dist.items() if v > high + EPS))
    at_or_above = float(sum(p for v, p in dist.items() if v >= high - EPS))
    assert below <= TAIL_HIGH and at_or_below >= TAIL_LOW, f"low {low} is not the 2.5% quantile ({below}, {at_or_below})"
    assert above <= TAIL_HIGH and at_or_above >= TAIL_LOW, f"high {high} is not the 97.5% quantile ({above}, {at_or_above})"
