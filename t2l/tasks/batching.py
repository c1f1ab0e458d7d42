"""Padding-aware batching for training: length-grouped batches and a right-padding collator."""

from __future__ import annotations

import random
from typing import Iterator, Sequence

import torch

from t2l.tasks.schema import IGNORE_INDEX


def pad_batch(features: Sequence[dict[str, list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad input_ids/labels to the longest row; labels of padding are IGNORE_INDEX."""
    width = max(len(f["input_ids"]) for f in features)
    ids = torch.full((len(features), width), pad_id, dtype=torch.long)
    labels = torch.full((len(features), width), IGNORE_INDEX, dtype=torch.long)
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


class StepIndexedEpochs(torch.utils.data.Sampler):
    """An epoch-based batch sampler (LengthGroupedBatches) as an endless stream indexed by step.

    Batch k is batch k mod n of epoch k // n (n batches per epoch), so a run resumed at step k (set
    `start_step`) sees exactly the batches an uninterrupted run would have: Lightning restarts an
    interrupted epoch's iteration from its start, which a plain epoch sampler would replay.
    """

    def __init__(self, epochs: LengthGroupedBatches):
        self.epochs, self.start_step = epochs, 0
        self.per_epoch = len(epochs)   # the same every epoch: chunk sizes do not depend on the shuffle
        self._cached: tuple[int, list[list[int]]] | None = None

    def batch(self, step: int) -> list[int]:
        n = self.per_epoch
        epoch = step // n
        if self._cached is None or self._cached[0] != epoch:
            self.epochs.set_epoch(epoch)
            self._cached = (epoch, self.epochs.batches())
        return self._cached[1][step % n]

    def __iter__(self) -> Iterator[list[int]]:
        step = self.start_step
        while True:
            yield self.batch(step)
            step += 1


class TaskBalancedBatches(torch.utils.data.Sampler):
    """T tasks x S samples per batch (the T2L-SFT recipe), as an endless stream indexed by step.

    Batch k depends only on (seed, k), so a run resumed at step k (set `start_step`) sees exactly the
    batches an uninterrupted run would have seen. Items are (task index, example index) pairs.
    """

    def __init__(self, sizes: Sequence[int], tasks_per_batch: int, samples_per_task: int, seed: int = 0):
        if not sizes or min(sizes) < 1:
            raise ValueError("every task needs at least one training example")
        self.sizes, self.seed, self.start_step = list(sizes), seed, 0
        self.tasks_per_batch = min(tasks_per_batch, len(sizes))
        self.samples_per_task = samples_per_task

    def batch(self, step: int) -> list[tuple[int, int]]:
        rng = random.Random(f"{self.seed}:{step}")
        tasks = rng.sample(range(len(self.sizes)), self.tasks_per_batch)
        return [(t, rng.randrange(self.sizes[t])) for t in tasks for _ in range(self.samples_per_task)]

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        step = self.start_step
        while True:
            yield self.batch(step)
            step += 1


def task_batch(items: Sequence[tuple[int, int]], features: Sequence[Sequence[dict[str, list[int]]]],
               pad_id: int, choices: Sequence | None = None) -> dict:
    """Collate (task, example) items: padded tensors + `task_ids` (distinct tasks) + `rows` (row -> task slot).

    With `choices` (per task, t2l.training.pool.PackedChoices) the batch also carries `choice`: the choice
    rows of its multiple-choice examples (None when it has none), see `choice_batch`.
    """
    task_ids = list(dict.fromkeys(t for t, _ in items))
    slot = {t: i for i, t in enumerate(task_ids)}
    batch = pad_batch([features[t][i] for t, i in items], pad_id)
    batch["rows"] = torch.tensor([slot[t] for t, _ in items], dtype=torch.long)
    batch["task_ids"] = task_ids
    if choices is not None:
        batch["choice"] = choice_batch(items, slot, choices, pad_id)
    return batch


def choice_batch(items: Sequence[tuple[int, int]], slot: dict[int, int], choices: Sequence, pad_id: int) -> dict | None:
    """The choice rows of the items' multiple-choice examples, padded: `rows` (task slot, for the adapter),
    `group` (the item each row belongs to; a group's rows are consecutive) and `gold` (True on the answer)."""
    rows, slots, groups, gold = [], [], [], []
    for k, (t, i) in enumerate(items):
        own, answer = choices[t].rows_of(i)
        for j, row in enumerate(own):
            rows.append(row)
            slots.append(slot[t])
            groups.append(k)
            gold.append(j == answer)
    if not rows:
        return None
    batch = pad_batch(rows, pad_id)
    batch.update(rows=torch.tensor(slots, dtype=torch.long), group=torch.tensor(groups, dtype=torch.long),
                 gold=torch.tensor(gold, dtype=torch.bool))
    return batch


def select_rows(batch: dict, keep: torch.Tensor) -> dict:
    """The kept rows of a padded batch (its per-row tensors), trimmed of the padding columns no kept row
    needs; other entries (a batch's `task_ids`) are dropped."""
    out = {k: v[keep] for k, v in batch.items() if isinstance(v, torch.Tensor)}
    width = int(out["attention_mask"].sum(dim=1).max())   # right padding: real tokens come first
    for key in ("input_ids", "labels", "attention_mask"):
        out[key] = out[key][:, :width]
    return out


def choice_parts(batch: dict, max_rows: int) -> list[dict]:
    """A choice batch (`choice_batch`) cut into parts of whole groups (examples), each of at most `max_rows`
    rows unless one example alone has more: the ranking loss sums over groups, so the parts' losses add up
    to the batch's, and one forward through the model never holds more than about `max_rows` rows."""
    group = batch["group"]
    starts = [0] + [i for i in range(1, len(group)) if group[i] != group[i - 1]] + [len(group)]
    parts, first = [], 0
    for a, b in zip(starts[1:-1], starts[2:]):
        if b - first > max_rows:   # the group [a, b) would overflow the current part: close it before a
            parts.append((first, a))
            first = a
    parts.append((first, len(group)))
    rows = torch.arange(len(group))
    return [select_rows(batch, (rows >= a) & (rows < b)) for a, b in parts]
