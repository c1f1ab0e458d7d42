"""PNG plots of the report: per-task accuracy by method, held-out average vs steps and vs task count.

Figures are built with matplotlib's object API (Figure + the Agg canvas), never pyplot: no global
figure state and no GUI backend, so this runs on a headless node and inside a notebook unchanged.
Each PNG is rendered to memory and written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from t2l.files import atomic_write_bytes

if TYPE_CHECKING:
    from t2l.report import MethodRow

REFERENCE_METHODS = ("base", "multitask", "oracle")  # drawn as dashed lines on the curves
DEFAULT_CURVE_METHOD = "t2l"  # a curve point without "method" belongs to T2L, the method being trained


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


def per_task_bars(rows: Sequence["MethodRow"], path: Path) -> Path:
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


def curve_plot(points: Sequence[dict], x: str, xlabel: str, title: str, rows: Sequence["MethodRow"],
               path: Path) -> Path:
    """Held-out average (%) against `x`, one line per method; base / multitask / oracle as references."""
    fig = _figure(7.0, 4.5)
    ax = fig.add_subplot()
    methods = list(dict.fromkeys(str(p.get("method", DEFAULT_CURVE_METHOD)) for p in points))
    colors = _colors(len(methods) + len(REFERENCE_METHODS))
    for method, color in zip(methods, colors):
        line = sorted((p[x], 100 * p["average"]) for p in points if str(p.get("method", DEFAULT_CURVE_METHOD)) == method)
        ax.plot([a for a, _ in line], [b for _, b in line], marker="o", color=color, label=method)
    for name, color in zip(REFERENCE_METHODS, colors[len(methods):]):
        ref = next((r for r in rows if r.method == name), None)
        if ref is not None:
            ax.axhline(100 * ref.average, linestyle="--", linewidth=1, color=color, label=f"{ref.name} (reference)")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("held-out average accuracy (%)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return _save(fig, path)


def write_plots(rows: Sequence["MethodRow"], curves: dict[str, list[dict]], out_dir: Path) -> dict[str, Path]:
    """{title: png path} for the bars and for each curve that has points."""
    written = {"Per-task accuracy by method": per_task_bars(rows, out_dir / "per_task_accuracy.png")}
    if curves.get("curve"):
        title = "Held-out average vs training steps"
        written[title] = curve_plot(curves["curve"], "steps", "training steps", title, rows,
                                    out_dir / "heldout_vs_steps.png")
    if curves.get("task_count_curve"):
        title = "Held-out average vs number of training tasks"
        written[title] = curve_plot(curves["task_count_curve"], "tasks", "training tasks", title, rows,
                                    out_dir / "heldout_vs_tasks.png")
    return written
