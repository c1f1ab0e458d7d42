"""The Lightning callbacks of t2l training that are neither checkpoint nor identity (t2l.training.checkpoints):
the validation curve kept across resumes, and intermediate bundles for learning curves."""

from __future__ import annotations

from collections.abc import Callable

import pytorch_lightning as pl


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


class ExportEvery(pl.Callback):
    """Calls `export(step)` every `every` optimizer steps before the last (bundles for learning curves;
    the last step's bundle is the run's own export). Rank 0 only: the ranks' weights are the same."""

    def __init__(self, every: int, export: Callable[[int], object]):
        self.every, self.export = every, export

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
        step = int(trainer.global_step)
        if trainer.is_global_zero and step % self.every == 0 and step < trainer.max_steps:
            self.export(step)
