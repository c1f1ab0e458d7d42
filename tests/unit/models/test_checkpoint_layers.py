"""checkpoint_layers: the frozen base's decoder layers really are recomputed in backward (each target linear
runs twice per step), with the LoRA hooks alive, and the gradients reaching the generated factors are the
plain ones."""

from __future__ import annotations

import pytest
import torch

from t2l.lora.apply import apply_lora
from t2l.lora.spec import LoRASpec
from t2l.models.base import checkpoint_layers, load_base
from tests.helpers.specs import base_spec


def step(checkpointed: bool):
    base = base_spec("tiny_random")
    model, _ = load_base(base)
    spec = LoRASpec.for_base(base)
    layers = checkpoint_layers(model) if checkpointed else []
    torch.manual_seed(0)
    weights = {f"{m}.{ab}": (torch.randn(2, spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m)))
                             * 0.05).requires_grad_() for m in spec.target_modules for ab in "AB"}
    calls = []
    model.model.layers[0].self_attn.q_proj.register_forward_hook(lambda *a: calls.append(1))
    ids = torch.randint(0, 1000, (2, 12), generator=torch.Generator().manual_seed(1))
    with apply_lora(model, weights, spec, rows=torch.tensor([0, 1])):
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()   # inside the context: the recompute sees the hooks
    return len(layers), len(calls), float(loss), {k: v.grad for k, v in weights.items()}


@pytest.mark.real_assets  # tiny_random's tokenizer is SmolLM2's from the bundle
def test_layers_are_recomputed_and_gradients_unchanged():
    n_plain, calls_plain, loss_plain, grads_plain = step(False)
    n_ckpt, calls_ckpt, loss_ckpt, grads_ckpt = step(True)
    assert (n_plain, calls_plain) == (0, 1)
    assert n_ckpt == 2 and calls_ckpt == 2   # forward + recomputation in backward
    assert abs(loss_plain - loss_ckpt) < 1e-6
    for key in grads_plain:
        assert torch.allclose(grads_plain[key], grads_ckpt[key], atol=1e-6), key
