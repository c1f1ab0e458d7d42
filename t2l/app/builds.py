"""The training jobs as functions of plain objects: what train.py's jobs run, and what the benchmark
calls to build a missing artifact (never through train.py's dispatch, never from command strings).

`RunContext` is what every job shares, read from the config once (`run_context`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any


from t2l.errors import T2LError
from t2l.lora.library import Library
from t2l.lora.spec import LoRASpec
from t2l.models.base import BaseModelSpec
from t2l.models.hypernet import HyperNetConfig
from t2l.tasks.descriptions import (
    EVAL_BANK,
    DescriptionBank,
    check_training_bank,
    refuse_eval_bank,
)
from t2l.tasks.heldout import heldout_names, refuse_heldout
from t2l.tasks.registry import TaskCatalog
from t2l.training.distributed import check_divides, world_size_of
from t2l.training.settings import T2LTrainSettings
from t2l.training.lora_library import LoRATrainBudget


@dataclass
class RunContext:
    """What every job shares, read from the config once: models' specs, tasks, where things live."""

    base: BaseModelSpec
    spec: LoRASpec
    catalog: TaskCatalog
    library_dir: Path
    encoder_config: dict
    trainer_kwargs: dict
    make_logger: Callable[[str], Any] | None
    seed: int
    device: str

    def library(self) -> Library:
        """The library as it is on disk now (a fresh read: a build may have just added to it)."""
        return Library(self.library_dir, self.base, self.spec)

    def heldout(self) -> list[str]:
        return heldout_names(self.catalog)

    def refuse_contamination(self, names: list[str], what: str) -> None:
        """Before any training: no held-out task, no evaluation description, in what training reads."""
        heldout = self.heldout()
        refuse_heldout(names, heldout, what=what)
        refuse_eval_bank(self.catalog.sources.descriptions_dir)
        if self.catalog.eval_bank is not None:
            raise T2LError(f"{what} was given data.eval_descriptions_dir ({self.catalog.sources.eval_descriptions_dir}); "
                           "training never reads the evaluation descriptions (contamination); unset it")
        check_training_bank(self.catalog.bank, heldout, DescriptionBank.read(EVAL_BANK))

    def refuse_multi_process(self, what: str) -> None:
        """LoRA training (library, multi-task) runs in one process; DDP / FSDP is built for T2L training."""
        if (world_size_of(self.trainer_kwargs) or 1) > 1 or "strategy" in self.trainer_kwargs:
            raise T2LError(f"{what} trains in one process; trainer=ddp|fsdp is for T2L training. Spread library "
                           "tasks over machines as a sweep instead: python train.py -m hydra/launcher=slurm "
                           "experiment=library tasks=[a],[b]")

    def logger(self, name: str):
        return self.make_logger(name) if self.make_logger else None

    def with_sources(self, **changes) -> "RunContext":
        """This context over the tasks of its TaskSources changed by `changes` (e.g. fetched SNI data):
        a new context, never an edited config."""
        return replace(self, catalog=TaskCatalog(replace(self.catalog.sources, **changes)))


def run_context(cfg) -> RunContext:
    """The context of a train.py job's config (t2l.app.config.job_config's TrainConfig, or the composed
    DictConfig it comes from)."""
    from t2l.app.config import (
        base_model_spec,
        logger_factory,
        lora_spec,
        resolve_device,
        task_catalog,
        to_object,
        trainer_arguments,
    )

    base = base_model_spec(cfg)
    return RunContext(base=base, spec=lora_spec(cfg, base), catalog=task_catalog(cfg),
                      library_dir=Path(str(cfg.library.dir)).expanduser(),
                      encoder_config=to_object(cfg.encoder),
                      trainer_kwargs=trainer_arguments(cfg), make_logger=logger_factory(cfg), seed=int(cfg.seed),
                      device=resolve_device(str(cfg.device)))


# -- the job functions: plain objects in --------------------------------------------------------------------
def train_library_job(ctx: RunContext, names: list[str], budget: LoRATrainBudget, namespace: str = "tasks",
                      model=None, tokenizer=None) -> dict:
    """One LoRA per task into the library's `namespace` (tasks, or oracle for held-out tasks)."""
    from t2l.models.base import load_base
    from t2l.training.lora_library import train_library

    ctx.refuse_multi_process(f"experiment '{'oracle' if namespace == 'oracle' else 'library'}'")
    if namespace != "oracle":
        ctx.refuse_contamination(names, what="experiment 'library'")
    library = ctx.library()
    if model is None:
        model, tokenizer = load_base(ctx.base)
    train_library(library, names, ctx.catalog.load, model, tokenizer, budget, ctx.base.chat_template, namespace,
                  ctx.make_logger, ctx.trainer_kwargs)
    entries = library.entries(namespace)
    gains = [entries[n]["val_gain"] for n in names if n in entries and "val_gain" in entries[n]]
    print(f"library {library.root}: {len(entries)} {namespace} adapters; "
          f"{sum(g > 0 for g in gains)}/{len(gains)} improved on validation")
    return {"adapters": len(entries), "improved": sum(g > 0 for g in gains)}


def train_multitask_job(ctx: RunContext, names: list[str], budget: LoRATrainBudget, val_tasks: int,
                        model=None, tokenizer=None) -> dict:
    """One LoRA over the union of `names`, stored as the library's multitask adapter."""
    from t2l.models.base import load_base
    from t2l.tasks.schema import validation_tasks
    from t2l.training.lora_library import train_multitask

    ctx.refuse_multi_process("experiment 'multitask'")
    ctx.refuse_contamination(names, what="experiment 'multitask'")
    tasks = [ctx.catalog.load(n) for n in names]
    if model is None:
        model, tokenizer = load_base(ctx.base)
    val = validation_tasks(tasks, val_tasks, ctx.seed)
    path = train_multitask(ctx.library(), tasks, val, model, tokenizer, budget, ctx.base.chat_template,
                           ctx.logger("multitask"), ctx.trainer_kwargs)
    return {"adapter": str(path)}


