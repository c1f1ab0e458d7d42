"""Specs and configs read from t2l/conf/ (the base-model spec, the MiniLM encoder config), and random LoRA weights."""

from __future__ import annotations

import yaml

from tests.helpers.paths import CONF


def base_spec(name: str):
    from t2l.models.base import BaseModelSpec

    return BaseModelSpec.from_dict(yaml.safe_load((CONF / "base_model" / f"{name}.yaml").read_text()))


def minilm_config() -> dict:
    return yaml.safe_load((CONF / "encoder" / "minilm.yaml").read_text())


def random_weights(spec, tasks: int, seed: int = 0, scale: float = 0.05) -> dict:
    """Random A and B (B nonzero, unlike a fresh LoRA) so that every adapter visibly changes the output."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    weights = {}
    for module in spec.target_modules:
        for ab in "AB":
            shape = spec.a_shape(module) if ab == "A" else spec.b_shape(module)
            weights[f"{module}.{ab}"] = torch.randn(tasks, spec.num_layers, *shape, generator=gen) * scale
    return weights
