"""The LightningModules of T2L training: the hypernetwork as the only child, the frozen base model as a
plain attribute, per-step seeded randomness.

Under DDP / FSDP every rank draws the same global batch, generates the adapters of all its tasks,
keeps its own rows (t2l.training.distributed) and takes the loss as a mean over the global batch's
label tokens. Validation scores one item a step (`validation_items`: a validation task, or for
reconstruction the library's delta-W error first) on rank 0 only, and logs the means at the epoch's end.
"""

from __future__ import annotations

import dataclasses
import random

import torch

from t2l.eval.scoring import EvalSettings, evaluate_task, prediction_share
from t2l.lora.apply import apply_lora
from t2l.lora.spec import delta_norms
from t2l.models.base import checkpoint_layers
from t2l.models.conditioning import CONDITIONS, check_condition, combine, pool_examples
from t2l.models.hypernet import HyperNet
from t2l.tasks.batching import choice_parts
from t2l.tasks.schema import Task
from t2l.training.distributed import all_sum, global_mean, local_rows, world
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
    """SFT: generate a LoRA per task in the batch, apply it per sample, next-token loss on answers.

    Each loss term (the answer loss, the mismatch hinge's wrong-adapter loss, the choice ranking) runs its
    forward and its backward through the frozen base on its own, against a detached copy of the generated
    adapters, before the next term's forward: only one term's activations are alive at a time (three graphs
    held together took 10.3 GB in the 2026-12-07 pool run). The hypernetwork then backpropagates the summed
    adapter gradient once (`surrogate`), which is the gradient of the summed loss: the chain rule, split at
    the adapters. Gradient checkpointing recomputes a layer inside its term, with that term's hooks present.
    """

    def __init__(self, *args, logged: bool = False, **kwargs):
        """`logged`: a logger takes the generated-adapter statistics (every settings.stats_every steps)."""
        super().__init__(*args, **kwargs)
        self.stats_every = self.settings.stats_every if logged else 0
        self.checkpointed = checkpoint_layers(self._base) if self.settings.gradient_checkpointing else []

    def term(self, leaves: dict[str, torch.Tensor], rows: torch.Tensor, loss_of, wanted=lambda value: True):
        """(value, gradient w.r.t. each adapter leaf or None) of `loss_of()` under the adapters' `rows`: the
        gradient only where `wanted(value)`. Its activations are freed on return."""
        with apply_lora(self._base, leaves, self.spec, rows=rows, dropout=True):
            value = loss_of()
            if not (value.requires_grad and wanted(value.detach())):
                return value.detach(), None
            return value.detach(), torch.autograd.grad(value, list(leaves.values()), materialize_grads=True)

    def answer_loss(self, batch) -> torch.Tensor:
        """The mean answer loss of the global batch. One process: exactly answer_loss (so one-process runs
        stay bit for bit what they were); several: each rank's share of the global token mean."""
        smoothing, noise = self.settings.label_smoothing, self.settings.neftune_alpha
        if world()[1] == 1:
            return answer_loss(self._base, batch, smoothing, noise)
        return global_mean(*answer_loss_terms(self._base, batch, smoothing, noise))

    def mismatch(self, leaves, batch, ce: torch.Tensor, ce_grads):
        """Hinge: the batch under the NEXT task's adapter (a wrong description) should lose by a margin.
        Returns (hinge value, the answer term's adapter gradients `ce_grads` with the hinge's part added).

        Aimed at the reference's known weakness (random descriptions help nearly as much as real ones):
        a hypernetwork that ignores what the description says cannot satisfy it.
        """
        weight, margin = self.settings.mismatch_weight, self.settings.mismatch_margin
        wrong_rows = (batch["rows"] + 1) % len(batch["task_ids"])
        # Past its margin the hinge is flat: no gradient, and no backward through the base to get one.
        wrong, wrong_grads = self.term(leaves, wrong_rows, lambda: self.answer_loss(batch),
                                       wanted=lambda value: bool(margin + ce - value > 0))
        self.log("mismatch_gap", wrong - ce, batch_size=batch["input_ids"].shape[0])
        if wrong_grads is None:
            return torch.relu(margin + ce - wrong), ce_grads
        # d/dA of weight * (margin + ce - wrong), with ce's gradient already in hand from the answer term
        return margin + ce - wrong, [g + weight * (g - w) for g, w in zip(ce_grads, wrong_grads)]

    def choice_term(self, leaves, choice: dict, task_ids: list[int]):
        """(cross-entropy over each MC example's choices, its adapter gradients or None): the mean over the
        global batch's MC examples (t2l.training.losses.choice_loss_terms), rows under their task's adapter.

        An MC example brings one row per choice, so the choice rows can outnumber the answer batch several
        times: they go through the base in parts of whole examples, each no larger than the answer batch
        (t2l.tasks.batching.choice_parts), which keeps the step's peak memory that of the answer term.
        """
        rank, size = world()
        local = choice if size == 1 else local_rows({**choice, "task_ids": task_ids}, rank, size, allow_empty=True)
        parts = [] if local is None else choice_parts(local, self.settings.tasks_per_batch * self.settings.samples_per_task)
        examples = torch.tensor(float(sum(len(torch.unique(p["group"])) for p in parts)), dtype=torch.float64)
        # Each part's gradient is its share of the global mean (scaled by the world size, as global_mean
        # does: DDP averages the ranks' gradients); a rank without MC examples still joins the sums.
        scale = size / all_sum(examples.to(self.device))
        total, grads = torch.zeros((), dtype=torch.float64, device=self.device), None
        for part in parts:
            value, part_grads = self.term(leaves, part["rows"], lambda: choice_loss_terms(self._base, part)[0] * scale)
            total = total + value
            grads = part_grads if grads is None else [g + q for g, q in zip(grads, part_grads)]
        return all_sum(total) / size, grads

    def training_step(self, batch, batch_idx):
        for layer in self.checkpointed:
            layer.training = True    # validation or a user may have put the base back in eval mode
        # Adapters for every task of the global batch; this rank scores its own tasks' rows.
        weights = self.hypernet(self.sample_embeddings(batch["task_ids"]))
        # fp32 leaves: under bf16 autocast the terms' adapter gradients are summed in fp32 (the hinge's is a
        # difference of two close gradients, which bf16 would round away).
        leaves = {k: w.detach().float().requires_grad_() for k, w in weights.items()}
        choice = batch.get("choice") if self.settings.choice_weight > 0 else None
        task_ids = batch["task_ids"]
        batch = local_rows(batch, *world())
        # The base stays in eval mode (frozen); only the generated LoRA's dropout is on.
        ce, grads = self.term(leaves, batch["rows"], lambda: self.answer_loss(batch))
        l2 = sum(w.pow(2).mean() for w in weights.values()) / len(weights)
        loss = ce + self.settings.l2_weight * l2.detach()
        if self.settings.mismatch_weight > 0 and len(batch["task_ids"]) > 1:
            hinge, grads = self.mismatch(leaves, batch, ce, grads)
            loss = loss + self.settings.mismatch_weight * hinge
        if choice is not None:
            ranking, ranking_grads = self.choice_term(leaves, choice, task_ids)
            loss = loss + self.settings.choice_weight * ranking.to(loss.dtype)
            if ranking_grads is not None:
                grads = [g + self.settings.choice_weight * r for g, r in zip(grads, ranking_grads)]
            self.log("choice_loss", ranking.float(), batch_size=int(choice["group"].max()) + 1)
        self.log_dict({"train_loss": ce, "l2": l2.detach()}, prog_bar=True, batch_size=batch["input_ids"].shape[0])
        if self.stats_every and self.global_step % self.stats_every == 0:
            # Straight to the loggers (rank 0 only, as Lightning's loggers are): self.log would repeat these
            # last values at every later step. Every rank has the same global-batch adapters.
            stats = {k: float(v) for k, v in adapter_statistics(weights, self.spec).items()}
            for logger in self.loggers:
                logger.log_metrics(stats, step=self.global_step)
        # Its gradient w.r.t. the hypernetwork is that of `loss`: the adapter gradients pushed through it.
        surrogate = self.settings.l2_weight * l2 + sum((w * g).sum() for w, g in zip(weights.values(), grads))
        return self.guarded(loss, weights, backprop=surrogate)


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
