"""LightningModules that train a T2L hypernetwork - glue around hypernet.py / apply.py / evaluate.py.

Both keep the frozen base model OUT of the module's children, so checkpoints hold the hypernetwork
and optimiser state only. Randomness (description choice, dropout) is a pure function of
(seed, global step), so a run resumed from a checkpoint ends with the same weights as one that
never stopped.
"""

from __future__ import annotations

import random

import pytorch_lightning as pl
import torch
import torch.nn.functional as F

from t2l.apply import apply_lora
from t2l.evaluate import EvalSettings, evaluate_task
from t2l.hypernet import HyperNet
from t2l.tasks.schema import Task


def step_seed(seed: int, step: int) -> int:
    return (seed * 7_919 + step * 104_729 + 17) % (2**31)


class _HyperModule(pl.LightningModule):
    def __init__(self, hypernet: HyperNet, task_embeddings: list[torch.Tensor], base_model=None, tokenizer=None,
                 val_tasks: list[Task] | None = None, val_embeddings: torch.Tensor | None = None,
                 eval_settings: EvalSettings | None = None, lr: float = 1e-3, weight_decay: float = 0.0,
                 warmup_steps: int = 0, seed: int = 0, head_lr: float | None = None):
        super().__init__()
        self.hypernet = hypernet
        # Plain attributes, not submodules: never checkpointed, never moved by mistake to train mode.
        object.__setattr__(self, "_base", base_model)
        self.tokenizer = tokenizer
        self.task_embeddings = [e.float() for e in task_embeddings]   # per task: [n_descriptions, dim]
        self.val_tasks = val_tasks or []
        self.val_embeddings = val_embeddings
        self.eval_settings = eval_settings or EvalSettings(split="validation", limit=16, progress=False)
        self.lr, self.weight_decay, self.warmup_steps, self.seed = lr, weight_decay, warmup_steps, seed
        self.head_lr = lr if head_lr is None else head_lr

    @property
    def spec(self):
        return self.hypernet.spec

    def setup(self, stage: str) -> None:
        if self._base is not None:
            self._base.to(self.device)

    def sample_embeddings(self, task_ids: list[int]) -> torch.Tensor:
        """One description per task, drawn afresh each step (seeded by the step, not by history)."""
        rng = random.Random(step_seed(self.seed, self.global_step))
        rows = [self.task_embeddings[t][rng.randrange(len(self.task_embeddings[t]))] for t in task_ids]
        return torch.stack(rows).to(self.device)

    def seed_step(self) -> None:
        torch.manual_seed(step_seed(self.seed, self.global_step))  # dropout masks depend on the step only

    def validation_step(self, batch, batch_idx):
        if not self.val_tasks or self._base is None:
            return
        weights = self.hypernet(self.val_embeddings.to(self.device))
        scores = []
        for i, task in enumerate(self.val_tasks):
            one = {k: v[i:i + 1] for k, v in weights.items()}
            with apply_lora(self._base, one, self.spec):  # one adapter: broadcast to every row
                scores.append(evaluate_task(self._base, self.tokenizer, task, self.eval_settings)[0]["accuracy"])
        self.log("val_acc", sum(scores) / len(scores), prog_bar=True, batch_size=1)

    def configure_optimizers(self):
        # The output heads get their own rate. Adam moves every weight by ~lr per step, and a head output
        # sums head_in (512) LayerNorm-ed features, so one step shifts a generated LoRA entry by up to
        # ~500 * lr, while trained LoRA entries are ~1e-2 (SmolLM2 library: |B| ~ 6e-3). At the trunk's
        # lr (1e-3) the heads overshoot every step and settle on the all-tasks median, a zero adapter
        # (measured: delta-W relative error stuck at 1.00); with head_lr 3e-5 it falls steadily.
        heads = [p for n, p in self.hypernet.named_parameters() if n.startswith("heads.")]
        trunk = [p for n, p in self.hypernet.named_parameters() if not n.startswith("heads.")]
        optimizer = torch.optim.AdamW([{"params": trunk, "lr": self.lr}, {"params": heads, "lr": self.head_lr}],
                                      weight_decay=self.weight_decay)
        warmup = max(1, self.warmup_steps)
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup))
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}

    def check_finite(self, loss: torch.Tensor) -> None:
        if not torch.isfinite(loss):
            raise FloatingPointError(f"non-finite loss {loss.item()} at step {self.global_step}; lower the "
                                     "learning rate or check the data (the last good checkpoint is kept)")


