"""`t2l eval` on the held-out tasks t2l generates itself, with the released bundle and the real SmolLM2:
what `make demo` runs where BIG-bench cannot be had. Needs no BIG-bench copy (T2L_HOME's BIG-bench is
hidden here on purpose), both prompt settings, the controls, and T2L from example inputs; one T2L score
is re-scored one sequence per forward from the adapter its description generates."""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest

from tests.helpers.scoring_oracle import plain_choice_logprob

pytestmark = pytest.mark.real_assets


def test_release_on_generated_tasks_without_big_bench(tmp_path, monkeypatch, smollm2):
    from t2l import assets
    from t2l.app.cli import main
    from t2l.app.generate import resolve_checkpoint
    from t2l.lora.apply import apply_lora
    from t2l.lora.spec import unbatch
    from t2l.models.bundle import T2L
    from t2l.tasks.generated import GENERATED

    # A T2L_HOME with SmolLM2 and MiniLM but no BIG-bench, whatever this machine has.
    home = tmp_path / "home"
    for name in ("smollm2-135m-instruct", "minilm"):
        link = home / assets.ASSET_DIRS[name]
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(assets.asset_dir(name), link)
    monkeypatch.setenv("T2L_HOME", str(home))
    assert not assets.is_present("bigbench")

    out = tmp_path / "eval"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["eval", "checkpoint=release", "split=heldout_generated", "eval_split=test", "limit=2",
                     "examples_k=8", "prompt_settings=[task,bare]", "controls=[random,wrong,generic]", f"out={out}"])
    assert code == 0, stdout.getvalue()[-2000:]
    results = json.loads((out / "results.json").read_text())
    methods = results["methods"]
    assert {"t2l", "base", "t2l_examples"} <= set(methods), sorted(methods)
    assert set(methods["t2l"]["tasks"]) == set(GENERATED)
    lines = [json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()]
    t2l = [x for x in lines if x["method"] == "t2l" and x["task"] == "web_of_lies"]
    settings = {x["prompts"]: x["prompt"] for x in t2l}
    assert "Evaluate a random boolean function" in settings["task"]
    assert "Evaluate a random boolean function" not in settings["bare"] and "Question:" in settings["bare"], \
        "the bare setting drops the task's instruction"
    arithmetic = [x for x in lines if x["method"] == "base" and x["task"] == "multistep_arithmetic_two"]
    assert arithmetic and all("output" in x and "target" in x for x in arithmetic)

    # The first T2L web_of_lies line, re-scored from its own description's adapter.
    model, tokenizer, _ = smollm2
    bundle = T2L.from_pretrained(resolve_checkpoint("release"))
    description = methods["t2l"]["descriptions"]["web_of_lies"]   # eval_descriptions=first: the bank's first
    adapter = unbatch(bundle.generate([description]))[0]
    first = t2l[0]
    with apply_lora(model, {k: v[None] for k, v in adapter.items()}, bundle.spec):
        again = [plain_choice_logprob(model, tokenizer, first["prompt"], c) for c in first["choices"]]
    assert again == pytest.approx(first["scores"], abs=1e-3)
