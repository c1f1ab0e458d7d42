"""Train a T2L hypernetwork (SFT or reconstruction) and export its bundle: the objectives' settings,
their LightningModules and `train_t2l`. Plain Python; t2l.app turns config into the arguments.

Both modules keep the frozen base model OUT of the module's children, so checkpoints hold the
hypernetwork and optimiser state only. Randomness (description choice, dropout) is a pure function
of (seed, global step), so a run resumed from a checkpoint ends with the same weights as one that
never stopped.

    python train.py experiment=t2l_sft                  # SmolLM2 + MiniLM + BIG-bench pool, hypernet M
    python train.py experiment=t2l_sft hypernet=L       # or S
    python train.py experiment=t2l_recon                # reconstruct the LoRA library
    python train.py experiment=t2l_sft resume=true      # continue from outputs/<run>/ckpt/last.ckpt
"""

from __future__ import annotations

import copy
import json
import logging
import random
import resource
import time
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import torch
from torch.utils.data import DataLoader

from t2l.errors import T2LError
from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.lora.apply import apply_lora
from t2l.models.bundle import T2L, base_summary
from t2l.models.conditioning import CONDITIONS, check_condition, combine, pool_examples
from t2l.models.hypernet import HyperNet
from t2l.tasks.batching import TaskBalancedBatches, task_batch
from t2l.tasks.schema import Task
from t2l.training.losses import answer_loss
from t2l.training.modules import TrainingModule
from t2l.training.pool import PoolOptions, TrainingPool, cached_example_embeddings
from t2l.training.trainer import (
    RecordValidation,
    checkpoint_step,
    make_trainer,
    readable_checkpoint,
    step_seed,
)

log = logging.getLogger(__name__)


@dataclass
class T2LTrainSettings:
    """What SFTObjective and ReconObjective share (conf/objective/*.yaml override their defaults)."""

    objective: str = "sft"          # sft | recon
    max_steps: int = 100
    lr: float = 3e-5                # the trunk's rate
    head_lr: float | None = None    # the output heads' rate (None: lr); see HyperModule.parameter_groups
    weight_decay: float = 0.0
    warmup_steps: int = 10
    warmup_fraction: float | None = None   # set: warmup over this share of max_steps (the reference: 0.2)
    tasks_per_batch: int = 4        # T tasks x S samples per batch
    samples_per_task: int = 2
    max_length: int = 192
    max_train_examples: int | None = None
    label_smoothing: float = 0.1
    l2_weight: float = 1e-3         # L2 penalty on generated A/B
    neftune_alpha: float = 0.0      # NEFTune noise on input embeddings (the reference uses 5)
    prefix_free_fraction: float = 0.0   # share of training examples shown without the task's own instruction
    mismatch_weight: float = 0.0    # > 0: hinge asking the right description for a lower loss than others'
    mismatch_margin: float = 0.1
    condition: str = "description"  # description | examples | both (both: each task-step draws one of the three)
    condition_examples: int = 8     # k unlabeled example inputs pooled per task
    condition_pool: int = 64        # inputs per task (train split) the k are drawn from each step
    zscore: bool = False            # recon: z-score each target (per adapter and layer) before the L1
    val_every: int = 50
    export_every: int = 0           # > 0: also export a bundle every N steps (out_dir/bundles/step_N; learning curves)
    val_tasks: int = 3              # zero-shot validation on this many pool tasks (0: none; recon: delta-W only)
    val_examples: int = 16
    ckpt_every: int = 10
    seed: int = 0


@dataclass
class SFTObjective(T2LTrainSettings):
    """T2L-SFT sized for SmolLM2 on a 2-core CPU; the paper's GPU settings: conf/experiment/t2l_sft_mistral.yaml.

    lr 3e-5: Adam on zero-initialised heads already diverges at 2e-4 on SmolLM2 (measured).
    """

    objective: str = "sft"


@dataclass
class ReconObjective(T2LTrainSettings):
    """T2L reconstruction: L1 between generated and library delta-W (= scaling * B @ A) per layer/module.

    Trunk at 1e-3, heads at 3e-5: with one rate of 1e-3 the heads collapse to zero adapters
    (docs/t2l.md). Pair it with hypernet.init_head_weights=small (conf/experiment/t2l_recon.yaml).
    """

    objective: str = "recon"
    max_steps: int = 800
    lr: float = 1e-3
    head_lr: float | None = 3e-5
    tasks_per_batch: int = 4
    samples_per_task: int = 1
    label_smoothing: float = 0.0
    l2_weight: float = 0.0
    val_tasks: int = 0
    ckpt_every: int = 25


