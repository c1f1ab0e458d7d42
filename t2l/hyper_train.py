"""Train a T2L hypernetwork (SFT or reconstruction) and export its bundle. Plain Python; pipeline.py
turns config into the arguments.

    python train.py experiment=t2l_sft                  # SmolLM2 + MiniLM + BIG-bench pool, hypernet M
    python train.py experiment=t2l_sft hypernet=L       # or S
    python train.py experiment=t2l_recon                # reconstruct the LoRA library
    python train.py experiment=t2l_sft resume=true      # continue from outputs/<run>/ckpt/last.ckpt
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader

from t2l.batching import TaskBalancedBatches, task_batch
from t2l.bundle import T2L, base_summary
from t2l.evaluate import EvalSettings
from t2l.hyper_modules import T2LReconModule, T2LSFTModule
from t2l.hypernet import HyperNet
from t2l.library_train import readable_checkpoint
from t2l.prompts import sft_features
from t2l.tasks.schema import Task

log = logging.getLogger(__name__)


@dataclass
class T2LTrainSettings:
    objective: str = "sft"          # sft | recon
    max_steps: int = 100
    lr: float = 1e-3
    head_lr: float | None = None    # learning rate of the output heads (None: lr); see _HyperModule
    weight_decay: float = 0.0
    warmup_steps: int = 10
    tasks_per_batch: int = 4
    samples_per_task: int = 2
    max_length: int = 192
    max_train_examples: int | None = None
    label_smoothing: float = 0.1
    l2_weight: float = 1e-3
    zscore: bool = False
    val_every: int = 50
    val_examples: int = 16
    ckpt_every: int = 10
    seed: int = 0


class _Items(torch.utils.data.Dataset):
    """Identity dataset: the batch sampler already yields the items the collate function needs."""

    def __getitem__(self, item):
        return item

    def __len__(self):  # pragma: no cover - batches come from an endless sampler
        return 1 << 30


class _ResumeSampler(pl.Callback):
    """Point the step-indexed sampler at the restored global step before the first batch is drawn."""

    def __init__(self, sampler: TaskBalancedBatches):
        self.sampler = sampler

    def on_train_start(self, trainer, module):
        self.sampler.start_step = trainer.global_step


class _RecordSteps(pl.Callback):
    """Validation metrics by step, kept in checkpoints so a resumed run's summary has the whole curve."""

    def __init__(self):
        self.history: list[dict] = []

    def state_dict(self) -> dict:
        return {"history": list(self.history)}

    def load_state_dict(self, state: dict) -> None:
        self.history = list(state.get("history", []))

    def on_validation_end(self, trainer, module):
        metrics = {k: float(v) for k, v in trainer.callback_metrics.items() if k.startswith("val_")}
        if metrics:
            self.history.append({"step": int(trainer.global_step), **metrics})


def train_t2l(hypernet: HyperNet, encoder, base_spec, encoder_config: dict, train_tasks: list[Task],
              settings: T2LTrainSettings, out_dir: Path, model=None, tokenizer=None, val_tasks: list[Task] = (),
              targets: dict[str, torch.Tensor] | None = None, logger=None, trainer_kwargs: dict | None = None,
              resume: bool = False) -> T2L:
    """Fit and export `out_dir/hypernet` (the bundle). Lightning checkpoints live in `out_dir/ckpt`."""
    start = time.perf_counter()
    pl.seed_everything(settings.seed, verbose=False)
    task_embeddings = [encoder.encode(task.descriptions) for task in train_tasks]
    val_tasks = list(val_tasks)
    val_embeddings = encoder.encode([t.descriptions[0] for t in val_tasks]) if val_tasks else None
    common = dict(base_model=model, tokenizer=tokenizer, val_tasks=val_tasks, val_embeddings=val_embeddings,
                  eval_settings=EvalSettings(chat=base_spec.chat_template, split="validation",
                                             limit=settings.val_examples, progress=False),
                  lr=settings.lr, head_lr=settings.head_lr, weight_decay=settings.weight_decay, warmup_steps=settings.warmup_steps,
                  seed=settings.seed)
    callbacks: list[pl.Callback] = []
    if settings.objective == "sft":
        features = [[sft_features(tokenizer, ex, base_spec.chat_template, settings.max_length)
                     for ex in task.train[: settings.max_train_examples]] for task in train_tasks]
        sampler = TaskBalancedBatches([len(f) for f in features], settings.tasks_per_batch,
                                      settings.samples_per_task, seed=settings.seed)
        loader = DataLoader(_Items(), batch_sampler=sampler,
                            collate_fn=partial(task_batch, features=features, pad_id=tokenizer.pad_token_id))
        callbacks.append(_ResumeSampler(sampler))
        module = T2LSFTModule(hypernet, task_embeddings, label_smoothing=settings.label_smoothing,
                              l2_weight=settings.l2_weight, **common)
    elif settings.objective == "recon":
        sampler = TaskBalancedBatches([1] * len(train_tasks), settings.tasks_per_batch, 1, seed=settings.seed)
        loader = DataLoader(_Items(), batch_sampler=sampler, collate_fn=lambda items: torch.tensor([t for t, _ in items]))
        callbacks.append(_ResumeSampler(sampler))
        module = T2LReconModule(hypernet, task_embeddings, targets=targets, zscore=settings.zscore, **common)
    else:
        raise ValueError(f"unknown objective {settings.objective!r}")

    from pytorch_lightning.callbacks import ModelCheckpoint

    ckpt_dir = out_dir / "ckpt"
    history = _RecordSteps()
    callbacks += [ModelCheckpoint(dirpath=ckpt_dir, filename="{step}", save_last=True, save_top_k=1,
                                  every_n_train_steps=settings.ckpt_every, enable_version_counter=False), history]
    trainer = pl.Trainer(max_steps=settings.max_steps, val_check_interval=settings.val_every,
                         check_val_every_n_epoch=None, limit_val_batches=1, num_sanity_val_steps=0,
                         callbacks=callbacks, logger=logger if logger is not None else False,
                         enable_model_summary=False, log_every_n_steps=1, default_root_dir=str(out_dir),
                         **(trainer_kwargs or {}))
    last = ckpt_dir / "last.ckpt"
    ckpt_path = str(last) if resume and readable_checkpoint(last) else None
    if ckpt_path:
        # Lightning draws the first batch before any hook sees the restored step, so the step-indexed
        # sampler is pointed at it here; otherwise a resumed run would replay batches from step 0.
        sampler.start_step = int(torch.load(ckpt_path, map_location="cpu", weights_only=True)["global_step"])
        log.info("resuming from %s (step %d)", ckpt_path, sampler.start_step)
    trainer.fit(module, loader, DataLoader([0], batch_size=1), ckpt_path=ckpt_path, weights_only=True)
    summary = {"objective": settings.objective, "steps": int(trainer.global_step), "tasks": [t.name for t in train_tasks],
               "val_tasks": [t.name for t in val_tasks], "settings": settings.__dict__, "history": history.history,
               "seconds": round(time.perf_counter() - start, 1)}
    bundle = T2L(hypernet.cpu(), base_summary(base_spec), encoder_config, summary)
    bundle.save_pretrained(out_dir / "hypernet")
    log.info("exported hypernet bundle to %s", out_dir / "hypernet")
    return bundle
