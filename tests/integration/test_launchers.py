"""Sweeps and requeue through hydra-submitit-launcher with submitit's real local executor
(`hydra/launcher=local`): the code path a SLURM job takes (pickled job, USR2 on preemption / time limit,
`checkpoint` -> resubmission with resume=true), run on this machine. The SLURM launcher itself needs
`sbatch`; here only its refusal of a config without a partition is exercised.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from t2l.models.bundle import T2L
from tests.helpers.paths import REPO
from tests.helpers.train_runs import TASKS, differing, hypernet_state, run_train, train_command, train_env

pytestmark = pytest.mark.real_assets  # MiniLM and SmolLM2's tokenizer from the bundle

BUDGET = ["experiment=t2l_sft", TASKS, "precision=fp32", "objective.max_length=64", "objective.tasks_per_batch=2",
          "objective.samples_per_task=1", "objective.val_tasks=0", "objective.warmup_steps=3"]


def sweep_command(work: Path, *overrides: str) -> list[str]:
    command = train_command(work, f"hydra.sweep.dir={work / 'multirun'}", *BUDGET, *overrides)
    return [*command[:2], "-m", *command[2:]]   # Hydra's flags go before the overrides


def job_processes(work: Path) -> list[int]:
    """PIDs of the submitit task processes of this sweep (their command line names its folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "submitit.core._submit" in cmdline and str(work) in cmdline:
                found.append(int(entry.name))
    return found


def test_two_job_sweep_writes_both_bundles(tmp_path):
    proc = subprocess.run(sweep_command(tmp_path, "hydra/launcher=local", "hypernet=S,M", "objective.max_steps=3"),
                          cwd=REPO, env=train_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    sizes = {job: T2L.from_pretrained(tmp_path / "run" / job / "hypernet").hypernet.size for job in ("0", "1")}
    assert sizes == {"0": "S", "1": "M"}   # one subdirectory per job: no shared checkpoints
    assert (tmp_path / "multirun" / ".submitit").is_dir()


def test_preempted_job_is_requeued_and_ends_like_an_uninterrupted_run(tmp_path):
    run = ["hypernet=S", "objective.max_steps=60", "objective.ckpt_every=5"]
    sweep = subprocess.Popen(sweep_command(tmp_path, "hydra/launcher=local", *run), cwd=REPO, env=train_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        last = tmp_path / "run" / "0" / "ckpt" / "last.ckpt"
        deadline = time.monotonic() + 300
        while not last.exists() and sweep.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert last.exists(), "the job wrote no checkpoint"
        pids = job_processes(tmp_path)
        assert len(pids) == 1, pids
        os.kill(pids[0], signal.SIGUSR2)   # what SLURM / submitit send on preemption or before the time limit
        out, _ = sweep.communicate(timeout=600)
    finally:
        sweep.kill()
    assert sweep.returncode == 0, out[-4000:]
    logs = "".join(p.read_text() for p in (tmp_path / "multirun" / ".submitit").rglob("*_log.*"))
    assert "Requeued job" in logs and "resuming from" in logs, logs[-4000:]

    plain = tmp_path / "plain"
    proc = run_train(plain, *BUDGET, *run)
    assert proc.returncode == 0, proc.log[-4000:]
    # hypernet_state(work) reads work/run/hypernet: the sweep's job 0 wrote tmp_path/run/0/hypernet.
    assert not differing(hypernet_state(plain), hypernet_state(tmp_path / "run" / "0", run="."), atol=0)   # bit for bit


def test_slurm_launcher_without_partition_submits_nothing(tmp_path):
    proc = subprocess.run(sweep_command(tmp_path, "hydra/launcher=slurm", "objective.max_steps=2"), cwd=REPO,
                          env=train_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    assert "hydra/launcher=slurm needs a partition: add hydra.launcher.partition=NAME" in proc.stderr
    assert not (tmp_path / "multirun" / ".submitit").exists() and not (tmp_path / "run").exists()
