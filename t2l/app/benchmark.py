"""`python train.py experiment=benchmark`: every row on held-out tasks, from artifacts on disk.

The benchmark reads the library (task LoRAs, the multi-task LoRA, oracle LoRAs) from `library.dir`
and T2L bundles from `benchmark.t2l.<row>.run_dir`/hypernet. What is missing is built first, when
`benchmark.build.missing` is true, by the same job functions train.py runs (t2l.app.builds); a T2L row's
bundle by composing the experiment its row names (benchmark.t2l.<row>.experiment, a file in
t2l/conf/experiment/). Each build prints the equivalent train.py command. Then one base model scores
every row through t2l.eval.rows, and results.json + the report are written.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from t2l.app.schemas import BenchmarkConfig, T2LRow, TrainConfig
from t2l.baselines.lorahub import LoraHubSettings
from t2l.errors import T2LError
from t2l.eval.rows import BenchmarkRow
from t2l.eval.scoring import EvalSettings
from t2l.tasks.heldout import GENERATED_SPLIT, HELDOUT_SPLIT, refuse_heldout
from t2l.tasks.schema import Task


def _command(overrides: Sequence[str]) -> str:
    """The train.py command line a build is equivalent to (printed before it runs, listed when it may not)."""
    return "python train.py " + " ".join(overrides)


def _hydra_list(key: str, values: Sequence) -> str:
    return f"{key}=[{','.join(map(str, values))}]"


def t2l_build(ctx, row: str, spec: T2LRow):
    """(command, job) that trains a T2L row's bundle: its experiment composed as train.py composes it (so a
    bad recipe fails here, before anything trains), run on the benchmark's own context."""
    from t2l.app.builds import train_hypernet_job
    from t2l.app.config import compose, job_config, select_tasks

    overrides = [f"experiment={spec.experiment}", *spec.overrides, f"out_dir={spec.run_dir}"]
    build = job_config(compose("train", [*overrides, f"seed={ctx.seed}"]))
    names = select_tasks(build, ctx.catalog)
    return _command(overrides), lambda: train_hypernet_job(ctx, names, build.objective, build.hypernet,
                                                           Path(spec.run_dir), row)


def build_missing(ctx, config: BenchmarkConfig, names: list[str], budget, multitask_val_tasks: int) -> None:
    """Train what the rows need and the disk lacks, through the job functions (never train.py's dispatch)."""
    from t2l.app.builds import budget_overrides, train_library_job, train_multitask_job

    build = config.build
    todo = []
    library = ctx.library()
    if len(library.entries("tasks")) < build.min_library:
        todo.append((_command(["experiment=library", _hydra_list("tasks", build.library_tasks)]),
                     lambda: train_library_job(ctx, list(build.library_tasks), budget)))
    if config.rows.multitask and not library.has("multitask", "multitask"):
        pool = ctx.catalog.select(split=build.multitask_split)
        changes = [f"library.budget.{k}={v}" for k, v in build.multitask.items()]
        todo.append((_command(["experiment=multitask", *changes]),
                     lambda: train_multitask_job(ctx, pool, budget_overrides(budget, dict(build.multitask)),
                                                 multitask_val_tasks)))
    missing = [n for n in names if not library.has("oracle", n)]
    if config.rows.oracle and missing:
        todo.append((_command(["experiment=oracle", _hydra_list("tasks", missing)]),
                     lambda: train_library_job(ctx, missing, budget, namespace="oracle")))
    todo += [t2l_build(ctx, row, spec) for row, spec in config.t2l.items()
             if not (Path(spec.run_dir) / "hypernet" / "t2l_config.json").is_file()]
    if todo and not build.missing:
        raise T2LError("the benchmark is missing artifacts; build them with:\n  "
                       + "\n  ".join(command for command, _ in todo) + "\n(or set benchmark.build.missing=true)")
    for command, job in todo:
        print(f"benchmark: building: {command}")
        job()


