"""The released default: packaging with a hashed model card, refusal of damaged files, example-conditioned
`t2l generate examples=FILE.jsonl`, and the committed release itself (when present)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
import torch

from t2l.app.cli import main
from t2l.app.release import package_release
from t2l.errors import T2LError
from t2l.io import sha256_file
from t2l.lora.peft_io import load_adapter_weights, save_adapter
from t2l.lora.spec import unbatch
from t2l.models.bundle import T2L
from t2l.models.release import DEFAULT_RELEASE, card_hashes, verify_release
from tests.helpers.specs import base_spec
from tests.unit.models.test_bundle import make_t2l

pytestmark = pytest.mark.real_assets  # MiniLM from the offline bundle


@pytest.fixture()
def release(tmp_path):
    t2l = make_t2l()
    t2l.training = {"steps": 3, "settings": {"tasks_per_batch": 2, "samples_per_task": 1}, "tasks": ["a", "b"]}
    t2l.save_pretrained(tmp_path / "run" / "hypernet")
    weights = unbatch(t2l.generate(["A multitask stand-in."]))[0]
    save_adapter(weights, t2l.spec, t2l.base["model_id"], tmp_path / "mt")
    out = package_release(tmp_path / "run" / "hypernet", tmp_path / "mt", tmp_path / "release" / "toy", body="Toy.")
    return t2l, out


def test_package_writes_a_card_with_every_hash_and_loads(release):
    t2l, out = release
    hashes = card_hashes(out)
    assert sorted(hashes) == ["hypernet/hypernet.safetensors", "hypernet/t2l_config.json",
                              "multitask/adapter_config.json", "multitask/adapter_model.safetensors"]
    verify_release(out)
    loaded = T2L.from_pretrained(out / "hypernet")
    assert torch.equal(loaded.generate(["x y z"])["q_proj.B"], t2l.generate(["x y z"])["q_proj.B"])
    assert "Toy." in (out / "README.md").read_text() and not list(out.parent.glob(".toy.*"))


@pytest.mark.parametrize("damage", ["edit", "delete", "extra"])
def test_damaged_release_files_are_refused_by_name(release, damage):
    _, out = release
    target = out / "hypernet" / "hypernet.safetensors"
    if damage == "edit":
        target.write_bytes(target.read_bytes()[:-4] + b"\x00\x00\x00\x00")
    elif damage == "delete":
        target.unlink()
    else:
        (out / "hypernet" / "notes.txt").write_text("hi")
    with pytest.raises(T2LError, match="git checkout|regenerate the card") as err:
        T2L.from_pretrained(out / "hypernet")
    assert damage == "extra" or "hypernet.safetensors" in str(err.value)


def test_a_card_without_hashes_is_refused(release):
    _, out = release
    (out / "README.md").write_text("---\nrelease: toy\n---\n# no hashes\n")
    with pytest.raises(T2LError, match="no `files:` list"):
        verify_release(out)


def test_generate_from_an_examples_file(release, tmp_path, capsys):
    t2l, out = release
    examples = tmp_path / "inputs.jsonl"
    examples.write_text('{"input": "Q: What is 2 + 2?"}\n\n"Q: What is 3 + 5?"\n')
    assert main(["generate", f"checkpoint={out / 'hypernet'}", f"examples={examples}", f"out={tmp_path / 'a'}"]) == 0
    assert "from 2 example inputs" in capsys.readouterr().out
    got, _, _ = load_adapter_weights(tmp_path / "a", base_spec("tiny_random"), expect=t2l.spec)
    want = unbatch(t2l.generate(examples=[["Q: What is 2 + 2?", "Q: What is 3 + 5?"]]))[0]
    for key in want:
        torch.testing.assert_close(got[key], want[key], atol=1e-6, rtol=0)
    assert json.loads((tmp_path / "a" / "t2l_description.json").read_text()) == {"description": None, "examples": 2}
    # the flag form names the same file
    assert main(["generate", f"checkpoint={out / 'hypernet'}", "--examples", str(examples), f"out={tmp_path / 'b'}"]) == 0
    assert (tmp_path / "b" / "adapter_model.safetensors").read_bytes() == (tmp_path / "a" / "adapter_model.safetensors").read_bytes()


def test_an_examples_file_without_inputs_writes_nothing(release, tmp_path, capsys):
    _, out = release
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"output": "no input here"}\n\n')
    assert main(["generate", f"checkpoint={out / 'hypernet'}", f"examples={empty}", f"out={tmp_path / 'b'}"]) == 2
    assert "has no usable inputs" in capsys.readouterr().err and not (tmp_path / "b").exists()


@pytest.mark.skipif(not DEFAULT_RELEASE.is_dir(), reason="no committed release yet")
def test_the_committed_release_matches_its_card():
    verify_release(DEFAULT_RELEASE)
    bundle = T2L.from_pretrained(DEFAULT_RELEASE / "hypernet", base=base_spec("smollm2_135m"))
    size = sum(p.stat().st_size for p in (DEFAULT_RELEASE / "hypernet").iterdir())
    assert size <= 25 * 2 ** 20 and bundle.training.get("steps", 0) > 0


@pytest.mark.skipif(not DEFAULT_RELEASE.is_dir(), reason="no committed release yet")
def test_generate_without_a_checkpoint_uses_the_release(tmp_path, capsys):
    assert main(["generate", "description=Answer questions about dates.", f"out={tmp_path / 'dates'}"]) == 0
    weights, _, base_id = load_adapter_weights(tmp_path / "dates", base_spec("smollm2_135m"))
    assert base_id == "HuggingFaceTB/SmolLM2-135M-Instruct" and weights["q_proj.B"].abs().max() > 0


@pytest.mark.parametrize("steps, noted", [(200, True), (900, False)])
def test_the_card_says_when_a_bundle_was_exported_partway(steps, noted):
    from t2l.app.release import card_text

    training = {"steps": steps, "settings": {"max_steps": 900, "tasks_per_batch": 8, "samples_per_task": 1}}
    card = card_text(training, None, "Body.")
    assert ("exported at step 200 of a run set to max_steps 900" in card) is noted


def test_the_front_matter_is_yaml_that_round_trips_awkward_values(tmp_path):
    """Written by a YAML dumper and read by the Hub's card parser: values a hand-written `k: v` line would
    break (a colon, a leading `[`, a number-like string) come back as written, and so do the hashes."""
    from t2l.models.release import card_metadata, front_matter

    (tmp_path / "hypernet").mkdir()
    (tmp_path / "hypernet" / "w.bin").write_bytes(b"weights")
    fields = {"release": "1.0", "base_model": "org/model: v2 [test] # not a comment"}
    (tmp_path / "README.md").write_text(front_matter(tmp_path, fields) + "# Body\n", encoding="utf-8")
    meta = card_metadata(tmp_path / "README.md")
    assert {k: meta[k] for k in fields} == fields
    assert card_hashes(tmp_path) == {"hypernet/w.bin": hashlib.sha256(b"weights").hexdigest()}
    verify_release(tmp_path)
    (tmp_path / "README.md").write_text("---\n- a list, not a mapping\n---\n# Body\n", encoding="utf-8")
    with pytest.raises(T2LError, match="not a YAML mapping"):
        card_hashes(tmp_path)


def _results(hypernet: str | None, adapters: str | None) -> dict:
    """A results.json as t2l eval writes it, down to what the card prints, scored on the given weights."""
    row = {"kind": "method", "average": 0.5, "stderr": 0.1, "tasks": {"toy": {"n": 2}}}
    artifacts = {k: v for k, v in (("hypernet", hypernet), ("adapters", adapters)) if v}
    return {"prompt_settings": {"bare": {"methods": {"t2l": row}}}, "artifacts": artifacts}


@pytest.mark.parametrize("scored, refused", [("both", None), ("other_hypernet", "hypernet (another file)"),
                                             ("no_record", "hypernet (not recorded), adapters (not recorded)")])
def test_the_card_results_must_have_scored_the_released_files(release, tmp_path, scored, refused):
    """`t2l release results=` takes only a results.json whose recorded weights are the ones it packages; a
    refusal writes nothing and leaves the previous release as it was."""
    _, out = release
    bundle, multitask = tmp_path / "run" / "hypernet", tmp_path / "mt"
    right = {"hypernet": sha256_file(bundle / "hypernet.safetensors"),
             "adapters": sha256_file(multitask / "adapter_model.safetensors")}
    recorded = {"both": right, "other_hypernet": {**right, "hypernet": "0" * 64}, "no_record": {}}[scored]
    results = tmp_path / "results.json"
    results.write_text(json.dumps(_results(recorded.get("hypernet"), recorded.get("adapters"))))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    if refused is None:
        package_release(bundle, multitask, out, results=results, body="Toy.")
        assert "| t2l | method | 50.00 | 10.00 |" in (out / "README.md").read_text()
        return
    with pytest.raises(T2LError, match=f"did not score the files being released: {re.escape(refused)}; re-run `t2l eval"):
        package_release(bundle, multitask, out, results=results, body="Toy.")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(out.parent.glob(".toy.*"))
