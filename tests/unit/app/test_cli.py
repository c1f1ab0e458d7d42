"""`t2l` run in-process: exit codes, one-line errors that name the fix, and a real eval on tiny_random."""

import json

import pytest

from t2l.app.cli import main
from t2l.tasks.bigbench import load_bigbench_task
from t2l.tasks.schema import split_task
from tests.helpers.paths import BIGBENCH

ASSET_NAMES = ("smollm2-135m-instruct", "minilm", "bigbench", "bbh")


def _error_line(err: str) -> str:
    """The CLI's error: exactly one line starting `error: ` (other stderr lines are logging/progress)."""
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------------ assets

def test_assets_check_empty_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("T2L_HOME", str(tmp_path))
    assert main(["assets", "--check"]) == 1
    out, err = capsys.readouterr()
    for name in ASSET_NAMES:
        line = next(line for line in out.splitlines() if f" {name} " in line)
        assert line.split()[0] == "MISSING" and str(tmp_path) in line
    assert "run `t2l assets`" in err
    assert not any(tmp_path.iterdir())  # checking creates nothing


@pytest.mark.real_assets
@pytest.mark.real_bigbench
def test_assets_check_real_home(capsys):
    assert main(["assets", "--check"]) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == len(ASSET_NAMES) and all(line.split()[0] == "present" for line in lines)
    assert {line.split()[1] for line in lines} == set(ASSET_NAMES)


# ------------------------------------------------------------------ errors that name the fix

def test_eval_unknown_task_suggests(capsys):
    assert main(["eval", "tasks=[toy_choise]", f"data.bigbench_dir={BIGBENCH}"]) == 2
    _, err = capsys.readouterr()
    assert _error_line(err).startswith("error: unknown task 'toy_choise'; did you mean toy_choice")


def test_eval_unknown_base_model(capsys):
    assert main(["eval", "base_model=nope"]) == 2
    _, err = capsys.readouterr()
    line = _error_line(err)
    assert line.startswith("error: unknown base_model 'nope'; choose one of t2l/conf/base_model/*.yaml")
    assert "smollm2_135m" in line and "tiny_random" in line


def test_eval_missing_asset_says_run_assets(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("T2L_HOME", str(tmp_path))
    assert main(["eval", "tasks=[x]"]) == 2  # data.bigbench_dir defaults to bundle://bigbench
    _, err = capsys.readouterr()
    line = _error_line(err)
    assert "offline asset 'bigbench' is missing" in line and "run `t2l assets`" in line


def test_eval_bad_override(capsys):
    assert main(["eval", "limit=[unclosed"]) == 2
    _, err = capsys.readouterr()
    assert _error_line(err).startswith("error: bad override")


@pytest.mark.real_assets  # tiny_random uses SmolLM2's tokenizer from the bundle
def test_eval_shape_mismatch_writes_nothing(tmp_path, capsys):
    out = tmp_path / "o"
    code = main(["eval", "base_model=tiny_random", "base_model.modules.q_proj=[65,64]",
                 f"data.bigbench_dir={BIGBENCH}", "tasks=[toy_choice]", "limit=2", f"out={out}"])
    assert code == 2
    _, err = capsys.readouterr()
    line = _error_line(err)
    assert "q_proj is 65x64" in line and "64x64" in line and "t2l/conf/base_model/tiny_random.yaml" in line
    assert not out.exists()


# ------------------------------------------------------------------ the happy path

@pytest.mark.real_assets  # tiny_random uses SmolLM2's tokenizer from the bundle
def test_eval_tiny_random_writes_results_and_predictions(tmp_path, capsys):
    out = tmp_path / "o"
    code = main(["eval", "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}", "tasks=[toy_choice,toy_generate]",
                 "limit=4", "max_new_tokens=4", f"out={out}"])
    assert code == 0
    stdout, _ = capsys.readouterr()
    assert "toy_choice" in stdout and "toy_generate" in stdout  # the results table

    results = json.loads((out / "results.json").read_text())
    assert {"tasks", "average", "config"} <= set(results)
    assert set(results["tasks"]) == {"toy_choice", "toy_generate"}
    for name, metric in (("toy_choice", "mc"), ("toy_generate", "gen")):
        summary = results["tasks"][name]
        assert isinstance(summary["accuracy"], float)   # its value: recounted from predictions.jsonl below
        assert summary["n"] == 4 and summary["metric"] == metric and summary["split"] == "test"
    accuracies = [s["accuracy"] for s in results["tasks"].values()]
    assert results["average"] == pytest.approx(sum(accuracies) / 2)
    assert results["config"]["base_model"]["name"] == "tiny_random"
    assert results["config"]["data"]["bigbench_dir"] == str(BIGBENCH) and results["config"]["limit"] == 4

    rows = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(rows) == 8
    mc = [r for r in rows if r["task"] == "toy_choice"]
    gen = [r for r in rows if r["task"] == "toy_generate"]
    assert len(mc) == 4 and len(gen) == 4
    # The rows are the first 4 test examples of the same deterministic split.
    test_split = split_task(load_bigbench_task("toy_choice", BIGBENCH)).test[:4]
    for row, example in zip(mc, test_split):
        assert {"task", "prompt", "choices", "gold", "pred"} <= set(row)
        assert row["choices"] == list(example.choices) and row["gold"] == example.answer
        assert row["pred"] in range(len(row["choices"]))
        assert "<|im_start|>user\n" + example.input + "<|im_end|>" in row["prompt"]
        assert "<|im_start|>assistant" in row["prompt"]
    assert sum(r["pred"] == r["gold"] for r in mc) / 4 == results["tasks"]["toy_choice"]["accuracy"]
    for row in gen:
        assert {"task", "prompt", "target", "output"} <= set(row)
        assert isinstance(row["output"], str) and "Sorted:" in row["prompt"]
    assert sum(r["correct"] for r in gen) / 4 == results["tasks"]["toy_generate"]["accuracy"]


# ------------------------------------------------------------------ tasks

def test_tasks_lists_a_split_file(tmp_path, capsys):
    listed = tmp_path / "mine.txt"
    listed.write_text("# chosen by hand\ntoy_generate\ntoy_family:sub_a  # subtask\n\ntoy_choice\n")
    assert main(["tasks", f"split={listed}", f"data.bigbench_dir={BIGBENCH}"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["toy_generate", "toy_family:sub_a", "toy_choice"]
    assert "3 tasks" in err


def test_tasks_lists_everything_without_a_split(capsys):
    # BBH (data.bbh_dir) and the generated pool (data.pool) are listed where on; not what this checks.
    assert main(["tasks", f"data.bigbench_dir={BIGBENCH}", "data.bbh_dir=null", "data.pool=false"]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == ["boolean_expressions", "multistep_arithmetic_two", "toy_broken", "toy_choice",
                                "toy_empty", "toy_family", "toy_family:sub_a", "toy_family:sub_b", "toy_generate",
                                "toy_prefixed", "web_of_lies"]   # the fixture BIG-bench and the generated tasks