def retrieval_rows(index, tasks: Sequence[Task], k: int) -> list[BenchmarkRow]:
    """Top-1 retrieved library adapter, and the uniform mean of the top-k (LoraRetriever-style)."""
    hits = [index.retrieve(t.description, k=k, task=t.name) for t in tasks]
    detail = {"retrieved": {t.name: dict(zip(h.tasks, [round(s, 4) for s in h.similarities])) for t, h in zip(tasks, hits)}}
    budget = {"library_adapters": len(index.names)}
    return [BenchmarkRow("retrieval", [h.top1 for h in hits], budget={**budget, "k": 1}, detail=detail),
            BenchmarkRow(f"retrieval_top{k}", [h.mixture for h in hits], budget={**budget, "k": k})]


def lorahub_row(tasks: Sequence[Task], adapters, base, spec, model, tokenizer, settings: LoraHubSettings,
                seed: int) -> BenchmarkRow:
    """LoraHub per task: `examples` of its train split, `budget` evaluations, `modules` library LoRAs."""
    from t2l.baselines.lorahub import run_lorahub

    results = [run_lorahub(t, adapters, base, spec, **asdict(settings), seed=seed, model=model, tokenizer=tokenizer,
                           progress=False) for t in tasks]
    detail = {"lorahub": {t.name: {"loss": round(r.loss, 4), "base_loss": round(r.base_loss, 4),
                                   "weights": dict(zip(r.modules, [round(w, 3) for w in r.weights]))}
                          for t, r in zip(tasks, results)}}
    return BenchmarkRow("lorahub", [r.lora for r in results], detail=detail, budget={
        "modules": settings.modules, "examples": settings.examples, "evaluations": settings.budget,
        "optimizer": settings.optimizer, "search_seconds": round(sum(r.seconds for r in results), 1)})


def benchmark_job(run: TrainConfig) -> dict:
    """Build what is missing, refuse contamination, score every row, write results and the report.
    `run`: train.py's config, converted (t2l.app.config.job_config)."""
    from t2l.app.builds import run_context
    from t2l.app.config import select_tasks, task_catalog
    from t2l.eval.rows import evaluate_rows
    from t2l.models.base import load_base
    from t2l.models.bundle import T2L

    start = time.perf_counter()
    config: BenchmarkConfig = run.benchmark
    ctx = run_context(run)
    names = select_tasks(run, ctx.catalog, HELDOUT_SPLIT)
    outside = [n for n in names if n not in ctx.heldout()]
    if outside:
        raise T2LError(f"benchmark tasks must be held-out ({HELDOUT_SPLIT}, {GENERATED_SPLIT}); {outside[:5]} are not")
    tasks = [task_catalog(run, evaluation=True).load(n) for n in names]   # with their evaluation descriptions
    build_missing(ctx, config, names, run.library.budget, int(run.library.multitask.val_tasks))
    library = ctx.library()
    bundles = {row: T2L.from_pretrained(Path(spec.run_dir) / "hypernet", base=ctx.base, lora=ctx.spec)
               for row, spec in config.t2l.items()}
    refuse_contamination(library, bundles, names)
    model, tokenizer = load_base(ctx.base, ctx.device)
    rows = benchmark_rows(ctx, config, library, bundles, tasks, model, tokenizer)
    settings = EvalSettings(chat=ctx.base.chat_template, limit=config.limit, split=config.eval_split,
                            batch_size=config.batch_size, max_new_tokens=config.max_new_tokens, progress=False)
    results, predictions = evaluate_rows(model, tokenizer, tasks, rows, ctx.spec, settings)
    head = results["methods"][config.primary] if config.primary in results["methods"] else results["methods"]["base"]
    results = {"tasks": head["tasks"], "average": head["average"], **results,
               "config": asdict(run), "seconds": round(time.perf_counter() - start, 1)}
    out = write_benchmark(config, results, predictions)
    log_benchmark(ctx.logger("benchmark"), results, Path(config.plots) if config.report and config.plots else None)
    return {"results": str(out / "results.json"), "average": {k: v["average"] for k, v in results["methods"].items()}}


