"""Untrusted files (issue #15, item 4): pickles never run, absurd configs never allocate, remote code never
runs unless a config says `true`, the web demo stays on 127.0.0.1 and inside its own directories.

The pickle is live: a control test shows that plain `torch.load(weights_only=False)` of the same file
writes the marker. Every t2l loading path then reads it and the marker must not appear.
"""

from __future__ import annotations

import json
import re
import time
import tracemalloc
from pathlib import Path

import pytest
import torch

from t2l.errors import T2LError
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, load_adapter_weights, save_adapter
from t2l.lora.spec import LoRASpec
from t2l.models.bundle import BUNDLE_CONFIG_FILE, BUNDLE_WEIGHTS_FILE, T2L
from tests.helpers.bad_inputs import tiny_bundle, write_pickle_bomb
from tests.helpers.paths import REPO
from tests.helpers.specs import base_spec, minilm_config

pytestmark = pytest.mark.real_assets   # SmolLM2's tokenizer (tiny_random) and MiniLM from the offline bundle

CKPT_WRAP = {"global_step": 7, "state_dict": {}, "t2l_run": {}}


@pytest.fixture()
def bomb(tmp_path):
    """(path of a pickle that would run code, path of the marker it would write)."""
    marker = tmp_path / "code-ran"
    return write_pickle_bomb(tmp_path / "ckpt" / "last.ckpt", marker, CKPT_WRAP), marker


def tiny_adapter(out: Path) -> Path:
    spec = LoRASpec.for_base(base_spec("tiny_random"))
    weights = {f"{m}.{ab}": torch.zeros((spec.num_layers, *(spec.a_shape if ab == "A" else spec.b_shape)(m)))
               for m in spec.target_modules for ab in "AB"}
    return save_adapter(weights, spec, "t2l/tiny-random-llama", out)


# ------------------------------------------------------------------ pickles

def test_control_the_pickle_runs_code_when_loaded_unsafely(bomb):
    path, marker = bomb
    torch.load(path, weights_only=False)
    assert marker.exists()


def test_training_checkpoint_readers_never_unpickle(bomb):
    from t2l.training.checkpoints import check_resumable
    from t2l.training.checkpoints import checkpoint_step

    path, marker = bomb
    for read in (checkpoint_step, lambda p: check_resumable(str(p), {})):
        with pytest.raises(T2LError, match="cannot read checkpoint .*UnpicklingError.*never unpickles code"):
            read(path)
    assert not marker.exists()


def test_resume_drops_a_pickle_checkpoint_instead_of_running_it(bomb):
    """What `resume=true` and the library's resume call first: the checkpoint is judged unreadable."""
    from t2l.training.checkpoints import readable_checkpoint

    path, marker = bomb
    assert readable_checkpoint(path) is False
    assert not marker.exists() and not path.exists()   # dropped: the run starts over


def test_export_from_a_pickle_checkpoint_never_unpickles(bomb, tmp_path):
    from t2l.training.export import bundle_from_checkpoint

    path, marker = bomb
    with pytest.raises(T2LError, match="cannot read checkpoint .*weights_only=True"):
        bundle_from_checkpoint(path, tiny_bundle(tmp_path / "template"), tmp_path / "out")
    assert not marker.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("layout", ["pickle-as-safetensors", "pickle-only", "pickle-in-release"])
def test_bundle_loading_never_unpickles(layout, tmp_path):
    from t2l.app.release import package_release

    marker = tmp_path / "code-ran"
    bundle = tiny_bundle(tmp_path / "run" / "hypernet")
    if layout == "pickle-as-safetensors":
        write_pickle_bomb(bundle / BUNDLE_WEIGHTS_FILE, marker)
        match = "corrupt bundle weights"
    elif layout == "pickle-only":
        (bundle / BUNDLE_WEIGHTS_FILE).unlink()
        write_pickle_bomb(bundle / "hypernet.pt", marker)
        match = "is not a hypernet bundle"
    else:   # a released bundle whose weights were swapped for a pickle after the card was written
        release = package_release(bundle, tiny_adapter(tmp_path / "mt"), tmp_path / "release" / "toy")
        bundle = release / "hypernet"
        write_pickle_bomb(bundle / BUNDLE_WEIGHTS_FILE, marker)
        match = "does not match the sha256"
    with pytest.raises(T2LError, match=match):
        T2L.from_pretrained(bundle)
    assert not marker.exists()


