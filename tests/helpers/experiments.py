"""The Hydra train config composed as train.py composes it, and the tiny-budget overrides every
experiment test (tests/integration/test_experiments.py, test_benchmark.py) runs with."""

from __future__ import annotations

from pathlib import Path

from t2l.app.config import compose
from tests.helpers.paths import BIGBENCH

TASKS = ("toy_choice", "toy_generate")
TINY = [
    "base_model=tiny_random", f"data.bigbench_dir={BIGBENCH}", f"tasks=[{','.join(TASKS)}]",
    # per-task / multi-task LoRA budget
    "library.budget.max_steps=2", "library.budget.val_every=2", "library.budget.val_examples=2",
    "library.budget.batch_size=2", "library.budget.max_length=64", "library.budget.warmup_steps=1",
    "library.budget.keep_base_if_worse=false",   # tiny random LoRAs rarely beat the base; keep them for the rows
    "library.multitask.val_tasks=1",
    # hypernetwork budget and size
    "objective.max_steps=2", "objective.val_every=2", "objective.val_tasks=1", "objective.val_examples=2",
    "objective.max_length=64", "objective.tasks_per_batch=2", "objective.samples_per_task=1",
    "objective.warmup_steps=1", "objective.ckpt_every=2",
    "hypernet.latent=16", "hypernet.head_in=32", "hypernet.mixer_hidden=32", "hypernet.bottleneck=16",
]


def compose_train(*overrides: str):
    """conf/train.yaml + overrides, through t2l.app.config.compose (the schemas registered)."""
    return compose("train", list(overrides))


def tiny_overrides(name: str, work: Path) -> list[str]:
    return [f"experiment={name}", *TINY, f"library.dir={work / 'lib'}", f"out_dir={work / name}",
            f"logger.save_dir={work / 'logs'}"]
