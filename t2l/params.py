"""Hypernetwork parameter counts without allocating anything (the model is built on the meta device).

    from t2l.params import hypernet_param_count
    hypernet_param_count(base_spec, {"rank": 8}, encoder_dim=1024, size="M")   # Mistral shapes: ~34.3M
"""

from __future__ import annotations

from typing import Any, Mapping

import torch

from t2l.base import BaseModelSpec
from t2l.hypernet import HyperNet, count_parameters
from t2l.lora import LoRASpec


def hypernet_param_count(base: BaseModelSpec, lora: Mapping[str, Any], encoder_dim: int, size: str, **kw) -> int:
    """Trainable parameters of HyperNet(size) for `base` and a lora config dict (conf/lora/*.yaml keys).

    Extra keyword arguments go to HyperNet (latent, head_in, bottleneck, ...). Building on the meta
    device means even Mistral-7B-sized heads (tens of millions of numbers) cost no memory or time.
    """
    spec = LoRASpec.for_base(base, **dict(lora))
    with torch.device("meta"):
        model = HyperNet(spec, encoder_dim, size=size, **kw)
    return count_parameters(model)
