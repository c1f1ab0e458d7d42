"""`t2l eval eval_descriptions=all`: every evaluation description of a task, rotated over its scored examples.

The rotation must score example j exactly as scoring the whole task under adapter j mod d would (so no
example is scored twice or under the wrong adapter), keep scoring order (pairing with other rows is example
by example), and rotate the controls the way T2L rotates.
"""

from __future__ import annotations

import pytest
import torch

from t2l.eval.controls import GENERIC_DESCRIPTION, control_descriptions, rotated_controls
from t2l.eval.rows import BenchmarkRow, evaluate_rotation, evaluate_rows, generated_per_task, t2l_rows
from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.lora.apply import apply_lora
from t2l.lora.spec import LoRASpec, unbatch
from t2l.tasks.schema import Example, Task
from tests.helpers.specs import random_weights

QUESTIONS = [f"Q: Is item {i} on the {side} shelf?\nA:" for i in range(4) for side in ("left", "right")]


def toy_task(name: str = "toy", descriptions: list[str] | None = None) -> Task:
    test = [Example(input=q, choices=("yes", "no", "maybe"), answers=(i % 3,)) for i, q in enumerate(QUESTIONS[:7])]
    return Task(name, "test", descriptions or ["answer yes or no"], "mc", train=test[:1], validation=[], test=test)


def test_rotation_scores_each_example_under_its_own_adapter(tiny_model):
    model, tokenizer, base = tiny_model
    spec = LoRASpec.for_base(base)
    adapters = unbatch(random_weights(spec, 3, seed=1, scale=0.5))
    task, settings = toy_task(), EvalSettings(limit=6, progress=False)
    whole = []
    for lora in adapters:
        with apply_lora(model, {k: v[None] for k, v in lora.items()}, spec):
            whole.append(evaluate_task(model, tokenizer, task, settings)[1])
    assert any(whole[0][j]["scores"] != whole[1][j]["scores"] for j in range(6)), "adapters must differ"
    summary, lines = evaluate_rotation(model, tokenizer, task, adapters, spec, settings)
    assert [line["prompt"] for line in lines] == [line["prompt"] for line in whole[0]]   # scoring order kept
    for j, line in enumerate(lines):
        assert line["description_index"] == j % 3
        assert line["scores"] == pytest.approx(whole[j % 3][j]["scores"], abs=1e-5)
    assert summary["n"] == 6 and summary["accuracy"] == sum(line["correct"] for line in lines) / 6


def test_one_adapter_is_the_plain_evaluation(tiny_model):
    model, tokenizer, base = tiny_model
    spec = LoRASpec.for_base(base)
    lora = unbatch(random_weights(spec, 1, seed=2, scale=0.5))[0]
    task, settings = toy_task(), EvalSettings(limit=4, progress=False)
    rotated = evaluate_rows(model, tokenizer, [task], [BenchmarkRow("a", [[lora]])], spec, settings)[1]
    plain = evaluate_rows(model, tokenizer, [task], [BenchmarkRow("a", [lora])], spec, settings)[1]
    assert [line["scores"] for line in rotated] == [line["scores"] for line in plain]


def test_rotated_controls_rotate_like_t2l():
    real = [["a first text about dates", "a second text about dates", "a third"], ["only one for colours"]]
    out = rotated_controls(real, ["random", "wrong", "generic"], seed=0)
    assert out["wrong"] == [["only one for colours"] * 3, ["a first text about dates"]]
    assert out["generic"] == [[GENERIC_DESCRIPTION] * 3, [GENERIC_DESCRIPTION]]
    assert [len(texts) for texts in out["random"]] == [3, 1]
    assert len(set(out["random"][0])) == 3    # a fresh random draw per rotated description
    # the first draw is the one-description control, so `first` results are unchanged
    first = control_descriptions([texts[0] for texts in real], ["random"], seed=0)["random"]
    assert [texts[0] for texts in out["random"]] == first
    assert rotated_controls([[t[0]] for t in real], ["random"], 0)["random"] == [[d] for d in first]


@pytest.mark.real_assets
def test_t2l_rows_generate_one_adapter_per_distinct_description(tmp_path):
    from t2l.models.bundle import T2L
    from tests.helpers.bad_inputs import tiny_bundle

    bundle = T2L.from_pretrained(tiny_bundle(tmp_path / "bundle"))
    dates = ["Answer questions about dates.", "Work out what day it was.", "Date arithmetic, one answer."]
    tasks = [toy_task("dates", dates), toy_task("colours", ["Name the colour of the object."])]
    rows = {r.name: r for r in t2l_rows("t2l", bundle, tasks, ["wrong", "generic"], all_descriptions=True)}
    t2l = rows["t2l"]
    assert isinstance(t2l.adapters[0], list) and len(t2l.adapters[0]) == 3 and not isinstance(t2l.adapters[1], list)
    assert t2l.descriptions == [dates, "Name the colour of the object."] and t2l.detail == {"eval_descriptions": "all"}
    for text, lora in zip(dates, t2l.adapters[0]):
        alone = unbatch(bundle.generate([text]))[0]
        assert all(torch.allclose(lora[k], alone[k], atol=1e-6) for k in alone)
    assert not isinstance(rows["t2l_generic"].adapters[0], list)   # one text: one adapter, no rotation
    assert rows["t2l_wrong"].descriptions == ["Name the colour of the object.", dates[0]]
    first = {r.name: r for r in t2l_rows("t2l", bundle, tasks, ["wrong"])}
    assert first["t2l"].descriptions == [dates[0], "Name the colour of the object."]
    assert len(generated_per_task(bundle, [["x", "x"], ["y"]])) == 2
