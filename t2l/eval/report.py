"""Results tables, the markdown report and its plots, from results.json files.

    t2l report outputs/bench/results.json out=docs/results.md plots=docs/plots

From a notebook:

    from t2l.eval.report import write_report
    write_report(["outputs/demo/results.json"], out="docs/results.md", plots="docs/plots")

A results file is what `t2l eval` or the benchmark writes (both through t2l.eval.rows):
{"tasks", "average", "config", "methods": {name: {"tasks": {task: {"accuracy", "n", ...}}, "average",
"kind"?, "control"?, "bound"?, "budget"?}}}. A row's kind (method / control / upper_bound) is read
from the file, never guessed from its name; a row without one is a method.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from t2l.errors import T2LError
from t2l.eval.controls import CONTROLS, INPUT_CONTROLS, KINDS, UPPER_BOUNDS
from t2l.eval.paired import paired_markdown
from t2l.eval.rows import standard_error
from t2l.io import atomic_write_text, read_json

NOT_RESULTS = "it is not a t2l eval/benchmark results file (write one with `t2l eval ... out=DIR`)"


def results_table(results: dict, title: str | None = None) -> str:
    """A fixed-width table: task, metric, n, accuracy (and for MC: length-normalised accuracy, and the share
    of examples given the most frequent predicted / gold answer, `top_pred` / `top_gold`)."""
    lines = [title] if title else []
    lines.append(f"{'task':<42} {'metric':>6} {'n':>5} {'acc':>7} {'acc_norm':>9} {'top_pred':>9} {'top_gold':>9}")
    lines.append("-" * 93)
    for name, row in results["tasks"].items():
        norm, top_pred, top_gold = (f"{row[key]:.3f}" if key in row else "-"
                                    for key in ("accuracy_norm", "top_pred_share", "top_gold_share"))
        lines.append(f"{name:<42} {row.get('metric', ''):>6} {row['n']:>5} {row['accuracy']:>7.3f} {norm:>9} "
                     f"{top_pred:>9} {top_gold:>9}")
    lines.append("-" * 93)
    lines.append(f"{'average':<42} {'':>6} {sum(r['n'] for r in results['tasks'].values()):>5} {results['average']:>7.3f}")
    return "\n".join(lines)


@dataclass
class MethodRow:
    """One method of one results file: what a table row and a group of bars show."""

    name: str                      # unique across the report (the file's label added on a clash)
    method: str                    # the name inside its results file
    accuracy: dict[str, float]     # task -> accuracy in [0, 1]
    n: int                         # examples scored over all tasks
    average: float                 # mean of the per-task accuracies (as the pipeline reports it)
    source: str
    budget: dict = field(default_factory=dict)
    task_n: dict[str, int] = field(default_factory=dict)
    kind_id: str = "method"            # "kind" from the results file: method | control | upper_bound
    glossary_key: str | None = None    # which control ("random", ...) or bound ("oracle") the row is

    @property
    def se(self) -> float:
        """Standard error of the macro average (t2l.eval.rows.standard_error)."""
        return standard_error({"accuracy": p, "n": self.task_n.get(t, 0)} for t, p in self.accuracy.items())

    @property
    def kind(self) -> str:
        """'method', 'control' or 'upper bound', as the results file declares it."""
        return self.kind_id.replace("_", " ")


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise T2LError(f"{what} is {value!r}, not a number; {NOT_RESULTS}")
    return float(value)


def load_results(path: str | os.PathLike) -> dict:
    """Read and check a results file; refuse anything of another schema, naming the missing key."""
    path = Path(path)
    data = read_json(path, NOT_RESULTS)
    if not isinstance(data, dict):
        raise T2LError(f"{path} holds a JSON {type(data).__name__}, not an object; {NOT_RESULTS}")
    for key in ("tasks", "methods"):
        if not isinstance(data.get(key), dict) or not data[key]:
            raise T2LError(f"{path} has no '{key}'; {NOT_RESULTS}")
    for method, result in data["methods"].items():
        tasks = result.get("tasks") if isinstance(result, dict) else None
        if not isinstance(tasks, dict) or not tasks:
            raise T2LError(f"{path}: method '{method}' has no 'tasks'; {NOT_RESULTS}")
        for task, row in tasks.items():
            for key in ("accuracy", "n"):
                if not isinstance(row, dict) or key not in row:
                    raise T2LError(f"{path}: method '{method}' task '{task}' has no '{key}'; {NOT_RESULTS}")
                _number(row[key], f"{path}: methods.{method}.tasks.{task}.{key}")
        kind = result.get("kind", "method")
        if kind not in KINDS:
            raise T2LError(f"{path}: method '{method}' has kind {kind!r}; choose one of {list(KINDS)}")
    return data


def label(path: Path) -> str:
    """Short name of a results file: its run directory for results.json, else the file's stem."""
    return path.parent.name if path.name == "results.json" and path.parent.name else path.stem


