"""Results tables (and, later, plots) from results.json files."""

from __future__ import annotations


def results_table(results: dict, title: str | None = None) -> str:
    """A fixed-width table: task, metric, n, accuracy (and length-normalised accuracy for MC)."""
    lines = [title] if title else []
    lines.append(f"{'task':<42} {'metric':>6} {'n':>5} {'acc':>7} {'acc_norm':>9}")
    lines.append("-" * 73)
    for name, row in results["tasks"].items():
        norm = f"{row['accuracy_norm']:.3f}" if "accuracy_norm" in row else "-"
        lines.append(f"{name:<42} {row.get('metric', ''):>6} {row['n']:>5} {row['accuracy']:>7.3f} {norm:>9}")
    lines.append("-" * 73)
    lines.append(f"{'average':<42} {'':>6} {sum(r['n'] for r in results['tasks'].values()):>5} {results['average']:>7.3f}")
    return "\n".join(lines)
