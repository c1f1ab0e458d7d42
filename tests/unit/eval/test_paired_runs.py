"""`t2l paired`: a row of one eval run minus a row of another, only when both scored the same examples."""

from __future__ import annotations

import json
import random

import pytest

from t2l.app.cli import main
from t2l.eval.paired import paired_against, paired_runs


def predictions(row: str, correct: dict[str, list[int]], prompts: str = "task", offset: int = 0) -> list[dict]:
    return [{"task": task, "method": row, "prompts": prompts, "prompt": f"{task} example {i + offset}",
             "correct": bool(c)} for task, outcomes in correct.items() for i, c in enumerate(outcomes)]


def draws(seed: int, p: float) -> dict[str, list[int]]:
    rng = random.Random(seed)
    return {task: [int(rng.random() < p) for _ in range(40)] for task in ("navigate", "snarks", "date_understanding")}


def write_run(directory, lines: list[dict]):
    directory.mkdir(parents=True)
    (directory / "predictions.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return directory


def test_across_runs_equals_within_one_run():
    t2l, base = predictions("t2l", draws(1, 0.6)), predictions("base", draws(2, 0.4))
    within = paired_against(t2l + base, "t2l", ["base"], "task")["base"]
    assert paired_runs(t2l, "t2l", base, "base") == within
    assert within["difference"] > 0 and within["examples"] == 120 and within["tasks"] == 3


def test_rows_on_other_examples_are_refused():
    t2l = predictions("t2l", draws(1, 0.6))
    shifted = predictions("base", draws(2, 0.4), offset=1)   # same tasks and counts, other examples
    with pytest.raises(ValueError, match="did not score the same examples"):
        paired_runs(t2l, "t2l", shifted, "base")
    with pytest.raises(ValueError, match="no row 't2l' with prompts=bare"):
        paired_runs(t2l, "t2l", predictions("base", draws(2, 0.4)), "base", prompts="bare")


def test_cli_paired(tmp_path, capsys):
    a = write_run(tmp_path / "a", predictions("t2l", draws(1, 0.6)))
    b = write_run(tmp_path / "b", predictions("base", draws(2, 0.4)))
    assert main(["paired", f"{a}:t2l", f"{b / 'predictions.jsonl'}:base"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("[prompts=task]") and "120 examples, 3 tasks" in printed
    assert main(["paired", str(a), f"{b}:base"]) == 2
    assert "is not RUN_DIR:ROW" in capsys.readouterr().err
    c = write_run(tmp_path / "c", predictions("base", draws(2, 0.4), offset=3))
    assert main(["paired", f"{a}:t2l", f"{c}:base"]) == 2
    assert "did not score the same examples" in capsys.readouterr().err


def with_gold(lines: list[dict], golds: dict[str, list[str]]) -> list[dict]:
    counters: dict[str, int] = {}
    for line in lines:
        i = counters[line["task"]] = counters.get(line["task"], -1) + 1
        line["target"] = golds[line["task"]][i]
    return lines


def test_two_prompt_settings_pair_by_gold_answers(tmp_path, capsys):
    """The prompting baseline (base@described) against an adapter's bare prompts: other prompt texts, the
    same examples; they pair by gold answers, and other examples are still refused."""
    golds = {task: [f"{task}-{i}" for i in range(40)] for task in ("navigate", "snarks", "date_understanding")}
    bare = with_gold(predictions("oracle", draws(1, 0.6), prompts="bare"), golds)
    described = with_gold(predictions("base", draws(2, 0.4), prompts="described", offset=100), golds)
    d = paired_runs(bare, "oracle", described, "base", prompts="bare", b_prompts="described")
    assert d["examples"] == 120 and d["difference"] > 0
    a, b = write_run(tmp_path / "a", bare), write_run(tmp_path / "b", described)
    assert main(["paired", f"{a}:oracle@bare", f"{b}:base@described"]) == 0
    assert capsys.readouterr().out.startswith("[prompts=bare vs described]")
    golds["snarks"] = list(reversed(golds["snarks"]))
    other = with_gold(predictions("base", draws(2, 0.4), prompts="described"), golds)
    with pytest.raises(ValueError, match=r"did not score the same examples for \['snarks'\]"):
        paired_runs(bare, "oracle", other, "base", prompts="bare", b_prompts="described")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_interval_is_the_paired_bootstrap_of_the_outcomes(seed):
    """Rows that disagree on some examples: the interval has a width, contains the difference and its ends
    sit at the exact bootstrap distribution's 2.5% / 97.5% quantiles (tests/helpers/intervals.py, which
    test_eval_conditions / test_eval_checkpoint apply to real runs whose rows agree everywhere)."""
    from tests.helpers.intervals import check_paired_interval, differences

    rng = random.Random(seed)
    a = {task: [int(rng.random() < 0.6) for _ in range(4)] for task in ("navigate", "snarks", "web_of_lies")}
    b = {task: [int(rng.random() < 0.4) for _ in range(4)] for task in a}
    lines = predictions("t2l", a) + predictions("base", b)
    recorded = paired_against(lines, "t2l", ["base"], "task")["base"]
    assert recorded["high"] > recorded["low"]
    check_paired_interval(recorded, differences(lines, "t2l", "base"))


def test_one_example_per_task_has_no_interval_and_says_so():
    """Resampling within tasks cannot vary anything when each task has one example: the collapsed
    'interval' (low == high == the difference) must not be printed as if it were certain."""
    from t2l.eval.paired import NOT_ESTIMABLE, format_paired, paired_markdown

    one = {task: [1] for task in ("navigate", "snarks", "date_understanding")}
    t2l, base = predictions("t2l", one), predictions("base", {t: [0] for t in one})
    d = paired_against(t2l + base, "t2l", ["base"], "task")["base"]
    assert d["low"] == d["high"] == d["difference"] == 1.0 and d["estimable"] is False
    text = format_paired("t2l", {"base": d})
    assert NOT_ESTIMABLE in text and "interval not estimated" in text and "above zero" not in text
    results = {"methods": {"t2l": {"kind": "method", "average": 1.0, "stderr": 0.0, "tasks": {"navigate": {"n": 1}}}},
               "paired": {"task": {"base": d}}}
    assert any(NOT_ESTIMABLE in line for line in paired_markdown(results))
    two = paired_against(predictions("t2l", draws(1, 0.6)) + predictions("base", draws(2, 0.4)), "t2l", ["base"])
    assert two["base"]["estimable"] is True and two["base"]["low"] < two["base"]["high"]
