"""`t2l eval checkpoint=` as `make demo` runs it: the released bundle on real SmolLM2, two held-out tasks
(generated ones, as `make demo` scores where BIG-bench cannot be had),
T2L from the description and from example inputs, the random / wrong / generic and wrong-examples
controls, the multi-task LoRA shipped beside the bundle, the base model; then the output contract of
results.json and predictions.jsonl (docs/guide.md, "Output contract"), field by field.

Each control row must be T2L fed another text, and the adapter scored must be the one generated from the
text results.json records: one example per control row is re-scored independently (the bundle regenerates
the adapter from the recorded descriptions, tests/helpers/scoring_oracle.py scores it) and must give the
recorded per-choice scores.
"""

from __future__ import annotations

import json
import re

import pytest

from t2l.eval.controls import GENERIC_DESCRIPTION
from t2l.io import sha256_file
from tests.helpers.intervals import check_paired_interval, differences
from tests.helpers.paths import RELEASE
from tests.helpers.scoring_oracle import plain_choice_logprob

pytestmark = pytest.mark.real_assets

TASKS = ["boolean_expressions", "web_of_lies"]   # generated: no BIG-bench copy needed
CONTROLS = {"random", "wrong", "generic", "wrong_examples"}
METHODS = {"t2l", "t2l_examples", "multitask_lora", "base"}
TASK_FIELDS = {"accuracy", "accuracy_norm", "n", "metric", "shots", "split", "adapter"}
# batched scoring vs one sequence per forward (fp32); rows' scores differ by >= 0.03 here (measured)
RESCORE_ATOL = 1e-3
MC_LINE_FIELDS = {"task", "prompt", "choices", "gold", "pred", "pred_norm", "gold_all", "scores", "n_tokens",
                  "method", "prompts"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One `t2l eval` with make demo's arguments (limit 1, k 2, one prompt setting): (out dir, stdout)."""
    import contextlib
    import io

    from t2l.app.cli import main

    out = tmp_path_factory.mktemp("demo")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["eval", "checkpoint=release", f"adapters={RELEASE / 'multitask'}", "adapters_name=multitask_lora",
                     "split=heldout_generated", f"tasks=[{','.join(TASKS)}]", "eval_split=test", "limit=1", "examples_k=2",
                     "prompt_settings=[task]", "controls=[random,wrong,generic]", f"out={out}"])
    assert code == 0, stdout.getvalue()[-2000:]
    return out, stdout.getvalue()


def test_rows_kinds_and_the_documented_fields(demo_run):
    out, stdout = demo_run
    results = json.loads((out / "results.json").read_text())
    assert {"tasks", "average", "methods", "prompt_settings", "paired", "config", "artifacts", "seconds"} <= set(results)
    # the weights scored, by sha256: `t2l release results=` refuses a results.json of other files
    assert results["artifacts"] == {"hypernet": sha256_file(RELEASE / "hypernet" / "hypernet.safetensors"),
                                    "adapters": sha256_file(RELEASE / "multitask" / "adapter_model.safetensors")}
    methods = results["methods"]
    assert set(methods) == METHODS | CONTROLS
    assert {n for n, r in methods.items() if r["kind"] == "control"} == CONTROLS
    assert {n for n, r in methods.items() if r["kind"] == "method"} == METHODS
    # The head of results.json is the T2L row (the first), and the run's composed config is recorded.
    assert results["tasks"] == methods["t2l"]["tasks"] and results["average"] == methods["t2l"]["average"]
    assert isinstance(results["seconds"], float) and results["seconds"] > 0
    assert results["config"]["checkpoint"] == "release" and results["config"]["controls"] == ["random", "wrong", "generic"]
    assert results["config"]["limit"] == 1 and results["config"]["examples_k"] == 2
    assert results["prompt_settings"]["task"]["methods"] == methods
    for name, row in methods.items():
        assert list(row["tasks"]) == TASKS, name
        for task, entry in row["tasks"].items():
            assert TASK_FIELDS <= set(entry), (name, task, entry)
            assert isinstance(entry["accuracy"], float) and isinstance(entry["accuracy_norm"], float)
            assert entry["n"] == 1 and entry["metric"] == "mc" and entry["shots"] == 0 and entry["split"] == "test"
            # which adapter directory was scored: the multi-task LoRA's, none for generated adapters and base
            assert entry["adapter"] == (str(RELEASE / "multitask") if name == "multitask_lora" else None), (name, entry)
        assert row["average"] == pytest.approx(sum(e["accuracy"] for e in row["tasks"].values()) / len(TASKS))
    # T2L minus every other row, paired over the 2 scored examples
    lines = [json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()]
    paired = results["paired"]["task"]
    assert set(paired) == set(methods) - {"t2l"}
    for other, d in paired.items():
        assert {"difference", "low", "high", "tasks", "examples"} <= set(d) and d["examples"] == 2 and d["tasks"] == 2
        gaps = [methods["t2l"]["tasks"][t]["accuracy"] - methods[other]["tasks"][t]["accuracy"] for t in TASKS]
        assert d["difference"] == pytest.approx(sum(gaps) / len(gaps), abs=1e-12), other
        # one example per task: every resample is the same, so the interval is the point (tests/helpers/intervals.py)
        check_paired_interval(d, differences(lines, "t2l", other))
    assert "t2l minus each row" in stdout

    assert len(lines) == len(methods) * len(TASKS)
    for line in lines:
        assert MC_LINE_FIELDS <= set(line), line.keys()
        assert len(line["choices"]) == len(line["scores"]) == len(line["n_tokens"]) and line["prompts"] == "task"
        assert line["pred"] == max(range(len(line["scores"])), key=line["scores"].__getitem__)