OBJECTIVES = {"sft": SFTObjective, "recon": ReconObjective}


def export_every(every: int, export):
    """A Lightning callback calling `export(step)` every `every` optimizer steps (bundles for learning curves)."""
    import pytorch_lightning as pl

    class ExportEvery(pl.Callback):
        def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
            step = int(trainer.global_step)
            if step % every == 0 and step < trainer.max_steps:
                export(step)

    return ExportEvery()


class TaskExampleIndex(torch.utils.data.Dataset):
    """The (task, example) pairs a TaskBalancedBatches sampler draws; the collate function looks them up.

    Items are the pairs themselves (the sampler yields whole batches of them); its length is the
    number of pairs, so Lightning's progress and epoch accounting see the real pool size.
    """

    def __init__(self, sizes: list[int]):
        self.sizes = list(sizes)

    def __getitem__(self, item: tuple[int, int]) -> tuple[int, int]:
        return item

    def __len__(self) -> int:
        return sum(self.sizes)


class HyperModule(TrainingModule):
    def __init__(self, hypernet: HyperNet, task_embeddings: list[torch.Tensor], base_model=None, tokenizer=None,
                 val_tasks: list[Task] | None = None, val_embeddings: torch.Tensor | None = None,
                 eval_settings: EvalSettings | None = None, lr: float = 1e-3, weight_decay: float = 0.0,
                 warmup_steps: int = 0, seed: int = 0, head_lr: float | None = None, condition: str = "description",
                 example_embeddings: list[torch.Tensor] | None = None, condition_examples: int = 8):
        super().__init__(lr, weight_decay, warmup_steps, seed)
        self.condition, self.condition_examples = check_condition(condition), condition_examples
        self.example_embeddings = example_embeddings   # per task: [pool, dim] embeddings of train inputs
        if condition != "description" and not example_embeddings:
            raise ValueError(f"condition={condition} needs example_embeddings (the tasks' train inputs)")
        self.hypernet = hypernet
        # Plain attributes, not submodules: never checkpointed, never moved by mistake to train mode.
        object.__setattr__(self, "_base", base_model)
        self.tokenizer = tokenizer
        self.task_embeddings = [e.float() for e in task_embeddings]   # per task: [n_descriptions, dim]
        self.val_tasks = val_tasks or []
        self.val_embeddings = val_embeddings
        self.eval_settings = eval_settings or EvalSettings(split="validation", limit=16, progress=False)
        self.head_lr = lr if head_lr is None else head_lr

    @property
    def spec(self):
        return self.hypernet.spec

    def setup(self, stage: str) -> None:
        if self._base is not None:
            self._base.to(self.device)

    def sample_embeddings(self, task_ids: list[int]) -> torch.Tensor:
        """One conditioning vector per task, drawn afresh each step (seeded by the step, not by history):
        a description from the task's bank, k of its train inputs pooled, or both (t2l.models.conditioning)."""
        rng = random.Random(step_seed(self.seed, self.global_step))
        rows = []
        for t in task_ids:
            description = self.task_embeddings[t][rng.randrange(len(self.task_embeddings[t]))]
            mode = rng.choice(CONDITIONS) if self.condition == "both" else self.condition
            if mode == "description":
                rows.append(description)
                continue
            pool = self.example_embeddings[t]
            pooled = pool_examples(pool[rng.sample(range(len(pool)), min(self.condition_examples, len(pool)))])
            rows.append(pooled if mode == "examples" else combine(description, pooled))
        return torch.stack(rows).to(self.device)

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

    def parameter_groups(self) -> list[dict]:
        # The output heads get their own rate. Adam moves every weight by ~lr per step, and a head output
        # sums head_in (512) LayerNorm-ed features, so one step shifts a generated LoRA entry by up to
        # ~500 * lr, while trained LoRA entries are ~1e-2 (SmolLM2 library: |B| ~ 6e-3). At the trunk's
        # lr (1e-3) the heads overshoot every step and settle on the all-tasks median, a zero adapter
        # (measured: delta-W relative error stuck at 1.00); with head_lr 3e-5 it falls steadily.
        heads = [p for n, p in self.hypernet.named_parameters() if n.startswith("heads.")]
        trunk = [p for n, p in self.hypernet.named_parameters() if not n.startswith("heads.")]
        return [{"params": trunk, "lr": self.lr}, {"params": heads, "lr": self.head_lr}]