@pytest.mark.parametrize("name", ["adapter_model.bin", ADAPTER_WEIGHTS_FILE])
def test_adapter_loading_never_unpickles(name, tmp_path):
    marker = tmp_path / "code-ran"
    adapter = tiny_adapter(tmp_path / "adapter")
    (adapter / ADAPTER_WEIGHTS_FILE).unlink()
    write_pickle_bomb(adapter / name, marker)
    with pytest.raises(T2LError, match="never unpickles" if name.endswith(".bin") else "corrupt or truncated"):
        load_adapter_weights(adapter, base_spec("tiny_random"))
    assert not marker.exists()


# ------------------------------------------------------------------ absurd configs: refused before allocation

def refused_small_and_fast(call, match: str, limit_bytes: int = 8 << 20) -> None:
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(T2LError, match=match):
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - began < 5 and peak < limit_bytes, (time.perf_counter() - began, peak)


@pytest.mark.parametrize("field,value,match", [
    ("r", 10 ** 9, r"r=1000000000 is outside 1\.\.32"), ("r", -8, "outside"), ("r", 8.5, "not an integer"),
    ("r", "8", "not an integer"), ("r", None, "not an integer"), ("lora_alpha", "big", "finite number"),
    ("use_rslora", "false", "true or false"), ("target_modules", {"q_proj": 1}, "list of module names"),
    ("surprise_field", 1, "does not know: \\['surprise_field'\\]"),
])
def test_absurd_adapter_configs_are_refused_before_any_allocation(field, value, match, tmp_path):
    adapter = tiny_adapter(tmp_path / "adapter")
    config = json.loads((adapter / ADAPTER_CONFIG_FILE).read_text())
    (adapter / ADAPTER_CONFIG_FILE).write_text(json.dumps({**config, field: value}))
    # The weights file is swapped for garbage: a refusal must come from the config, before it is read.
    (adapter / ADAPTER_WEIGHTS_FILE).write_bytes(b"\x00" * 16)
    refused_small_and_fast(lambda: load_adapter_weights(adapter, base_spec("tiny_random")), match)


@pytest.mark.parametrize("edit,match", [
    (lambda c: c["hypernet"].update(latent=10 ** 9), "weights do not match its config"),
    (lambda c: c["hypernet"].update(head_in=10 ** 8, size="L"), "weights do not match its config"),
    (lambda c: c["hypernet"]["spec"].update(rank=10 ** 7), "weights do not match its config"),
    (lambda c: c["hypernet"]["spec"]["shapes"].update(q_proj=[-5, 64]), "invalid hypernet config"),
    (lambda c: c["hypernet"].update(latent="many"), "invalid hypernet config"),
    (lambda c: c.update(hypernet=[1, 2]), "no 'hypernet' object"),
    (lambda c: c["encoder"].update(trust_remote_code="false"), "trust_remote_code must be true or false"),
])
def test_absurd_bundle_configs_are_refused_before_any_allocation(edit, match, tmp_path):
    bundle = tiny_bundle(tmp_path / "bundle")
    config = json.loads((bundle / BUNDLE_CONFIG_FILE).read_text())
    edit(config)
    (bundle / BUNDLE_CONFIG_FILE).write_text(json.dumps(config))
    refused_small_and_fast(lambda: T2L.from_pretrained(bundle), match)


def test_release_card_cannot_vouch_for_files_outside_the_release(tmp_path):
    from t2l.app.release import package_release
    from t2l.models.release import verify_release

    release = package_release(tiny_bundle(tmp_path / "run" / "hypernet"), tiny_adapter(tmp_path / "mt"),
                              tmp_path / "release" / "toy")
    card = release / "README.md"
    text = card.read_text()
    card.write_text(text.replace("files:\n", "files:\n  ../../../../etc/passwd: " + "0" * 64 + "\n", 1))
    with pytest.raises(T2LError, match="outside the release"):
        verify_release(release)


# ------------------------------------------------------------------ trust_remote_code

