"""T2LDataModule and what a checkpoint holds, without a model: training batches are the sampler's steps
(a resume starts at its step), validation yields one item per step, and TrainingModule's checkpoints keep
the trained parameters only."""

from __future__ import annotations

from types import SimpleNamespace

import torch

from t2l.tasks.batching import TaskBalancedBatches
from t2l.training.data import T2LDataModule, task_ids
from t2l.training.modules import TrainingModule

RECON = SimpleNamespace(objective="recon", tasks_per_batch=2, seed=3)
POOL = SimpleNamespace(names=["a", "b", "c", "d"])


def first_batches(data: T2LDataModule, n: int) -> list:
    batches = iter(data.train_dataloader())
    return [next(batches) for _ in range(n)]


def test_training_batches_are_the_samplers_steps():
    data = T2LDataModule.for_objective(RECON, POOL, pad_id=None)
    sampler = TaskBalancedBatches([1] * 4, 2, 1, seed=3)
    assert data.tasks_per_batch == 2
    assert first_batches(data, 5) == [task_ids(sampler.batch(k)) for k in range(5)]


def test_resume_at_starts_at_that_step():
    straight = first_batches(T2LDataModule.for_objective(RECON, POOL, pad_id=None), 7)
    resumed = T2LDataModule.for_objective(RECON, POOL, pad_id=None)
    resumed.resume_at(4)
    assert first_batches(resumed, 3) == straight[4:]


def test_validation_yields_each_item_as_it_is_one_a_step():
    data = T2LDataModule(TaskBalancedBatches([1, 1], 1, 1), task_ids, val_items=[-1, 0, 1])
    assert list(data.val_dataloader()) == [-1, 0, 1]
    assert len(T2LDataModule(TaskBalancedBatches([1], 1, 1), task_ids).val_dataloader()) == 0


class AroundFrozen(TrainingModule):
    """A trained layer beside a frozen one (a tied copy of its weight and a buffer too), or alone."""

    def __init__(self, frozen: bool):
        super().__init__(lr=0.1)
        self.trained = torch.nn.Linear(2, 2)
        if frozen:
            self.base = torch.nn.Linear(2, 2).requires_grad_(False)
            self.head = torch.nn.Linear(2, 2, bias=False)
            self.head.weight = self.base.weight   # tied, as a language model's head and embeddings
            self.base.register_buffer("table", torch.ones(2))


def saved(module: TrainingModule) -> set[str]:
    checkpoint = {"state_dict": module.state_dict()}
    module.on_save_checkpoint(checkpoint)
    return set(checkpoint["state_dict"])


def test_checkpoints_hold_the_trained_parameters_only():
    around = AroundFrozen(frozen=True)
    assert {"base.weight", "head.weight", "base.table"} <= set(around.state_dict())
    assert saved(around) == {"trained.weight", "trained.bias"}
    assert around.strict_loading is False   # its checkpoints lack the frozen part, which stays as loaded


def test_a_module_without_a_frozen_part_saves_and_loads_everything():
    alone = AroundFrozen(frozen=False)
    assert saved(alone) == set(alone.state_dict())
    assert alone.strict_loading is True
