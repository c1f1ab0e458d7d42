"""Shared pieces of the bad-input and untrusted-file tests: hostile text, a tiny bundle, a pickle that
would run code, the `t2l` CLI run as a subprocess, and a counter of the cases each property tried.

The CLI contract these tests hold `t2l` to: a bad input ends with exit code 2, the LAST non-empty stderr
line is the error (`error: ...`), exactly one stderr line starts with `error:`, and no `Traceback`
appears. Earlier stderr lines may be logging (INFO lines from logging.basicConfig in t2l.app.cli.main).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.helpers.paths import REPO

# Cases tried per property, filled as the tests run; test modules print their own on teardown.
CASES: Counter = Counter()

# Text that users (or files) hand over: each kind the sweep must survive, in a form hypothesis can also draw.
HOSTILE_TEXTS = {
    "empty": "",
    "blank": " \t\n ",
    "huge": "describe the task " * 6000,                   # ~108k characters
    "binary": "\x00\x01\x02\xff\xfe garbage \x7f",
    "control": "answer\x1b[31m in red\x08\x0c",
    "mixed_scripts": "Réponds 日本語で ответь بالعربية हिंदी 🙂 ok",
    "rtl_override": "answer \u202e sdrawkcab \u202c",
    "lone_surrogate": "bad bytes \udcff\udcfe from argv",
    "zero_width": "\u200b\u200c\u200d\ufeff",
    "newlines": "line one\nline two\r\nline three",
}


def record(name: str) -> None:
    CASES[name] += 1


def case_report() -> str:
    return ", ".join(f"{name}: {n}" for name, n in sorted(CASES.items()))


def tiny_bundle(out: Path, seed: int = 0, encoder: dict | None = None) -> Path:
    """A small hypernet bundle for tiny_random shapes with the real MiniLM encoder config; returns its dir."""
    import torch

    from t2l.lora.spec import LoRASpec
    from t2l.models.bundle import T2L, base_summary
    from t2l.models.hypernet import HyperNet
    from tests.helpers.specs import base_spec, minilm_config

    base = base_spec("tiny_random")
    torch.manual_seed(seed)
    net = HyperNet(LoRASpec.for_base(base), encoder_dim=384, latent=16, head_in=32, size="M", mixer_hidden=32,
                   bottleneck=16)
    return T2L(net, base_summary(base), encoder or minilm_config(), training={"note": "test"}).save_pretrained(out)


class RunsCode:
    """Unpickling this calls os.system (via __reduce__), which writes a marker file: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def write_pickle_bomb(path: Path, marker: Path, wrap: dict | None = None) -> Path:
    """A torch.save file (zip + pickle) whose unpickling would run code, inside a checkpoint-like dict."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({**(wrap or {}), "payload": RunsCode(marker)}, path)
    return path


def run_cli(args: list[str], cwd: Path | None = None, timeout: int = 180,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m t2l.app.cli ARGS` offline, the way a user runs `t2l`."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                **(env or {})}
    return subprocess.run([sys.executable, "-m", "t2l.app.cli", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout, errors="replace")


def cli_error(proc: subprocess.CompletedProcess) -> str:
    """The one error line of a failed `t2l` run, after checking the contract above; returns it."""
    err = proc.stderr
    assert proc.returncode == 2, f"exit {proc.returncode}\n{err}"
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("error: "), err
    assert sum(line.startswith("error:") for line in lines) == 1, err
    return lines[-1]


def write_json(path: Path, obj) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path
