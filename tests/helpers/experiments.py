"""The Hydra train config composed as train.py composes it, and the tiny-budget overrides every
experiment test (tests/integration/test_experiments.py, test_benchmark.py) runs with."""

from __future__ import annotations

from pathlib import Path

from t2l.app.config import compose
from tests.helpers.paths import BIGBENCH

TASKS = ("toy_choice", "toy_generate")
HELDOUT, POOL = "toy_generate", ("toy_choice", "toy_prefixed")   # the tiny benchmark's split
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
    """t2l/conf/train.yaml + overrides, through t2l.app.config.compose (the schemas registered)."""
    return compose("train", list(overrides))


def tiny_overrides(name: str, work: Path) -> list[str]:
    return [f"experiment={name}", *TINY, f"library.dir={work / 'lib'}", f"out_dir={work / name}",
            f"logger.save_dir={work / 'logs'}"]


def benchmark_cfg(tmp_path, heldout=HELDOUT, *extra: str):
    splits = tmp_path / "splits"
    splits.mkdir(parents=True, exist_ok=True)
    (splits / "heldout_bbh.txt").write_text(f"{heldout}\n")
    (splits / "bigbench_train.txt").write_text("\n".join(POOL) + "\n")
    data = [f"data.bigbench_dir={BIGBENCH}", f"data.splits_dir={splits}", f"library.dir={tmp_path / 'lib'}",
            f"logger.save_dir={tmp_path / 'logs'}"]
    budgets = [o for o in TINY if o.startswith("library.")]
    cfg = compose_train("experiment=benchmark", "base_model=tiny_random", *data, *budgets, f"tasks=[{heldout}]",
                        f"benchmark.out={tmp_path / 'bench'}", f"benchmark.report={tmp_path / 'results.md'}",
                        f"benchmark.plots={tmp_path / 'plots'}", "benchmark.limit=2", "benchmark.shots=1",
                        "benchmark.retrieval_k=1", "benchmark.build.min_library=2", "benchmark.lorahub.modules=2",
                        "benchmark.lorahub.examples=2", "benchmark.lorahub.budget=3",
                        f"benchmark.build.library_tasks=[{','.join(POOL)}]",
                        f"benchmark.t2l.t2l_sft_M.run_dir={tmp_path / 't2l_sft'}",
                        f"benchmark.t2l.t2l_recon.run_dir={tmp_path / 't2l_recon'}", *extra)
    # What each missing piece is built with: the tiny budgets. The T2L rows: their experiment plus TINY's
    # objective / hypernet overrides; the SFT row from plain t2l_sft (not the CPU-budget t2l_sft_benchmark),
    # as the recorded behaviour fixture was trained.
    cfg.benchmark.build.multitask = {"max_steps": 2, "val_every": 2, "max_train_examples": 64}
    tiny_t2l = [o for o in TINY if o.startswith(("objective.", "hypernet."))]
    cfg.benchmark.t2l.t2l_sft_M.experiment = "t2l_sft"
    cfg.benchmark.t2l.t2l_sft_M.overrides = tiny_t2l
    cfg.benchmark.t2l.t2l_recon.overrides = tiny_t2l
    return cfg
