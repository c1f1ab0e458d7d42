"""Padding-aware batching for training: length-grouped batches and a right-padding collator."""

from __future__ import annotations

import random
from typing import Iterator, Sequence

import torch


def pad_batch(features: Sequence[dict[str, list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad input_ids/labels to the longest row; labels of padding are -100."""
    width = max(len(f["input_ids"]) for f in features)
    ids = torch.full((len(features), width), pad_id, dtype=torch.long)
    labels = torch.full((len(features), width), -100, dtype=torch.long)
    mask = torch.zeros((len(features), width), dtype=torch.long)
    for row, f in enumerate(features):
        n = len(f["input_ids"])
        ids[row, :n] = torch.tensor(f["input_ids"])
        labels[row, :n] = torch.tensor(f["labels"])
        mask[row, :n] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def padding_waste(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> float:
    """Share of token slots in padded batches that are padding."""
    slots = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    return 1 - sum(lengths[i] for b in batches for i in b) / slots if slots else 0.0


class LengthGroupedBatches(torch.utils.data.Sampler):
    """Batches of similar length: shuffle, cut into mega-chunks, sort each by length, shuffle batches.

    Deterministic for a given (seed, epoch); `set_epoch` gives a new order each epoch.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, seed: int = 0, group: int = 32, drop_last: bool = False):
        self.lengths, self.batch_size, self.seed, self.group, self.drop_last = list(lengths), batch_size, seed, group, drop_last
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def batches(self) -> list[list[int]]:
        rng = random.Random(f"{self.seed}:{self.epoch}")
        order = list(range(len(self.lengths)))
        rng.shuffle(order)
        chunk = self.batch_size * self.group
        batches = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start:start + chunk], key=lambda i: self.lengths[i])
            batches += [part[i:i + self.batch_size] for i in range(0, len(part), self.batch_size)]
        if self.drop_last:
            batches = [b for b in batches if len(b) == self.batch_size]
        rng.shuffle(batches)
        return batches

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self.batches())

    def __len__(self) -> int:
        return len(self.batches())
