"""LightningModules - glue between Lightning and the plain-torch pieces, nothing more.

`TrainingModule` holds what every module here shares: AdamW with a linear warmup (optionally a
second learning rate for a named parameter group), the numerical-fault guard (t2l.training.guard:
faulty steps skipped, saturation stops the run), per-step seeding (randomness that depends on the
global step only, so a resumed run replays it exactly), and the one rule for what a checkpoint holds:
the trained parameters, never a frozen base model.
"""

from __future__ import annotations

import pytorch_lightning as pl
import torch

from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.tasks.schema import Task
from t2l.training.distributed import all_sum, world
from t2l.training.guard import FaultPolicy, NumericalGuard
from t2l.training.losses import answer_loss
from t2l.training.trainer import step_seed


class TrainingModule(pl.LightningModule):
    """Shared optimiser, warmup, finite check and seeding. Subclasses implement training_step.

    lr / weight_decay / warmup_steps: AdamW with the rate ramping linearly over warmup_steps.
    seed: when not None, torch's RNG is seeded from (seed, global step) before every training step
    (dropout masks then depend on the step only).
    faults: the FaultPolicy; training_step returns `self.guarded(loss, generated)`.
    """

    def __init__(self, lr: float, weight_decay: float = 0.0, warmup_steps: int = 0, seed: int | None = None,
                 faults: FaultPolicy | None = None):
        super().__init__()
        self.lr, self.weight_decay, self.warmup_steps, self.seed = lr, weight_decay, warmup_steps, seed
        self.guard = NumericalGuard(faults)
        self._faulty_step = False

    def parameter_groups(self) -> list[dict]:
        """[{"params": [...], "lr": ...}, ...]; the default is one group of every trainable parameter."""
        return [{"params": [p for p in self.parameters() if p.requires_grad], "lr": self.lr}]

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameter_groups(), lr=self.lr, weight_decay=self.weight_decay)
        warmup = max(1, self.warmup_steps)
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup))
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}

    def on_train_batch_start(self, batch, batch_idx):
        if self.seed is not None:
            torch.manual_seed(step_seed(self.seed, self.global_step))

    def trainable(self) -> list[tuple[str, torch.nn.Parameter]]:
        return [(n, p) for n, p in self.named_parameters() if p.requires_grad]

    def guarded(self, loss: torch.Tensor, generated: dict[str, torch.Tensor] | None = None,
                backprop: torch.Tensor | None = None) -> torch.Tensor:
        """The tensor to backpropagate: `backprop` (default `loss`, whose value is what the guard checks), or
        for a faulty step a zero that touches every trainable weight (every rank still runs backward, as DDP
        needs), with the step marked to be skipped."""
        reason = self.guard.loss_fault(loss) or (self.guard.weights_fault(generated) if generated else None)
        self._faulty_step = reason
        if not reason:
            return loss if backprop is None else backprop
        return sum((p * 0).sum() for _, p in self.trainable())

    def on_before_optimizer_step(self, optimizer):
        params = [p for group in optimizer.param_groups for p in group["params"]]
        reason = self._faulty_step or (None if self.guard.grads_finite(params) else "non-finite gradients")
        self._faulty_step = False
        if world()[1] > 1:   # every rank skips, or none does: the weights must stay the same everywhere
            faulty = all_sum(torch.tensor(float(bool(reason)), device=self.device)) > 0
            reason = reason or ("a fault on another rank" if faulty else None)
        if reason:
            for p in params:
                p.grad = None   # AdamW leaves a parameter without a gradient untouched: the step is a no-op
            self.log("skipped_steps", float(len(self.guard.skipped) + 1), batch_size=1)
            self.guard.skip(self.global_step, reason)
        else:
            self.guard.healthy()
            # The total gradient norm before the update, in metrics.csv: one hinge run diverged at step ~115
            # (adapter norms and loss climbing to uniform guessing) with no gradient record to say why.
            grads = [p.grad.detach().float().norm() for p in params if p.grad is not None]
            if grads:
                self.log("grad_norm", torch.stack(grads).norm(), batch_size=1)

    def optimizer_step(self, epoch, batch_idx, optimizer, optimizer_closure=None):
        super().optimizer_step(epoch, batch_idx, optimizer, optimizer_closure)
        self.guard.check_parameters(self.trainable(), self.global_step)

    def trained_names(self) -> set[str]:
        return {name for name, _ in self.trainable()}

    @property
    def strict_loading(self) -> bool:
        """Strict when a checkpoint holds the module's whole state (nothing frozen, no buffers); a module
        around a frozen base loads the trained parameters its checkpoints hold and keeps the rest."""
        everything = {n for n, _ in self.named_parameters(remove_duplicate=False)} | {n for n, _ in self.named_buffers()}
        return everything == self.trained_names()

    def on_save_checkpoint(self, checkpoint):
        checkpoint["t2l_guard"] = self.guard.state_dict()
        # Only what training changes: a frozen base (parameters, tied copies, buffers) is the model the
        # run was started with, reloaded by whoever resumes it, and would make every checkpoint a base copy.
        trained = self.trained_names()
        checkpoint["state_dict"] = {k: v for k, v in checkpoint["state_dict"].items() if k in trained}

    def on_load_checkpoint(self, checkpoint):
        self.guard.load_state_dict(checkpoint.get("t2l_guard", {}))


class TaskLoRAModule(TrainingModule):
    """Train a peft LoRA (already attached to `model`) by next-token loss on answers.

    Validation scores the adapter on each task's validation split with the same scorer as `t2l eval`
    and logs `val_acc` (mean over tasks), which checkpointing and early stopping monitor: one validation
    item per task (its index), the mean logged at the epoch's end. Checkpoints hold only the LoRA tensors
    (the trainable ones) and optimiser state, never the frozen base weights.
    """

    def __init__(self, model, tokenizer, val_tasks: list[Task], eval_settings: EvalSettings, lr: float,
                 weight_decay: float = 0.0, warmup_steps: int = 0, seed: int | None = None,
                 faults: FaultPolicy | None = None):
        super().__init__(lr, weight_decay, warmup_steps, seed, faults)
        self.model = model
        self.tokenizer = tokenizer
        self.val_tasks = val_tasks
        self.eval_settings = eval_settings

    def training_step(self, batch, batch_idx):
        loss = answer_loss(self.model, batch)
        self.log("train_loss", loss, prog_bar=True, on_step=True, batch_size=batch["input_ids"].shape[0])
        return self.guarded(loss)

    def validation_items(self) -> list[int]:
        return list(range(len(self.val_tasks)))

    def on_validation_epoch_start(self) -> None:
        self.val_scores: list[float] = []

    def validation_step(self, batch, batch_idx):
        self.val_scores.append(evaluate_task(self.model, self.tokenizer, self.val_tasks[batch], self.eval_settings)[0]["accuracy"])

    def on_validation_epoch_end(self) -> None:
        if self.val_scores:
            self.log("val_acc", sum(self.val_scores) / len(self.val_scores), prog_bar=True, batch_size=1)