def test_controls_are_t2l_fed_other_texts(demo_run):
    from t2l.app.config import compose, task_catalog

    out, _ = demo_run
    methods = json.loads((out / "results.json").read_text())["methods"]
    catalog = task_catalog(compose("eval", ["split=heldout_generated"]), evaluation=True)
    real = [catalog.load(t).description for t in TASKS]
    said = {name: [methods[name]["descriptions"][t] for t in TASKS] for name in ("t2l", "random", "wrong", "generic")}
    assert said["t2l"] == real and real[0] != real[1]
    assert said["wrong"] == [real[1], real[0]]            # each task gets the other task's description
    assert said["generic"] == [GENERIC_DESCRIPTION] * 2
    vocab = {w for d in real for w in re.findall(r"[A-Za-z]+", d.lower())}
    for text, own in zip(said["random"], real):
        assert text != own and set(text.split()) <= vocab  # words of the descriptions, about nothing
    assert methods["t2l_examples"]["k"] == methods["wrong_examples"]["k"] == 2
    # Different adapters: every control's per-choice scores differ from the T2L row's on every example.
    lines = [json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()]
    scores = {(x["method"], x["task"]): x["scores"] for x in lines}
    for control in CONTROLS:
        for task in TASKS:
            assert scores[(control, task)] != scores[("t2l", task)], (control, task)
    assert scores[("t2l_examples", TASKS[0])] != scores[("wrong_examples", TASKS[0])]


def test_scored_adapters_are_the_ones_the_recorded_descriptions_generate(demo_run, smollm2):
    """Regenerate each description row's adapters from the texts results.json records (one batch in task
    order, as t2l eval generates them), apply them, and re-score the first task's example with the plain
    one-sequence-per-forward oracle: the recorded scores come back."""
    from t2l.app.generate import resolve_checkpoint
    from t2l.lora.apply import apply_lora
    from t2l.lora.spec import unbatch
    from t2l.models.bundle import T2L

    out, _ = demo_run
    model, tokenizer, _ = smollm2
    methods = json.loads((out / "results.json").read_text())["methods"]
    lines = {(x["method"], x["task"]): x for x in map(json.loads, (out / "predictions.jsonl").read_text().splitlines())}
    bundle = T2L.from_pretrained(resolve_checkpoint("release"))
    for name in ("t2l", "random", "wrong", "generic"):
        adapter = unbatch(bundle.generate([methods[name]["descriptions"][t] for t in TASKS]))[0]
        line = lines[(name, TASKS[0])]
        with apply_lora(model, {k: v[None] for k, v in adapter.items()}, bundle.spec):
            again = [plain_choice_logprob(model, tokenizer, line["prompt"], c) for c in line["choices"]]
        assert again == pytest.approx(line["scores"], abs=RESCORE_ATOL), name
        if name != "t2l":   # the check tells adapters apart: the T2L row's scores are far from this one's
            t2l_scores = lines[("t2l", TASKS[0])]["scores"]
            assert max(abs(a - b) for a, b in zip(again, t2l_scores)) > 10 * RESCORE_ATOL, name
