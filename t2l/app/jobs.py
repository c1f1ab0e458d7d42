"""The jobs behind `python train.py experiment=NAME`: one registry (JOBS). `run` converts the composed config
once into its schema's dataclass (a TrainConfig: the typed groups are the settings objects themselves), and
each entry hands its parts to a job function of t2l.app.builds / t2l.app.benchmark.
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
from t2l.app.config import CONF_DIR, compose, job_config, select_tasks
from t2l.app.schemas import TrainConfig
from t2l.errors import T2LError


# -- config -> job arguments -----------------------------------------------------------------------------------
def _library(config: TrainConfig, namespace: str) -> dict:
    ctx = run_context(config)
    return train_library_job(ctx, select_tasks(config, ctx.catalog), config.library.budget, namespace)


def _multitask(config: TrainConfig) -> dict:
    ctx = run_context(config)
    return train_multitask_job(ctx, select_tasks(config, ctx.catalog), config.library.budget,
                               int(config.library.multitask.val_tasks))


def out_dir(config: TrainConfig) -> Path:
    """config.out_dir; in a multirun sweep (-m) each job gets its own subdirectory, named by its job number,
    so jobs never share checkpoints and a requeued job finds its own."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    root = Path(str(config.out_dir))
    if HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        return root / str(HydraConfig.get().job.num)
    return root


def _hypernet(config: TrainConfig) -> dict:
    ctx = run_context(config)
    if config.fetch.enabled:   # the paper's setup: adapters + SNI data fetched, imported, then trained on
        from t2l.app.fetch import fetch_paper_setup

        fetched, dirs = fetch_paper_setup(config.fetch, ctx.library())
        ctx = ctx.with_sources(sni=dirs)
        names = select_tasks({"tasks": fetched}, ctx.catalog)   # the fetched tasks, not tasks= / split=
    else:
        names = select_tasks(config, ctx.catalog)
    return train_hypernet_job(ctx, names, config.objective, config.hypernet, out_dir(config), str(config.run),
                              bool(config.resume))


def _benchmark(config: TrainConfig) -> dict:
    from t2l.app.benchmark import benchmark_job

    return benchmark_job(config)


JOBS: dict[str, Callable[[TrainConfig], dict]] = {
    "library": lambda config: _library(config, "tasks"),
    "oracle": lambda config: _library(config, "oracle"),
    "multitask": _multitask,
    "t2l": _hypernet,
    "benchmark": _benchmark,
}


def run(cfg: DictConfig) -> dict:
    """Entry point of train.py: the job the experiment names, given the config converted once."""
    job = cfg.get("job")
    if job not in JOBS:
        raise T2LError(f"unknown job {job!r}; train.py needs an experiment: choose one of t2l/conf/experiment/*.yaml "
                       f"(jobs: {', '.join(JOBS)})")
    return JOBS[job](job_config(cfg))


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
