"""Train task LoRAs with Lightning: one per task (the library), one over many (multi-task), oracles.

    python train.py experiment=library data.split=bigbench_train      # resumable; skips finished tasks
    python train.py experiment=multitask
    python train.py experiment=oracle                                  # held-out tasks, evaluation only
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader

from t2l.errors import T2LError
from t2l.eval.scoring import EvalSettings, evaluate_task
from t2l.lora.library import Library
from t2l.lora.peft_io import peft_state_to_weights, to_peft_config
from t2l.lora.spec import LoRASpec
from t2l.tasks.batching import LengthGroupedBatches, StepIndexedEpochs, pad_batch, padding_waste
from t2l.tasks.prompts import sft_features
from t2l.tasks.schema import Task
from t2l.training.checkpoints import checkpoint_step, resume_path
from t2l.training.data import validation_loader
from t2l.training.guard import FaultPolicy
from t2l.training.modules import TaskLoRAModule
from t2l.training.trainer import make_trainer, stable_seed

log = logging.getLogger(__name__)


@dataclass
class LoRATrainBudget:
    """How one library / multi-task / oracle LoRA trains (t2l/conf/library/default.yaml: `library.budget`).

    Sized for SmolLM2 on a 2-core CPU: about 2-3 min per task (docs/library.md). lr 1e-3 measured
    (9/12 library tasks improve on validation).
    """

    max_steps: int = 80
    batch_size: int = 4
    max_length: int = 192
    lr: float = 1e-3
    weight_decay: float = 0.0
    warmup_steps: int = 4
    val_every: int = 20          # optimizer steps between validations (keep max_steps a multiple)
    val_examples: int = 32       # validation examples per task
    patience: int = 2            # validations without improvement before stopping
    max_train_examples: int | None = None  # per task
    seed: int = 0
    keep_base_if_worse: bool = True  # library tasks: a LoRA scoring below the base on validation is not stored
    guard: FaultPolicy = field(default_factory=FaultPolicy)   # numerical faults (t2l.training.guard)

    def __post_init__(self):
        if isinstance(self.guard, dict):
            self.guard = FaultPolicy(**self.guard)


def _val_score(model, tokenizer, tasks: list[Task], settings: EvalSettings) -> float:
    return sum(evaluate_task(model, tokenizer, t, settings)[0]["accuracy"] for t in tasks) / len(tasks)


def train_lora(model, tokenizer, spec: LoRASpec, model_id: str, train_tasks: list[Task], val_tasks: list[Task],
               budget: LoRATrainBudget, work_dir: Path, chat: bool, logger=None, trainer_kwargs: dict | None = None,
               run_name: str = "lora") -> tuple[dict[str, torch.Tensor], dict]:
    """Attach a fresh LoRA to `model`, train it, return (best weights, stats); `model` is left as it was."""
    from peft import get_peft_model, get_peft_model_state_dict
    from pytorch_lightning.callbacks import EarlyStopping, ModelCheckpoint

    start = time.perf_counter()
    pl.seed_everything(stable_seed(budget.seed, run_name), verbose=False)
    peft_model = get_peft_model(model, to_peft_config(spec, model_id))
    try:
        features = [sft_features(tokenizer, ex, chat, budget.max_length)
                    for task in train_tasks for ex in task.train[: budget.max_train_examples]]
        if not features:
            raise ValueError(f"no training examples for {run_name}")
        lengths = [len(f["input_ids"]) for f in features]
        epochs = LengthGroupedBatches(lengths, budget.batch_size, seed=budget.seed)
        sampler = StepIndexedEpochs(epochs)
        loader = DataLoader(features, batch_sampler=sampler, collate_fn=partial(pad_batch, pad_id=tokenizer.pad_token_id))
        settings = EvalSettings(chat=chat, split="validation", limit=budget.val_examples, progress=False)
        module = TaskLoRAModule(peft_model, tokenizer, val_tasks, settings, budget.lr, budget.weight_decay,
                                budget.warmup_steps, seed=stable_seed(budget.seed, run_name), faults=budget.guard)
        before = _val_score(peft_model, tokenizer, val_tasks, settings)  # B starts at zero: the base model
        ckpt_dir = work_dir / "ckpt"
        best = ModelCheckpoint(dirpath=ckpt_dir, filename="best", monitor="val_acc", mode="max", save_top_k=1,
                               save_last=True, enable_version_counter=False)
        trainer = make_trainer(max_steps=budget.max_steps, val_every=budget.val_every, root_dir=work_dir,
                               callbacks=[best, EarlyStopping(monitor="val_acc", mode="max", patience=budget.patience)],
                               logger=logger, trainer_kwargs=trainer_kwargs)
        last = ckpt_dir / "last.ckpt"
        resume = resume_path(last)
        if resume:
            # Batches and dropout masks are indexed by the step: the resumed run replays them exactly.
            sampler.start_step = checkpoint_step(last)
            log.info("resuming %s from %s (step %d)", run_name, last, sampler.start_step)
        # One validation step per validation task (TaskLoRAModule.validation_step), the mean at the epoch's end.
        trainer.fit(module, loader, validation_loader(module.validation_items()), ckpt_path=resume, weights_only=True)
        if best.best_model_path and Path(best.best_model_path).is_file():
            state = torch.load(best.best_model_path, map_location="cpu", weights_only=True)["state_dict"]
            module.load_state_dict(state, strict=False)
            after = float(best.best_model_score)
        else:
            after = _val_score(peft_model, tokenizer, val_tasks, settings)
        weights = peft_state_to_weights(get_peft_model_state_dict(peft_model), spec)
        stats = {
            "steps": int(trainer.global_step),
            "train_loss": float(trainer.callback_metrics.get("train_loss", float("nan"))),
            "val_before": before, "val_after": after, "val_gain": after - before,
            "val_examples_per_task": budget.val_examples, "train_examples": len(features),
            "padding_waste": round(padding_waste(lengths, epochs.batches()), 4),
            "skipped_steps": module.guard.skipped,
            "seconds": round(time.perf_counter() - start, 1), "budget": asdict(budget),
        }
        return {k: v.detach().clone() for k, v in weights.items()}, stats
    finally:
        peft_model.unload()  # takes the LoRA layers out of `model` again, whatever happened


def train_library(library: Library, names: list[str], load_task: Callable[[str], Task], model, tokenizer,
                  budget: LoRATrainBudget, chat: bool, namespace: str = "tasks",
                  make_logger: Callable[[str], object] | None = None, trainer_kwargs: dict | None = None) -> Library:
    """One LoRA per task; finished tasks are skipped, a killed one resumes from its last checkpoint."""
    done_times: list[float] = []
    for i, name in enumerate(names, 1):
        if library.has(namespace, name):
            log.info("[%d/%d] %s: in the library already, skipped", i, len(names), name)
            # a kill between the manifest write and the clean-up below leaves the finished task's checkpoints
            shutil.rmtree(library.work_dir(namespace, name), ignore_errors=True)
            continue
        eta = (sum(done_times) / len(done_times)) * (len(names) - i + 1) if done_times else None
        log.info("[%d/%d] %s: training%s", i, len(names), name, f" (ETA {eta / 60:.1f} min)" if eta else "")
        task = load_task(name)
        work = library.work_dir(namespace, name)
        weights, stats = train_lora(model, tokenizer, library.spec, library.base.model_id, [task], [task], budget,
                                           work, chat, make_logger(name) if make_logger else None, trainer_kwargs, name)
        entry = {**stats, "descriptions": task.descriptions, "source": task.source}
        hurts = budget.keep_base_if_worse and stats["val_after"] < stats["val_before"]
        if hurts:   # an adapter that hurts on validation is no use as a library entry or a target
            library.record_kept_base(namespace, name, entry)
        else:
            library.add(namespace, name, weights, entry)
        shutil.rmtree(work, ignore_errors=True)
        done_times.append(stats["seconds"])
        log.info("[%d/%d] %s: val %.3f -> %.3f (%+.3f) in %d steps, %.0f s%s", i, len(names), name,
                 stats["val_before"], stats["val_after"], stats["val_gain"], stats["steps"], stats["seconds"],
                 "; worse than the base model: no adapter stored (keep_base_if_worse)" if hurts else "")
    return library


def refuse_other_budget(entry: dict, budget: LoRATrainBudget, root: Path) -> None:
    """A stored multi-task LoRA is reused only for the budget it was trained on: handing back a 200-step LoRA
    to a run that asked for 1,200 steps would ship the wrong baseline without a word."""
    stored = entry.get("budget")
    asked = json.loads(json.dumps(asdict(budget)))   # tuples -> lists, as the manifest holds them
    if stored is None or stored == asked:
        return
    changed = "; ".join(f"{k}: {stored.get(k)} there, {asked.get(k)} asked"
                        for k in sorted(set(stored) | set(asked)) if stored.get(k) != asked.get(k))
    raise T2LError(f"the multi-task LoRA in {root} was trained with another budget ({changed}); remove it to "
                   "retrain: t2l library rm multitask --namespace multitask (with this run's library.dir= if it "
                   "is not the default)")


def train_multitask(library: Library, tasks: list[Task], val_tasks: list[Task], model, tokenizer,
                    budget: LoRATrainBudget, chat: bool, logger=None, trainer_kwargs: dict | None = None) -> Path:
    """One LoRA on the union of the training pool, stored as `multitask` in its own namespace."""
    if library.has("multitask", "multitask"):
        refuse_other_budget(library.entries("multitask")["multitask"], budget, library.root)
        log.info("multitask LoRA already in the library; delete it to retrain")
        return library.adapter_dir("multitask", "multitask")
    work = library.work_dir("multitask", "multitask")
    weights, stats = train_lora(model, tokenizer, library.spec, library.base.model_id, tasks, val_tasks, budget,
                                   work, chat, logger, trainer_kwargs, "multitask")
    path = library.add("multitask", "multitask", weights, {**stats, "tasks": [t.name for t in tasks],
                                                            "descriptions": ["multi-task LoRA"]})
    shutil.rmtree(work, ignore_errors=True)
    return path
