"""Train a T2L hypernetwork (SFT or reconstruction) and export its bundle: `train_t2l` puts together the
objective's settings (t2l.training.settings), its LightningModule
(t2l.training.hypernet_modules) and its data (t2l.training.data). Plain Python; t2l.app composes the settings.

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
from dataclasses import asdict, dataclass
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
from t2l.training.hypernet_modules import HyperModule, T2LReconModule, T2LSFTModule
from t2l.training.pool import TrainingPool, cached_example_embeddings
from t2l.training.settings import T2LTrainSettings
from t2l.training.trainer import make_trainer

log = logging.getLogger(__name__)


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
                  example_embeddings=example_embeddings(encoder, encoder_config, pool, settings))
    if settings.objective == "sft":
        return T2LSFTModule(hypernet, task_embeddings, settings, logged=logged, **common)
    if settings.objective == "recon":
        return T2LReconModule(hypernet, task_embeddings, settings, targets=targets, **common)
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
