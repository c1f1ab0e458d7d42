"""One place for Lightning's Trainer arguments, checkpoints that survive a kill, and shared callbacks.

Both trainers (library LoRAs and T2L hypernetworks) build their `pl.Trainer` through `make_trainer`,
so validation cadence, logging, sanity checks and the user's `trainer=` config group (accelerator,
devices, precision, ...) are handled the same way.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import pytorch_lightning as pl
import torch

from t2l.errors import T2LError

log = logging.getLogger(__name__)
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


def last_checkpoint_path(callbacks: Sequence[pl.Callback]) -> Path | None:
    """Where the run's ModelCheckpoint keeps `last.ckpt` (the file `resume=true` reads), if it keeps one."""
    from pytorch_lightning.callbacks import ModelCheckpoint

    for callback in callbacks:
        if isinstance(callback, ModelCheckpoint) and callback.save_last and callback.dirpath:
            return Path(callback.dirpath) / f"{callback.CHECKPOINT_NAME_LAST}{callback.FILE_EXTENSION}"
    return None


class CheckpointOnSigterm(pl.Callback):
    """On SIGTERM (`kill`, a container stop, a scheduler's preemption) save the step just finished to
    last.ckpt before the process exits, so `resume=true` loses nothing.

    Lightning's own SIGTERM handling only stops the loop after the current batch (it raises
    SIGTERMException, a SystemExit); without this a stop lost every step since the last periodic
    checkpoint (42 steps of a study run). The write is atomic: a second signal or a kill during it
    leaves the previous last.ckpt.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def on_exception(self, trainer, module, exception):
        from pytorch_lightning.utilities.exceptions import SIGTERMException

        if not isinstance(exception, SIGTERMException) or trainer.global_step == 0:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.sigterm.tmp")
        try:
            trainer.save_checkpoint(tmp)   # every rank calls it (a collective for sharded strategies)
            if trainer.is_global_zero:
                os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        log.warning("SIGTERM: saved step %d to %s; rerun the same command with resume=true to continue",
                    trainer.global_step, self.path)


def load_checkpoint(path: str | Path) -> dict:
    """A Lightning checkpoint read with weights_only=True: tensors and plain containers only, never code.

    A pickle that would run code, a torn zip or a non-checkpoint file is one T2LError naming the fix.
    """
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise T2LError(f"checkpoint {path} not found; point at a .ckpt file a t2l training run wrote") from None
    except Exception as err:   # UnpicklingError (a pickle with code), RuntimeError (torn zip), ...
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise T2LError(f"cannot read checkpoint {path} with weights_only=True ({type(err).__name__}: {first[:160]}); "
                       "it is torn or not a t2l checkpoint (t2l never unpickles code): delete it, or point at "
                       "another checkpoint of the run") from None


def readable_checkpoint(path: Path) -> bool:
    """A kill can land while Lightning writes a checkpoint; a torn one is dropped, not resumed from.

    Only that file goes: the run's step checkpoints beside it are kept.
    """
    if not path.is_file():
        return False
    try:
        load_checkpoint(path)
        return True
    except T2LError as err:
        log.warning("ignoring unreadable checkpoint %s (%s); starting this run over", path, err)
        path.unlink(missing_ok=True)
        return False


def checkpoint_step(path: str | Path) -> int:
    """The global step a Lightning checkpoint was written at (read with weights_only=True)."""
    state = load_checkpoint(path)
    if "global_step" not in state:
        raise T2LError(f"{path} has no global_step: it is not a Lightning checkpoint of a t2l run")
    return int(state["global_step"])


class RecordValidation(pl.Callback):
    """Validation metrics by step, kept in checkpoints so a resumed run's summary has the whole curve."""

    def __init__(self):
        self.history: list[dict] = []

    def state_dict(self) -> dict:
        return {"history": list(self.history)}

    def load_state_dict(self, state: dict) -> None:
        self.history = list(state.get("history", []))

    def on_validation_end(self, trainer, module):
        metrics = {k: float(v) for k, v in trainer.callback_metrics.items() if k.startswith("val_")}
        if metrics:
            self.history.append({"step": int(trainer.global_step), **metrics})
