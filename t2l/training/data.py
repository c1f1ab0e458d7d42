"""The data side of T2L training as one LightningDataModule: the (task, example) index, the step-indexed
sampler and the collate function for training; one item per validation task for validation.

Training batches depend on (seed, step) only (t2l.tasks.batching.TaskBalancedBatches): a run resumed
at step k starts the sampler there (`T2LDataModule.resume_at`) and sees the batches of a run that never
stopped. Every rank draws the same global batch; the module keeps its own rows (t2l.training.distributed),
so Lightning's distributed sampler stays off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader

from t2l.tasks.batching import TaskBalancedBatches, task_batch
from t2l.training.pool import TrainingPool


class TaskExampleIndex(torch.utils.data.Dataset):
    """The (task, example) pairs a TaskBalancedBatches sampler draws; the collate function looks them up.

    Items are the pairs themselves (the sampler yields whole batches of them); its length is the
    number of pairs, so Lightning's progress and epoch accounting see the real pool size.
    """

    def __init__(self, sizes: list[int]):
        self.sizes = list(sizes)

    def __getitem__(self, item: tuple[int, int]) -> tuple[int, int]:
        return item

    def __len__(self) -> int:
        return sum(self.sizes)


def task_ids(items: Sequence[tuple[int, int]]) -> list[int]:
    """Reconstruction's collate: the batch is its tasks (the targets are per task, not per example)."""
    return [t for t, _ in items]


def validation_loader(items: Sequence) -> DataLoader:
    """One validation item per step, as it is (no batching): validation_step(item) scores one task."""
    return DataLoader(list(items), batch_size=None)


class T2LDataModule(pl.LightningDataModule):
    """Training: `sampler` over a TaskExampleIndex of its sizes, batches made by `collate`.
    Validation: `val_items` one at a time (the module says what they are: HyperModule.validation_items)."""

    def __init__(self, sampler: TaskBalancedBatches, collate: Callable, val_items: Sequence = ()):
        super().__init__()
        self.sampler, self.collate, self.val_items = sampler, collate, list(val_items)

    @classmethod
    def for_objective(cls, settings, pool: TrainingPool, pad_id: int | None, val_items: Sequence = ()) -> T2LDataModule:
        """The data of a T2LTrainSettings' objective: SFT draws T tasks x S tokenised examples (with their
        choice rows when the ranking term is on); reconstruction draws T tasks, one target each."""
        if settings.objective == "sft":
            sampler = TaskBalancedBatches(pool.sizes(), settings.tasks_per_batch, settings.samples_per_task,
                                          seed=settings.seed)
            collate = partial(task_batch, features=pool.features, pad_id=pad_id,
                              choices=pool.choices if settings.choice_weight > 0 else None)
        elif settings.objective == "recon":
            sampler = TaskBalancedBatches([1] * len(pool.names), settings.tasks_per_batch, 1, seed=settings.seed)
            collate = task_ids
        else:
            raise ValueError(f"unknown objective {settings.objective!r}")
        return cls(sampler, collate, val_items)

    @property
    def tasks_per_batch(self) -> int:
        return self.sampler.tasks_per_batch

    def resume_at(self, step: int) -> None:
        """Start training batches at `step`. Set before fit: Lightning draws the first batch before any
        hook sees the restored step."""
        self.sampler.start_step = step

    def train_dataloader(self) -> DataLoader:
        return DataLoader(TaskExampleIndex(self.sampler.sizes), batch_sampler=self.sampler, collate_fn=self.collate)

    def val_dataloader(self) -> DataLoader:
        return validation_loader(self.val_items)
