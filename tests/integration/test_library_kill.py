"""Kill `train.py experiment=library` mid-task with SIGKILL, then run it again: it resumes and finishes.

The promise under test (t2l/lora/library.py): every manifest entry points at a complete adapter, whatever
moment the process dies at, and a re-run picks the killed task up from its last Lightning checkpoint.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from t2l.io import sha256_file
from t2l.lora.library import NAMESPACES
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE
from tests.helpers.kills import leftovers
from tests.helpers.paths import BIGBENCH, REPO

pytestmark = pytest.mark.real_assets  # tiny_random uses SmolLM2's tokenizer from the offline bundle

TASKS = ("toy_choice", "toy_generate")
# Long enough to be killed between validations (patience high: early stopping must not end it first).
BUDGET = ["library.budget.max_steps=30", "library.budget.val_every=5", "library.budget.val_examples=1",
          "library.budget.batch_size=2", "library.budget.max_length=64", "library.budget.patience=100"]


def command(work: Path, run: str) -> list[str]:
    return [sys.executable, "train.py", "experiment=library", "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}",
            f"tasks=[{','.join(TASKS)}]", f"library.dir={work / 'lib'}", f"logger.save_dir={work / 'logs'}",
            f"hydra.run.dir={work / 'hydra' / run}", *BUDGET]


def environment() -> dict[str, str]:
    return {"OMP_NUM_THREADS": "1", **os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false"}


def check_consistent(root: Path) -> dict:
    """The library's invariants; returns the manifest ({} when there is none yet)."""
    data = json.loads((root / "manifest.json").read_text()) if (root / "manifest.json").exists() else {}
    for namespace, entries in data.get("entries", {}).items():
        for name, entry in entries.items():
            weights = root / entry["path"] / ADAPTER_WEIGHTS_FILE
            assert weights.is_file() and (root / entry["path"] / ADAPTER_CONFIG_FILE).is_file(), (namespace, name)
            assert sha256_file(weights) == entry["sha256"], (namespace, name)
    for namespace in NAMESPACES:
        for directory in (root / namespace).glob("*") if (root / namespace).is_dir() else []:
            if directory.name.startswith("."):
                continue  # a temp dir of atomic_directory: checked below
            assert (directory / ADAPTER_WEIGHTS_FILE).is_file() and (directory / ADAPTER_CONFIG_FILE).is_file(), directory
    return data


def test_sigkill_mid_task_then_rerun_resumes(tmp_path):
    root = tmp_path / "lib"
    last = root / ".work" / "tasks" / "toy_choice" / "ckpt" / "last.ckpt"
    log_path = tmp_path / "first.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command(tmp_path, "first"), cwd=REPO, env=environment(), stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while not last.is_file():
                assert proc.poll() is None, f"train.py ended (rc {proc.returncode}) before a checkpoint:\n" \
                                            + log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, "no last.ckpt after 60 s:\n" + log_path.read_text()[-3000:]
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # Killed mid-task: whatever is on disk is consistent, and the killed task is not in the manifest.
    data = check_consistent(root)
    assert "toy_choice" not in data.get("entries", {}).get("tasks", {})
    assert leftovers(root) == [], leftovers(root)
    assert last.is_file()

    start = time.monotonic()
    second = subprocess.run(command(tmp_path, "second"), cwd=REPO, env=environment(), capture_output=True,
                            text=True, timeout=120)
    output = second.stdout + second.stderr
    assert second.returncode == 0, output[-4000:]
    assert f"resuming toy_choice from {last}" in output
    assert "[2/2] toy_generate: training" in output
    data = check_consistent(root)
    assert set(data["entries"]["tasks"]) == set(TASKS)
    assert data["entries"]["tasks"]["toy_choice"]["steps"] == 30  # the resumed run went on to max_steps
    assert leftovers(root) == []
    assert not list((root / ".work").rglob("*.ckpt"))  # finished tasks' checkpoints are cleaned up
    # The resumed run's own CSV log starts after the checkpoint, not at step 0.
    resumed_csv = sorted((tmp_path / "logs" / "toy_choice").glob("version_*/metrics.csv"))[-1]
    header, *rows = resumed_csv.read_text().splitlines()
    first_step = int(rows[0].split(",")[header.split(",").index("step")])
    assert first_step >= 5, resumed_csv.read_text()[:500]
    print(f"rerun took {time.monotonic() - start:.1f} s")


def test_torn_checkpoint_is_dropped_not_resumed(tmp_path):
    """A kill while Lightning writes last.ckpt leaves a torn file: the re-run starts the task over."""
    root = tmp_path / "lib"
    last = root / ".work" / "tasks" / "toy_choice" / "ckpt" / "last.ckpt"
    last.parent.mkdir(parents=True)
    last.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)  # the start of a zip, cut short
    short = [a for a in command(tmp_path, "torn") if not a.startswith(("library.budget.max_steps", "tasks="))]
    proc = subprocess.run([*short, "library.budget.max_steps=5", "tasks=[toy_choice]"], cwd=REPO, env=environment(),
                          capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert f"ignoring unreadable checkpoint {last}" in output and "resuming toy_choice" not in output
    data = check_consistent(root)
    assert data["entries"]["tasks"]["toy_choice"]["steps"] == 5  # trained from step 0
    assert not last.exists() and leftovers(root) == []
