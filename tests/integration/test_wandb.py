"""`logger=wandb` on a real T2L-SFT run, offline (WANDB_MODE=offline, as without network): the offline
run's records hold the composed config, the losses, both learning rates, generated-adapter statistics
and validation accuracy (read back with wandb's own protobuf, tests/helpers/wandb_records.py)."""

from __future__ import annotations

import pytest

from tests.helpers.train_runs import SFT_BUDGET, TASKS, run_train
from tests.helpers.wandb_records import offline_run

pytestmark = pytest.mark.real_assets


def test_offline_wandb_run_holds_config_metrics_and_adapter_statistics(tmp_path):
    proc = run_train(tmp_path, "experiment=t2l_sft", TASKS, *SFT_BUDGET, "objective.max_steps=4",
                     "objective.stats_every=2", "logger=wandb")
    assert proc.returncode == 0, proc.log[-4000:]
    assert "wandb sync" in proc.log   # offline: the run is kept for a later `wandb sync`
    run = offline_run(tmp_path / "logs")
    assert run["config"]["objective"]["max_steps"] == 4 and run["config"]["hypernet"]["size"] == "M"
    metrics = {}
    for row in run["history"]:
        for key, value in row.items():
            metrics.setdefault(key, []).append(value)
    assert len(metrics["train_loss"]) == 4
    # Both learning rates, one per step, on the configured linear warmup: rate * (step + 1) / warmup_steps
    objective = run["config"]["objective"]
    warmup = objective["warmup_steps"]
    for group, rate in (("trunk", objective["lr"]), ("heads", objective["head_lr"] or objective["lr"])):
        assert rate > 0
        assert metrics[f"lr-AdamW/{group}"] == pytest.approx([rate * min(1, (s + 1) / warmup) for s in range(4)]), group
    assert len(metrics["val_acc"]) == 2 and all(0 <= a <= 1 for a in metrics["val_acc"])
    # Statistics at steps 0 and 2: per-module norms, the spread across the batch's tasks, per layer.
    assert {k for k in metrics if k.startswith("adapter/q_proj/norm_layer")} == {
        "adapter/q_proj/norm_layer00", "adapter/q_proj/norm_layer01"}
    for module in ("q_proj", "v_proj"):
        norms, spreads = metrics[f"adapter/{module}/norm"], metrics[f"adapter/{module}/spread"]
        # step 0: zero-init heads give every task the same no-op adapter (B = 0): no norm, no spread;
        # step 2: trained heads give nonzero adapters that differ between the batch's tasks
        assert norms[0] == 0 and spreads[0] == 0, module
        assert norms[1] > 0 and spreads[1] > 0, module
