"""PNG plots of the report: per-task accuracy by method (error bar: 1 SE on the average).

Figures are built with matplotlib's object API (Figure + the Agg canvas), never pyplot: no global
figure state and no GUI backend, so this runs on a headless node and inside a notebook unchanged.
Each PNG is rendered to memory and written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

from t2l.io import atomic_write_bytes


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> Path:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return atomic_write_bytes(path, buffer.getvalue())


def _colors(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab20" if n > 10 else "tab10"]
    return [cmap(i % cmap.N) for i in range(n)]


def per_task_bars(rows: Sequence, path: Path) -> Path:
    """Grouped bars: one group per task plus 'average', one bar per method (with its SE on the average)."""
    tasks = list(dict.fromkeys(t for r in rows for t in r.accuracy)) + ["average"]
    width = 0.8 / len(rows)
    # Grows with the bar count up to a width that still fits a screen and a docs page.
    fig = _figure(min(18.0, max(7.0, 0.12 * len(tasks) * len(rows) + 3.0)), 5.0)
    ax = fig.add_subplot()
    for i, (row, color) in enumerate(zip(rows, _colors(len(rows)))):
        xs = [j + (i - (len(rows) - 1) / 2) * width for j in range(len(tasks))]
        heights = [100 * row.accuracy.get(t, float("nan")) for t in tasks[:-1]] + [100 * row.average]
        # Hatching marks controls and the upper bound, so they do not read as competitors.
        style = {"hatch": "//", "edgecolor": "black", "linewidth": 0.4} if row.kind != "method" else {}
        ax.bar(xs, heights, width, color=color, label=row.name, **style)
        # The SE is of the average only (a per-task one would need each task's n: see the table).
        ax.errorbar(xs[-1], heights[-1], yerr=100 * row.se, fmt="none", ecolor="black", capsize=2, linewidth=0.8)
    ax.set_xticks(range(len(tasks)))
    ax.set_xticklabels(tasks, rotation=30 if len(tasks) > 4 else 0, ha="right" if len(tasks) > 4 else "center")
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title("Held-out accuracy per task (error bar on average: 1 SE)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize="small", ncols=max(1, len(rows) // 8), loc="upper left", bbox_to_anchor=(1.01, 1))
    return _save(fig, path)


def curves(rows: Sequence) -> dict[str, list]:
    """{method: rows sorted by training steps} for every method seen at two or more step counts
    (t2l report over the results of intermediate bundles)."""
    by_method: dict[str, list] = {}
    for row in rows:
        if isinstance(row.budget.get("steps"), (int, float)):
            by_method.setdefault(row.method, []).append(row)
    return {m: sorted(rs, key=lambda r: r.budget["steps"]) for m, rs in by_method.items()
            if len({r.budget["steps"] for r in rs}) >= 2}


def learning_curves(found: dict[str, list], path: Path) -> Path:
    """Average accuracy (with 1 SE) against training steps, one line per method."""
    fig = _figure(7.0, 4.5)
    ax = fig.add_subplot()
    for (method, rs), color in zip(found.items(), _colors(len(found))):
        steps = [r.budget["steps"] for r in rs]
        ax.errorbar(steps, [100 * r.average for r in rs], yerr=[100 * r.se for r in rs], marker="o", capsize=3,
                    color=color, label=method)
    ax.set_xlabel("training steps")
    ax.set_ylabel("average accuracy (%)")
    ax.set_title("Held-out average against training steps (error bars: 1 SE)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return _save(fig, path)


def write_plots(rows: Sequence, out_dir: Path) -> dict[str, Path]:
    """{title: png path}; `rows` are t2l.eval.report.MethodRow objects (name, accuracy, average, se, kind)."""
    written = {"Per-task accuracy by method": per_task_bars(rows, out_dir / "per_task_accuracy.png")}
    found = curves(rows)
    if found:
        written["Learning curve"] = learning_curves(found, out_dir / "learning_curve.png")
    return written
