"""What a hypernetwork reads about a task: its description, k unlabeled example inputs, or both.

Both signals are put in the task encoder's space, so one hypernetwork (one architecture, one bundle)
takes either: a description is encoded as usual; k example inputs are encoded one by one and their
L2-normalised embeddings averaged (Drag-and-Drop's prompt-only signal); `both` adds the two unit
vectors and renormalises, so each counts the same whatever k is. Example inputs are never labelled
(no answers are read), and at evaluation they come from the task's train split only.
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F

from t2l.errors import T2LError

CONDITIONS = ("description", "examples", "both")


def check_condition(condition: str) -> str:
    if condition not in CONDITIONS:
        raise T2LError(f"condition '{condition}' is unknown; choose one of {list(CONDITIONS)}")
    return condition


def pool_examples(example_embeddings: torch.Tensor) -> torch.Tensor:
    """[..., k, dim] embeddings of k example inputs -> [..., dim] unit task vector."""
    return F.normalize(F.normalize(example_embeddings, dim=-1).mean(dim=-2), dim=-1)


def combine(description: torch.Tensor | None, examples: torch.Tensor | None) -> torch.Tensor:
    """The hypernetwork's input from a description embedding, a pooled example embedding, or both."""
    if description is None and examples is None:
        raise T2LError("nothing to condition on: give a description, example inputs, or both")
    if description is None:
        return examples
    if examples is None:
        return description
    return F.normalize(F.normalize(description, dim=-1) + F.normalize(examples, dim=-1), dim=-1)


def encode_examples(encoder, example_sets: Sequence[Sequence[str]]) -> torch.Tensor:
    """[n, dim]: one pooled vector per set of example inputs (each set non-empty)."""
    for i, inputs in enumerate(example_sets):
        if isinstance(inputs, str) or not [t for t in inputs if isinstance(t, str) and t.strip()]:
            raise T2LError(f"example set {i} has no usable inputs (need a list of non-empty strings); "
                           "give k example inputs of the task, e.g. lines {\"input\": \"...\"} in a JSONL file")
    flat = [t for inputs in example_sets for t in inputs if isinstance(t, str) and t.strip()]
    rows = encoder.encode(flat, warn_truncated=False)
    out, start = [], 0
    for inputs in example_sets:
        n = len([t for t in inputs if isinstance(t, str) and t.strip()])
        out.append(pool_examples(rows[start:start + n]))
        start += n
    return torch.stack(out)