def refuse_contamination(library, bundles: dict, names: list[str]) -> None:
    """Nothing that produced an adapter may have seen a held-out task."""
    refuse_heldout(list(library.entries("tasks")), names, what="the LoRA library (retrieval, LoraHub, recon targets)")
    if library.has("multitask", "multitask"):
        refuse_heldout(list(library.entries("multitask")["multitask"].get("tasks", [])), names, what="the multi-task LoRA")
    for row, bundle in bundles.items():
        refuse_heldout(list(bundle.training.get("tasks", [])), names, what=f"T2L bundle '{row}'")


def benchmark_rows(ctx, config: BenchmarkConfig, library, bundles: dict, tasks: list, model, tokenizer) -> list:
    """The benchmark's rows in report order: base, ICL, the baselines the config turns on, T2L (the primary
    bundle with its controls and shots), the oracle upper bound."""
    from t2l.baselines.retrieval import RetrievalIndex
    from t2l.eval.rows import library_row, t2l_rows
    from t2l.models.encoder import TaskEncoder

    shots = config.shots
    rows = [BenchmarkRow("base"), BenchmarkRow(f"icl_{shots}shot", shots=shots, budget={"shots": shots})]
    if config.rows.multitask:
        rows.append(library_row("multitask", library, "multitask", tasks, shared="multitask"))
    if config.rows.retrieval:
        rows += retrieval_rows(RetrievalIndex(library, TaskEncoder.from_config(ctx.encoder_config)), tasks,
                               config.retrieval_k)
    if config.rows.lorahub:
        rows.append(lorahub_row(tasks, library.training_adapters(), ctx.base, ctx.spec, model, tokenizer,
                                config.lorahub, ctx.seed))
    for row, bundle in bundles.items():
        primary = row == config.primary
        rows += t2l_rows(row, bundle, tasks, list(config.controls) if primary else [], shots if primary else 0,
                         ctx.seed)
    if config.rows.oracle:
        rows.append(library_row("oracle", library, "oracle", tasks, kind="upper_bound", detail={"bound": "oracle"}))
    return rows


def write_benchmark(config: BenchmarkConfig, results: dict, predictions: list[dict]) -> Path:
    """results.json and predictions.jsonl in config.out, the rows printed, the report when asked for."""
    from t2l.app.evaluate import print_rows, write_results
    from t2l.eval.report import write_report

    out = Path(config.out)
    write_results(out, results, predictions)
    print_rows(results)
    if config.report:
        write_report([out / "results.json"], out=config.report, plots=config.plots,
                     command=f"python train.py experiment=benchmark (results: {out / 'results.json'})")
        print(f"wrote {config.report}")
    return out


def log_benchmark(logger, results: dict, plots: Path | None) -> None:
    """The benchmark to the run's logger: each row's average as a metric; with wandb also the table
    (a row per method: kind, average, standard error, per-task accuracy) and the report's PNGs."""
    if logger is None:
        return
    methods = results["methods"]
    logger.log_metrics({f"benchmark/{name}": row["average"] for name, row in methods.items()})
    if hasattr(logger, "log_table"):   # WandbLogger
        tasks = sorted({t for row in methods.values() for t in row["tasks"]})
        data = [[name, row.get("kind", "method"), row["average"], row.get("stderr"),
                 *[row["tasks"].get(t, {}).get("accuracy") for t in tasks]] for name, row in methods.items()]
        logger.log_table(key="benchmark/table", columns=["method", "kind", "average", "stderr", *tasks], data=data)
        images = sorted(plots.glob("*.png")) if plots and plots.is_dir() else []
        if images:
            logger.log_image(key="benchmark/plots", images=[str(p) for p in images],
                             caption=[p.stem for p in images])
        logger.experiment.finish()   # the benchmark owns this run: close it so its files are complete
    else:
        logger.finalize("success")
