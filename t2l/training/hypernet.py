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
import resource
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import torch
from torch.utils.data import DataLoader

from t2l.errors import T2LError
from t2l.eval.scoring import EvalSettings
from t2l.models.bundle import T2L, base_summary
from t2l.models.hypernet import HyperNet
from t2l.tasks.batching import TaskBalancedBatches, task_batch
from t2l.tasks.schema import Task
from t2l.training.distributed import check_divides
from t2l.training.guard import FaultPolicy
from t2l.training.hypernet_modules import T2LReconModule, T2LSFTModule, TaskExampleIndex
from t2l.training.pool import PoolOptions, TrainingPool, cached_example_embeddings
from t2l.training.trainer import (
    RecordValidation,
    checkpoint_step,
    load_checkpoint,
    make_trainer,
    readable_checkpoint,
)

log = logging.getLogger(__name__)


@dataclass
class T2LTrainSettings:
    """What SFTObjective and ReconObjective share (t2l/conf/objective/*.yaml override their defaults)."""

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
    described_fraction: float = 0.0     # share shown with one of the task's training descriptions before the input
    mismatch_weight: float = 0.0    # > 0: hinge asking the right description for a lower loss than others'
    mismatch_margin: float = 0.1
    choice_weight: float = 0.0      # > 0: cross-entropy over the choices of MC examples (ranking), added to the answer loss
    condition: str = "description"  # description | examples | both (both: each task-step draws one of the three)
    condition_examples: int = 8     # k unlabeled example inputs pooled per task
    condition_pool: int = 64        # inputs per task (train split) the k are drawn from each step
    zscore: bool = False            # recon: z-score each target (per adapter and layer) before the L1
    val_every: int = 50
    gradient_checkpointing: bool = False   # SFT: recompute the frozen base's layers in backward (memory for time)
    compile_hypernet: bool = False  # torch.compile the hypernetwork on CUDA (ignored on CPU, where compiling costs more than it saves)
    stats_every: int = 10           # log generated-adapter statistics (delta-W norms, spread across tasks); 0: off
    export_every: int = 0           # > 0: also export a bundle every N steps (out_dir/bundles/step_N; learning curves)
    val_tasks: int = 3              # zero-shot validation on this many pool tasks (0: none; recon: delta-W only)
    val_examples: int = 16
    val_split: str | None = None    # set: validate on this held-out split's tasks instead (their development examples,
                                    # evaluation descriptions; e.g. heldout_described), up to val_tasks of them
    val_prompts: str = "bare"       # the prompt setting of validation examples (t2l.tasks.prompts.PROMPT_SETTINGS)
    val_descriptions: int = 1       # rotate this many of each validation task's descriptions over its examples
    ckpt_every: int = 10
    seed: int = 0
    guard: FaultPolicy = field(default_factory=FaultPolicy)   # numerical faults (t2l.training.guard)

    def __post_init__(self):
        if isinstance(self.guard, dict):
            self.guard = FaultPolicy(**self.guard)


@dataclass
class SFTObjective(T2LTrainSettings):
    """T2L-SFT sized for SmolLM2 on a 2-core CPU; the paper's GPU settings: t2l/conf/experiment/t2l_sft_mistral.yaml.

    lr 3e-5: Adam on zero-initialised heads already diverges at 2e-4 on SmolLM2 (measured).
    """

    objective: str = "sft"


