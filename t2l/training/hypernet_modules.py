"""The LightningModules of T2L training: the hypernetwork as the only child, the frozen base model as a
plain attribute, per-step seeded randomness.

Under DDP / FSDP every rank draws the same global batch, generates the adapters of all its tasks,
keeps its own rows (t2l.training.distributed) and takes the loss as a mean over the global batch's
label tokens. Validation scores one item a step (`validation_items`: a validation task, or for
reconstruction the library's delta-W error first) on rank 0 only, and logs the means at the epoch's end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random

import torch

from t2l.errors import T2LError
from t2l.eval.scoring import EvalSettings, evaluate_task, prediction_share
from t2l.lora.apply import apply_lora
from t2l.lora.spec import delta_norms
from t2l.models.base import checkpoint_layers
from t2l.models.conditioning import CONDITIONS, check_condition, combine, pool_examples
from t2l.models.hypernet import HyperNet
from t2l.tasks.schema import Task
from t2l.training.distributed import global_mean, local_rows, world
from t2l.training.losses import answer_loss, answer_loss_terms, choice_loss_terms
from t2l.training.modules import TrainingModule
from t2l.training.settings import T2LTrainSettings, warmup_steps
from t2l.training.trainer import step_seed


def adapter_statistics(weights: dict[str, torch.Tensor], spec) -> dict[str, torch.Tensor]:
    """Generated-adapter statistics of one batch's tasks: per module the mean ||delta-W||_F (over tasks
    and layers), its spread across tasks (std / mean per layer, averaged: 0 = every task gets the same
    adapter), and the mean norm of every layer."""
    stats = {}
    with torch.no_grad():
        for module in spec.target_modules:
            norms = delta_norms(weights, spec, module)            # [tasks, layers]
            stats[f"adapter/{module}/norm"] = norms.mean()
            if norms.shape[0] > 1:
                spread = norms.std(dim=0, unbiased=False) / norms.mean(dim=0).clamp_min(1e-12)
                stats[f"adapter/{module}/spread"] = spread.mean()
            for layer, value in enumerate(norms.mean(dim=0)):
                stats[f"adapter/{module}/norm_layer{layer:02d}"] = value
    return stats


class HyperModule(TrainingModule):
    """What both objectives share: the conditioning draw, rank-0 zero-shot validation, head learning rate."""

    def __init__(self, hypernet: HyperNet, task_embeddings: list[torch.Tensor], settings: T2LTrainSettings,
                 base_model=None, tokenizer=None, val_tasks: list[Task] | None = None,
                 val_embeddings: list[torch.Tensor] | None = None, eval_settings: EvalSettings | None = None,
                 example_embeddings: list[torch.Tensor] | None = None):
        super().__init__(settings.lr, settings.weight_decay, warmup_steps(settings), settings.seed, settings.guard)
        # Read where used (self.settings.<field>), never copied: the settings' defaults are the only ones.
        self.settings = settings
        check_condition(settings.condition)
        self.example_embeddings = example_embeddings   # per task: [pool, dim] embeddings of train inputs
        if settings.condition != "description" and not example_embeddings:
            raise ValueError(f"condition={settings.condition} needs example_embeddings (the tasks' train inputs)")
        self.hypernet = hypernet
        # A plain attribute, not a submodule: Lightning neither switches it to train mode nor hands it to
        # DDP / FSDP (every rank holds the whole base). What a checkpoint holds is decided in one place,
        # for every module: trained parameters only (TrainingModule.on_save_checkpoint).
        object.__setattr__(self, "_base", base_model)
        self.tokenizer = tokenizer
        self.task_embeddings = [e.float() for e in task_embeddings]   # per task: [n_descriptions, dim]
        self.val_tasks = val_tasks or []
        self.val_embeddings = val_embeddings or []   # per validation task: [descriptions rotated, dim]
        self.eval_settings = eval_settings or EvalSettings(split="validation", limit=settings.val_examples,
                                                           progress=False)
        self.head_lr = settings.lr if settings.head_lr is None else settings.head_lr

    @property
    def spec(self):
        return self.hypernet.spec

    def on_fit_start(self) -> None:
        # Not setup(): Lightning moves the module to its device after setup, before fit starts.
        if self._base is not None:
            self._base.to(self.device)
        if self.settings.compile_hypernet and self.device.type == "cuda":
            self.hypernet.compile()   # in place: parameter names, and so checkpoints and bundles, unchanged

    def validates(self) -> bool:
        """Validation (zero-shot scoring, delta-W error) runs on rank 0 only: it needs no other rank."""
        return self.trainer.is_global_zero

    def sample_embeddings(self, task_ids: list[int]) -> torch.Tensor:
        """One conditioning vector per task, drawn afresh each step (seeded by the step, not by history):
        a description from the task's bank, k of its train inputs pooled, or both (t2l.models.conditioning)."""
        rng = random.Random(step_seed(self.seed, self.global_step))
        rows = []
        for t in task_ids:
            description = self.task_embeddings[t][rng.randrange(len(self.task_embeddings[t]))]
            condition = self.settings.condition
            mode = rng.choice(CONDITIONS) if condition == "both" else condition
            if mode == "description":
                rows.append(description)
                continue
            pool = self.example_embeddings[t]
            k = min(self.settings.condition_examples, len(pool))
            pooled = pool_examples(pool[rng.sample(range(len(pool)), k)])
            rows.append(pooled if mode == "examples" else combine(description, pooled))
        return torch.stack(rows).to(self.device)

    def validation_items(self) -> list[int]:
        """What the validation dataloader yields, one item a step: each validation task's index (zero-shot
        scoring needs the base model)."""
        return list(range(len(self.val_tasks))) if self._base is not None else []

    def on_validation_epoch_start(self) -> None:
        self.val_scores: list[tuple[float, float]] = []   # per validation task: (accuracy, top prediction share)

    def validation_step(self, batch, batch_idx):
        if self.validates():
            self.val_scores.append(self.score_task(batch))

    def score_task(self, index: int) -> tuple[float, float]:
        """Validation task `index` zero-shot: its accuracy and top prediction share under its generated adapters."""
        weights = self.hypernet(self.val_embeddings[index].to(self.device))
        rows = self.rotated_rows(self.val_tasks[index], weights)
        return sum(r["correct"] for r in rows) / len(rows), prediction_share(rows)

    def on_validation_epoch_end(self) -> None:
        if not self.val_scores:
            return
        accuracies, shares = zip(*self.val_scores)
        self.log("val_acc", sum(accuracies) / len(accuracies), prog_bar=True, batch_size=1, rank_zero_only=True)
        # 1.0: every validation example of a task gets the same answer (a collapse, visible as it happens)
        self.log("val_top_pred_share", sum(shares) / len(shares), batch_size=1, rank_zero_only=True)

    def rotated_rows(self, task: Task, weights: dict[str, torch.Tensor]) -> list[dict]:
        """Prediction rows of `task`'s validation examples, example i scored under the adapter of its
        description i mod n (weights hold one adapter per description), as evaluation rotates them."""
        settings = self.eval_settings
        examples = task.split(settings.split)[: settings.limit]
        n = next(iter(weights.values())).shape[0]
        rows = []
        for d in range(min(n, len(examples))):
            part = dataclasses.replace(task, **{settings.split: examples[d::n]})
            with apply_lora(self._base, {k: v[d:d + 1] for k, v in weights.items()}, self.spec):
                rows += evaluate_task(self._base, self.tokenizer, part, settings)[1]
        return rows

    def parameter_groups(self) -> list[dict]:
        # The output heads get their own rate. Adam moves every weight by ~lr per step, and a head output
        # sums head_in (512) LayerNorm-ed features, so one step shifts a generated LoRA entry by up to
        # ~500 * lr, while trained LoRA entries are ~1e-2 (SmolLM2 library: |B| ~ 6e-3). At the trunk's
        # lr (1e-3) the heads overshoot every step and settle on the all-tasks median, a zero adapter
        # (measured: delta-W relative error stuck at 1.00); with head_lr 3e-5 it falls steadily.
        heads = [p for n, p in self.hypernet.named_parameters() if n.startswith("heads.")]
        trunk = [p for n, p in self.hypernet.named_parameters() if not n.startswith("heads.")]
        # Named groups: the learning-rate monitor logs lr-AdamW/trunk and lr-AdamW/heads.
        return [{"params": trunk, "lr": self.lr, "name": "trunk"}, {"params": heads, "lr": self.head_lr, "name": "heads"}]

