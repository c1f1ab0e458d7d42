"""The one evaluation loop: rows of (per-task adapters, shots, kind) scored on one loaded base model.

Every row is a list of per-task LoRA weights (None = the bare base model) plus a shot count, so one
loaded base model scores all of them through the same in-process applier (t2l.lora.apply) and the
same scorer (t2l.eval.scoring). `t2l eval` and the held-out benchmark both build rows and call
`evaluate_rows`; a row says what it is (a method, a control, an upper bound), so reports never guess
from names. From a notebook:

    rows = [BenchmarkRow("base"), BenchmarkRow("icl_3shot", shots=3),
            BenchmarkRow("t2l", adapters=unbatch(bundle.generate(descriptions)))]
    results, predictions = evaluate_rows(model, tokenizer, tasks, rows, spec, EvalSettings(limit=40))
"""

from __future__ import annotations

import logging
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Sequence

from t2l.errors import T2LError
from t2l.eval.controls import KINDS, rotated_controls
from t2l.eval.scoring import EvalSettings, evaluate_task, summarise
from t2l.lora.apply import apply_lora
from t2l.lora.peft_io import load_adapter_weights
from t2l.lora.spec import LoRASpec, LoRAWeights, unbatch
from t2l.tasks.schema import Task

log = logging.getLogger(__name__)


@dataclass
class BenchmarkRow:
    name: str
    # one per task, in task order (None: the base model); a list for a task rotates through its adapters,
    # one per evaluation description (evaluate_rotation)
    adapters: Sequence[LoRAWeights | list[LoRAWeights] | None] | None = None
    shots: int = 0
    kind: str = "method"            # method | control | upper_bound
    budget: dict = field(default_factory=dict)
    descriptions: Sequence[str | list[str]] | None = None   # per task: the text(s) its adapter(s) came from
    detail: dict = field(default_factory=dict)
    sources: Sequence[str | None] | None = None   # per task: where its adapter came from (a path), if anywhere


def evaluate_rows(model, tokenizer, tasks: Sequence[Task], rows: Sequence[BenchmarkRow], spec: LoRASpec,
                  settings: EvalSettings) -> tuple[dict, list[dict]]:
    """{"methods": {row: {"tasks", "average", "stderr", "kind", "shots", "budget", ...}}} and prediction lines."""
    methods, predictions = {}, []
    for r, row in enumerate(rows):
        if row.kind not in KINDS:
            raise ValueError(f"row {row.name}: kind must be one of {KINDS}, got {row.kind!r}")
        if row.adapters is not None and len(row.adapters) != len(tasks):
            raise ValueError(f"row {row.name} has {len(row.adapters)} adapters for {len(tasks)} tasks")
        start, summaries = time.perf_counter(), {}
        row_settings = replace(settings, shots=row.shots)
        for i, task in enumerate(tasks):
            entry = row.adapters[i] if row.adapters is not None else None
            summary, lines = evaluate_rotation(model, tokenizer, task, entry if isinstance(entry, list) else [entry],
                                               spec, row_settings)
            if row.sources is not None:
                summary["adapter"] = row.sources[i]
            summaries[task.name] = summary
            predictions += [{**line, "method": row.name} for line in lines]
        accuracies = [s["accuracy"] for s in summaries.values()]
        methods[row.name] = {
            "tasks": summaries, "average": sum(accuracies) / len(accuracies),
            "stderr": standard_error(summaries.values()), "kind": row.kind, "shots": row.shots,
            "budget": dict(row.budget), "eval_seconds": round(time.perf_counter() - start, 1), **row.detail}
        if row.descriptions is not None:
            methods[row.name]["descriptions"] = dict(zip([t.name for t in tasks], row.descriptions))
        log.info("[row %d/%d] %s: average %.3f (%.0f s)", r + 1, len(rows), row.name, methods[row.name]["average"],
                 methods[row.name]["eval_seconds"])
    return {"methods": methods}, predictions


