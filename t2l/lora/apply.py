"""Per-sample LoRA on a frozen causal LM: every row of a batch may use its own (generated) adapter.

Forward hooks on the target linears add `scaling * (dropout(x) @ A[u].T) @ B[u].T` to their output,
where u = rows[b] picks the adapter of batch row b. The math goes through rank r with batched matmuls
(x [b, s, in] -> [b, s, r] -> [b, s, out]): no per-sample delta-W, no copies of the factors along the
sequence. Gradients flow to the factors, so a hypernetwork can be trained through it.

    from t2l.lora.apply import apply_lora
    # weights: {"q_proj.A": [U, L, r, in], "q_proj.B": [U, L, out, r], ...}, one adapter per task u
    with apply_lora(model, weights, spec, rows=torch.tensor([0, 2, 1, 2])) as lora:
        out = model(input_ids=ids, attention_mask=mask, use_cache=True)
        out.cache.batch_select_indices(select)   # e.g. the MC scorer fanning prompts out to choices
        lora.set_rows(lora.rows[select])         # keep row -> adapter in step with the cache
        # (opened without rows=, lora.rows is None: set_rows(select), or nothing with a single adapter)
        out2 = model(input_ids=cont, cache=out.cache)
    # hooks are gone here, also when the body raised
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Mapping

import torch
import torch.nn.functional as F
from torch import nn

from t2l.errors import T2LError
from t2l.lora.spec import LoRASpec, check_weights, module_parent


def _submodule(root: nn.Module, path: str) -> nn.Module | None:
    module = root
    for part in path.split("."):
        module = getattr(module, part, None)
        if not isinstance(module, nn.Module):
            return None
    return module


def find_target_linears(model: nn.Module, spec: LoRASpec) -> dict[str, list[nn.Module]]:
    """module name -> the linear of that name in every decoder layer, in layer order.

    Looks for the one ModuleList of `spec.num_layers` blocks that all hold every target at
    `<parent>.<module>`, wherever it sits, so a model wrapped by peft, Lightning or DDP works as well.
    """
    paths = {module: f"{module_parent(module)}.{module}" for module in spec.target_modules}
    found = []
    for name, blocks in model.named_modules():
        if isinstance(blocks, nn.ModuleList) and len(blocks) == spec.num_layers and all(
                _submodule(block, path) is not None for block in blocks for path in paths.values()):
            found.append((name, {m: [_submodule(block, p) for block in blocks] for m, p in paths.items()}))
    if len(found) != 1:
        what = "none" if not found else f"several ({[name for name, _ in found]})"
        raise T2LError(f"looked for one list of {spec.num_layers} decoder layers holding "
                       f"{sorted(paths.values())} and found {what}; is the LoRASpec for this base model "
                       "(build it with LoRASpec.for_base of the model's base_model spec)?")
    name, targets = found[0]
    for module, linears in targets.items():
        want_out, want_in = spec.shape(module)
        for layer, linear in enumerate(linears):
            shape = (getattr(linear, "out_features", want_out), getattr(linear, "in_features", want_in))
            if shape != (want_out, want_in):
                raise T2LError(f"{name}.{layer}.{paths[module]} is {shape[0]}x{shape[1]} (out x in) but the "
                               f"LoRASpec says {want_out}x{want_in}; the spec is for another base model")
    return targets


class PerSampleLoRA:
    """Hooks that add a per-row LoRA delta to every target linear. Use through `apply_lora`."""

    def __init__(self, model: nn.Module, weights: Mapping[str, torch.Tensor], spec: LoRASpec,
                 rows: torch.Tensor | None = None, dropout: bool | None = None):
        self.num_tasks = check_weights(weights, spec, "LoRA weights", stacked=True)
        self.dropout = dropout
        self.spec = spec
        self.weights = dict(weights)
        self.targets = find_target_linears(model, spec)
        # Split into per-layer views once: indexing the stacked [U, L, ...] tensor inside each hook would
        # make every hook's backward write a zero-filled gradient of the full stack (L-fold traffic).
        # unbind's backward stacks the layer grads in one go and saves no tensors, so several
        # forward/backward passes within one block still work.
        self._per_layer = {key: tensor.unbind(1) for key, tensor in self.weights.items()}
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self.rows: torch.Tensor | None = None
        self.set_rows(rows)

    def set_rows(self, rows: torch.Tensor | list[int] | None) -> None:
        """Map batch row b to adapter rows[b] for the next forward calls (None: row b uses adapter b)."""
        if rows is None:
            self.rows = None
            return
        rows = torch.as_tensor(rows)
        if rows.dim() != 1 or rows.dtype == torch.bool or rows.is_floating_point() or rows.is_complex():
            raise T2LError(f"rows must be a 1-D integer tensor (batch row -> adapter), got {rows.dtype} "
                           f"of shape {list(rows.shape)}")
        # One check here, not per hook call: .min()/.max() would sync a GPU 2 x num_layers times a step.
        if rows.numel() and (int(rows.min()) < 0 or int(rows.max()) >= self.num_tasks):
            raise T2LError(f"rows {rows.tolist()} point outside the {self.num_tasks} adapters given; "
                           f"each must be in [0, {self.num_tasks - 1}]")
        any_factor = next(iter(self.weights.values()))
        self.rows = rows.to(device=any_factor.device, dtype=torch.long)

    def _rows_for(self, batch: int) -> torch.Tensor | str:
        """The row -> adapter map for a batch of `batch` rows, or "each" (row b uses adapter b) or
        "shared" (a single adapter for every row); those two need no gather."""
        if self.rows is None:
            if batch == self.num_tasks:
                return "each"
            if self.num_tasks == 1:  # one adapter for the whole batch, whatever its size (evaluation)
                return "shared"
            raise T2LError(f"the batch has {batch} rows but {self.num_tasks} adapters were given and no "
                           "rows map; pass rows= to apply_lora (or call set_rows) with one adapter "
                           "index per batch row")
        if len(self.rows) != batch:
            raise T2LError(f"the batch has {batch} rows but rows maps {len(self.rows)}; call set_rows with one "
                           "adapter index per batch row (after cache.batch_select_indices, select the rows "
                           "map the same way)")
        return self.rows

    def _hook(self, module: str, layer: int):
        a_all, b_all = self._per_layer[f"{module}.A"][layer], self._per_layer[f"{module}.B"][layer]
        scaling, p = self.spec.scaling, self.spec.dropout

        def add_delta(linear: nn.Module, args: tuple, kwargs: dict, output: torch.Tensor) -> torch.Tensor:
            x = args[0] if args else next(iter(kwargs.values()))
            rows = self._rows_for(x.shape[0])
            if isinstance(rows, str):   # [b, r, in], [b, out, r], or [r, in], [out, r] that matmul broadcasts
                a, b = (a_all, b_all) if rows == "each" else (a_all[0], b_all[0])
            else:
                # Gathered per call, not cached by set_rows, so each forward owns its autograd graph (a
                # cached gather would break a second backward); the copy is only b x r x (in + out).
                a, b = a_all[rows], b_all[rows]
            dtype = torch.promote_types(a.dtype, x.dtype)
            a, b = a.to(device=x.device, dtype=dtype), b.to(device=x.device, dtype=dtype)
            h = x.to(dtype).reshape(x.shape[0], -1, x.shape[-1])      # [b, s, in], any middle dims
            if p > 0 and (linear.training if self.dropout is None else self.dropout):
                h = F.dropout(h, p=p, training=True)
            delta = torch.matmul(torch.matmul(h, a.transpose(-1, -2)), b.transpose(-1, -2))  # via rank r
            return output + (scaling * delta).reshape(output.shape).to(output.dtype)

        return add_delta

    def attach(self) -> "PerSampleLoRA":
        if self._handles:
            raise T2LError("this PerSampleLoRA is already attached; use a new apply_lora block")
        for module, linears in self.targets.items():
            for layer, linear in enumerate(linears):
                self._handles.append(linear.register_forward_hook(self._hook(module, layer), with_kwargs=True))
        return self

    def detach(self) -> None:
        while self._handles:
            self._handles.pop().remove()

    @property
    def attached(self) -> bool:
        return bool(self._handles)


@contextmanager
def apply_lora(model: nn.Module, weights: Mapping[str, torch.Tensor], spec: LoRASpec,
               rows: torch.Tensor | list[int] | None = None, dropout: bool | None = None) -> Iterator[PerSampleLoRA]:
    """Within the block, batch row b of every forward uses adapter rows[b] of `weights` (see module doc).

    weights: {"{module}.A": [U, L, r, in], "{module}.B": [U, L, out, r]} for each spec.target_modules;
    rows: [batch] adapter index per row; default: row b uses adapter b (batch == U), or a single adapter
    (U == 1) serves every row, whatever the batch size. dropout: whether spec.dropout applies; None
    follows each target linear's training flag (as nn.Dropout would), so a frozen base in eval mode
    can still train a LoRA with dropout=True. The hooks are removed on exit, whatever happened in the block.
    """
    lora = PerSampleLoRA(model, weights, spec, rows, dropout)
    try:
        lora.attach()   # inside the try: a failure half-way still removes the hooks already placed
        yield lora
    finally:
        lora.detach()
