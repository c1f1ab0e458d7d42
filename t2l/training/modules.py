"""LightningModules - glue between Lightning and the plain-torch pieces, nothing more.

`TrainingModule` holds what every module here shares: AdamW with a linear warmup (optionally a
second learning rate for a named parameter group), the non-finite-loss guard, and per-step seeding
(randomness that depends on the global step only, so a resumed run replays it exactly).
"""

from __future__ import annotations

import pytorch_lightning as pl
import torch

from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.tasks.schema import Task
from t2l.training.losses import answer_loss
from t2l.training.trainer import step_seed


class TrainingModule(pl.LightningModule):
    """Shared optimiser, warmup, finite check and seeding. Subclasses implement training_step.

    lr / weight_decay / warmup_steps: AdamW with the rate ramping linearly over warmup_steps.
    seed: when not None, torch's RNG is seeded from (seed, global step) before every training step
    (dropout masks then depend on the step only).
    """

    def __init__(self, lr: float, weight_decay: float = 0.0, warmup_steps: int = 0, seed: int | None = None):
        super().__init__()
        self.lr, self.weight_decay, self.warmup_steps, self.seed = lr, weight_decay, warmup_steps, seed

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

    def check_finite(self, loss: torch.Tensor) -> None:
        if not torch.isfinite(loss):
            raise FloatingPointError(f"non-finite training loss {loss.item()} at step {self.global_step}; lower the "
                                     "learning rate or check the data (the last good checkpoint is kept)")


class TaskLoRAModule(TrainingModule):
    """Train a peft LoRA (already attached to `model`) by next-token loss on answers.

    Validation scores the adapter on each task's validation split with the same scorer as `t2l eval`
    and logs `val_acc` (mean over tasks), which checkpointing and early stopping monitor.
    Checkpoints hold only the LoRA tensors and optimiser state, never the frozen base weights.
    """

    def __init__(self, model, tokenizer, val_tasks: list[Task], eval_settings: EvalSettings, lr: float,
                 weight_decay: float = 0.0, warmup_steps: int = 0):
        super().__init__(lr, weight_decay, warmup_steps)
        self.model = model
        self.tokenizer = tokenizer
        self.val_tasks = val_tasks
        self.eval_settings = eval_settings
        self.strict_loading = False  # checkpoints carry the trainable tensors only

    def training_step(self, batch, batch_idx):
        loss = answer_loss(self.model, batch)
        self.check_finite(loss)
        self.log("train_loss", loss, prog_bar=True, on_step=True, batch_size=batch["input_ids"].shape[0])
        return loss

    def validation_step(self, batch, batch_idx):
        scores = [evaluate_task(self.model, self.tokenizer, task, self.eval_settings)[0]["accuracy"]
                  for task in self.val_tasks]
        self.log("val_acc", sum(scores) / len(scores), prog_bar=True, batch_size=1)

    def on_save_checkpoint(self, checkpoint):
        checkpoint["state_dict"] = {k: v for k, v in checkpoint["state_dict"].items() if "lora_" in k}