class T2LSFTModule(HyperModule):
    """SFT: generate a LoRA per task in the batch, apply it per sample, next-token loss on answers."""

    def __init__(self, *args, logged: bool = False, **kwargs):
        """`logged`: a logger takes the generated-adapter statistics (every settings.stats_every steps)."""
        super().__init__(*args, **kwargs)
        settings = self.settings
        self.stats_every = settings.stats_every if logged else 0
        for key in ("mismatch_weight", "choice_weight"):
            if settings.gradient_checkpointing and getattr(settings, key) > 0:
                # A recomputed layer runs the hooks present at backward time; a second forward under other
                # adapter rows in the same step (wrong task, choice rows) cannot have them present too.
                raise T2LError(f"objective.gradient_checkpointing=true cannot be combined with objective.{key} > 0; "
                               "turn one of them off")
        self.checkpointed = checkpoint_layers(self._base) if settings.gradient_checkpointing else []
        # With checkpointing the generated LoRA's hooks must outlive the forward: backward recomputes each
        # layer, hooks included. They are closed after backward (self.backward), or at the next step.
        self.open_adapters = contextlib.ExitStack()

    def adapters(self, weights, rows):
        """apply_lora for this step's forward; with gradient checkpointing kept open through backward."""
        applied = apply_lora(self._base, weights, self.spec, rows=rows, dropout=True)
        if not self.checkpointed:
            return applied
        self.open_adapters.enter_context(applied)
        return contextlib.nullcontext()

    def backward(self, loss, *args, **kwargs):
        try:
            super().backward(loss, *args, **kwargs)
        finally:
            self.open_adapters.close()

    def answer_loss(self, batch) -> torch.Tensor:
        """The mean answer loss of the global batch. One process: exactly answer_loss (so one-process runs
        stay bit for bit what they were); several: each rank's share of the global token mean."""
        smoothing, noise = self.settings.label_smoothing, self.settings.neftune_alpha
        if world()[1] == 1:
            return answer_loss(self._base, batch, smoothing, noise)
        return global_mean(*answer_loss_terms(self._base, batch, smoothing, noise))

    def mismatch(self, weights, batch, ce: torch.Tensor) -> torch.Tensor:
        """Hinge: the batch under the NEXT task's adapter (a wrong description) should lose by a margin.

        Aimed at the reference's known weakness (random descriptions help nearly as much as real ones):
        a hypernetwork that ignores what the description says cannot satisfy it.
        """
        wrong_rows = (batch["rows"] + 1) % len(batch["task_ids"])
        with self.adapters(weights, wrong_rows):
            wrong = self.answer_loss(batch)
        self.log("mismatch_gap", wrong.detach() - ce.detach(), batch_size=batch["input_ids"].shape[0])
        return torch.relu(self.settings.mismatch_margin + ce - wrong)

    def choice_term(self, weights, choice: dict, task_ids: list[int]) -> torch.Tensor:
        """Cross-entropy over each MC example's choices (t2l.training.losses.choice_loss_terms), its rows under
        their task's adapter: the mean over the global batch's MC examples."""
        rank, size = world()
        if size == 1:
            with self.adapters(weights, choice["rows"]):
                total, count = choice_loss_terms(self._base, choice)
            return total / count
        local = local_rows({**choice, "task_ids": task_ids}, rank, size, allow_empty=True)
        if local is None:   # this rank's tasks have no MC example; the others' mean still needs its count
            zero = sum(w.sum() for w in weights.values()) * 0.0
            return global_mean(zero.double(), torch.zeros((), dtype=torch.float64, device=zero.device))
        with self.adapters(weights, local["rows"]):
            return global_mean(*choice_loss_terms(self._base, local))

    def training_step(self, batch, batch_idx):
        self.open_adapters.close()   # a step that failed before its backward
        for layer in self.checkpointed:
            layer.training = True    # validation or a user may have put the base back in eval mode
        # Adapters for every task of the global batch; this rank scores its own tasks' rows.
        weights = self.hypernet(self.sample_embeddings(batch["task_ids"]))
        choice = batch.get("choice") if self.settings.choice_weight > 0 else None
        task_ids = batch["task_ids"]
        batch = local_rows(batch, *world())
        # The base stays in eval mode (frozen); only the generated LoRA's dropout is on.
        with self.adapters(weights, batch["rows"]):
            ce = self.answer_loss(batch)
        l2 = sum(w.pow(2).mean() for w in weights.values()) / len(weights)
        loss = ce + self.settings.l2_weight * l2
        if self.settings.mismatch_weight > 0 and len(batch["task_ids"]) > 1:
            loss = loss + self.settings.mismatch_weight * self.mismatch(weights, batch, ce)
        if choice is not None:
            ranking = self.choice_term(weights, choice, task_ids)
            loss = loss + self.settings.choice_weight * ranking.to(loss.dtype)
            self.log("choice_loss", ranking.detach().float(), batch_size=int(choice["group"].max()) + 1)
        self.log_dict({"train_loss": ce, "l2": l2}, prog_bar=True, batch_size=batch["input_ids"].shape[0])
        if self.stats_every and self.global_step % self.stats_every == 0:
            # Straight to the loggers (rank 0 only, as Lightning's loggers are): self.log would repeat these
            # last values at every later step. Every rank has the same global-batch adapters.
            stats = {k: float(v) for k, v in adapter_statistics(weights, self.spec).items()}
            for logger in self.loggers:
                logger.log_metrics(stats, step=self.global_step)
        return self.guarded(loss, weights)


