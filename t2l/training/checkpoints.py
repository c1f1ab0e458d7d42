"""Checkpoints a run can trust: read without running code, written before a SIGTERM ends the process,
and resumed only by the run that wrote them.

Every reader goes through `load_checkpoint` (weights_only=True). `CheckpointOnSigterm` saves the step
just finished when the process is told to stop; `StoreIdentity` writes the run identity into every
checkpoint and `resume_path` checks it before a run continues from `last.ckpt`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import pytorch_lightning as pl
import torch

from t2l.errors import T2LError

log = logging.getLogger(__name__)


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


def run_identity(objective: str, hypernet_config: dict, encoder_config: dict, names: list[str]) -> dict:
    """What a checkpoint must share with the run that resumes it: objective, architecture (LoRA spec
    included), encoder and training tasks. Budgets and rates may change between a stop and a resume."""
    return {"objective": objective, "hypernet": json.loads(json.dumps(hypernet_config, default=str)),
            "encoder": {k: encoder_config.get(k) for k in ("model_id", "dim", "kind") if k in encoder_config},
            "tasks": hashlib.sha256("\n".join(names).encode()).hexdigest()[:16], "num_tasks": len(names)}


class StoreIdentity(pl.Callback):
    """Writes the run identity into every Lightning checkpoint (`check_resumable` reads it on resume)."""

    def __init__(self, identity: dict):
        self.identity = identity

    def on_save_checkpoint(self, trainer, module, checkpoint):
        checkpoint["t2l_run"] = self.identity


def check_resumable(ckpt_path: str, identity: dict) -> None:
    """Refuse to resume from a checkpoint another run wrote (another experiment, size or task list)."""
    stored = load_checkpoint(ckpt_path).get("t2l_run")
    if stored is None:
        log.warning("%s carries no run identity (written by an older t2l); resuming unchecked", ckpt_path)
        return
    differ = [k for k in identity if stored.get(k) != identity[k]]
    if differ:
        shown = "; ".join(f"{k}: checkpoint {_short(stored.get(k))} vs this run {_short(identity[k])}" for k in differ)
        raise T2LError(f"cannot resume from {ckpt_path}: it was written by another run ({shown}); resume with the "
                       "settings it was trained with, or start fresh with resume=false or another run=NAME")


def _short(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if k != "spec")
    return str(value)


def resume_path(last: Path, identity: dict | None = None) -> str | None:
    """`last` when a run can continue from it: readable and (given an identity) written by this run;
    None for a fresh start. A torn `last` is dropped; another run's raises (check_resumable)."""
    if not readable_checkpoint(last):
        return None
    if identity is not None:
        check_resumable(str(last), identity)
    return str(last)
