"""LightningModules - glue between Lightning and the plain-torch pieces, nothing more."""

from __future__ import annotations

import pytorch_lightning as pl
import torch

from t2l.evaluate import EvalSettings, evaluate_task
from t2l.tasks.schema import Task


class TaskLoRAModule(pl.LightningModule):
    """Train a peft LoRA (already attached to `model`) by next-token loss on answers.

    Validation scores the adapter on each task's validation split with the same scorer as `t2l eval`
    and logs `val_acc` (mean over tasks), which checkpointing and early stopping monitor.
    Checkpoints hold only the LoRA tensors and optimiser state, never the frozen base weights.
    """

    def __init__(self, model, tokenizer, val_tasks: list[Task], eval_settings: EvalSettings,
                 lr: float = 5e-4, weight_decay: float = 0.0, warmup_steps: int = 0):
        super().__init__()
        self.model = model
        self.tokenizer = tokenizer
        self.val_tasks = val_tasks
        self.eval_settings = eval_settings
        self.lr, self.weight_decay, self.warmup_steps = lr, weight_decay, warmup_steps
        self.strict_loading = False  # checkpoints carry the trainable tensors only

    def training_step(self, batch, batch_idx):
        loss = self.model(**batch).loss
        if not torch.isfinite(loss):
            raise FloatingPointError(f"non-finite training loss {loss.item()} at step {self.global_step}; "
                                     "lower the learning rate (the last good checkpoint is kept)")
        self.log("train_loss", loss, prog_bar=True, on_step=True, batch_size=batch["input_ids"].shape[0])
        return loss

    def validation_step(self, batch, batch_idx):
        scores = [evaluate_task(self.model, self.tokenizer, task, self.eval_settings)[0]["accuracy"]
                  for task in self.val_tasks]
        self.log("val_acc", sum(scores) / len(scores), prog_bar=True, batch_size=1)

    def configure_optimizers(self):
        params = [p for p in self.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=self.lr, weight_decay=self.weight_decay)
        warmup = max(1, self.warmup_steps)
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup))
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}

    def trainable_state(self) -> dict[str, torch.Tensor]:
        return {k: v for k, v in self.state_dict().items() if "lora_" in k}

    def on_save_checkpoint(self, checkpoint):
        checkpoint["state_dict"] = {k: v for k, v in checkpoint["state_dict"].items() if "lora_" in k}