def test_trust_remote_code_is_only_ever_passed_from_config():
    """Source check: no call in t2l/ turns it on by itself (True literal) - it always comes from a spec."""
    hits = []
    for path in sorted((REPO / "t2l").rglob("*.py")):
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            if "trust_remote_code" in line and re.search(r"trust_remote_code\s*[=:]\s*True\b|\"trust_remote_code\":\s*True", line):
                hits.append(f"{path.relative_to(REPO)}:{lineno}: {line.strip()}")
    # The one allowed literal: the encoder forwards True only when its own argument `is True`.
    assert hits == [h for h in hits if "t2l/models/encoder.py" in h and "if trust_remote_code is True" in h], hits
    from t2l.app.config import compose

    cfg = compose("train", [])
    assert cfg.base_model.trust_remote_code is False and cfg.encoder.trust_remote_code is False


def test_a_bundle_cannot_turn_remote_code_on_by_itself(tmp_path, monkeypatch):
    """A downloaded bundle whose encoder config says trust_remote_code: true is refused unless the user
    opts in (T2L_TRUST_REMOTE_CODE=1 or the from_pretrained argument)."""
    from t2l.models.bundle import TRUST_REMOTE_CODE_ENV

    bundle = tiny_bundle(tmp_path / "bundle")
    config = json.loads((bundle / BUNDLE_CONFIG_FILE).read_text())
    config["encoder"]["trust_remote_code"] = True
    (bundle / BUNDLE_CONFIG_FILE).write_text(json.dumps(config))
    monkeypatch.delenv(TRUST_REMOTE_CODE_ENV, raising=False)
    with pytest.raises(T2LError, match=f"asks for encoder.trust_remote_code=true .* set {TRUST_REMOTE_CODE_ENV}=1"):
        T2L.from_pretrained(bundle)
    assert T2L.from_pretrained(bundle, trust_remote_code=True).encoder_config["trust_remote_code"] is True
    monkeypatch.setenv(TRUST_REMOTE_CODE_ENV, "1")
    assert T2L.from_pretrained(bundle).encoder_config["trust_remote_code"] is True


