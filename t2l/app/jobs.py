"""The jobs behind `python train.py experiment=NAME`: one registry (JOBS), each entry reading the composed
config into plain objects and calling a job function of t2l.app.builds / t2l.app.benchmark.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from omegaconf import DictConfig

from t2l.app.builds import (
    run_context,
    train_hypernet_job,
    train_library_job,
    train_multitask_job,
)
from t2l.app.config import CONF_DIR, compose, select_tasks, to_object
from t2l.errors import T2LError
from t2l.training.lora_library import LoRATrainBudget


# -- config -> job arguments -----------------------------------------------------------------------------------
def _budget(cfg: DictConfig) -> LoRATrainBudget:
    return to_object(cfg.library.budget)   # typed by the schema: a LoRATrainBudget


def _library(cfg: DictConfig, namespace: str) -> dict:
    ctx = run_context(cfg)
    return train_library_job(ctx, select_tasks(cfg, ctx.catalog), _budget(cfg), namespace)


def _multitask(cfg: DictConfig) -> dict:
    ctx = run_context(cfg)
    return train_multitask_job(ctx, select_tasks(cfg, ctx.catalog), _budget(cfg), int(cfg.library.multitask.val_tasks))


def out_dir(cfg: DictConfig) -> Path:
    """cfg.out_dir; in a multirun sweep (-m) each job gets its own subdirectory, named by its job number,
    so jobs never share checkpoints and a requeued job finds its own."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    root = Path(str(cfg.out_dir))
    if HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        return root / str(HydraConfig.get().job.num)
    return root


def _hypernet(cfg: DictConfig) -> dict:
    ctx = run_context(cfg)
    if cfg.fetch.enabled:   # the paper's setup: adapters + SNI data fetched, imported, then trained on
        from t2l.app.fetch import fetch_paper_setup

        fetched, dirs = fetch_paper_setup(to_object(cfg.fetch), ctx.library())
        ctx = ctx.with_sources(sni=dirs)
        names = select_tasks({"tasks": fetched}, ctx.catalog)   # the fetched tasks, not tasks= / split=
    else:
        names = select_tasks(cfg, ctx.catalog)
    # The schema types both groups, so to_object hands over the SFTObjective / ReconObjective and the
    # HyperNetConfig themselves.
    return train_hypernet_job(ctx, names, to_object(cfg.objective), to_object(cfg.hypernet), out_dir(cfg),
                              str(cfg.run), bool(cfg.resume))


def _benchmark(cfg: DictConfig) -> dict:
    from t2l.app.benchmark import benchmark_job

    return benchmark_job(cfg)


JOBS: dict[str, Callable[[DictConfig], dict]] = {
    "library": lambda cfg: _library(cfg, "tasks"),
    "oracle": lambda cfg: _library(cfg, "oracle"),
    "multitask": _multitask,
    "t2l": _hypernet,
    "benchmark": _benchmark,
}


def run(cfg: DictConfig) -> dict:
    """Entry point of train.py: the job the experiment names."""
    job = cfg.get("job")
    if job not in JOBS:
        raise T2LError(f"unknown job {job!r}; train.py needs an experiment: choose one of t2l/conf/experiment/*.yaml "
                       f"(jobs: {', '.join(JOBS)})")
    return JOBS[job](cfg)


def check_command_line(config_name: str, argv: list[str]) -> None:
    """Compose train.py's overrides once up front, so a bad key, group or job is one line and exit 2.

    Hydra's own flags (-m, --cfg, hydra/... overrides) are left to Hydra, which reports those itself.
    This is the same compose as the `t2l` subcommands'. @hydra.main then composes the run's config again:
    it owns the run directory, job logging, sweeps (-m) and launchers, and reports its own composition
    errors in several lines with exit 1, so the check cannot move inside it.
    """
    import sys

    if any(a.startswith("-") for a in argv):
        return
    overrides = [a for a in argv if not a.startswith(("hydra.", "hydra/", "+hydra", "~hydra"))]
    try:
        cfg = compose(config_name, overrides)
        if cfg.get("job") not in JOBS:
            raise T2LError(f"no job to run (job={cfg.get('job')!r}); choose an experiment: "
                           f"{', '.join(sorted(p.stem for p in (CONF_DIR / 'experiment').glob('*.yaml')))} "
                           f"(python train.py experiment=NAME)")
    except T2LError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
