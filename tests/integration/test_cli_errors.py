"""`t2l` as a user runs it (a subprocess): bad files end in exit code 2 and one error line, no traceback.

The contract (tests.helpers.bad_inputs.cli_error): exit 2, the last non-empty stderr line is `error: ...`,
exactly one line starts with `error:`, no `Traceback`. INFO logging may precede the error on stderr; for
the three cases issue #15 names (corrupt bundle, missing bundle, unknown task) stderr must be that ONE
line and nothing else. Each subprocess costs a Python start with torch imported (~3-6 s here).
"""

from __future__ import annotations

import json
import shutil

import pytest

from t2l.lora.peft_io import ADAPTER_WEIGHTS_FILE, save_adapter
from t2l.lora.spec import LoRASpec
from t2l.models.release import DEFAULT_RELEASE
from tests.helpers.bad_inputs import cli_error, run_cli, tiny_bundle, write_pickle_bomb
from tests.helpers.paths import BIGBENCH
from tests.helpers.specs import base_spec

pytestmark = pytest.mark.real_assets   # tiny_random uses SmolLM2's tokenizer; bundles use MiniLM's config

EVAL = ["eval", "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}", "tasks=[toy_choice]", "limit=1"]


def only_line(proc) -> str:
    line = cli_error(proc)
    assert [x for x in proc.stderr.splitlines() if x.strip()] == [line], proc.stderr
    return line


def adapter_dir(tmp_path):
    import torch

    spec = LoRASpec.for_base(base_spec("tiny_random"))
    weights = {f"{m}.{ab}": torch.zeros((spec.num_layers, *(spec.a_shape if ab == "A" else spec.b_shape)(m)))
               for m in spec.target_modules for ab in "AB"}
    return save_adapter(weights, spec, "t2l/tiny-random-llama", tmp_path / "adapter")


# ------------------------------------------------------------------ the three cases of "Must show"

def test_corrupt_safetensors_bundle(tmp_path):
    bundle = tiny_bundle(tmp_path / "bundle")
    weights = bundle / "hypernet.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])   # truncated mid-file
    line = only_line(run_cli(["generate", f"checkpoint={bundle}", "description=dates", f"out={tmp_path / 'o'}"]))
    assert "corrupt bundle weights" in line and str(weights) in line and "re-export" in line
    assert not (tmp_path / "o").exists()


def test_missing_bundle(tmp_path):
    line = only_line(run_cli(["generate", f"checkpoint={tmp_path / 'nowhere'}", "description=dates",
                              f"out={tmp_path / 'o'}"]))
    assert "is not a hypernet bundle" in line and "checkpoint=" in line


def test_unknown_task():
    line = only_line(run_cli(["eval", f"data.bigbench_dir={BIGBENCH}", "tasks=[toy_choise]"]))
    assert "unknown task 'toy_choise'" in line and "toy_choice" in line   # names the near miss


# ------------------------------------------------------------------ files through `t2l eval` / `t2l generate`

def test_truncated_adapter_safetensors_through_eval(tmp_path):
    adapter = adapter_dir(tmp_path)
    weights = adapter / ADAPTER_WEIGHTS_FILE
    weights.write_bytes(weights.read_bytes()[:-7])
    line = cli_error(run_cli([*EVAL, f"adapters={adapter}"]))
    assert "corrupt or truncated" in line and str(weights) in line


def test_malformed_mapping_json_through_eval(tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"toy_choice": "some/dir",\n  oops}')
    line = cli_error(run_cli([*EVAL, f"adapters={mapping}"]))
    assert f"malformed JSON in {mapping} at line 2" in line and "adapters=" in line


def test_malformed_manifest_json_through_eval(tmp_path):
    manifest = tmp_path / "library" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text('{"entries": {"tasks": {"toy_choice": {"path": "tasks/toy_choice"}}')   # cut short
    line = cli_error(run_cli([*EVAL, f"adapters={manifest}"]))
    assert f"malformed JSON in {manifest}" in line


def test_malformed_description_bank_through_eval(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "broken.jsonl").write_text('{"task": "toy_choice", "descriptions": ["fine"]}\n{"task": "x", "descr')
    line = cli_error(run_cli([*EVAL, f"data.descriptions_dir={bank}"]))
    assert f"malformed JSON in {bank / 'broken.jsonl'} at line 2" in line


def test_binary_description_bank_through_eval(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "binary.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    assert "is not UTF-8" in cli_error(run_cli([*EVAL, f"data.descriptions_dir={bank}"]))


def test_binary_examples_file_through_generate(tmp_path):
    bundle = tiny_bundle(tmp_path / "bundle")
    examples = tmp_path / "inputs.jsonl"
    examples.write_bytes(b"\xff\xfe\x00\x01")
    line = cli_error(run_cli(["generate", f"checkpoint={bundle}", f"examples={examples}", f"out={tmp_path / 'o'}"]))
    assert "examples file" in line and "not UTF-8" in line


def test_undecodable_description_bytes_through_generate(tmp_path):
    """Bytes that are not UTF-8 on the command line reach Python as lone surrogates: one line, no adapter."""
    import os
    import subprocess
    import sys

    bundle = tiny_bundle(tmp_path / "bundle")
    argv = [sys.executable.encode(), b"-m", b"t2l.app.cli", b"generate", f"checkpoint={bundle}".encode(),
            b"description=dates \xff\xfe", f"out={tmp_path / 'o'}".encode()]
    proc = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=180,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    assert "not valid UTF-8" in cli_error(proc) and not (tmp_path / "o").exists()


def test_damaged_release_and_pickle_bundle_through_generate(tmp_path):
    """A release copy whose config no longer matches its card's sha256, and a bundle whose weights file is
    a pickle that would run code: both refused in one line; the pickle never runs."""
    if not (DEFAULT_RELEASE / "hypernet").is_dir():
        pytest.skip("no committed release in this checkout")
    release = shutil.copytree(DEFAULT_RELEASE, tmp_path / "release" / DEFAULT_RELEASE.name)
    config = release / "hypernet" / "t2l_config.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "training": {"edited": True}}))
    line = cli_error(run_cli(["generate", f"checkpoint={release / 'hypernet'}", "description=x",
                              f"out={tmp_path / 'o'}"]))
    assert "does not match the sha256" in line and "t2l_config.json" in line

    bundle = tiny_bundle(tmp_path / "bundle")
    marker = tmp_path / "code-ran"
    write_pickle_bomb(bundle / "hypernet.safetensors", marker)
    line = cli_error(run_cli(["generate", f"checkpoint={bundle}", "description=x", f"out={tmp_path / 'o'}"]))
    assert "corrupt bundle weights" in line and not marker.exists()