def evaluate_rotation(model, tokenizer, task: Task, adapters: Sequence[LoRAWeights | None], spec: LoRASpec,
                      settings: EvalSettings) -> tuple[dict, list[dict]]:
    """Score a task with one adapter, or rotate through several (one per evaluation description): scored
    example j uses adapter j mod d. Every description is measured at the cost of one, and the lines come
    back in scoring order, so pairing against other rows stays example by example."""
    if len(adapters) == 1:
        with _applied(model, adapters[0], spec):
            return evaluate_task(model, tokenizer, task, settings)
    examples = task.split(settings.split)[: settings.limit]
    placed: list[tuple[int, dict]] = []
    for d, lora in enumerate(adapters):
        shard = examples[d::len(adapters)]
        if not shard:
            continue
        with _applied(model, lora, spec):
            _, lines = evaluate_task(model, tokenizer, replace(task, **{settings.split: shard}),
                                     replace(settings, limit=None))
        placed += [(d + m * len(adapters), {**line, "description_index": d}) for m, line in enumerate(lines)]
    lines = [line for _, line in sorted(placed, key=lambda p: p[0])]
    return summarise(lines, task.metric, settings), lines


def _applied(model, lora: LoRAWeights | None, spec: LoRASpec):
    return apply_lora(model, {k: v[None] for k, v in lora.items()}, spec) if lora is not None else nullcontext()


def evaluate_prompt_settings(model, tokenizer, tasks: Sequence[Task], rows_for, spec: LoRASpec, settings: EvalSettings,
                             prompt_settings: Sequence[str] = ("task",)) -> tuple[dict, list[dict]]:
    """evaluate_rows once per prompt setting (t2l.tasks.prompts.PROMPT_SETTINGS); `rows_for(tasks)` builds the
    rows for the tasks as that setting shows them (example-conditioned rows read the setting's inputs).

    {"methods": <first setting's rows>, "prompt_settings": {setting: {"methods": ...}}}; prediction
    lines carry their setting under "prompts".
    """
    from t2l.tasks.prompts import in_setting

    if not prompt_settings:
        raise ValueError("prompt_settings is empty; use [task], [bare] or [task,bare]")
    parts, predictions = {}, []
    for setting in prompt_settings:
        shown = [in_setting(t, setting) for t in tasks]
        part, lines = evaluate_rows(model, tokenizer, shown, rows_for(shown), spec, settings)
        parts[setting] = part
        predictions += [{**line, "prompts": setting} for line in lines]
    return {"methods": parts[prompt_settings[0]]["methods"], "prompt_settings": parts}, predictions


def standard_error(summaries) -> float:
    """Standard error of the unweighted mean of per-task accuracies: sqrt(sum_t p_t (1 - p_t) / n_t) / T.

    The one definition: the benchmark writes it into results.json and the report reads it back.
    """
    summaries = list(summaries)
    if not summaries or not all(s.get("n") for s in summaries):
        return float("nan")
    var = sum(s["accuracy"] * (1 - s["accuracy"]) / s["n"] for s in summaries)
    return math.sqrt(var) / len(summaries)


# -- row builders: plain objects in, BenchmarkRows out -----------------------------------------------------
def adapter_dir_row(name: str, adapter_dirs: Sequence[str | None], base, spec: LoRASpec,
                    kind: str = "method") -> BenchmarkRow:
    """Saved peft adapters, one directory per task (None: the base model), applied in-process like every row."""
    loaded = {d: load_adapter_weights(d, base, expect=spec)[0] for d in dict.fromkeys(adapter_dirs) if d is not None}
    return BenchmarkRow(name, [loaded[d] if d is not None else None for d in adapter_dirs], kind=kind,
                        sources=list(adapter_dirs), detail={"bound": name} if kind == "upper_bound" else {})


def library_row(name: str, library, namespace: str, tasks: Sequence[Task], kind: str = "method",
                shared: str | None = None, detail: dict | None = None) -> BenchmarkRow:
    """Adapters from the library: one per task (oracle), or the one `shared` adapter for every task."""
    entries = library.entries(namespace)
    keys = [shared or t.name for t in tasks]
    missing = sorted({k for k in keys if k not in entries})
    if missing:
        raise ValueError(f"library {library.root} has no {namespace} adapters for {missing}")
    loaded = {k: load_adapter_weights(library.adapter_dir(namespace, k), library.base, expect=library.spec)[0]
              for k in set(keys)}
    stats = [entries[k] for k in set(keys)]
    # examples_seen = steps x batch (what the budget rule compares); train_pool = examples available.
    budget = {"steps": sum(int(s.get("steps", 0)) for s in stats) // len(stats),
              "examples_seen": sum(int(s.get("steps", 0)) * int(s.get("budget", {}).get("batch_size", 0))
                                   for s in stats) // len(stats),
              "train_pool": sum(int(s.get("train_examples", 0)) for s in stats) // len(stats),
              "train_seconds": round(sum(float(s.get("seconds", 0)) for s in stats), 1)}
    if shared:
        budget["train_tasks"] = len(entries[shared].get("tasks", []))
    return BenchmarkRow(name, [loaded[k] for k in keys], kind=kind, budget=budget, detail=dict(detail or {}))


