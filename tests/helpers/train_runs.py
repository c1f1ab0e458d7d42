"""Real `python train.py` runs on tiny_random for tests: the command, its CSV metrics and its bundle."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import safetensors.torch
import torch

from t2l.models.bundle import BUNDLE_CONFIG_FILE, BUNDLE_WEIGHTS_FILE
from tests.helpers.paths import BIGBENCH, REPO

TASKS = "tasks=[toy_choice,toy_generate,toy_prefixed]"
TINY_HYPERNET = ["hypernet.latent=16", "hypernet.head_in=32", "hypernet.mixer_hidden=32", "hypernet.bottleneck=16"]
SFT_BUDGET = ["objective.max_length=64", "objective.tasks_per_batch=2", "objective.samples_per_task=1",
              "objective.val_tasks=1", "objective.val_every=2", "objective.val_examples=2",
              "objective.warmup_steps=3"]
LIBRARY_BUDGET = ["library.budget.max_steps=2", "library.budget.val_every=2", "library.budget.val_examples=2",
                  "library.budget.batch_size=2", "library.budget.max_length=64", "library.budget.lr=0.05",
                  "library.budget.warmup_steps=1",
                  # tiny random models' LoRAs rarely beat the base; these tests need the adapters stored
                  "library.budget.keep_base_if_worse=false"]



def train_command(work: Path, *overrides: str, bigbench: Path | None = BIGBENCH) -> list[str]:
    """`python train.py base_model=tiny_random ...`: bundle under work/run, logs under work/logs."""
    cmd = [sys.executable, "train.py", "base_model=tiny_random", f"out_dir={work / 'run'}",
           f"logger.save_dir={work / 'logs'}", f"hydra.run.dir={work / 'hydra' / str(time.monotonic_ns())}",
           *TINY_HYPERNET, *overrides]
    if bigbench is not None:
        cmd.append(f"data.bigbench_dir={bigbench}")
    return cmd


def train_env() -> dict:
    """The test process's environment for a train.py subprocess, minus wandb state an in-process wandb run
    may have left (WANDB_SERVICE would attach the child to that run's service)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    return {**clean, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false", "WANDB_MODE": "offline"}


def run_train(work: Path, *overrides: str, bigbench: Path | None = BIGBENCH, timeout: float = 300):
    """Run train_command(...) to the end; `.log` holds stdout + stderr."""
    proc = subprocess.run(train_command(work, *overrides, bigbench=bigbench), cwd=REPO, env=train_env(),
                          capture_output=True, text=True, timeout=timeout)
    proc.log = proc.stdout + proc.stderr
    return proc


def training_summary(work: Path) -> dict:
    return json.loads((work / "run" / "hypernet" / BUNDLE_CONFIG_FILE).read_text())["training"]


def hypernet_state(work: Path, run: str = "run") -> dict[str, torch.Tensor]:
    """The exported bundle's weights of a run under `work` (work/run/hypernet by default)."""
    return safetensors.torch.load_file(str(work / run / "hypernet" / BUNDLE_WEIGHTS_FILE))


def differing(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor], atol: float = 1e-6) -> dict[str, float]:
    """{tensor: largest |a - b|} for the tensors further apart than atol (atol=0: bit for bit)."""
    assert a.keys() == b.keys()
    return {k: float((a[k] - b[k]).abs().max()) for k in a if not torch.allclose(a[k], b[k], atol=atol, rtol=0)}


def csv_metrics(work: Path) -> list[dict]:
    files = sorted((work / "logs").rglob("metrics.csv"))
    assert files, f"no metrics.csv under {work / 'logs'}"
    with files[-1].open() as handle:
        return list(csv.DictReader(handle))
