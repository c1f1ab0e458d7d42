"""Train a T2L hypernetwork (SFT or reconstruction) and export its bundle: the objectives' settings,
their LightningModule (t2l.training.hypernet_modules), their data (t2l.training.data) and `train_t2l`.
Plain Python; t2l.app turns config into the arguments.

Checkpoints hold the hypernetwork and optimiser state only (t2l.training.modules.TrainingModule).
Randomness (batches, description choice, dropout) is a pure function of (seed, global step), so a run
resumed from a checkpoint (t2l.training.checkpoints) ends with the same weights as one that never stopped.

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
from pathlib import Path

import torch

from t2l.errors import T2LError
from t2l.eval.scoring import EvalSettings
from t2l.models.bundle import T2L, base_summary
from t2l.models.hypernet import HyperNet
from t2l.tasks.schema import Task
from t2l.training.callbacks import ExportEvery, RecordValidation
from t2l.training.checkpoints import StoreIdentity, checkpoint_step, resume_path, run_identity
from t2l.training.data import T2LDataModule
from t2l.training.distributed import check_divides
from t2l.training.guard import FaultPolicy
from t2l.training.hypernet_modules import HyperModule, T2LReconModule, T2LSFTModule
from t2l.training.pool import PoolOptions, TrainingPool, cached_example_embeddings
from t2l.training.trainer import make_trainer

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


def hyper_module(hypernet: HyperNet, encoder, base_spec, encoder_config: dict, pool: TrainingPool,
                 settings: T2LTrainSettings, model, tokenizer, val_tasks: list[Task],
                 targets: dict[str, torch.Tensor] | None, logged: bool) -> HyperModule:
    """The LightningModule of the settings' objective, with the embeddings it conditions on (`logged`:
    a logger takes the generated-adapter statistics)."""
    task_embeddings = [encoder.encode(descriptions) for descriptions in pool.descriptions]
    val_embeddings = [encoder.encode(list(t.descriptions[: settings.val_descriptions])) for t in val_tasks]
    common = dict(base_model=model, tokenizer=tokenizer, val_tasks=val_tasks, val_embeddings=val_embeddings,
                  eval_settings=EvalSettings(chat=base_spec.chat_template, split="validation",
                                             limit=settings.val_examples, progress=False),
                  lr=settings.lr, head_lr=settings.head_lr, weight_decay=settings.weight_decay,
                  warmup_steps=warmup_steps(settings), seed=settings.seed, compile_hypernet=settings.compile_hypernet,
                  condition=settings.condition, condition_examples=settings.condition_examples,
                  example_embeddings=example_embeddings(encoder, encoder_config, pool, settings), faults=settings.guard)
    if settings.objective == "sft":
        return T2LSFTModule(hypernet, task_embeddings, label_smoothing=settings.label_smoothing,
                            l2_weight=settings.l2_weight, neftune_alpha=settings.neftune_alpha,
                            mismatch_weight=settings.mismatch_weight, mismatch_margin=settings.mismatch_margin,
                            choice_weight=settings.choice_weight, stats_every=settings.stats_every if logged else 0,
                            gradient_checkpointing=settings.gradient_checkpointing, **common)
    if settings.objective == "recon":
        return T2LReconModule(hypernet, task_embeddings, targets=targets, zscore=settings.zscore, **common)
    raise ValueError(f"unknown objective {settings.objective!r}")


@dataclass
class BundleExport:
    """Writes the run's bundle as it stands at a step: the hypernetwork and the training summary."""

    hypernet: HyperNet
    base_spec: object
    encoder_config: dict
    settings: T2LTrainSettings
    pool: TrainingPool
    val_tasks: list[Task]
    history: RecordValidation
    module: HyperModule
    data_versions: dict
    start: float   # time.perf_counter() when the run began

    def summary(self, step: int) -> dict:
        return {"objective": self.settings.objective, "steps": step, "tasks": list(self.pool.names),
                "data_versions": dict(self.data_versions),
                "pool": {"seconds": self.pool.seconds, "cache": self.pool.cache},
                "val_tasks": [t.name for t in self.val_tasks], "settings": asdict(self.settings),
                "history": self.history.history, "skipped_steps": self.module.guard.skipped,
                "seconds": round(time.perf_counter() - self.start, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}

    def __call__(self, step: int, directory: Path) -> T2L:
        bundle = T2L(copy.deepcopy(self.hypernet).cpu(), base_summary(self.base_spec), self.encoder_config,
                     self.summary(step))
        bundle.save_pretrained(directory)
        return bundle


def run_callbacks(settings: T2LTrainSettings, out_dir: Path, history: RecordValidation, identity: dict,
                  export: BundleExport) -> list:
    """Periodic checkpoints in out_dir/ckpt (with the run identity and the validation curve), and with
    export_every the intermediate bundles in out_dir/bundles/step_N."""
    from pytorch_lightning.callbacks import ModelCheckpoint

    callbacks = [ModelCheckpoint(dirpath=out_dir / "ckpt", filename="{step}", save_last=True, save_top_k=1,
                                 every_n_train_steps=settings.ckpt_every, enable_version_counter=False), history,
                 StoreIdentity(identity)]
    if settings.export_every > 0:
        callbacks.append(ExportEvery(settings.export_every,
                                     lambda step: export(step, out_dir / "bundles" / f"step_{step}")))
    return callbacks


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
    val_tasks = list(val_tasks)
    module = hyper_module(hypernet, encoder, base_spec, encoder_config, pool, settings, model, tokenizer, val_tasks,
                          targets, logged=logger is not None)
    data = T2LDataModule.for_objective(settings, pool, tokenizer.pad_token_id if tokenizer is not None else None,
                                       module.validation_items())
    history = RecordValidation()
    identity = run_identity(settings.objective, hypernet.config(), encoder_config, list(pool.names))
    export = BundleExport(hypernet, base_spec, encoder_config, settings, pool, val_tasks, history, module,
                          dict(data_versions or {}), start)
    trainer = make_trainer(max_steps=settings.max_steps, val_every=settings.val_every, root_dir=out_dir,
                           callbacks=run_callbacks(settings, out_dir, history, identity, export), logger=logger,
                           trainer_kwargs=trainer_kwargs,
                           use_distributed_sampler=False)   # the sampler shards itself (t2l.training.distributed)
    check_divides(data.tasks_per_batch, trainer.world_size)
    ckpt_path = resume_path(out_dir / "ckpt" / "last.ckpt", identity) if resume else None
    if ckpt_path:
        data.resume_at(checkpoint_step(ckpt_path))
        log.info("resuming from %s (step %d)", ckpt_path, data.sampler.start_step)
    trainer.fit(module, datamodule=data, ckpt_path=ckpt_path, weights_only=True)
    if not trainer.is_global_zero:
        return None   # rank 0 exports; the other ranks' hypernets are the same weights
    bundle = export(int(trainer.global_step), out_dir / "hypernet")
    log.info("exported hypernet bundle to %s", out_dir / "hypernet")
    return bundle