class T2LSFTModule(HyperModule):
    """SFT: generate a LoRA per task in the batch, apply it per sample, next-token loss on answers."""

    def __init__(self, *args, label_smoothing: float = 0.1, l2_weight: float = 1e-3, neftune_alpha: float = 0.0,
                 mismatch_weight: float = 0.0, mismatch_margin: float = 0.1, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_smoothing, self.l2_weight, self.neftune_alpha = label_smoothing, l2_weight, neftune_alpha
        self.mismatch_weight, self.mismatch_margin = mismatch_weight, mismatch_margin

    def mismatch(self, weights, batch, ce: torch.Tensor) -> torch.Tensor:
        """Hinge: the batch under the NEXT task's adapter (a wrong description) should lose by a margin.

        Aimed at the reference's known weakness (random descriptions help nearly as much as real ones):
        a hypernetwork that ignores what the description says cannot satisfy it.
        """
        wrong_rows = (batch["rows"] + 1) % len(batch["task_ids"])
        with apply_lora(self._base, weights, self.spec, rows=wrong_rows, dropout=True):
            wrong = answer_loss(self._base, batch, self.label_smoothing, self.neftune_alpha)
        self.log("mismatch_gap", wrong.detach() - ce.detach(), batch_size=batch["input_ids"].shape[0])
        return torch.relu(self.mismatch_margin + ce - wrong)

    def training_step(self, batch, batch_idx):
        weights = self.hypernet(self.sample_embeddings(batch["task_ids"]))
        # The base stays in eval mode (frozen); only the generated LoRA's dropout is on.
        with apply_lora(self._base, weights, self.spec, rows=batch["rows"], dropout=True):
            ce = answer_loss(self._base, batch, self.label_smoothing, self.neftune_alpha)
        l2 = sum(w.pow(2).mean() for w in weights.values()) / len(weights)
        loss = ce + self.l2_weight * l2
        if self.mismatch_weight > 0 and len(batch["task_ids"]) > 1:
            loss = loss + self.mismatch_weight * self.mismatch(weights, batch, ce)
        self.check_finite(loss)
        self.log_dict({"train_loss": ce, "l2": l2}, prog_bar=True, batch_size=batch["input_ids"].shape[0])
        return loss


class T2LReconModule(HyperModule):
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


def warmup_steps(settings: T2LTrainSettings) -> int:
    if settings.warmup_fraction is None:
        return settings.warmup_steps
    return round(settings.warmup_fraction * settings.max_steps)


def pool_options(settings: T2LTrainSettings) -> PoolOptions:
    """The settings that shape the tokenised pool (and so its cache key)."""
    return PoolOptions(max_length=settings.max_length, max_train_examples=settings.max_train_examples,
                       prefix_free_fraction=settings.prefix_free_fraction, condition_pool=settings.condition_pool,
                       seed=settings.seed, val_examples=settings.val_examples)


def example_embeddings(encoder, encoder_config: dict, pool: TrainingPool,
                       settings: T2LTrainSettings) -> list[torch.Tensor] | None:
    """Per task, the encoder's embeddings of up to condition_pool train inputs (None for condition=description)."""
    if settings.condition == "description":
        return None
    empty = [n for n, inputs in zip(pool.names, pool.example_inputs) if not inputs]
    if empty:
        raise T2LError(f"condition={settings.condition} needs train examples; tasks {empty[:5]} have none; "
                       "use condition=description or drop those tasks (data.exclude)")
    key = json.dumps(encoder_config, sort_keys=True, default=str)
    return cached_example_embeddings(pool, encoder, key)


def train_t2l(hypernet: HyperNet, encoder, base_spec, encoder_config: dict, pool: TrainingPool,
              settings: T2LTrainSettings, out_dir: Path, model=None, tokenizer=None, val_tasks: list[Task] = (),
              targets: dict[str, torch.Tensor] | None = None, logger=None, trainer_kwargs: dict | None = None,
              resume: bool = False) -> T2L:
    """Fit and export `out_dir/hypernet` (the bundle). Lightning checkpoints live in `out_dir/ckpt`.

    `pool` is t2l.training.pool.training_pool(...) of the training tasks (built with the tokenizer for SFT).
    """
    start = time.perf_counter()
    task_embeddings = [encoder.encode(descriptions) for descriptions in pool.descriptions]
    val_tasks = list(val_tasks)
    val_embeddings = encoder.encode([t.descriptions[0] for t in val_tasks]) if val_tasks else None
    common = dict(base_model=model, tokenizer=tokenizer, val_tasks=val_tasks, val_embeddings=val_embeddings,
                  eval_settings=EvalSettings(chat=base_spec.chat_template, split="validation",
                                             limit=settings.val_examples, progress=False),
                  lr=settings.lr, head_lr=settings.head_lr, weight_decay=settings.weight_decay, warmup_steps=warmup_steps(settings),
                  seed=settings.seed, condition=settings.condition, condition_examples=settings.condition_examples,
                  example_embeddings=example_embeddings(encoder, encoder_config, pool, settings))
    if settings.objective == "sft":
        features = pool.features
        sampler = TaskBalancedBatches(pool.sizes(), settings.tasks_per_batch,
                                      settings.samples_per_task, seed=settings.seed)
        loader = DataLoader(TaskExampleIndex(sampler.sizes), batch_sampler=sampler,
                            collate_fn=partial(task_batch, features=features, pad_id=tokenizer.pad_token_id))
        module = T2LSFTModule(hypernet, task_embeddings, label_smoothing=settings.label_smoothing,
                              l2_weight=settings.l2_weight, neftune_alpha=settings.neftune_alpha,
                              mismatch_weight=settings.mismatch_weight, mismatch_margin=settings.mismatch_margin, **common)
    elif settings.objective == "recon":
        sampler = TaskBalancedBatches([1] * len(pool.names), settings.tasks_per_batch, 1, seed=settings.seed)
        loader = DataLoader(TaskExampleIndex(sampler.sizes), batch_sampler=sampler,
                            collate_fn=lambda items: torch.tensor([t for t, _ in items]))
        module = T2LReconModule(hypernet, task_embeddings, targets=targets, zscore=settings.zscore, **common)
    else:
        raise ValueError(f"unknown objective {settings.objective!r}")

    from pytorch_lightning.callbacks import ModelCheckpoint

    ckpt_dir = out_dir / "ckpt"
    history = RecordValidation()
    callbacks = [ModelCheckpoint(dirpath=ckpt_dir, filename="{step}", save_last=True, save_top_k=1,
                                 every_n_train_steps=settings.ckpt_every, enable_version_counter=False), history]

    def export(step: int, directory: Path) -> T2L:
        summary = {"objective": settings.objective, "steps": step, "tasks": list(pool.names),
                   "pool": {"seconds": pool.seconds, "cache": pool.cache},
                   "val_tasks": [t.name for t in val_tasks], "settings": asdict(settings), "history": history.history,
                   "seconds": round(time.perf_counter() - start, 1),
                   "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
        bundle = T2L(copy.deepcopy(hypernet).cpu(), base_summary(base_spec), encoder_config, summary)
        bundle.save_pretrained(directory)
        return bundle

    if settings.export_every > 0:
        callbacks.append(export_every(settings.export_every, lambda step: export(step, out_dir / "bundles" / f"step_{step}")))
    trainer = make_trainer(max_steps=settings.max_steps, val_every=settings.val_every, callbacks=callbacks,
                           root_dir=out_dir, logger=logger, trainer_kwargs=trainer_kwargs, limit_val_batches=1)
    last = ckpt_dir / "last.ckpt"
    ckpt_path = str(last) if resume and readable_checkpoint(last) else None
    if ckpt_path:
        # The one place resume touches the sampler: Lightning draws the first batch before any hook sees
        # the restored step, so the step-indexed sampler starts at the checkpoint's step here.
        sampler.start_step = checkpoint_step(ckpt_path)
        log.info("resuming from %s (step %d)", ckpt_path, sampler.start_step)
    # Validation is one step that scores every validation task (HyperModule.validation_step).
    trainer.fit(module, loader, DataLoader([0], batch_size=1), ckpt_path=ckpt_path, weights_only=True)
    bundle = export(int(trainer.global_step), out_dir / "hypernet")
    log.info("exported hypernet bundle to %s", out_dir / "hypernet")
    return bundle
