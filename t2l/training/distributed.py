"""What T2L training needs to give the same run on one process or many (Lightning DDP / FSDP).

The sampler draws the *global* batch of step k (T tasks x S samples) on every rank; each rank keeps
the rows of its T / W tasks (`local_rows`), while the hypernetwork still generates the adapters of all
T tasks, so description draws, the mismatch term's pairing and the L2 on generated weights are those of
one process. The answer loss is a mean over the *global* batch's label tokens (`global_mean`), so after
DDP averages gradients over ranks they are those of one process with the same global batch.
"""

from __future__ import annotations

import torch

from t2l.errors import T2LError
from t2l.tasks.batching import select_rows


def world() -> tuple[int, int]:
    """(rank, world size) of the initialised process group, (0, 1) without one."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


def all_sum(value: torch.Tensor) -> torch.Tensor:
    """Sum of a (detached) tensor over ranks; the tensor itself on one process."""
    value = value.detach().clone()
    if world()[1] > 1:
        torch.distributed.all_reduce(value, op=torch.distributed.ReduceOp.SUM)
    return value


def global_mean(total: torch.Tensor, count: torch.Tensor) -> torch.Tensor:
    """sum / count over all ranks' rows.

    The value is the global mean on every rank; the gradient is this rank's share scaled by the world
    size, so DDP's average over ranks gives exactly the gradient of the global mean.
    """
    size = world()[1]
    if size == 1:
        return total / count
    n = all_sum(count.to(total.dtype))
    local = total * size / n
    return local + (all_sum(total) / n - local).detach()


def check_divides(tasks_per_batch: int, world_size: int) -> None:
    """Every rank takes whole tasks of the global batch: W must divide T."""
    if world_size > 1 and tasks_per_batch % world_size:
        raise T2LError(f"objective.tasks_per_batch={tasks_per_batch} is not divisible by the world size {world_size} "
                       "(trainer.devices x trainer.num_nodes); each rank takes whole tasks of the global batch: "
                       f"choose tasks_per_batch as a multiple of {world_size}, or change trainer.devices")


def world_size_of(trainer_kwargs: dict) -> int | None:
    """devices x num_nodes when the trainer config states them as integers (None: decided at launch)."""
    devices, nodes = trainer_kwargs.get("devices", 1), trainer_kwargs.get("num_nodes", 1)
    if isinstance(devices, (list, tuple)):
        devices = len(devices)
    if isinstance(devices, int) and isinstance(nodes, int) and devices > 0:
        return devices * nodes
    return None


def local_rows(batch: dict, rank: int, world_size: int, allow_empty: bool = False) -> dict | None:
    """This rank's rows of a task-major global batch (t2l.tasks.batching.task_batch), trimmed of the
    padding columns no kept row needs. `task_ids` stays global; `rows` still index its slots.
    With allow_empty (a choice batch, where a rank's tasks may have no MC example) None when none is kept."""
    if world_size == 1:
        return batch
    tasks = len(batch["task_ids"])
    check_divides(tasks, world_size)
    per_rank = tasks // world_size
    keep = (batch["rows"] >= rank * per_rank) & (batch["rows"] < (rank + 1) * per_rank)
    if allow_empty and not bool(keep.any()):
        return None
    out = select_rows(batch, keep)
    out["task_ids"] = batch["task_ids"]
    return out