# Reconstruction's first validation item: the delta-W error over every training task at once (one
# hypernet forward over all of them, as the error was always measured), before any zero-shot task.
RECONSTRUCTION = -1


class T2LReconModule(HyperModule):
    """Reconstruction: L1 between generated and library delta-W = scaling * B @ A, per layer and module.

    Targets are kept as factors ({module.A: [N, L, r, in], module.B: [N, L, out, r]}) and multiplied
    out per batch, so a library of hundreds of adapters fits in memory.
    """

    def __init__(self, *args, targets: dict[str, torch.Tensor], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets

    def delta(self, factors: dict[str, torch.Tensor], module: str) -> torch.Tensor:
        return self.spec.scaling * factors[f"{module}.B"] @ factors[f"{module}.A"]   # [T, L, out, in]

    def recon_loss(self, task_ids: list[int], emb: torch.Tensor) -> torch.Tensor:
        generated = self.hypernet(emb)
        picked = {k: v[task_ids].to(self.device) for k, v in self.targets.items()}
        losses = []
        for module in self.spec.target_modules:
            pred, target = self.delta(generated, module), self.delta(picked, module)
            if self.settings.zscore:  # per target adapter and layer: every target counts the same
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
        task_ids = batch   # the batch is its tasks (t2l.training.data.task_ids)
        embeddings = self.sample_embeddings(task_ids)   # drawn for the global batch, as on one process
        rank, size = world()
        share = slice(rank * len(task_ids) // size, (rank + 1) * len(task_ids) // size)
        # Equal shares of equal-sized targets: DDP's gradient average is the global batch's mean.
        loss = self.recon_loss(task_ids[share], embeddings[share])
        self.log("train_l1", loss, prog_bar=True, batch_size=len(task_ids))
        return self.guarded(loss)

    def validation_items(self) -> list[int]:
        return [RECONSTRUCTION] + super().validation_items()

    def validation_step(self, batch, batch_idx):
        if batch != RECONSTRUCTION:
            return super().validation_step(batch, batch_idx)
        if not self.validates():
            return
        with torch.no_grad():
            ids = list(range(len(self.task_embeddings)))
            emb = torch.stack([e[0] for e in self.task_embeddings]).to(self.device)
            self.log("val_l1", self.recon_loss(ids, emb), prog_bar=True, batch_size=1, rank_zero_only=True)
            self.log("val_rel_err", self.relative_error(ids, emb), prog_bar=True, batch_size=1, rank_zero_only=True)