def train_hypernet_job(ctx: RunContext, names: list[str], settings: T2LTrainSettings, options: HyperNetConfig,
                       out_dir: Path, run: str, resume: bool = False) -> dict:
    """Train T2L (SFT or reconstruction of the library) on `names`; export out_dir/hypernet."""
    import pytorch_lightning as pl
    import torch

    from t2l.assets import t2l_home
    from t2l.lora.peft_io import load_adapter_weights
    from t2l.models.base import load_base
    from t2l.models.encoder import TaskEncoder
    from t2l.models.hypernet import HyperNet
    from t2l.tasks.schema import pick_validation_names
    from t2l.training.hypernet import train_t2l
    from t2l.training.pool import PoolOptions, training_pool

    ctx.refuse_contamination(names, what="T2L training")
    world_size = world_size_of(ctx.trainer_kwargs)
    if world_size:   # before any model loads; Lightning's own count is checked again at fit
        check_divides(min(settings.tasks_per_batch, len(names)), world_size)
    encoder = TaskEncoder.from_config(ctx.encoder_config)
    pl.seed_everything(settings.seed, verbose=False)  # the hypernet's initial weights are part of the run
    hypernet = HyperNet.from_config_options(ctx.spec, encoder.dim, options)
    targets = None
    if settings.objective == "recon":
        adapters = ctx.library().training_adapters()
        names = [n for n in names if n in adapters]
        if len(names) < 2:
            raise T2LError(f"reconstruction needs library adapters for the selected tasks; found {len(names)}. "
                           "Train them first: python train.py experiment=library")
        loaded = [load_adapter_weights(adapters[n], ctx.base, expect=ctx.spec)[0] for n in names]
        targets = {k: torch.stack([w[k] for w in loaded]) for k in loaded[0]}
    needs_base = settings.objective == "sft" or settings.val_tasks > 0
    model = tokenizer = None
    if needs_base:
        model, tokenizer = load_base(ctx.base)
    # The tokenised pool (SFT) or just descriptions (recon), cached by content under T2L_HOME/cache/pools.
    pool = training_pool(ctx.catalog, names, tokenizer if settings.objective == "sft" else None,
                         ctx.base.chat_template, PoolOptions.of(settings), t2l_home() / "cache" / "pools")
    if settings.val_split:
        val = development_tasks(ctx, settings, names) if needs_base and settings.val_tasks else []
    else:
        chosen = pick_validation_names(dict(zip(pool.names, pool.val_costs)), settings.val_tasks, ctx.seed) \
            if needs_base and settings.val_tasks else []
        val = [ctx.catalog.load(n) for n in chosen]
    bundle = train_t2l(hypernet, encoder, ctx.base, ctx.encoder_config, pool, settings, out_dir, model, tokenizer,
                       val, targets, ctx.logger(run), ctx.trainer_kwargs, resume, data_versions(names))
    if bundle is None:   # a rank other than 0 of a multi-process run: rank 0 exported
        return {}
    print(f"hypernet bundle: {out_dir / 'hypernet'} ({bundle.training['steps']} steps, {len(pool.names)} tasks)")
    return {"bundle": str(out_dir / "hypernet"), "steps": bundle.training["steps"]}


def data_versions(names: list[str]) -> dict:
    """The versions of generated data among `names` (the pool's content hash), recorded in the bundle."""
    from t2l.tasks.pool.build import pool_hash, pool_names

    return {"pool": pool_hash()} if set(names) & set(pool_names()) else {}


def development_tasks(ctx: RunContext, settings: T2LTrainSettings, training: list[str]) -> list:
    """The first `val_tasks` tasks of `settings.val_split` with their evaluation descriptions, in the
    `val_prompts` setting: what a study chooses on (their validation split; reports use the test split)."""
    from t2l.tasks.prompts import in_setting

    evaluation = TaskCatalog(replace(ctx.catalog.sources, eval_descriptions_dir=str(EVAL_BANK)))
    names = evaluation.select(split=settings.val_split)[: settings.val_tasks]
    trained = sorted(set(names) & set(training))
    if trained:
        raise T2LError(f"objective.val_split={settings.val_split} holds training tasks {trained[:5]}; validate on a "
                       "held-out split (heldout_described, heldout_bbh) or remove them from the training split")
    tasks = [evaluation.load(n) for n in names]
    check_development_disjoint(tasks)
    return [in_setting(task, settings.val_prompts) for task in tasks]


def check_development_disjoint(tasks: list) -> None:
    """Refuse development examples that reappear in the test split: choosing on them would choose on the test."""
    for task in tasks:
        shared = {e.input for e in task.validation} & {e.input for e in task.test}
        if shared:
            raise T2LError(f"task '{task.name}': {len(shared)} development inputs are also test inputs (e.g. "
                           f"{sorted(shared)[0]!r}); a study must not choose on its test examples: deduplicate the "
                           "task's examples or validate on another split")


def budget_overrides(budget: LoRATrainBudget, changes: dict) -> LoRATrainBudget:
    """`budget` with `changes` (keys of LoRATrainBudget), refusing unknown keys."""
    unknown = set(changes) - set(asdict(budget))
    if unknown:
        raise T2LError(f"library budget has no keys {sorted(unknown)}; allowed: {sorted(asdict(budget))}")
    return replace(budget, **changes)