class T2LSFTModule(_HyperModule):
    """SFT: generate a LoRA per task in the batch, apply it per sample, next-token loss on answers."""

    def __init__(self, *args, label_smoothing: float = 0.1, l2_weight: float = 1e-3, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_smoothing, self.l2_weight = label_smoothing, l2_weight

    def training_step(self, batch, batch_idx):
        self.seed_step()
        self._base.train()
        weights = self.hypernet(self.sample_embeddings(batch["task_ids"]))
        with apply_lora(self._base, weights, self.spec, rows=batch["rows"]):
            logits = self._base(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        self._base.eval()
        ce = F.cross_entropy(logits[:, :-1].flatten(0, 1).float(), batch["labels"][:, 1:].flatten(),
                             ignore_index=-100, label_smoothing=self.label_smoothing)
        l2 = sum(w.pow(2).mean() for w in weights.values()) / len(weights)
        loss = ce + self.l2_weight * l2
        self.check_finite(loss)
        self.log_dict({"train_loss": ce, "l2": l2}, prog_bar=True, batch_size=batch["input_ids"].shape[0])
        return loss


class T2LReconModule(_HyperModule):
    """Reconstruction: L1 between generated and library delta-W = scaling * B @ A, per layer and module.

    Targets are kept as factors ({module.A: [N, L, r, in], module.B: [N, L, out, r]}) and multiplied
    out per batch, so a library of hundreds of adapters fits in memory.
    """

    def __init__(self, *args, targets: dict[str, torch.Tensor], zscore: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.zscore = zscore

    def delta(self, factors: dict[str, torch.Tensor], module: str) -> torch.Tensor:
        return self.spec.scaling * factors[f"{module}.B"] @ factors[f"{module}.A"]   # [T, L, out, in]

    def recon_loss(self, task_ids: list[int], emb: torch.Tensor) -> torch.Tensor:
        generated = self.hypernet(emb)
        picked = {k: v[task_ids].to(self.device) for k, v in self.targets.items()}
        losses = []
        for module in self.spec.target_modules:
            pred, target = self.delta(generated, module), self.delta(picked, module)
            if self.zscore:  # per target adapter and layer: every target counts the same
                mean = target.mean(dim=(-2, -1), keepdim=True)
                std = target.std(dim=(-2, -1), keepdim=True).clamp_min(1e-8)
                pred, target = (pred - mean) / std, (target - mean) / std
            losses.append((pred - target).abs().mean())
        return sum(losses) / len(losses)

    def relative_error(self, task_ids: list[int], emb: torch.Tensor) -> torch.Tensor:
        """Mean over tasks and modules of ||generated - target||_F / ||target||_F (1.0 = a zero adapter)."""
        generated = self.hypernet(emb)
        picked = {k: v[task_ids].to(self.device) for k, v in self.targets.items()}
        errors = [(self.delta(generated, m) - self.delta(picked, m)).flatten(1).norm(dim=1)
                  / self.delta(picked, m).flatten(1).norm(dim=1).clamp_min(1e-12) for m in self.spec.target_modules]
        return torch.stack(errors).mean()

    def training_step(self, batch, batch_idx):
        self.seed_step()
        task_ids = batch.tolist()
        loss = self.recon_loss(task_ids, self.sample_embeddings(task_ids))
        self.check_finite(loss)
        self.log("train_l1", loss, prog_bar=True, batch_size=len(task_ids))
        return loss

    def validation_step(self, batch, batch_idx):
        with torch.no_grad():
            ids = list(range(len(self.task_embeddings)))
            emb = torch.stack([e[0] for e in self.task_embeddings]).to(self.device)
            self.log("val_l1", self.recon_loss(ids, emb), prog_bar=True, batch_size=1)
            self.log("val_rel_err", self.relative_error(ids, emb), prog_bar=True, batch_size=1)
        super().validation_step(batch, batch_idx)