def _remote_code_dir(root: Path, marker: Path, tokenizer_source: Path) -> Path:
    """A local model dir (tiny Llama + SmolLM2 tokenizer) whose config and tokenizer config point at custom
    code that writes `marker` when imported: what a hostile download looks like."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    config = LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=len(tokenizer))
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(root)
    tokenizer.save_pretrained(root)
    (root / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n"
                                  "from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast\n"
                                  "class EvilConfig(LlamaConfig): pass\nclass EvilModel(LlamaForCausalLM): pass\n"
                                  "class EvilTokenizer(PreTrainedTokenizerFast): pass\n")
    for name, auto_map in [("config.json", {"AutoConfig": "evil.EvilConfig", "AutoModelForCausalLM": "evil.EvilModel"}),
                           ("tokenizer_config.json", {"AutoTokenizer": [None, "evil.EvilTokenizer"]})]:
        data = json.loads((root / name).read_text())
        (root / name).write_text(json.dumps({**data, "auto_map": auto_map}))
    return root


def test_base_model_with_custom_code_never_runs_it_by_default(tmp_path):
    from t2l.assets import resolve
    from t2l.models.base import BaseModelSpec, load_base

    smollm2 = Path(resolve(base_spec("smollm2_135m").path))
    marker = tmp_path / "code-ran"
    model_dir = _remote_code_dir(tmp_path / "model", marker, smollm2)
    spec = BaseModelSpec(name="hostile", model_id="someone/hostile", path=str(model_dir), num_layers=2,
                         hidden_size=64, modules={"q_proj": (64, 64), "v_proj": (32, 64)}, chat_template=False)
    assert spec.trust_remote_code is False
    # With trust_remote_code=False transformers (5.x, as pinned) ignores the files' auto_map and loads its own
    # classes for the config's model_type; evil.py is never imported. (Should a later transformers refuse such
    # a directory instead, this fails and shows its error: then expect that refusal here, by type and message.)
    model, tokenizer = load_base(spec)
    assert type(model).__name__ == "LlamaForCausalLM"   # the library's own classes, not the file's
    assert "Evil" not in type(tokenizer).__name__ and "Evil" not in type(model.config).__name__
    assert not marker.exists()
    with pytest.raises(T2LError, match="trust_remote_code must be true or false"):
        BaseModelSpec(**{**spec.__dict__, "trust_remote_code": "false"})   # truthy strings never count


def test_encoder_trust_remote_code_needs_the_bool_true():
    from t2l.models.encoder import TaskEncoder

    for value in ("false", "no", 1):
        with pytest.raises(T2LError, match="trust_remote_code must be true or false"):
            TaskEncoder.from_config({**minilm_config(), "trust_remote_code": value})
    assert TaskEncoder.from_config(minilm_config()).dim == 384   # the default (false) loads


# ------------------------------------------------------------------ the web demo

def test_serve_binds_to_localhost_and_never_shares_by_default():
    import inspect

    from t2l.app.config import compose
    from t2l.app.serve import serve

    cfg = compose("serve", [])
    assert cfg.host == "127.0.0.1" and cfg.share is False
    defaults = inspect.signature(serve).parameters
    assert defaults["host"].default == "127.0.0.1" and defaults["share"].default is False


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..", "a/../../b", "C:\\Windows\\x", "\x00../x",
                                  "~/.ssh/id_rsa", "", "名前/../x"])
def test_demo_downloads_stay_in_the_engine_work_dir(name, tmp_path):
    """DemoEngine.export_zip with a hostile adapter name: the zip and its members stay inside engine.work."""
    import zipfile

    from t2l.app.demo_engine import DemoEngine, safe_name
    from t2l.lora.spec import unbatch

    engine = DemoEngine.__new__(DemoEngine)   # the export path only: bundle + work dir, no base model
    engine.bundle = T2L.from_pretrained(tiny_bundle(tmp_path / "bundle"))
    engine.spec, engine.work = engine.bundle.spec, tmp_path / "work"
    engine.work.mkdir()
    weights = {k: v for k, v in unbatch(engine.bundle.hypernet(torch.zeros(1, 384)))[0].items()}
    generated = type("G", (), {"weights": weights})()
    archive = engine.export_zip(generated, name)
    assert archive.resolve().is_relative_to(engine.work.resolve()) and re.fullmatch(r"[A-Za-z0-9_-]+", safe_name(name))
    with zipfile.ZipFile(archive) as zipped:
        assert all(not m.startswith("/") and ".." not in Path(m).parts for m in zipped.namelist())
    outside = [p for p in tmp_path.rglob("*") if not p.resolve().is_relative_to(tmp_path.resolve())]
    assert not outside and not Path("/etc/passwd.zip").exists()


@pytest.mark.parametrize("library", ["../../etc", "/etc", "/nonexistent/library"])
def test_demo_library_dir_outside_gives_one_error(library):
    from t2l.app.demo_engine import DemoEngine

    engine = DemoEngine.__new__(DemoEngine)
    engine.base_spec, engine.spec = base_spec("tiny_random"), LoRASpec.for_base(base_spec("tiny_random"))
    with pytest.raises(T2LError, match="holds no manifest.json"):
        engine._library_adapters(Path(library))


# ------------------------------------------------------------------ library manifests

@pytest.mark.parametrize("path", ["../outside", "/etc", "tasks/../../outside", ".", 7])
def test_a_manifest_entry_pointing_outside_the_library_is_refused(path, tmp_path):
    """A copied or hand-edited manifest must not send training, LoraHub or `rm` (which deletes the
    entry's directory) outside the library."""
    from t2l.lora.library import Library

    spec = LoRASpec.for_base(base_spec("tiny_random"))
    root = tmp_path / "lib"
    library = Library(root, base_spec("tiny_random"), spec)
    tiny_adapter(tmp_path / "outside")
    library.record("tasks", "toy_choice", tiny_adapter(root / "tasks" / "toy_choice"), {"steps": 1})
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["entries"]["tasks"]["toy_choice"]["path"] = path
    (root / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(T2LError, match="entry tasks/toy_choice has path .* not a directory inside the library"):
        Library(root, base_spec("tiny_random"), spec)
    assert (tmp_path / "outside" / ADAPTER_WEIGHTS_FILE).is_file()


@pytest.mark.parametrize("name", ["../outside", "a/b", "..", ".work"])
def test_library_names_cannot_escape_the_library(name, tmp_path):
    from t2l.lora.library import Library

    library = Library(tmp_path / "lib", base_spec("tiny_random"), LoRASpec.for_base(base_spec("tiny_random")))
    tiny_adapter(tmp_path / "outside")
    with pytest.raises(T2LError, match="is not a task name"):
        library.remove("tasks", name)
    assert (tmp_path / "outside" / ADAPTER_WEIGHTS_FILE).is_file()
