"""Retrieval baselines: pick library LoRAs by how close their task descriptions are to a new one.

What T2L must beat with the same inputs (a library and a description, no examples of the new task):

- retrieval top-1: the adapter of the library task whose descriptions are nearest to the query.
- retrieval top-k: the uniform mean of the k nearest adapters' A and B factors (LoraRetriever-style
  mixture: A = mean A_i, B = mean B_i, the same factor-wise composition LoraHub uses).

From a notebook:

    index = RetrievalIndex(library, encoder)            # embeds every library task once
    hit = index.retrieve("Predict the intent of an utterance", k=3, task="intent_recognition")
    hit.tasks, hit.similarities                         # nearest first
    save_adapter(hit.top1, library.spec, library.base.model_id, "out/retrieval")
    save_adapter(hit.mixture, library.spec, library.base.model_id, "out/retrieval_topk")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import torch
import torch.nn.functional as F

from t2l.errors import T2LError
from t2l.lora.library import Library
from t2l.lora.peft_io import load_adapter_weights
from t2l.lora.spec import LoRAWeights
from t2l.models.encoder import TaskEncoder


@dataclass
class Retrieval:
    """The k library tasks nearest to a query, nearest first, and the two adapters built from them."""

    tasks: list[str]
    similarities: list[float]  # cosine similarity of each chosen task to the query
    top1: LoRAWeights          # the nearest task's adapter, unchanged
    mixture: LoRAWeights       # uniform mean of the k adapters' A and B factors


def task_descriptions(library: Library, namespace: str = "tasks") -> dict[str, list[str]]:
    """{task: descriptions} of the library's training adapters, from the manifest.

    An entry without descriptions falls back to its name with spaces, the same default that
    `t2l library import` records, so every adapter can be retrieved.
    """
    out = {}
    for name, entry in library.entries(namespace).items():
        texts = [d for d in entry.get("descriptions") or [] if isinstance(d, str) and d.strip()]
        out[name] = texts or [name.replace("_", " ")]
    return out


def mean_embedding(encoder: TaskEncoder, texts: Sequence[str]) -> torch.Tensor:
    """Mean of the texts' embeddings, renormalised, so a dot product is a cosine similarity."""
    return F.normalize(encoder.encode(list(texts)).mean(dim=0), dim=-1)


def mean_adapter(adapters: Sequence[LoRAWeights]) -> LoRAWeights:
    """Uniform mean of A and B separately (not of B @ A): the result is again a rank-r LoRA."""
    if not adapters:
        raise T2LError("cannot average zero adapters")
    keys = sorted(adapters[0])
    for i, adapter in enumerate(adapters[1:], 1):
        if sorted(adapter) != keys:
            raise T2LError(f"adapter {i} has keys {sorted(adapter)} but adapter 0 has {keys}; "
                           "all retrieved adapters must share one LoRASpec")
    # Sum in float32 so bf16 / fp16 adapters do not lose precision, then return their own dtype.
    return {k: torch.stack([a[k].float() for a in adapters]).mean(dim=0).to(adapters[0][k].dtype) for k in keys}


class RetrievalIndex:
    """A library's task embeddings, computed once, to rank library tasks against new descriptions.

    Only the "tasks" namespace is indexed (Library.training_adapters refuses oracle and multitask
    adapters), so an oracle LoRA of a held-out task can never be retrieved.
    """

    def __init__(self, library: Library, encoder: TaskEncoder):
        self.library, self.encoder = library, encoder
        self.adapters = library.training_adapters()  # verifies every adapter against its sha256
        if not self.adapters:
            raise T2LError(f"library {library.root} has no task adapters to retrieve from; train some with "
                           "`python train.py experiment=library ...` or add them with `t2l library import DIR`")
        descriptions = task_descriptions(library)
        self.names = sorted(self.adapters)
        self.embeddings = torch.stack([mean_embedding(encoder, descriptions[n]) for n in self.names])  # [T, dim]

    def rank(self, description: str | Sequence[str], exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
        """Every candidate task with its cosine similarity to the query, nearest first.

        Several query descriptions are averaged like a library task's. Ties keep name order, so the
        ranking is deterministic.
        """
        texts = [description] if isinstance(description, str) else list(description)
        if not texts:
            raise T2LError("retrieval needs a task description; got none")
        query = mean_embedding(self.encoder, texts)
        sims = (self.embeddings @ query).tolist()
        skip = set(exclude)
        ranked = [(n, s) for n, s in zip(self.names, sims) if n not in skip]
        return sorted(ranked, key=lambda pair: -pair[1])

    def retrieve(self, description: str | Sequence[str], k: int = 3, task: str | None = None,
                 exclude: Iterable[str] = ()) -> Retrieval:
        """The k nearest library tasks to `description`, their top-1 adapter and their mean adapter.

        `task` is the query's own task name: when the library holds an adapter of that very task it is
        left out, so a held-out evaluation never retrieves the answer it is scored against.
        """
        if int(k) != k or k < 1:
            raise T2LError(f"retrieval k must be a positive integer, got {k!r}")
        skip = set(exclude) | ({task} if task else set())
        ranked = self.rank(description, skip)
        if len(ranked) < k:
            left = [s for s in skip if s in self.adapters]
            raise T2LError(f"retrieval top-{k} needs at least {k} library tasks but library {self.library.root} "
                           f"offers {len(ranked)}" + (f" after leaving out {sorted(left)}" if left else "")
                           + f"; lower k (e.g. k={max(len(ranked), 1)}) or add adapters to the library")
        chosen = ranked[:k]
        adapters = [load_adapter_weights(self.adapters[name], self.library.base, expect=self.library.spec)[0]
                    for name, _ in chosen]
        return Retrieval(tasks=[n for n, _ in chosen], similarities=[s for _, s in chosen],
                         top1=adapters[0], mixture=mean_adapter(adapters))