def method_rows(loaded: Sequence[tuple[Path, dict]]) -> list[MethodRow]:
    """Every method of every file, in file order; a name seen before gets its file's label added."""
    rows: list[MethodRow] = []
    for path, data in loaded:
        for method, result in data["methods"].items():
            tasks = result["tasks"]
            accuracy = {t: float(r["accuracy"]) for t, r in tasks.items()}
            average = result.get("average")
            average = float(average) if isinstance(average, (int, float)) else sum(accuracy.values()) / len(accuracy)
            name, taken = method, {r.name for r in rows}
            if name in taken:
                name = f"{method} ({label(path)})"
            suffix = 2
            while name in taken:  # the same file passed twice, or two runs with one label
                name, suffix = f"{method} ({label(path)} {suffix})", suffix + 1
            budget = result.get("budget") if isinstance(result.get("budget"), dict) else {}
            kind = result.get("kind", "method")
            key = result.get("control") if kind == "control" else result.get("bound")
            rows.append(MethodRow(name, method, accuracy, int(sum(r["n"] for r in tasks.values())), average,
                                  str(path), budget, {t: int(r["n"]) for t, r in tasks.items()}, kind, key))
    return rows


def _budget(budget: dict) -> str:
    """`train_seconds=812, steps=500, examples=4000`: every key kept, so no budget fact is hidden."""
    if not budget:
        return "-"
    parts = []
    for key, value in budget.items():
        if isinstance(value, float):
            value = f"{value:.0f}" if abs(value) >= 10 else f"{value:.3g}"
        parts.append(f"{key}={value}")
    return ", ".join(parts)


def markdown(rows: Sequence[MethodRow], sources: Sequence[str], command: str,
             plots: dict[str, Path] | None = None, out: Path | None = None) -> str:
    """The report: one table row per method, the SE formula, notes on controls and bounds, plots."""
    tasks = list(dict.fromkeys(t for r in rows for t in r.accuracy))
    partial = [r.name for r in rows if set(r.accuracy) != set(tasks)]
    lines = ["# Results", "",
             f"Generated by `{command}` from " + ", ".join(f"`{s}`" for s in sources) + ".", "",
             "Accuracy in % per held-out task; `average` is the unweighted mean over tasks.", "",
             "| method | " + " | ".join(tasks) + " | average | SE | n | budget |",
             "|---|" + "---:|" * (len(tasks) + 3) + "---|"]
    for r in rows:
        cells = [f"{100 * r.accuracy[t]:.1f}" if t in r.accuracy else "-" for t in tasks]
        name = r.name + (" †" if r.name in partial else "")
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {100 * r.average:.2f} | {100 * r.se:.2f} | {r.n} | {_budget(r.budget)} |")
    lines += ["", "SE is the standard error of the average, in % points: SE = sqrt(sum_t p_t (1 - p_t) / n_t) / T, "
              "with p_t the accuracy on task t, n_t its scored examples (each a 0/1 outcome) and T the row's "
              "number of tasks. It counts sampling noise of the examples only (not of the choice "
              "of tasks or of training seeds); rows closer than about 2 SE apart are not told apart.", "",
              "## Notes", ""]
    for kind, glossary in (("control", {**CONTROLS, **INPUT_CONTROLS}), ("upper bound", UPPER_BOUNDS)):
        chosen = [r for r in rows if r.kind == kind]
        if not chosen:
            continue
        heading = ("Controls (the description should not help; a real T2L beats them)" if kind == "control"
                   else "Upper bound")
        lines.append(f"- {heading}:")
        for r in chosen:
            lines.append(f"  - `{r.name}`: {glossary.get(r.glossary_key, 'no description recorded')}")
    if partial:
        lines.append(f"- † covers fewer tasks than the table ({len(tasks)}); its average is over its own tasks only.")
    if not any(r.kind != "method" for r in rows) and not partial:
        lines.append("- No control or upper-bound rows in these results.")
    if plots:
        lines += ["", "## Plots", ""]
        for title, path in plots.items():
            rel = os.path.relpath(path, out.parent) if out is not None else str(path)
            lines.append(f"![{title}]({Path(rel).as_posix()})")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_report(results: Sequence[str | os.PathLike], out: str | os.PathLike = "docs/results.md",
                 plots: str | os.PathLike | None = "docs/plots", command: str | None = None) -> dict[str, Path]:
    """Check every results file, then write the PNGs (when `plots`) and the markdown, each atomically.

    Returns {"markdown": path, <plot title>: path, ...}.
    """
    if not results:
        raise T2LError("t2l report needs at least one results.json: t2l report RESULTS.json [out=...] [plots=...]")
    loaded = [(Path(p), load_results(p)) for p in results]  # refuse bad input before writing anything
    rows = method_rows(loaded)
    command = command or "t2l report " + " ".join(str(p) for p in results)
    written: dict[str, Path] = {}
    if plots:
        from t2l.eval.plots import write_plots

        written.update(write_plots(rows, Path(plots)))
    out = Path(out)
    text = markdown(rows, [str(p) for p in results], command, written, out)
    settings = [line for _, data in loaded if "prompt_settings" in data or "paired" in data for line in paired_markdown(data)]
    if settings:   # t2l eval's results: every prompt setting and the paired T2L-minus-row intervals
        text += "\n## Prompt settings and paired differences\n" + "\n".join(settings) + "\n"
    atomic_write_text(out, text)
    return {"markdown": out, **written}
