"""One place for Lightning's Trainer arguments, and the seeds of runs and steps.

Both trainers (library LoRAs and T2L hypernetworks) build their `pl.Trainer` through `make_trainer`,
so validation cadence, logging, sanity checks, the SIGTERM checkpoint (t2l.training.checkpoints) and
the user's `trainer=` config group (accelerator, devices, precision, ...) are handled the same way.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Sequence
from pathlib import Path

import pytorch_lightning as pl

from t2l.errors import T2LError
from t2l.training.checkpoints import CheckpointOnSigterm, last_checkpoint_path

# Arguments make_trainer sets itself: a trainer= config may not set them (they come from the budget).
OWN_ARGUMENTS = ("max_steps", "val_check_interval", "check_val_every_n_epoch", "callbacks", "logger",
                 "num_sanity_val_steps", "enable_model_summary", "log_every_n_steps", "default_root_dir",
                 "use_distributed_sampler")


def stable_seed(seed: int, name: str) -> int:
    """A seed for one named run (a library task) that does not depend on the order runs happen in."""
    return (seed * 1_000_003 + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)) % (2**31)


def step_seed(seed: int, step: int) -> int:
    """The seed of training step `step`: randomness that depends on the step only resumes exactly."""
    return (seed * 7_919 + step * 104_729 + 17) % (2**31)


def check_trainer_arguments(trainer_kwargs: dict) -> None:
    """Refuse an unknown or reserved `trainer.*` key before any model loads, naming the fix."""
    known = set(inspect.signature(pl.Trainer.__init__).parameters) - {"self"}
    for key in trainer_kwargs:
        if key in OWN_ARGUMENTS:
            raise T2LError(f"trainer.{key} is set from the run's budget (library.budget / objective); "
                           f"remove it from t2l/conf/trainer/ or the command line")
        if key not in known:
            raise T2LError(f"trainer.{key} is not a pytorch_lightning.Trainer argument; fix t2l/conf/trainer/*.yaml "
                           "or the override (see the Trainer API for the accepted arguments)")


def make_trainer(*, max_steps: int, val_every: int, callbacks: Sequence[pl.Callback], root_dir: Path,
                 logger=None, trainer_kwargs: dict | None = None, **extra) -> pl.Trainer:
    """A step-based Trainer: validation every `val_every` optimiser steps, no sanity check, no summary."""
    trainer_kwargs = dict(trainer_kwargs or {})
    check_trainer_arguments(trainer_kwargs)
    callbacks = list(callbacks)
    last = last_checkpoint_path(callbacks)
    if last is not None:
        callbacks.append(CheckpointOnSigterm(last))
    if logger is not None:   # learning rates per parameter group (trunk, heads), every step
        from pytorch_lightning.callbacks import LearningRateMonitor

        callbacks.append(LearningRateMonitor(logging_interval="step"))
    return pl.Trainer(max_steps=max_steps, val_check_interval=val_every, check_val_every_n_epoch=None,
                      num_sanity_val_steps=0, callbacks=callbacks, logger=logger if logger is not None else False,
                      enable_model_summary=False, log_every_n_steps=1, default_root_dir=str(root_dir),
                      **extra, **trainer_kwargs)
