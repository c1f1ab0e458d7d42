"""The hypernet bundle (t2l.models.bundle.T2L) and `t2l generate` / `t2l params`, on tiny_random shapes.

A small HyperNet with perturbed heads (so B != 0 and the adapters do something) is wrapped with the
real MiniLM encoder config; its generated adapters go through `t2l generate` into peft directories
that must give the same logits in peft as our in-process `apply_lora` (rsLoRA scaling included).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest
import safetensors.torch
import torch
import yaml

from t2l.app.cli import main
from t2l.errors import T2LError
from t2l.lora.apply import apply_lora
from t2l.lora.peft_io import load_adapter_weights
from t2l.lora.spec import LoRASpec, unbatch
from t2l.models.bundle import BUNDLE_CONFIG_FILE, BUNDLE_WEIGHTS_FILE, T2L, base_summary
from t2l.models.hypernet import HyperNet
from tests.helpers.paths import CONF
from tests.helpers.specs import base_spec

pytestmark = pytest.mark.real_assets  # MiniLM encoder and SmolLM2's tokenizer from the offline bundle

DESCRIPTIONS = ["Answer questions about dates.", "Pick the correct multiple-choice option.",
                "Continue the text with the next word."]
PAPER_PARAMS = {"L": 55.4e6, "M": 34.4e6, "S": 5.0e6}



def encoder_config() -> dict:
    return yaml.safe_load((CONF / "encoder" / "minilm.yaml").read_text())


def make_t2l(size: str = "M", seed: int = 0) -> T2L:
    """A HyperNet for tiny_random with non-zero heads: adapters that change the logits."""
    base = base_spec("tiny_random")
    spec = LoRASpec.for_base(base)
    torch.manual_seed(seed)
    net = HyperNet(spec, encoder_dim=384, latent=16, head_in=32, size=size, mixer_hidden=32, bottleneck=16)
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for head in net.heads.values():
            head.weight.copy_(torch.randn(head.weight.shape, generator=gen) * 0.1)
            head.bias_B.copy_(torch.randn(head.bias_B.shape, generator=gen) * 0.1)
    return T2L(net, base_summary(base), encoder_config(), training={"note": "test"})


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> tuple[T2L, Path]:
    t2l = make_t2l()
    path = t2l.save_pretrained(tmp_path_factory.mktemp("bundle") / "hypernet")
    return t2l, path


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


def input_ids(tokenizer) -> torch.Tensor:
    return tokenizer(["Q: what day follows Monday? A: Tuesday"], return_tensors="pt")["input_ids"]


# ------------------------------------------------------------------ save / load

def test_round_trip_gives_identical_weights(bundle):
    t2l, path = bundle
    assert sorted(p.name for p in path.iterdir()) == sorted([BUNDLE_CONFIG_FILE, BUNDLE_WEIGHTS_FILE])
    loaded = T2L.from_pretrained(path)
    assert loaded.spec == t2l.spec and loaded.base == t2l.base and loaded.encoder_config == t2l.encoder_config
    assert loaded.training == {"note": "test"}
    before, after = t2l.generate(DESCRIPTIONS), loaded.generate(DESCRIPTIONS)
    assert before.keys() == after.keys()
    for key in before:
        assert before[key].shape[0] == len(DESCRIPTIONS)
        assert torch.equal(before[key], after[key]), key
    assert before["q_proj.B"].abs().max() > 0  # the perturbed heads make real adapters
    # Matching base / LoRA specs load fine.
    base = base_spec("tiny_random")
    T2L.from_pretrained(path, base=base, lora=LoRASpec.for_base(base))


def test_bf16_generation_is_close_to_fp32_and_cached_apart(bundle, tmp_path):
    t2l, path = bundle
    fp32 = t2l.generate(DESCRIPTIONS)
    bf16 = t2l.generate(DESCRIPTIONS, precision="bf16")
    for key in fp32:
        assert bf16[key].dtype == torch.float32 and not torch.equal(bf16[key], fp32[key])
        rel = float((bf16[key] - fp32[key]).norm() / fp32[key].norm())
        assert rel < 0.03, (key, rel)
    # The encoder cache keeps precisions apart: fp32 after bf16 is still exactly fp32.
    again = t2l.generate(DESCRIPTIONS)
    assert all(torch.equal(again[k], fp32[k]) for k in fp32)
    assert main(["generate", f"checkpoint={path}", "description=Answer questions about dates",
                 f"out={tmp_path / 'bf16'}", "precision=bf16"]) == 0
    got, _, _ = load_adapter_weights(tmp_path / "bf16", base_spec("tiny_random"), expect=t2l.spec)
    want = unbatch(t2l.generate(["Answer questions about dates"], precision="bf16"))[0]
    for key in want:
        torch.testing.assert_close(got[key], want[key], atol=1e-6, rtol=0)
    with pytest.raises(T2LError, match="precision 'fp8' is unknown"):
        t2l.generate(DESCRIPTIONS, precision="fp8")


def test_config_holds_no_base_weights_and_names_everything(bundle):
    _, path = bundle
    config = json.loads((path / BUNDLE_CONFIG_FILE).read_text())
    assert config["format_version"] == 1
    assert config["base_model"]["model_id"] == "t2l/tiny-random-llama"
    assert config["encoder"]["model_id"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert config["hypernet"]["spec"]["rank"] == 8 and config["hypernet"]["spec"]["use_rslora"] is True
    keys = safetensors.torch.load_file(str(path / BUNDLE_WEIGHTS_FILE)).keys()
    assert not any("embed_tokens" in k or "lm_head" in k or "layers." in k for k in keys)


# ------------------------------------------------------------------ t2l generate -> peft

def test_cli_generate_matches_in_process_apply_lora_in_peft(bundle, tiny_model, tmp_path, capsys):
    from peft import PeftModel

    t2l, path = bundle
    model, tokenizer, base = tiny_model
    out = tmp_path / "adapter"
    description = DESCRIPTIONS[0]
    assert main(["generate", f"checkpoint={path}", f"description={description!r}", f"out={out}"]) == 0
    assert "wrote 1 adapter" in capsys.readouterr().out
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["use_rslora"] is True and config["r"] == 8 and config["lora_alpha"] == 16
    assert config["target_modules"] == ["q_proj", "v_proj"]
    assert config["base_model_name_or_path"] == "t2l/tiny-random-llama"
    assert json.loads((out / "t2l_description.json").read_text()) == {"description": description}

    ids = input_ids(tokenizer)
    weights = t2l.generate([description])
    with torch.no_grad():
        plain = model(input_ids=ids).logits
        with apply_lora(model, weights, t2l.spec):  # one adapter: broadcast to every row
            ours = model(input_ids=ids).logits
        peft_model = PeftModel.from_pretrained(copy.deepcopy(model), str(out)).eval()
        theirs = peft_model(input_ids=ids).logits
    assert (ours - plain).abs().max() > 1e-3  # the adapter changes the output
    torch.testing.assert_close(theirs, ours, atol=1e-5, rtol=0)
    # The file holds what T2L.generate gave (up to float noise: the encoder's cache may hold this
    # description's embedding from a batched call, and batching changes the last bit).
    loaded, spec, _ = load_adapter_weights(out, base, expect=t2l.spec)
    for key, value in unbatch(weights)[0].items():
        torch.testing.assert_close(loaded[key], value, atol=1e-6, rtol=0)


def test_cli_generate_several_descriptions(bundle, tmp_path):
    t2l, path = bundle
    out = tmp_path / "many"
    listed = "[" + ",".join(repr(d) for d in DESCRIPTIONS) + "]"
    assert main(["generate", f"checkpoint={path}", f"description={listed}", f"out={out}"]) == 0
    dirs = sorted(p for p in out.iterdir() if p.is_dir())
    assert [d.name for d in dirs] == ["000-answer-questions-about-dates",
                                      "001-pick-the-correct-multiple-choice-option",
                                      "002-continue-the-text-with-the-next-word"]
    index = json.loads((out / "index.json").read_text())
    assert index == {d.name: text for d, text in zip(dirs, DESCRIPTIONS)}   # relative: the set can move
    expected = unbatch(t2l.generate(DESCRIPTIONS))
    base = base_spec("tiny_random")
    for d, want in zip(dirs, expected):
        got, _, _ = load_adapter_weights(d, base, expect=t2l.spec)
        for key in want:
            torch.testing.assert_close(got[key], want[key], atol=1e-6, rtol=0)


def test_descriptions_file_gives_the_same_adapters(bundle, tmp_path):
    _, path = bundle
    listing = tmp_path / "descs.jsonl"
    listing.write_text("".join(json.dumps({"description": d}) + "\n" for d in DESCRIPTIONS[:2]))
    a, b = tmp_path / "from_file", tmp_path / "from_args"
    assert main(["generate", f"checkpoint={path}", f"descriptions_file={listing}", f"out={a}"]) == 0
    listed = "[" + ",".join(repr(d) for d in DESCRIPTIONS[:2]) + "]"
    assert main(["generate", f"checkpoint={path}", f"description={listed}", f"out={b}"]) == 0
    for name in ("000-answer-questions-about-dates", "001-pick-the-correct-multiple-choice-option"):
        assert (a / name / "adapter_model.safetensors").read_bytes() == (b / name / "adapter_model.safetensors").read_bytes()


@pytest.mark.parametrize("description", ["''", "'   '"])
def test_cli_generate_empty_description_exits_2(bundle, tmp_path, capsys, description):
    _, path = bundle
    out = tmp_path / "adapter"
    assert main(["generate", f"checkpoint={path}", f"description={description}", f"out={out}"]) == 2
    assert "empty" in error_line(capsys.readouterr().err)
    assert not out.exists()


def test_cli_generate_over_long_description_warns_but_writes(bundle, tmp_path):
    _, path = bundle
    out = tmp_path / "adapter"
    long_text = "answer questions about calendars and dates " * 120  # ~720 tokens > MiniLM's 256
    with pytest.warns(UserWarning, match="longer than the encoder's max_seq_length"):
        assert main(["generate", f"checkpoint={path}", f"description={long_text!r}", f"out={out}"]) == 0
    assert (out / "adapter_model.safetensors").is_file() and (out / "adapter_config.json").is_file()


def test_cli_generate_missing_checkpoint_exits_2(tmp_path, capsys):
    assert main(["generate", f"checkpoint={tmp_path / 'nope'}", "description=x", f"out={tmp_path / 'o'}"]) == 2
    assert "not a hypernet bundle" in error_line(capsys.readouterr().err)


# ------------------------------------------------------------------ strict loading

def test_refuses_another_base_model(bundle):
    _, path = bundle
    with pytest.raises(T2LError, match=r"base_model\.(model_id|num_layers)"):
        T2L.from_pretrained(path, base=base_spec("smollm2_135m"))
    deeper = dataclasses.replace(base_spec("tiny_random"), num_layers=3)  # same id, other shapes
    with pytest.raises(T2LError, match=r"base_model\.num_layers=2"):
        T2L.from_pretrained(path, base=deeper)


def test_refuses_another_lora_rank(bundle):
    _, path = bundle
    with pytest.raises(T2LError, match="rank"):
        T2L.from_pretrained(path, lora=LoRASpec.for_base(base_spec("tiny_random"), rank=4))


def copy_bundle(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for p in src.iterdir():
        (dst / p.name).write_bytes(p.read_bytes())
    return dst


def test_corrupt_weights(bundle, tmp_path):
    _, path = bundle
    broken = copy_bundle(path, tmp_path / "b")
    data = (broken / BUNDLE_WEIGHTS_FILE).read_bytes()
    (broken / BUNDLE_WEIGHTS_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(T2LError, match="corrupt"):
        T2L.from_pretrained(broken)


def test_corrupt_config(bundle, tmp_path):
    _, path = bundle
    broken = copy_bundle(path, tmp_path / "b")
    (broken / BUNDLE_CONFIG_FILE).write_text('{"format_version": 1, "hyper')
    with pytest.raises(T2LError, match="corrupt"):
        T2L.from_pretrained(broken)


@pytest.mark.parametrize("missing", [BUNDLE_CONFIG_FILE, BUNDLE_WEIGHTS_FILE])
def test_missing_files(bundle, tmp_path, missing):
    _, path = bundle
    broken = copy_bundle(path, tmp_path / "b")
    (broken / missing).unlink()
    with pytest.raises(T2LError, match="not a hypernet bundle"):
        T2L.from_pretrained(broken)
    with pytest.raises(T2LError, match="not a hypernet bundle"):
        T2L.from_pretrained(tmp_path / "does_not_exist")


@pytest.mark.parametrize("change", ["extra", "missing", "shape"])
def test_weights_that_do_not_match_the_config(bundle, tmp_path, change):
    _, path = bundle
    broken = copy_bundle(path, tmp_path / "b")
    state = safetensors.torch.load_file(str(broken / BUNDLE_WEIGHTS_FILE))
    if change == "extra":
        state["heads.k_proj.weight"] = torch.zeros(3, 3)
    elif change == "missing":
        state.pop("task_proj.weight")
    else:
        state["task_proj.weight"] = torch.zeros(16, 385)
    safetensors.torch.save_file(state, str(broken / BUNDLE_WEIGHTS_FILE))
    with pytest.raises(T2LError, match="do not match its config"):
        T2L.from_pretrained(broken)


def test_unknown_format_version(bundle, tmp_path):
    _, path = bundle
    broken = copy_bundle(path, tmp_path / "b")
    config = json.loads((broken / BUNDLE_CONFIG_FILE).read_text())
    config["format_version"] = 99
    (broken / BUNDLE_CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(T2LError, match="format_version"):
        T2L.from_pretrained(broken)


# ------------------------------------------------------------------ atomic save

def test_save_pretrained_is_atomic(bundle, tmp_path, monkeypatch):
    _, path = bundle
    existing = copy_bundle(path, tmp_path / "existing")
    before = {p.name: p.read_bytes() for p in existing.iterdir()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(safetensors.torch, "save_file", boom)
    other = make_t2l(seed=7)
    with pytest.raises(RuntimeError, match="disk full"):
        other.save_pretrained(existing)
    assert {p.name: p.read_bytes() for p in existing.iterdir()} == before
    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError, match="disk full"):
        other.save_pretrained(fresh)
    assert not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]  # no temp leftovers


def test_save_pretrained_replaces_an_existing_bundle(bundle, tmp_path):
    _, path = bundle
    target = copy_bundle(path, tmp_path / "target")
    other = make_t2l(size="S", seed=3)
    other.save_pretrained(target)
    loaded = T2L.from_pretrained(target)
    assert loaded.hypernet.size == "S"
    for key, value in other.hypernet.state_dict().items():
        assert torch.equal(loaded.hypernet.state_dict()[key], value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]


# ------------------------------------------------------------------ t2l params

@pytest.mark.parametrize("size", ["L", "M", "S"])
def test_cli_params_matches_the_paper(size, capsys):
    assert main(["params", "base_model=mistral_7b_instruct_v02", f"hypernet={size}", "encoder=gte_large"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("trainable_params: "))
    count = int(line.split()[1])
    assert abs(count - PAPER_PARAMS[size]) / PAPER_PARAMS[size] < 0.05, (size, count)
    assert "encoder_dim: 1024" in out and "mistralai/Mistral-7B-Instruct-v0.2" in out


FREE_TEXT = [
    "Decide if a sentence makes sense, given the sport.",          # commas (Hydra: "Ambiguous value")
    'Answer "yes" or \'no\': is it plausible?',                      # quotes and a colon
    "Map x=1, y=2 to x+y; output the sum",                          # equals signs
    "Pick [A], [B] or (C) {as a letter}",                            # brackets and braces
    "Two lines:\nfirst read the story, then answer",                # a newline
    "Übersetze ins Deutsche — 日本語も OK",                           # mixed scripts
]


@pytest.mark.parametrize("text", FREE_TEXT)
def test_generate_takes_descriptions_as_people_type_them(bundle, tmp_path, text):
    """description=TEXT reaches the hypernet exactly as typed, and so does --description TEXT."""
    t2l, path = bundle
    out_kv, out_flag = tmp_path / "kv", tmp_path / "flag"
    assert main(["generate", f"checkpoint={path}", f"description={text}", f"out={out_kv}"]) == 0
    assert main(["generate", f"checkpoint={path}", "--description", text, f"out={out_flag}"]) == 0
    for out in (out_kv, out_flag):
        assert json.loads((out / "t2l_description.json").read_text()) == {"description": text}
    expected = t2l.generate([text])
    written, _, _ = load_adapter_weights(out_kv, base_spec("tiny_random"))
    for key, value in written.items():
        torch.testing.assert_close(value, expected[key][0])


def test_generate_repeated_flag_makes_one_adapter_each(bundle, tmp_path):
    _, path = bundle
    assert main(["generate", f"checkpoint={path}", "--description", "first, task", "--description", "second: task",
                 f"out={tmp_path}"]) == 0
    index = json.loads((tmp_path / "index.json").read_text())
    assert sorted(index.values()) == ["first, task", "second: task"]


def test_hydra_quoting_still_works(bundle, tmp_path):
    _, path = bundle
    assert main(["generate", f"checkpoint={path}", "description='a, quoted one'", f"out={tmp_path / 'q'}"]) == 0
    assert json.loads((tmp_path / "q" / "t2l_description.json").read_text()) == {"description": "a, quoted one"}
