"""`t2l generate` never loads base-model weights (docs/guide.md: "never loads base-model weights").

The proof is an environment where the base weights cannot be reached: a fresh T2L_HOME that holds the
MiniLM encoder and nothing else (no SmolLM2 directory, so `bundle://smollm2-135m-instruct` fails), an
empty HF_HOME and the hub offline, in a new process (nothing loaded earlier in the test session can
help). `t2l generate` with the released SmolLM2 bundle must still succeed there, from a description and
from example inputs, and write the same adapters, byte for byte, as in the full environment.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from t2l.assets import asset_dir

pytestmark = pytest.mark.real_assets

# `t2l` commands in one new process (one start-up for all), each a JSON list of arguments; the exit
# status is the first non-zero one.
CLI = ("import json, sys; from t2l.app.cli import main\n"
       "sys.exit(next((c for c in (main(json.loads(a)) for a in sys.argv[1:]) if c), 0))")
DESCRIPTION = "Answer questions about dates, in one word."


def t2l_commands(commands: list[list[str]], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *map(json.dumps, commands)], env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def digest(directory) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir()) if p.is_file()}


def test_generate_runs_where_the_base_weights_are_unreachable(tmp_path):
    examples = tmp_path / "inputs.jsonl"
    examples.write_text("".join(json.dumps({"input": f"Q: Today is 3/{d}/2001. What is the date tomorrow?"}) + "\n"
                                for d in range(1, 5)))
    full = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    home = tmp_path / "home"
    (home / "encoders").mkdir(parents=True)
    (home / "encoders" / "all-MiniLM-L6-v2").symlink_to(asset_dir("minilm"))   # the encoder only
    bare = {**full, "T2L_HOME": str(home), "HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub")}

    # In the bare environment the base model is really unreachable: loading it fails, naming the asset.
    probe = subprocess.run([sys.executable, "-c", "from t2l.assets import require; require('smollm2-135m-instruct')"],
                           env=bare, capture_output=True, text=True, timeout=120, check=False)
    assert probe.returncode != 0 and "offline asset 'smollm2-135m-instruct' is missing" in probe.stderr

    def commands(name: str) -> list[list[str]]:
        return [["generate", "checkpoint=release", f"description={DESCRIPTION}", f"out={tmp_path / name / 'dates'}"],
                ["generate", "checkpoint=release", f"examples={examples}", f"out={tmp_path / name / 'inputs'}"]]

    outputs = {}
    for name, env in (("bare", bare), ("full", full)):
        done = t2l_commands(commands(name), env)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs[name] = {d: digest(tmp_path / name / d) for d in ("dates", "inputs")}
    assert outputs["bare"] == outputs["full"]
    for d in ("dates", "inputs"):
        assert {"adapter_config.json", "adapter_model.safetensors"} <= set(outputs["bare"][d])
        config = json.loads((tmp_path / "bare" / d / "adapter_config.json").read_text())
        assert config["base_model_name_or_path"] == "HuggingFaceTB/SmolLM2-135M-Instruct" and config["use_rslora"]
    # Nothing was created for the base model in the bare environment: no model dir, no hub download.
    assert not (home / "models").exists() and not (tmp_path / "hf" / "hub").exists()
