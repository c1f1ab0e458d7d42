"""`t2l eval` with a tiny T2L bundle in both prompt settings, with example-conditioned rows and the
paired T2L-minus-row differences (real MiniLM, SmolLM2's tokenizer, fixture BIG-bench tasks)."""

from __future__ import annotations

import json

import pytest

from tests.helpers.experiments import compose_train, tiny_overrides
from tests.helpers.intervals import check_paired_interval, differences
from tests.helpers.paths import BIGBENCH


@pytest.mark.real_assets
def test_eval_in_both_settings_with_examples_and_paired_intervals(tmp_path, capsys):
    from t2l.app.cli import main
    from t2l.app.jobs import run

    run(compose_train(*tiny_overrides("t2l_sft", tmp_path)))
    bundle = tmp_path / "t2l_sft" / "hypernet"
    code = main(["eval", f"checkpoint={bundle}", "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}",
                 "tasks=[toy_choice,toy_prefixed]", "limit=3", f"out={tmp_path / 'eval'}", "examples_k=2",
                 "controls=[random,wrong]", "prompt_settings=[task,bare]"])
    assert code == 0
    results = json.loads((tmp_path / "eval" / "results.json").read_text())
    assert set(results["prompt_settings"]) == {"task", "bare"}
    rows = results["prompt_settings"]["bare"]["methods"]
    assert {"t2l", "t2l_examples", "random", "wrong", "wrong_examples", "base"} <= set(rows)
    assert rows["t2l_examples"]["kind"] == "method" and rows["wrong_examples"]["kind"] == "control"
    paired = results["paired"]["bare"]
    assert set(paired) == set(rows) - {"t2l"}
    scored = sum(t["n"] for t in rows["t2l"]["tasks"].values())
    lines = [json.loads(line) for line in (tmp_path / "eval" / "predictions.jsonl").read_text().splitlines()]
    for other, d in paired.items():
        # the point estimate is T2L's minus the row's per-task accuracy, averaged over tasks
        gaps = [rows["t2l"]["tasks"][t]["accuracy"] - rows[other]["tasks"][t]["accuracy"] for t in rows["t2l"]["tasks"]]
        assert d["difference"] == pytest.approx(sum(gaps) / len(gaps), abs=1e-12), other
        assert d["examples"] == scored and d["tasks"] == 2
        # the interval is the bootstrap of these rows' per-example outcomes, paired example by example
        # (tests/helpers/intervals.py). Two steps of training leave every row agreeing with T2L on every
        # example here, so the exact interval is [0, 0]: an unpaired resample would give it a width.
        check_paired_interval(d, differences(lines, "t2l", other, prompts="bare"))
    bare_prompts = [p["prompt"] for p in lines if p["prompts"] == "bare" and p["task"] == "toy_prefixed"]
    task_prompts = [p["prompt"] for p in lines if p["prompts"] == "task" and p["task"] == "toy_prefixed"]
    assert all("plausible or implausible:" not in p.split("user")[-1][:80] for p in bare_prompts)
    assert any("Determine whether" in p for p in task_prompts) and not any("Determine whether" in p for p in bare_prompts)
    assert "t2l minus each row" in capsys.readouterr().out
