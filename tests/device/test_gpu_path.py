"""The GPU path (issue 12): run on a machine with CUDA GPUs with `pytest -m device tests/device`; every
test here is skipped without one (tests/conftest.py). Tiny random models, real train.py runs:
bf16 autocast + torch.compile of the hypernetwork, DDP over nccl, FSDP - each two steps and a bundle."""

from __future__ import annotations

import pytest
import torch

from t2l.models.bundle import T2L
from tests.helpers.train_runs import SFT_BUDGET, TASKS, run_train

pytestmark = [pytest.mark.device, pytest.mark.real_assets]

GPU = ["experiment=t2l_sft", TASKS, *SFT_BUDGET, "objective.max_steps=2", "device=cuda"]


def gpus() -> int:
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def test_bf16_and_compiled_hypernet_on_one_gpu(tmp_path):
    proc = run_train(tmp_path, *GPU, "precision=bf16", "objective.compile_hypernet=true")
    assert proc.returncode == 0, proc.log[-4000:]
    assert T2L.from_pretrained(tmp_path / "run" / "hypernet").training["steps"] == 2


@pytest.mark.skipif(gpus() < 2, reason="needs 2 GPUs")
def test_ddp_over_nccl(tmp_path):
    proc = run_train(tmp_path, *GPU, "trainer=ddp", "trainer.devices=2")
    assert proc.returncode == 0, proc.log[-4000:]
    assert "distributed_backend=nccl" in proc.log


def test_fsdp_trains_and_exports(tmp_path):
    devices = max(1, min(gpus(), 2))
    proc = run_train(tmp_path, *GPU, "trainer=fsdp", f"trainer.devices={devices}")
    assert proc.returncode == 0, proc.log[-4000:]
    assert T2L.from_pretrained(tmp_path / "run" / "hypernet").training["steps"] == 2
