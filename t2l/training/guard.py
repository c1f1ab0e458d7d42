"""Numerical faults in training: caught, skipped or stopped on, never written into a checkpoint.

A faulty step is one whose loss is NaN, inf or saturated (above `max_loss`), whose generated LoRA
weights are not finite, or whose gradients are not finite. Such a step is *skipped*: no parameter
changes (the gradients are dropped before the optimizer runs), the step counter still advances, so
batches stay indexed by the step and a resumed run replays the same skips. After `max_skips` faulty
steps in a row the run stops with a `NumericalFault`. A trainable weight that an update made
non-finite or larger than `max_weight` (saturation: the loss can stay finite while the model is
ruined) stops the run at once, before any checkpoint of that step is written; the last good
checkpoint is kept and `resume=true` continues from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import torch

from t2l.errors import T2LError


@dataclass
class FaultPolicy:
    """How training treats numerical faults (`objective.guard.*`, `library.budget.guard.*`)."""

    max_skips: int = 3          # faulty steps in a row skipped before the run stops (0: stop at the first)
    max_loss: float = 100.0     # a finite loss above this is a fault (uniform guessing on SmolLM2: ln 49152 = 10.8)
    max_weight: float = 1e4     # a trainable or generated weight beyond this is saturation: the run stops


class NumericalFault(T2LError, FloatingPointError):
    """Training stopped on a numerical fault; the message says where and what to change."""


FIX = ("the last good checkpoint is kept (resume=true continues from it); lower the learning rate or check "
       "the data")


class NumericalGuard:
    """The fault checks and the count of skipped steps; its state travels in checkpoints."""

    def __init__(self, policy: FaultPolicy | None = None):
        self.policy = policy or FaultPolicy()
        self.in_a_row = 0
        self.skipped: list[dict] = []   # {"step", "reason"} of every skipped step

    def loss_fault(self, loss: torch.Tensor) -> str | None:
        value = float(loss.detach())
        if not torch.isfinite(loss.detach()):
            return f"non-finite training loss {value}"
        if value > self.policy.max_loss:
            return f"saturated training loss {value:.4g} (above guard.max_loss={self.policy.max_loss:g})"
        return None

    def weights_fault(self, weights: dict[str, torch.Tensor]) -> str | None:
        for name, tensor in weights.items():
            tensor = tensor.detach()
            if not torch.isfinite(tensor).all():
                return f"non-finite generated weights in {name}"
            if tensor.abs().max() > self.policy.max_weight:
                return f"generated weights in {name} beyond guard.max_weight={self.policy.max_weight:g}"
        return None

    @staticmethod
    def grads_finite(params: Iterable[torch.nn.Parameter]) -> bool:
        grads = [p.grad for p in params if p.grad is not None]
        return all(bool(torch.isfinite(g).all()) for g in grads)

    def skip(self, step: int, reason: str) -> None:
        """Record a skipped step; raise once more than max_skips faulty steps came in a row."""
        self.skipped.append({"step": int(step), "reason": reason})
        self.in_a_row += 1
        if self.in_a_row > self.policy.max_skips:
            raise NumericalFault(f"training stopped at step {step}: {reason} ({self.in_a_row} faulty steps in a "
                                 f"row, guard.max_skips={self.policy.max_skips}); {FIX}")

    def healthy(self) -> None:
        self.in_a_row = 0

    def check_parameters(self, named: Iterable[tuple[str, torch.nn.Parameter]], step: int) -> None:
        """After an update: a non-finite or saturated trainable weight stops the run (an update cannot be undone)."""
        for name, param in named:
            data = param.detach()
            if not torch.isfinite(data).all():
                raise NumericalFault(f"training stopped at step {step}: the update made {name} non-finite; {FIX}")
            if data.abs().max() > self.policy.max_weight:
                raise NumericalFault(f"training stopped at step {step}: the update saturated {name} (|w| > "
                                     f"guard.max_weight={self.policy.max_weight:g}); {FIX}")

    def state_dict(self) -> dict:
        return {"in_a_row": self.in_a_row, "skipped": list(self.skipped)}

    def load_state_dict(self, state: dict) -> None:
        self.in_a_row, self.skipped = int(state.get("in_a_row", 0)), list(state.get("skipped", []))
