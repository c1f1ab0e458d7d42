"""`t2l eval`: the base model, k-shot in-context, saved peft adapters, or a T2L bundle with its controls.

Every variant is a list of rows for t2l.eval.rows.evaluate_rows, the loop the benchmark uses too:
adapters (saved or generated) are applied in-process by t2l.lora.apply, and each row declares its
kind (method / control), which results.json records.

    t2l eval tasks=[sports_understanding,date_understanding] limit=50 out=outputs/eval
    t2l eval checkpoint=outputs/demo/hypernet tasks=[navigate] controls=[random,wrong,generic]
"""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path
from typing import Mapping

from omegaconf import DictConfig, OmegaConf

from t2l.errors import T2LError
from t2l.eval.controls import UPPER_BOUNDS
from t2l.io import read_json
from t2l.lora.peft_io import ADAPTER_CONFIG_FILE
from t2l.tasks.heldout import HELDOUT_SPLIT


def adapter_mapping(spec, tasks: list[str], namespace: str = "tasks") -> dict[str, str]:
    """`spec` is None, one adapter dir (all tasks), a {task: dir} mapping, or a JSON file of one; a library
    manifest.json gives its `namespace` entries when it has that namespace (oracle), else its task LoRAs."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        mapping = {str(k): str(v) for k, v in spec.items()}
    else:
        path = Path(str(spec)).expanduser()
        if path.is_file() and path.suffix == ".json":
            mapping = read_json(path, "adapters= takes a {task: adapter_dir} JSON file or a library manifest.json")
            if "entries" in mapping:  # a library manifest.json: its per-task adapters
                mapping = manifest_mapping(mapping["entries"], path.parent, tasks, namespace,
                                           kept_base=mapping.get("kept_base", {}))
        else:
            mapping = {task: str(path) for task in tasks}
    for task, directory in mapping.items():
        if not (Path(directory).expanduser() / ADAPTER_CONFIG_FILE).is_file():
            raise T2LError(f"adapter for task '{task}' at {directory} has no {ADAPTER_CONFIG_FILE}; "
                           "point adapters= at a peft adapter directory")
    return mapping


def manifest_mapping(entries: dict, root: Path, tasks: list[str], namespace: str,
                     kept_base: dict | None = None) -> dict[str, str]:
    """A library manifest's adapters: the `namespace` ones when the row is named after one (oracle), which
    must then cover every task (a silent base-model fallback would pass for an oracle score); otherwise its
    task LoRAs, where a missing task is one whose LoRA lost to the base model and so scores as the base.
    A task the manifest records under kept_base (its LoRA lost to the base model on validation, so the
    base model is that task's selected adapter) is covered: it maps to nothing and scores as the base."""
    if namespace not in entries:
        namespace = "tasks"
    kept = (kept_base or {}).get(namespace, {})
    missing = [task for task in tasks if task not in entries[namespace] and task not in kept]
    if missing and namespace != "tasks":
        raise T2LError(f"the library at {root} has no '{namespace}' LoRA for {missing}; train them first "
                       f"(python train.py experiment={namespace}) or name the row otherwise (adapters_name=)")
    return {task: str(root / entry["path"]) for task, entry in entries[namespace].items()}


def eval_descriptions(cfg: DictConfig) -> str:
    choice = str(cfg.eval_descriptions)
    if choice not in ("first", "all"):
        raise T2LError(f"eval_descriptions={choice} is not an option; use first (each task's first evaluation "
                       "description) or all (every one, rotated over the scored examples)")
    return choice


def write_results(out: Path, results: dict, predictions: list[dict]) -> None:
    """predictions.jsonl first, results.json last (its presence means the run finished)."""
    from t2l.io import atomic_write_json, atomic_write_text

    atomic_write_text(out / "predictions.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in predictions))
    atomic_write_json(out / "results.json", results)


def print_rows(results: dict) -> None:
    width = max(len(r) for r in results["methods"])
    for row, result in results["methods"].items():
        print(f"{row:<{width}}  {result['average']:.3f} +- {result['stderr']:.3f}  ({result['kind']})")


def evaluate_job(cfg: DictConfig) -> dict:
    """Score the configured rows on the selected tasks; print tables; write DIR/results.json when out= is set."""
    from t2l.app.config import base_model_spec, lora_spec, resolve_device
    from t2l.eval.rows import adapter_dir_row, evaluate_prompt_settings
    from t2l.eval.scoring import EvalSettings
    from t2l.models.base import load_base

    names, tasks = eval_tasks(cfg)   # fail on bad tasks before the model loads
    all_descriptions = eval_descriptions(cfg) == "all"
    adapters = adapter_mapping(OmegaConf.to_container(cfg.adapters) if isinstance(cfg.adapters, DictConfig)
                               else cfg.adapters, names, namespace=str(cfg.adapters_name))
    base = base_model_spec(cfg)
    spec = lora_spec(cfg, base)
    bundle = eval_bundle(cfg, base, tasks)
    if bundle is not None:
        spec = bundle.spec
    # adapters_name=oracle: LoRAs trained on the held-out tasks themselves, reported as the upper bound.
    saved_kind = "upper_bound" if str(cfg.adapters_name) in UPPER_BOUNDS else "method"
    saved = (adapter_dir_row(str(cfg.adapters_name), [adapters.get(n) for n in names], base, spec, kind=saved_kind)
             if adapters else None)
    rows_for = partial(eval_rows, cfg=cfg, bundle=bundle, saved=saved, tasks=len(names),
                       all_descriptions=all_descriptions)
    model, tokenizer = load_base(base, resolve_device(str(cfg.device)))
    settings = EvalSettings(chat=base.chat_template, shots=int(cfg.shots), limit=cfg.limit, split=cfg.eval_split,
                            batch_size=int(cfg.batch_size), max_new_tokens=int(cfg.max_new_tokens))
    start = time.perf_counter()
    results, predictions = evaluate_prompt_settings(model, tokenizer, tasks, rows_for, spec, settings,
                                                    list(cfg.prompt_settings))
    results = with_summary(cfg, results, predictions, paired=bundle is not None, start=start)
    print_tables(results, base.model_id, settings)
    if cfg.out:
        write_results(Path(cfg.out), results, predictions)
        print(f"wrote {Path(cfg.out) / 'results.json'} and predictions.jsonl")
    return results


def eval_tasks(cfg: DictConfig) -> tuple[list[str], list]:
    """The selected tasks' names and tasks (evaluation descriptions), each with examples in eval_split."""
    from t2l.app.config import select_tasks, task_catalog

    catalog = task_catalog(cfg, evaluation=True)
    names = select_tasks(cfg, catalog, HELDOUT_SPLIT)
    tasks = [catalog.load(name) for name in names]
    for task in tasks:
        if not task.split(cfg.eval_split):
            raise T2LError(f"task '{task.name}' has no {cfg.eval_split} examples; choose another eval_split or exclude it")
    return names, tasks


def eval_bundle(cfg: DictConfig, base, tasks: list):
    """The T2L bundle of checkpoint= (None without one); refused when trained on another generated pool."""
    if not cfg.checkpoint:
        return None
    from t2l.app.generate import resolve_checkpoint
    from t2l.models.bundle import T2L

    bundle = T2L.from_pretrained(resolve_checkpoint(str(cfg.checkpoint)), base=base)
    if any(task.source == "pool" for task in tasks):
        from t2l.tasks.pool.build import check_pool_version

        check_pool_version((bundle.training or {}).get("data_versions", {}).get("pool"), f"bundle {cfg.checkpoint}")
    return bundle


def eval_rows(setting_tasks: list, cfg: DictConfig, bundle, saved, tasks: int, all_descriptions: bool) -> list:
    """The rows of one prompt setting: T2L and its controls (with a bundle), saved adapters, the base model."""
    from t2l.eval.rows import BenchmarkRow

    rows = bundle_rows(cfg, bundle, setting_tasks, all_descriptions) if bundle is not None else []
    if saved is not None:
        rows.append(saved)
    if (bundle is None and saved is None) or (bundle is not None and cfg.include_base):
        rows.append(BenchmarkRow("base"))
    for row in rows:  # results.json says per task which adapter directory was scored (null: none)
        row.shots = int(cfg.shots)
        row.sources = row.sources if row.sources is not None else [None] * tasks
    return rows


def bundle_rows(cfg: DictConfig, bundle, setting_tasks: list, all_descriptions: bool) -> list:
    """The T2L row and its control rows, with the generation speed printed."""
    from t2l.eval.rows import example_inputs, t2l_rows
    from t2l.hardware import machine_line

    k = int(cfg.examples_k)
    began = time.perf_counter()
    rows = t2l_rows("t2l", bundle, setting_tasks, list(cfg.controls or []), seed=int(cfg.seed),
                    examples=example_inputs(setting_tasks, k, int(cfg.seed)) if k else None,
                    all_descriptions=all_descriptions)
    seconds = time.perf_counter() - began
    made = sum(len(a) if isinstance(a, list) else 1 for row in rows for a in row.adapters)
    print(f"generated {made} adapters for {len(rows)} T2L rows x {len(setting_tasks)} tasks in {seconds:.2f} s: "
          f"{made / seconds:.0f} adapters/s, encoder included ({machine_line()})")
    for row in rows:  # `t2l eval` names control rows by the control alone: random, wrong, generic
        if row.kind == "control":
            row.name = row.detail["control"]
    return rows


def with_summary(cfg: DictConfig, results: dict, predictions: list[dict], paired: bool, start: float) -> dict:
    """results.json's head (the first row's tasks and average), T2L's paired differences, config, time."""
    from t2l.eval.paired import paired_against

    if paired:   # T2L minus every other row, example by example, per prompt setting
        results["paired"] = {setting: paired_against(predictions, "t2l", part["methods"], setting, int(cfg.seed))
                             for setting, part in results["prompt_settings"].items()}
    primary = next(iter(results["methods"].values()))
    return {"tasks": primary["tasks"], "average": primary["average"], **results,
            "config": OmegaConf.to_container(cfg, resolve=True), "artifacts": scored_artifacts(cfg),
            "seconds": round(time.perf_counter() - start, 2)}


def scored_artifacts(cfg: DictConfig) -> dict[str, str]:
    """sha256 of the weights the rows scored (the bundle of checkpoint=, one adapter directory of adapters=):
    `t2l release` checks them, so a model card never shows another bundle's results."""
    from t2l.app.generate import resolve_checkpoint
    from t2l.io import sha256_file
    from t2l.lora.peft_io import ADAPTER_WEIGHTS_FILE
    from t2l.models.bundle import BUNDLE_WEIGHTS_FILE

    found = {}
    if cfg.checkpoint:
        found["hypernet"] = sha256_file(Path(resolve_checkpoint(str(cfg.checkpoint))) / BUNDLE_WEIGHTS_FILE)
    if isinstance(cfg.adapters, str) and (Path(cfg.adapters) / ADAPTER_WEIGHTS_FILE).is_file():
        found["adapters"] = sha256_file(Path(cfg.adapters) / ADAPTER_WEIGHTS_FILE)
    return found


def print_tables(results: dict, model_id: str, settings) -> None:
    from t2l.eval.paired import format_paired
    from t2l.eval.report import results_table

    for setting, part in results["prompt_settings"].items():
        for method, result in part["methods"].items():
            print(results_table(result, title=f"{method} | {model_id} | prompts={setting} | shots={settings.shots} "
                                              f"| split={settings.split}"))
    for setting, table in results.get("paired", {}).items():
        print(f"[prompts={setting}] " + format_paired("t2l", table))
