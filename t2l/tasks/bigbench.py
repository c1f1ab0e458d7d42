"""BIG-bench JSON tasks (and subtasks) as `RawTask`s.

Reads `benchmark_tasks/**/task.json` as prepared by `t2l assets` (or any directory of the same
layout). A subtask `benchmark_tasks/logical_deduction/three_objects/task.json` is named
`logical_deduction:three_objects`. The task's prompt fields (`task_prefix`, `example_input_prefix`,
`example_output_prefix`, `choice_prefix`, `append_choices_to_input`) are honoured with BIG-bench's
own defaults, so a prompt reads as the task's authors wrote it (`bigbench_prompt`: the one formatter of
that layout; the generated tasks use it too). `BigBenchSource` is this source's entry in the catalog.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache
from pathlib import Path

from t2l.errors import T2LError
from t2l.io import read_json
from t2l.tasks.schema import Example, RawTask

log = logging.getLogger(__name__)

# BIG-bench's defaults for JSON tasks (bigbench/api/json_task.py).
DEFAULT_INPUT_PREFIX = "\nQ: "
DEFAULT_OUTPUT_PREFIX = "\nA: "
DEFAULT_CHOICE_PREFIX = "\n  choice: "
GEN_SCORES = {"exact_str_match", "bleu", "rouge", "bleurt", "sequence_f1", "numeric_match_with_0_1_relative_error"}


def task_path(root: Path, name: str) -> Path:
    return root / "benchmark_tasks" / Path(*name.split(":")) / "task.json"


@lru_cache(maxsize=8)
def _index_cached(root: str) -> dict[str, dict]:
    index_file = Path(root) / "index.json"
    if index_file.is_file():
        index = read_json(index_file, "re-run `t2l assets`")
        if not isinstance(index, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in index.items()):
            raise T2LError(f"{index_file} is not a BIG-bench index (an object of task name -> entry); "
                           "delete it and re-run `t2l assets`")
        return index
    # A directory without an index (e.g. a hand-made fixture): list the files, parse lazily.
    tasks_dir = Path(root) / "benchmark_tasks"
    return {":".join(p.parent.relative_to(tasks_dir).parts): {"path": str(p.relative_to(tasks_dir))}
            for p in sorted(tasks_dir.rglob("task.json"))}


def bigbench_index(root: str | Path) -> dict[str, dict]:
    """Task name -> index entry (path; with `t2l assets`' index also description and counts)."""
    root = Path(root)
    if not (root / "benchmark_tasks").is_dir():
        raise T2LError(f"no BIG-bench tasks under {root}; run `t2l assets` or set data.bigbench_dir")
    return _index_cached(str(root.resolve()))


def _read_json(path: Path) -> dict:
    return read_json(path, "fix the file or re-run `t2l assets`")


def _metric(task: dict, n_mc: int, n_gen: int) -> str | None:
    preferred = task.get("preferred_score")
    if preferred == "multiple_choice_grade" and n_mc:
        return "mc"
    if preferred in GEN_SCORES and n_gen:
        return "gen"
    if n_mc or n_gen:
        return "mc" if n_mc >= n_gen else "gen"
    return None


def _score(value) -> float | None:
    """A target score as a finite float; None for anything else (a string, null, NaN: the example is unusable)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _mc_example(raw: dict) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    scores = raw.get("target_scores")
    if not isinstance(scores, dict) or len(scores) < 2:
        return None
    choices = tuple(str(c) for c in scores)
    values = [_score(v) for v in scores.values()]
    if None in values:
        return None
    best = max(values)
    if best <= 0:
        return None
    return choices, tuple(i for i, v in enumerate(values) if v == best)


def _gen_targets(raw: dict) -> tuple[str, ...]:
    target = raw.get("target")
    targets = target if isinstance(target, list) else [target]
    return tuple(str(t) for t in targets if isinstance(t, (str, int, float)) and str(t).strip())


def _prompt_field(task: dict, key: str, default: str, path: Path) -> str:
    value = task.get(key, default)
    if not isinstance(value, str):
        raise T2LError(f"{path}: '{key}' must be a string, got {type(value).__name__}; fix the field or delete it "
                       f"(BIG-bench's default is {default!r})")
    return value


def bigbench_prompt(text: str, choices: tuple[str, ...] | None = None, task_prefix: str = "",
                    input_prefix: str = DEFAULT_INPUT_PREFIX, output_prefix: str = DEFAULT_OUTPUT_PREFIX,
                    choice_prefix: str = DEFAULT_CHOICE_PREFIX) -> str:
    """An example's input as BIG-bench builds a JSON task's prompt: task prefix, `Q: ` input, the choices
    (multiple choice, when appended to the input), `A:`; stripped at both ends."""
    body = task_prefix + input_prefix + text
    if choices:
        body += "".join(choice_prefix + choice for choice in choices)
    return (body + output_prefix).strip()


def load_bigbench_task(name: str, root: str | Path, max_input_chars: int = 4000) -> RawTask:
    root = Path(root)
    path = task_path(root, name)
    task, examples_raw = _read_task(name, root, path)
    if not isinstance(task.get("preferred_score", ""), str):
        raise T2LError(f"{path}: 'preferred_score' must be a string such as 'multiple_choice_grade', got "
                       f"{type(task['preferred_score']).__name__}; fix the field or delete it")
    mc_parts = [_mc_example(e) for e in examples_raw]
    gen_parts = [_gen_targets(e) for e in examples_raw]
    metric = _metric(task, sum(p is not None for p in mc_parts), sum(bool(t) for t in gen_parts))
    if metric is None:
        raise T2LError(f"BIG-bench task '{name}' has no usable examples (no target or target_scores); "
                       f"exclude it with data.exclude=[{name}]")
    fields = [_prompt_field(task, key, default, path) for key, default in (
        ("task_prefix", ""), ("example_input_prefix", DEFAULT_INPUT_PREFIX),
        ("example_output_prefix", DEFAULT_OUTPUT_PREFIX), ("choice_prefix", DEFAULT_CHOICE_PREFIX))]
    examples, too_long, unusable = [], 0, 0
    for raw, mc, targets in zip(examples_raw, mc_parts, gen_parts):
        example = _example(raw, metric, mc, targets, fields, task.get("append_choices_to_input", True))
        if example is None:
            unusable += 1
        elif len(example.input) > max_input_chars:
            too_long += 1
        else:
            examples.append(example)
    if too_long or unusable:
        log.info("BIG-bench %s: skipped %d over-long (> %d chars) and %d unusable of %d examples",
                 name, too_long, max_input_chars, unusable, len(examples_raw))
    if not examples:
        raise T2LError(f"BIG-bench task '{name}' has no usable examples ({too_long} over data.max_input_chars="
                       f"{max_input_chars}, {unusable} without a {metric} target); raise the limit or exclude it")
    prefix = fields[0]
    keywords = task.get("keywords") if isinstance(task.get("keywords"), list) else []
    return RawTask(
        name=name, source="bigbench", descriptions=_descriptions(task, name, prefix), metric=metric, examples=examples,
        meta={"path": str(path), "keywords": keywords, "task_prefix": str(prefix), "skipped_too_long": too_long,
              "skipped_unusable": unusable, "preferred_score": task.get("preferred_score")},
    )


def _read_task(name: str, root: Path, path: Path) -> tuple[dict, list[dict]]:
    """The task's JSON object and its example objects; a missing file, another JSON value or a task
    without examples of its own (a parent of subtasks) is one error naming the fix."""
    if not path.is_file():
        raise T2LError(f"BIG-bench task '{name}' not found at {path}")
    task = _read_json(path)
    if not isinstance(task, dict):
        raise T2LError(f"{path} is not a BIG-bench task: expected a JSON object with an 'examples' list, got "
                       f"{type(task).__name__}; fix the file or re-run `t2l assets`")
    examples = task.get("examples")
    examples_raw = [e for e in examples if isinstance(e, dict)] if isinstance(examples, list) else []
    if not examples_raw:
        subtasks = sorted(n for n in bigbench_index(root) if n.startswith(name + ":"))
        hint = f"use one of its subtasks: {', '.join(subtasks)}" if subtasks else f"exclude it with data.exclude=[{name}]"
        raise T2LError(f"BIG-bench task '{name}' has no examples of its own; {hint}")
    return task, examples_raw


def _example(raw: dict, metric: str, mc, targets: tuple[str, ...], fields: list[str], append_choices) -> Example | None:
    """One example under the task's metric, its input in the task's prompt layout (`fields`: task prefix,
    input, output and choice prefixes); None when it has no input or no target of that metric."""
    if not isinstance(raw.get("input"), str) or (metric == "mc" and mc is None) or (metric == "gen" and not targets):
        return None
    prefix, input_prefix, output_prefix, choice_prefix = fields
    text = bigbench_prompt(raw["input"], mc[0] if metric == "mc" and append_choices else None, prefix,
                           input_prefix, output_prefix, choice_prefix)
    if metric == "mc":
        return Example(input=text, choices=mc[0], answers=mc[1])
    return Example(input=text, targets=targets)


def _descriptions(task: dict, name: str, prefix: str) -> list[str]:
    """The task's description (its name when it has none) and, when it reads as one, its instruction."""
    description = str(task.get("description") or name.replace("_", " ")).strip()
    descriptions = [description]
    # The authors' instruction to the model is a second, differently worded description of the task.
    instruction = " ".join(str(prefix).split())
    if 20 <= len(instruction) <= 400 and instruction.lower() != description.lower():
        descriptions.append(instruction)
    return descriptions


class BigBenchSource:
    """BIG-bench JSON tasks under `data.bigbench_dir` (a prepared bundle, `bundle://bigbench`, or any folder
    with benchmark_tasks/**/task.json). A bundle that cannot be had leaves the source unavailable (the
    other sources still work; asking for a BIG-bench task says how to get it); a folder the user named
    that holds no tasks is an error."""

    kind = "bigbench"
    prefix = ""

    def __init__(self, root: Path | None, max_input_chars: int = 4000, unavailable: str = ""):
        self.root, self.max_input_chars, self.unavailable = root, max_input_chars, unavailable

    @classmethod
    def from_config(cls, sources) -> "BigBenchSource | None":
        if not sources.bigbench_dir:
            return None
        from t2l.assets import BUNDLE_SCHEME, resolve

        try:
            root = Path(resolve(sources.bigbench_dir)).expanduser()
        except T2LError as err:
            if not sources.bigbench_dir.startswith(BUNDLE_SCHEME):
                raise
            return cls(None, sources.max_input_chars,
                       f"BIG-bench is not indexed: {err}; BIG-Bench Hard (split=heldout_bbh) needs no BIG-bench copy")
        bigbench_index(root)   # refuses a folder without benchmark_tasks/
        return cls(root, sources.max_input_chars)

    def entries(self) -> list:
        from t2l.tasks.source import Entry

        if self.root is None:
            return []
        return [Entry(name, task_path(self.root, name), str(self.root)) for name in bigbench_index(self.root)]

    def load(self, name: str) -> RawTask:
        return load_bigbench_task(name, self.root, self.max_input_chars)