def t2l_rows(name: str, bundle, tasks: Sequence[Task], controls: Sequence[str] = (), icl_shots: int = 0,
             seed: int = 0, examples: Sequence[Sequence[str]] | None = None,
             all_descriptions: bool = False) -> list[BenchmarkRow]:
    """T2L from each task's description; +ICL; the control descriptions (random / wrong / generic); and,
    given `examples` (k unlabeled train inputs per task), T2L from those inputs and its control (another
    task's inputs). `all_descriptions`: every evaluation description of a task, rotated over its scored
    examples (evaluate_rotation), and the controls rotated alike; else each task's first."""
    training = bundle.training
    settings = training.get("settings", {})
    budget = {"objective": training.get("objective"), "steps": training.get("steps"),
              "train_tasks": len(training.get("tasks", [])), "train_seconds": training.get("seconds")}
    if training.get("objective") == "sft":  # recon sees adapters, not examples
        budget["examples_seen"] = int(training.get("steps", 0)) * int(settings.get("tasks_per_batch", 0)) * int(
            settings.get("samples_per_task", 0))
    real = [(list(t.descriptions) or [t.name]) if all_descriptions else [t.description] for t in tasks]
    detail = {"eval_descriptions": "all"} if all_descriptions else {}
    adapters = generated_per_task(bundle, real)
    rows = [BenchmarkRow(name, adapters, budget=budget, descriptions=_as_shown(real), detail=dict(detail))]
    if icl_shots:
        rows.append(BenchmarkRow(f"{name}_icl{icl_shots}", adapters, shots=icl_shots, budget=budget,
                                 descriptions=_as_shown(real), detail=dict(detail)))
    for control, texts in rotated_controls(real, list(controls), seed).items():
        rows.append(BenchmarkRow(f"{name}_{control}", generated_per_task(bundle, texts), kind="control",
                                 budget=budget, descriptions=_as_shown(texts), detail={"control": control, **detail}))
    if examples is not None:
        k = min(len(e) for e in examples)
        rows.append(BenchmarkRow(f"{name}_examples", unbatch(bundle.generate(examples=examples)), budget=budget,
                                 detail={"condition": "examples", "k": k}))
        if len(tasks) > 1:   # the examples control: every task gets the next task's inputs
            wrong = [examples[(i + 1) % len(examples)] for i in range(len(examples))]
            rows.append(BenchmarkRow(f"{name}_wrong_examples", unbatch(bundle.generate(examples=wrong)), kind="control",
                                     budget=budget, detail={"control": "wrong_examples", "k": k}))
    return rows


def generated_per_task(bundle, texts: Sequence[Sequence[str]]) -> list[LoRAWeights | list[LoRAWeights]]:
    """One generation pass over every task's descriptions; per task its adapter, or the list of them to
    rotate through when it has several distinct descriptions."""
    distinct = [list(dict.fromkeys(t)) for t in texts]
    flat = unbatch(bundle.generate([d for task in distinct for d in task]))
    out, at = [], 0
    for task in distinct:
        out.append(flat[at] if len(task) == 1 else flat[at:at + len(task)])
        at += len(task)
    return out


def _as_shown(texts: Sequence[Sequence[str]]) -> list[str | list[str]]:
    return [list(dict.fromkeys(t)) if len(set(t)) > 1 else t[0] for t in texts]


def example_inputs(tasks: Sequence[Task], k: int, seed: int = 0) -> list[list[str]]:
    """k unlabeled inputs per task, a seeded draw from its TRAIN split (never from scored examples)."""
    import random

    missing = [t.name for t in tasks if not t.train]
    if missing:
        raise T2LError(f"conditioning on examples needs a train split; tasks {missing[:5]} have none; "
                         "use the description only or give their inputs in a file (t2l generate examples=FILE.jsonl)")
    out = []
    for task in tasks:
        rng = random.Random(f"examples:{seed}:{task.name}")
        out.append([e.input for e in rng.sample(list(task.train), min(k, len(task.train)))])
    return out
