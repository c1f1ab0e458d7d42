"""The only place that turns Hydra config into objects; everything below it is plain Python."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from t2l.errors import T2LError
from t2l.tasks.registry import TaskCatalog, TaskSources
from t2l.tasks.schema import validation_tasks

log = logging.getLogger(__name__)
DEFAULT_EVAL_SPLIT = "heldout_bbh"


def task_sources(data: DictConfig) -> TaskSources:
    defaults = TaskSources()
    return TaskSources(
        bigbench_dir=data.bigbench_dir,
        sni=list(data.sni or []),
        local_files=list(data.local_files or []),
        descriptions_dir=data.descriptions_dir or defaults.descriptions_dir,
        splits_dir=data.splits_dir or defaults.splits_dir,
        seed=int(data.seed),
        fractions=dict(data.fractions) if data.fractions else None,
        max_input_chars=int(data.max_input_chars),
    )


def base_model_spec(cfg: DictConfig):
    from t2l.base import BaseModelSpec

    return BaseModelSpec.from_dict(OmegaConf.to_container(cfg.base_model, resolve=True))


def select_tasks(cfg: DictConfig, catalog: TaskCatalog, default_split: str | None = None) -> list[str]:
    data = cfg.data
    tasks = cfg.get("tasks") or data.tasks
    split = cfg.get("split") or data.split or default_split
    names = catalog.select(tasks=list(tasks) if tasks else None, split=split,
                           exclude=list(data.exclude or []), exclude_file=data.exclude_file)
    if not names:
        raise T2LError("every selected task is excluded; loosen data.exclude / data.exclude_file")
    return names


def write_results(out: Path, results: dict, predictions: list[dict]) -> None:
    """predictions.jsonl first, results.json last (its presence means the run finished)."""
    from t2l.files import atomic_write_json, atomic_write_text

    atomic_write_text(out / "predictions.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in predictions))
    atomic_write_json(out / "results.json", results)


def run_eval(cfg: DictConfig) -> dict:
    """`t2l eval`: base model, k-shot in-context, or peft adapters, on a task list or a split."""
    from t2l.adapters import active_adapter, adapter_mapping, attach_adapters
    from t2l.base import load_base
    from t2l.evaluate import EvalSettings, evaluate_task
    from t2l.report import results_table

    catalog = TaskCatalog(task_sources(cfg.data))
    names = select_tasks(cfg, catalog, DEFAULT_EVAL_SPLIT)
    tasks = [catalog.load(name) for name in names]  # fail on bad tasks before the model loads
    for task in tasks:
        if not task.split(cfg.eval_split):
            raise T2LError(f"task '{task.name}' has no {cfg.eval_split} examples; choose another eval_split or exclude it")
    adapters = adapter_mapping(OmegaConf.to_container(cfg.adapters) if isinstance(cfg.adapters, DictConfig)
                               else cfg.adapters, names)
    spec = base_model_spec(cfg)
    model, tokenizer = load_base(spec, cfg.device)
    adapter_names: dict[str, str] = {}
    if adapters:
        model, adapter_names = attach_adapters(model, adapters)
    settings = EvalSettings(chat=spec.chat_template, shots=int(cfg.shots), limit=cfg.limit, split=cfg.eval_split,
                            batch_size=int(cfg.batch_size), max_new_tokens=int(cfg.max_new_tokens))
    start = time.perf_counter()

    def run(method: str, context_for) -> tuple[dict, list[dict]]:
        summaries, rows_all = {}, []
        for i, task in enumerate(tasks):
            log.info("[%s %d/%d] %s (%s)", method, i + 1, len(tasks), task.name, task.metric)
            with context_for(i, task):
                summary, rows = evaluate_task(model, tokenizer, task, settings)
            summary["adapter"] = adapters.get(task.name)
            summaries[task.name] = summary
            rows_all += [{**r, "method": method} for r in rows]
        return {"tasks": summaries, "average": sum(s["accuracy"] for s in summaries.values()) / len(summaries)}, rows_all

    methods, predictions = {}, []
    primary = "adapters" if adapters else "base"
    if cfg.checkpoint:
        from t2l.apply import apply_lora
        from t2l.bundle import T2L
        from t2l.controls import control_descriptions

        bundle = T2L.from_pretrained(cfg.checkpoint, base=spec)
        descriptions = {"t2l": [t.description for t in tasks],
                        **control_descriptions(tasks, list(cfg.controls or []), int(cfg.seed))}
        for method, texts in descriptions.items():
            weights = bundle.generate(texts)
            methods[method], rows = run(method, lambda i, _t, w=weights: apply_lora(
                model, {k: v[i:i + 1] for k, v in w.items()}, bundle.spec))
            methods[method]["descriptions"] = dict(zip(names, texts))
            predictions += rows
        primary = "t2l"
    if not cfg.checkpoint or cfg.include_base:
        methods[primary if not cfg.checkpoint else "base"], rows = run(
            primary if not cfg.checkpoint else "base", lambda _i, task: active_adapter(model, adapter_names.get(task.name)))
        predictions += rows
    results = {
        "tasks": methods[primary]["tasks"],
        "average": methods[primary]["average"],
        "methods": methods,
        "config": OmegaConf.to_container(cfg, resolve=True),
        "seconds": round(time.perf_counter() - start, 2),
    }
    for method, result in methods.items():
        print(results_table(result, title=f"{method} | {spec.model_id} | shots={settings.shots} | split={settings.split}"))
    if cfg.out:
        write_results(Path(cfg.out), results, predictions)
        print(f"wrote {Path(cfg.out) / 'results.json'} and predictions.jsonl")
    return results


def lora_spec(cfg: DictConfig, base):
    from t2l.lora import LoRASpec

    lora = OmegaConf.to_container(cfg.lora, resolve=True)
    return LoRASpec.for_base(base, **{k: tuple(v) if isinstance(v, list) else v for k, v in lora.items()})


def open_library(cfg: DictConfig, base=None):
    from t2l.library import Library

    base = base or base_model_spec(cfg)
    return Library(cfg.library.dir, base, lora_spec(cfg, base))


def make_logger_factory(cfg: DictConfig):
    from hydra.utils import instantiate

    if not cfg.get("logger"):
        return None
    return lambda name: instantiate(cfg.logger, name=name.replace(":", "__"))


def train(cfg: DictConfig) -> dict:
    """Entry point of train.py: dispatch on cfg.job."""
    from t2l.base import load_base
    from t2l.heldout import refuse_heldout
    from t2l.library_train import LoRATrainBudget, train_library, train_multitask

    jobs = ("library", "multitask", "oracle", "t2l", "benchmark")
    if cfg.job == "t2l":
        return train_hypernet(cfg)
    if cfg.job == "benchmark":
        return run_benchmark(cfg)
    if cfg.job not in jobs:
        raise T2LError(f"train.py needs an experiment; choose one of conf/experiment/*.yaml (job={cfg.job!r}, known {list(jobs)})")
    catalog = TaskCatalog(task_sources(cfg.data))
    names = select_tasks(cfg, catalog)
    if cfg.job != "oracle":
        refuse_heldout(names, catalog.split_names("heldout_bbh"), what=f"experiment '{cfg.job}'")
    base = base_model_spec(cfg)
    library = open_library(cfg, base)
    budget = LoRATrainBudget(**OmegaConf.to_container(cfg.library.budget, resolve=True))
    trainer_kwargs = OmegaConf.to_container(cfg.trainer, resolve=True)
    model, tokenizer = load_base(base)
    loggers = make_logger_factory(cfg)
    if cfg.job == "multitask":
        tasks = [catalog.load(n) for n in names]
        val = validation_tasks(tasks, int(cfg.library.multitask.val_tasks), int(cfg.seed))
        path = train_multitask(library, tasks, val, model, tokenizer, budget, base.chat_template,
                               loggers("multitask") if loggers else None, trainer_kwargs)
        return {"adapter": str(path)}
    namespace = "oracle" if cfg.job == "oracle" else "tasks"
    train_library(library, names, catalog.load, model, tokenizer, budget, base.chat_template, namespace,
                  loggers, trainer_kwargs)
    entries = library.entries(namespace)
    gains = [entries[n]["val_gain"] for n in names if n in entries and "val_gain" in entries[n]]
    print(f"library {library.root}: {len(entries)} {namespace} adapters; "
          f"{sum(g > 0 for g in gains)}/{len(gains)} improved on validation")
    return {"adapters": len(entries), "improved": sum(g > 0 for g in gains)}


def build_hypernet(cfg: DictConfig, spec, encoder_dim: int):
    from t2l.hypernet import HyperNet

    h = cfg.hypernet
    return HyperNet(spec, encoder_dim, latent=h.latent, head_in=h.head_in, size=h.size, mixer_hidden=h.mixer_hidden,
                    bottleneck=h.bottleneck, dropout=h.dropout, init_head_weights=cfg.objective.init_head_weights,
                     head_init_std=cfg.objective.get("head_init_std", 1e-3))


def train_hypernet(cfg: DictConfig) -> dict:
    """`python train.py experiment=t2l_sft|t2l_recon`: train, then export outputs/<run>/hypernet."""
    from t2l.encoder import TaskEncoder
    from t2l.heldout import refuse_heldout
    from t2l.hyper_train import T2LTrainSettings, train_t2l
    from t2l.lora import load_adapter_weights
    import pytorch_lightning as pl
    import torch

    catalog = TaskCatalog(task_sources(cfg.data))
    names = select_tasks(cfg, catalog)
    refuse_heldout(names, catalog.split_names("heldout_bbh"), what="T2L training")
    base = base_model_spec(cfg)
    spec = lora_spec(cfg, base)
    objective = OmegaConf.to_container(cfg.objective, resolve=True)
    val_count = objective.pop("val_tasks")
    objective.pop("init_head_weights")  # read by build_hypernet
    objective.pop("head_init_std", None)
    settings = T2LTrainSettings(**objective, seed=int(cfg.seed))
    encoder_cfg = OmegaConf.to_container(cfg.encoder, resolve=True)
    encoder = TaskEncoder.from_config(encoder_cfg)
    pl.seed_everything(int(cfg.seed), verbose=False)  # the hypernet's initial weights are part of the run
    hypernet = build_hypernet(cfg, spec, encoder.dim)
    targets = None
    if settings.objective == "recon":
        adapters = open_library(cfg, base).training_adapters()
        names = [n for n in names if n in adapters]
        if len(names) < 2:
            raise T2LError(f"reconstruction needs library adapters for the selected tasks; found {len(names)}. "
                           "Train them first: python train.py experiment=library")
        loaded = [load_adapter_weights(adapters[n], base, expect=spec)[0] for n in names]
        targets = {k: torch.stack([w[k] for w in loaded]) for k in loaded[0]}
    tasks = [catalog.load(n) for n in names]
    needs_base = settings.objective == "sft" or val_count > 0
    model = tokenizer = None
    if needs_base:
        from t2l.base import load_base

        model, tokenizer = load_base(base)
    val_tasks = validation_tasks(tasks, val_count, int(cfg.seed)) if needs_base and val_count else []
    loggers = make_logger_factory(cfg)
    out_dir = Path(cfg.out_dir)
    bundle = train_t2l(hypernet, encoder, base, encoder_cfg, tasks, settings, out_dir, model, tokenizer, val_tasks,
                       targets, loggers(str(cfg.run)) if loggers else None,
                       OmegaConf.to_container(cfg.trainer, resolve=True), bool(cfg.resume))
    print(f"hypernet bundle: {out_dir / 'hypernet'} ({bundle.training['steps']} steps, {len(tasks)} tasks)")
    return {"bundle": str(out_dir / "hypernet"), "steps": bundle.training["steps"]}


def compose_train(overrides: list[str]) -> DictConfig:
    """conf/train.yaml with overrides, inside train.py (Hydra initialised) or outside it."""
    from hydra import compose
    from hydra.core.global_hydra import GlobalHydra

    if GlobalHydra.instance().is_initialized():
        return compose(config_name="train", overrides=overrides)
    from t2l.cli import compose as cli_compose

    return cli_compose("train", overrides)


def run_benchmark(cfg: DictConfig) -> dict:
    """`python train.py experiment=benchmark`: every row on the held-out tasks; builds what is missing."""
    from t2l.base import load_base
    from t2l.baselines.retrieval import RetrievalIndex
    from t2l.benchmark import BenchmarkRow, evaluate_rows, library_row, lorahub_row, retrieval_rows, t2l_rows
    from t2l.bundle import T2L
    from t2l.encoder import TaskEncoder
    from t2l.evaluate import EvalSettings
    from t2l.heldout import refuse_heldout
    from t2l.report import write_report

    start = time.perf_counter()
    b = cfg.benchmark
    catalog = TaskCatalog(task_sources(cfg.data))
    names = select_tasks(cfg, catalog, DEFAULT_EVAL_SPLIT)
    heldout = catalog.split_names(DEFAULT_EVAL_SPLIT)
    outside = [n for n in names if n not in heldout]
    if outside:
        raise T2LError(f"benchmark tasks must be held-out ({DEFAULT_EVAL_SPLIT}); {outside[:5]} are not")
    tasks = [catalog.load(n) for n in names]
    base = base_model_spec(cfg)
    spec, library = lora_spec(cfg, base), open_library(cfg, base)

    def build(what: str, extra: list[str] = (), command=None) -> None:
        overrides = [*(command if command is not None else b.build[what]), *b.build_common, *extra]
        print(f"benchmark: building {what}: python train.py {' '.join(overrides)}")
        train(compose_train(overrides))

    if len(library.entries("tasks")) < int(b.min_library):
        build("library")
    if b.rows.multitask and not library.has("multitask", "multitask"):
        build("multitask")
    missing = [n for n in names if not library.has("oracle", n)]
    if b.rows.oracle and missing:
        build("oracle", [f"tasks=[{','.join(missing)}]"])
    bundles = {}
    for row, row_cfg in (b.t2l or {}).items():
        if not (Path(row_cfg.bundle) / "t2l_config.json").is_file():
            build(row, command=list(row_cfg.build))
        bundles[row] = T2L.from_pretrained(row_cfg.bundle, base=base, lora=spec)
    # Contamination: nothing that produced an adapter may have seen a held-out task. Re-read the
    # manifest: the builds above wrote it through their own Library objects.
    library = open_library(cfg, base)
    refuse_heldout(list(library.entries("tasks")), names, what="the LoRA library (retrieval, LoraHub, recon targets)")
    if library.has("multitask", "multitask"):
        refuse_heldout(list(library.entries("multitask")["multitask"].get("tasks", [])), names, what="the multi-task LoRA")
    for row, bundle in bundles.items():
        refuse_heldout(list(bundle.training.get("tasks", [])), names, what=f"T2L bundle '{row}'")

    model, tokenizer = load_base(base, cfg.get("device", "cpu"))
    shots = int(b.shots)
    rows = [BenchmarkRow("base"), BenchmarkRow(f"icl_{shots}shot", shots=shots, budget={"shots": shots})]
    if b.rows.multitask:
        rows.append(library_row("multitask", library, "multitask", tasks, shared="multitask"))
    if b.rows.retrieval:
        rows += retrieval_rows(RetrievalIndex(library, TaskEncoder.from_config(
            OmegaConf.to_container(cfg.encoder, resolve=True))), tasks, int(b.retrieval_k))
    if b.rows.lorahub:
        rows.append(lorahub_row(tasks, library.training_adapters(), base, spec, model, tokenizer,
                                **OmegaConf.to_container(b.lorahub, resolve=True), seed=int(cfg.seed)))
    for row, bundle in bundles.items():
        primary = row == b.primary
        rows += t2l_rows(row, bundle, tasks, list(b.controls) if primary else [], shots if primary else 0,
                         int(cfg.seed))
    if b.rows.oracle:
        rows.append(library_row("oracle", library, "oracle", tasks, kind="upper_bound"))
    settings = EvalSettings(chat=base.chat_template, limit=b.limit, split=b.eval_split, batch_size=int(b.batch_size),
                            max_new_tokens=int(b.max_new_tokens), progress=False)
    results, predictions = evaluate_rows(model, tokenizer, tasks, rows, spec, settings)
    head = results["methods"][b.primary] if b.primary in results["methods"] else results["methods"]["base"]
    results = {"tasks": head["tasks"], "average": head["average"], **results,
               "config": OmegaConf.to_container(cfg, resolve=True), "seconds": round(time.perf_counter() - start, 1)}
    out = Path(b.out)
    write_results(out, results, predictions)
    width = max(len(r) for r in results["methods"])
    for row, result in results["methods"].items():
        print(f"{row:<{width}}  {result['average']:.3f} +- {result['stderr']:.3f}  ({result['kind']})")
    if b.report:
        write_report([out / "results.json"], out=b.report, plots=b.plots,
                     command=f"python train.py experiment=benchmark (results: {out / 'results.json'})")
        print(f"wrote {b.report}")
    return {"results": str(out / "results.json"), "average": {k: v["average"] for k, v in results["methods"].items()}}
