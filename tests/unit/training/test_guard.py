"""The numerical-fault guard's gradient path, through a real Lightning fit: a step whose loss is finite
but whose gradients are not (sqrt at 0: d/dw sqrt(0 * w) = 0 * inf = NaN) is skipped - the weight does
not move, the step counter does - and more than max_skips such steps in a row stop the run."""

from __future__ import annotations

import pytorch_lightning as pl
import pytest
import torch
from torch.utils.data import DataLoader

from t2l.training.guard import FaultPolicy, NumericalFault
from t2l.training.modules import TrainingModule


class OneWeight(TrainingModule):
    """loss (w - 1)^2, except on `bad` steps: sqrt(0 * w), a loss of 0 with NaN gradients."""

    def __init__(self, bad: set[int], faults: FaultPolicy | None = None):
        super().__init__(lr=0.1, faults=faults)
        self.w = torch.nn.Parameter(torch.tensor(3.0))
        self.bad = bad
        self.after: list[float] = []   # w after every step

    def training_step(self, batch, batch_idx):
        loss = (0 * self.w).sqrt() if self.global_step in self.bad else (self.w - 1) ** 2
        assert torch.isfinite(loss)   # the loss alone would not reveal the fault
        return self.guarded(loss)

    def on_train_batch_end(self, outputs, batch, batch_idx):
        self.after.append(float(self.w.detach()))


def fit(module: OneWeight, steps: int) -> pl.Trainer:
    trainer = pl.Trainer(max_steps=steps, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, accelerator="cpu", devices=1)
    trainer.fit(module, DataLoader(list(range(steps)), batch_size=1))
    return trainer


def test_a_step_with_non_finite_gradients_is_skipped_and_the_run_goes_on():
    module = OneWeight(bad={2, 5})
    trainer = fit(module, 8)
    assert trainer.global_step == 8
    assert module.guard.skipped == [{"step": 2, "reason": "non-finite gradients"},
                                    {"step": 5, "reason": "non-finite gradients"}]
    after = module.after
    assert after[2] == after[1] and after[5] == after[4]           # skipped: the weight did not move
    assert all(a != b for i, (a, b) in enumerate(zip(after, after[1:]), 1) if i not in (2, 5))   # others did
    assert all(torch.isfinite(torch.tensor(after))) and after[-1] < 3.0
    # AdamW's moments never saw the NaN: every state tensor is finite
    state = trainer.optimizers[0].state[module.w]
    assert all(torch.isfinite(v).all() for v in state.values() if torch.is_tensor(v))


def test_more_faulty_steps_in_a_row_than_max_skips_stop_the_run():
    module = OneWeight(bad={3, 4, 5, 6}, faults=FaultPolicy(max_skips=3))
    with pytest.raises(NumericalFault, match=r"training stopped at step 6: non-finite gradients \(4 faulty steps "
                                             r"in a row, guard.max_skips=3\)"):
        fit(module, 10)
    assert module.after[2] == module.after[3] == module.after[4] == module.after[5]
    assert [s["step"] for s in module.guard.skipped] == [3, 4, 5, 6]
