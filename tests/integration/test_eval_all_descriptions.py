"""`t2l eval eval_descriptions=all` on the released bundle, real SmolLM2 and a real held-out task with its
evaluation bank (a generated one: no BIG-bench copy needed): every description is used, example j under description j mod d, and the scores recorded
for an example are those of the adapter its description generates (re-scored one sequence per forward)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from tests.helpers.scoring_oracle import plain_choice_logprob

pytestmark = pytest.mark.real_assets

TASK = "web_of_lies"   # generated: no BIG-bench copy needed
LIMIT = 9   # the bank holds 7 descriptions per held-out task: the rotation wraps


def test_every_evaluation_description_is_rotated_over_the_scored_examples(tmp_path, smollm2):
    from t2l.app.cli import main
    from t2l.app.config import compose, task_catalog
    from t2l.app.generate import resolve_checkpoint
    from t2l.lora.apply import apply_lora
    from t2l.lora.spec import unbatch
    from t2l.models.bundle import T2L

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["eval", "checkpoint=release", "split=heldout_generated", f"tasks=[{TASK}]", "eval_split=test",
                     f"limit={LIMIT}", "controls=[wrong]", "eval_descriptions=all", f"out={tmp_path}"])
    assert code == 0, stdout.getvalue()[-2000:]
    bank = task_catalog(compose("eval", ["split=heldout_generated"]), evaluation=True).load(TASK).descriptions
    assert 5 <= len(bank) < LIMIT
    methods = json.loads((tmp_path / "results.json").read_text())["methods"]
    assert methods["t2l"]["descriptions"][TASK] == bank and methods["t2l"]["eval_descriptions"] == "all"
    assert methods["t2l"]["tasks"][TASK]["n"] == LIMIT
    lines = [json.loads(x) for x in (tmp_path / "predictions.jsonl").read_text().splitlines()]
    t2l = [x for x in lines if x["method"] == "t2l"]
    base = [x for x in lines if x["method"] == "base"]
    assert [x["description_index"] for x in t2l] == [j % len(bank) for j in range(LIMIT)]
    assert [x["prompt"] for x in t2l] == [x["prompt"] for x in base]   # same examples, same order: pairable
    model, tokenizer, _ = smollm2
    bundle = T2L.from_pretrained(resolve_checkpoint("release"))
    for j in (1, len(bank)):   # description 1, and the first description again once the rotation wraps
        adapter = unbatch(bundle.generate([bank[j % len(bank)]]))[0]
        with apply_lora(model, {k: v[None] for k, v in adapter.items()}, bundle.spec):
            again = [plain_choice_logprob(model, tokenizer, t2l[j]["prompt"], c) for c in t2l[j]["choices"]]
        assert again == pytest.approx(t2l[j]["scores"], abs=1e-3), j


def test_an_unknown_eval_descriptions_value_is_one_line_naming_the_options(tmp_path, capsys):
    from t2l.app.cli import main

    code = main(["eval", "checkpoint=release", "split=heldout_generated", f"tasks=[{TASK}]", "limit=1",
                 "eval_descriptions=every", f"out={tmp_path}"])
    err = capsys.readouterr().err
    assert code != 0 and "eval_descriptions=every" in err and "first" in err and "all" in err
    assert not any(tmp_path.iterdir())