@dataclass
class ReconObjective(T2LTrainSettings):
    """T2L reconstruction: L1 between generated and library delta-W (= scaling * B @ A) per layer/module.

    Trunk at 1e-3, heads at 3e-5: with one rate of 1e-3 the heads collapse to zero adapters
    (docs/t2l.md). Pair it with hypernet.init_head_weights=small (t2l/conf/experiment/t2l_recon.yaml).
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
            if trainer.is_global_zero and step % every == 0 and step < trainer.max_steps:
                export(step)

    return ExportEvery()


def run_identity(settings: T2LTrainSettings, hypernet: HyperNet, encoder_config: dict, names: list[str]) -> dict:
    """What a checkpoint must share with the run that resumes it: objective, architecture (LoRA spec
    included), encoder and training tasks. Budgets and rates may change between a stop and a resume."""
    import hashlib

    return {"objective": settings.objective, "hypernet": json.loads(json.dumps(hypernet.config(), default=str)),
            "encoder": {k: encoder_config.get(k) for k in ("model_id", "dim", "kind") if k in encoder_config},
            "tasks": hashlib.sha256("\n".join(names).encode()).hexdigest()[:16], "num_tasks": len(names)}


def check_resumable(ckpt_path: str, identity: dict) -> None:
    """Refuse to resume from a checkpoint another run wrote (another experiment, size or task list)."""
    stored = load_checkpoint(ckpt_path).get("t2l_run")
    if stored is None:
        log.warning("%s carries no run identity (written by an older t2l); resuming unchecked", ckpt_path)
        return
    differ = [k for k in identity if stored.get(k) != identity[k]]
    if differ:
        shown = "; ".join(f"{k}: checkpoint {_short(stored.get(k))} vs this run {_short(identity[k])}" for k in differ)
        raise T2LError(f"cannot resume from {ckpt_path}: it was written by another run ({shown}); resume with the "
                       "settings it was trained with, or start fresh with resume=false or another run=NAME")


def _short(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if k != "spec")
    return str(value)


def identity_callback(identity: dict):
    """A callback writing the run identity into every Lightning checkpoint (checked on resume)."""
    import pytorch_lightning as pl

    class StoreIdentity(pl.Callback):
        def on_save_checkpoint(self, trainer, module, checkpoint):
            checkpoint["t2l_run"] = identity

    return StoreIdentity()


def warmup_steps(settings: T2LTrainSettings) -> int:
    if settings.warmup_fraction is None:
        return settings.warmup_steps
    return round(settings.warmup_fraction * settings.max_steps)


def pool_options(settings: T2LTrainSettings) -> PoolOptions:
    """The settings that shape the tokenised pool (and so its cache key)."""
    return PoolOptions(max_length=settings.max_length, max_train_examples=settings.max_train_examples,
                       prefix_free_fraction=settings.prefix_free_fraction,
                       described_fraction=settings.described_fraction, choices=settings.choice_weight > 0,
                       condition_pool=settings.condition_pool, seed=settings.seed, val_examples=settings.val_examples)


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
              resume: bool = False, data_versions: dict | None = None) -> T2L | None:
    """Fit and export `out_dir/hypernet` (the bundle). Lightning checkpoints live in `out_dir/ckpt`.

    `pool` is t2l.training.pool.training_pool(...) of the training tasks (built with the tokenizer for SFT).
    `data_versions` (e.g. {"pool": hash of the generated pool}) go into the bundle's training summary, so
    evaluation can refuse a bundle trained on other data than the installed one.
    With several processes (trainer_kwargs strategy=ddp, devices=N) every rank calls this; rank 0 exports
    and returns the bundle, the others return None.
    """
    start = time.perf_counter()
    task_embeddings = [encoder.encode(descriptions) for descriptions in pool.descriptions]
    val_tasks = list(val_tasks)
    val_embeddings = [encoder.encode(list(t.descriptions[: settings.val_descriptions])) for t in val_tasks]
    common = dict(base_model=model, tokenizer=tokenizer, val_tasks=val_tasks, val_embeddings=val_embeddings,
                  eval_settings=EvalSettings(chat=base_spec.chat_template, split="validation",
                                             limit=settings.val_examples, progress=False),
                  lr=settings.lr, head_lr=settings.head_lr, weight_decay=settings.weight_decay, warmup_steps=warmup_steps(settings),
                  seed=settings.seed, compile_hypernet=settings.compile_hypernet, condition=settings.condition, condition_examples=settings.condition_examples,
                  example_embeddings=example_embeddings(encoder, encoder_config, pool, settings), faults=settings.guard)
    if settings.objective == "sft":
        features = pool.features
        sampler = TaskBalancedBatches(pool.sizes(), settings.tasks_per_batch,
                                      settings.samples_per_task, seed=settings.seed)
        loader = DataLoader(TaskExampleIndex(sampler.sizes), batch_sampler=sampler,
                            collate_fn=partial(task_batch, features=features, pad_id=tokenizer.pad_token_id,
                                               choices=pool.choices if settings.choice_weight > 0 else None))
        module = T2LSFTModule(hypernet, task_embeddings, label_smoothing=settings.label_smoothing,
                              l2_weight=settings.l2_weight, neftune_alpha=settings.neftune_alpha,
                              mismatch_weight=settings.mismatch_weight, mismatch_margin=settings.mismatch_margin,
                              choice_weight=settings.choice_weight, stats_every=settings.stats_every if logger is not None else 0,
                              gradient_checkpointing=settings.gradient_checkpointing, **common)
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
    identity = run_identity(settings, hypernet, encoder_config, list(pool.names))
    callbacks = [ModelCheckpoint(dirpath=ckpt_dir, filename="{step}", save_last=True, save_top_k=1,
                                 every_n_train_steps=settings.ckpt_every, enable_version_counter=False), history,
                 identity_callback(identity)]

    def export(step: int, directory: Path) -> T2L:
        summary = {"objective": settings.objective, "steps": step, "tasks": list(pool.names),
                   "data_versions": dict(data_versions or {}),
                   "pool": {"seconds": pool.seconds, "cache": pool.cache},
                   "val_tasks": [t.name for t in val_tasks], "settings": asdict(settings), "history": history.history,
                   "skipped_steps": module.guard.skipped,
                   "seconds": round(time.perf_counter() - start, 1),
                   "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
        bundle = T2L(copy.deepcopy(hypernet).cpu(), base_summary(base_spec), encoder_config, summary)
        bundle.save_pretrained(directory)
        return bundle

    if settings.export_every > 0:
        callbacks.append(export_every(settings.export_every, lambda step: export(step, out_dir / "bundles" / f"step_{step}")))
    trainer = make_trainer(max_steps=settings.max_steps, val_every=settings.val_every, callbacks=callbacks,
                           root_dir=out_dir, logger=logger, trainer_kwargs=trainer_kwargs, limit_val_batches=1,
                           use_distributed_sampler=False)   # the sampler shards itself (t2l.training.distributed)
    check_divides(sampler.tasks_per_batch, trainer.world_size)
    last = ckpt_dir / "last.ckpt"
    ckpt_path = str(last) if resume and readable_checkpoint(last) else None
    if ckpt_path:
        check_resumable(ckpt_path, identity)
        # The one place resume touches the sampler: Lightning draws the first batch before any hook sees
        # the restored step, so the step-indexed sampler starts at the checkpoint's step here.
        sampler.start_step = checkpoint_step(ckpt_path)
        log.info("resuming from %s (step %d)", ckpt_path, sampler.start_step)
    # Validation is one step that scores every validation task (HyperModule.validation_step).
    trainer.fit(module, loader, DataLoader([0], batch_size=1), ckpt_path=ckpt_path, weights_only=True)
    if not trainer.is_global_zero:
        return None   # rank 0 exports; the other ranks' hypernets are the same weights
    bundle = export(int(trainer.global_step), out_dir / "hypernet")
    log.info("exported hypernet bundle to %s", out_dir / "hypernet")
    return bundle
