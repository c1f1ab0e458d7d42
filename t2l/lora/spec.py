"""LoRASpec: the one source of truth for LoRA facts (targets, rank, alpha, rsLoRA, per-layer shapes).

Canonical weight layout (`LoRAWeights`), used by the hypernetwork heads, the applier, export, the
library and LoraHub alike:

    weights["q_proj.A"]: [num_layers, rank, in]     weights["q_proj.B"]: [num_layers, out, rank]
    delta W of layer i = spec.scaling * B[i] @ A[i]

Several adapters stacked along a leading task dim ([U, num_layers, ...]) are "stacked" weights: what
the hypernetwork emits and the per-sample applier reads. `check_weights` validates both forms.

    spec = LoRASpec.for_base(base_spec)                  # base_spec: t2l.models.base.BaseModelSpec
    spec = LoRASpec.for_base(base_spec, LoRAConfig(rank=16, target_modules=["q_proj", "k_proj", "v_proj"]))
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Mapping

import torch

from t2l.errors import T2LError

LoRAWeights = dict[str, torch.Tensor]
DEFAULT_TARGETS = ("q_proj", "v_proj")
# Where each linear lives inside a decoder layer (Llama, Mistral, Gemma, Qwen all agree).
MODULE_PARENT = {"q_proj": "self_attn", "k_proj": "self_attn", "v_proj": "self_attn", "o_proj": "self_attn",
                 "gate_proj": "mlp", "up_proj": "mlp", "down_proj": "mlp",
                 # Phi-3's fused projections (t2l.models.architectures.FUSED): one LoRA on the fused linear
                 "qkv_proj": "self_attn", "gate_up_proj": "mlp"}


@dataclass
class LoRAConfig:
    """The user-facing LoRA options (t2l/conf/lora/*.yaml); shapes come from the base model, not from here.

    Text-to-LoRA's setting: q_proj and v_proj of every layer, rank 8, alpha 16, rsLoRA
    (scaling = alpha / sqrt(rank) = 5.66; without rsLoRA alpha / rank = 2), used in training,
    evaluation and the exported adapter_config.json alike. Dropout applies to the LoRA input while a
    LoRA trains; it does not change what a generated adapter computes.
    """

    target_modules: list[str] = field(default_factory=lambda: list(DEFAULT_TARGETS))
    rank: int = 8
    alpha: float = 16.0
    use_rslora: bool = True
    dropout: float = 0.05


def module_parent(module: str) -> str:
    """`self_attn` / `mlp`: where `module` sits inside a decoder layer."""
    parent = MODULE_PARENT.get(module)
    if parent is None:
        raise T2LError(f"no known place for module '{module}' inside a decoder layer; add it to "
                       f"t2l.lora.spec.MODULE_PARENT (known: {sorted(MODULE_PARENT)})")
    return parent


@dataclass(frozen=True)
class LoRASpec:
    """What a LoRA adapter is. `target_modules` is kept sorted (peft stores it as a set)."""

    target_modules: tuple[str, ...] = DEFAULT_TARGETS
    rank: int = LoRAConfig.rank
    alpha: float = LoRAConfig.alpha
    use_rslora: bool = LoRAConfig.use_rslora
    dropout: float = LoRAConfig.dropout
    num_layers: int = 0
    shapes: dict[str, tuple[int, int]] = field(default_factory=dict, hash=False)  # module -> (out, in)

    def __post_init__(self):
        targets = (self.target_modules,) if isinstance(self.target_modules, str) else tuple(self.target_modules)
        if not targets or len(set(targets)) != len(targets):
            raise T2LError(f"lora.target_modules must be a non-empty list of distinct names, got {list(targets)}")
        if int(self.rank) != self.rank or self.rank < 1:
            raise T2LError(f"lora.rank must be a positive integer, got {self.rank!r}")
        if not self.alpha > 0:
            raise T2LError(f"lora.alpha must be positive, got {self.alpha!r}")
        if not 0 <= self.dropout < 1:
            raise T2LError(f"lora.dropout must be in [0, 1), got {self.dropout!r}")
        shapes = {str(m): (int(s[0]), int(s[1])) for m, s in dict(self.shapes).items()}
        if shapes and set(shapes) != set(targets):
            raise T2LError(f"LoRASpec.shapes covers {sorted(shapes)} but target_modules is {sorted(targets)}; "
                           "build the spec with LoRASpec.for_base(base_spec, ...)")
        object.__setattr__(self, "target_modules", tuple(sorted(targets)))
        object.__setattr__(self, "rank", int(self.rank))
        object.__setattr__(self, "use_rslora", bool(self.use_rslora))
        object.__setattr__(self, "num_layers", int(self.num_layers))
        object.__setattr__(self, "shapes", {m: shapes[m] for m in sorted(shapes)})

    @classmethod
    def for_base(cls, base, config: "LoRAConfig | None" = None, **kwargs) -> "LoRASpec":
        """The spec for `base` (a BaseModelSpec: num_layers and (out, in) of every target module).

        Options come from `config` (a LoRAConfig, e.g. t2l/conf/lora/default.yaml) and/or keyword arguments.
        """
        if config is not None:
            kwargs = {**asdict(config), **kwargs}
        targets = kwargs.pop("target_modules", cls.target_modules)
        targets = (targets,) if isinstance(targets, str) else tuple(targets)
        for key in ("num_layers", "shapes"):
            if key in kwargs:
                raise T2LError(f"LoRASpec.for_base takes {key} from the base model spec; do not pass it")
        shapes = {m: base.shape(m) for m in targets}  # base.shape names the fix for an unknown module
        return cls(target_modules=targets, num_layers=base.num_layers, shapes=shapes, **kwargs)

    @property
    def scaling(self) -> float:
        """Factor on B @ A: alpha / sqrt(rank) with rsLoRA, alpha / rank without (as peft does)."""
        return self.alpha / (math.sqrt(self.rank) if self.use_rslora else self.rank)

    def shape(self, module: str) -> tuple[int, int]:
        if module not in self.shapes:
            hint = ("build the spec with LoRASpec.for_base(base_spec, ...)" if not self.shapes
                    else f"choose one of {list(self.target_modules)}")
            raise T2LError(f"LoRASpec has no shape for module '{module}'; {hint}")
        return self.shapes[module]

    def a_shape(self, module: str) -> tuple[int, int]:
        return (self.rank, self.shape(module)[1])

    def b_shape(self, module: str) -> tuple[int, int]:
        return (self.shape(module)[0], self.rank)

    def num_parameters(self) -> int:
        """Numbers in one adapter (all layers, all target modules, A and B)."""
        return sum(self.num_layers * self.rank * (o + i) for o, i in (self.shape(m) for m in self.target_modules))

    def to_dict(self) -> dict[str, Any]:
        return {"target_modules": list(self.target_modules), "rank": self.rank, "alpha": self.alpha,
                "use_rslora": self.use_rslora, "dropout": self.dropout, "num_layers": self.num_layers,
                "shapes": {m: [o, i] for m, (o, i) in self.shapes.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "LoRASpec":
        data = dict(data)
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise T2LError(f"lora has unknown keys {sorted(unknown)}; allowed: {[f.name for f in fields(cls)]}")
        if "shapes" in data:
            data["shapes"] = {m: tuple(s) for m, s in dict(data["shapes"]).items()}
        return cls(**data)

    def check_compatible(self, other: "LoRASpec", what: str = "adapter",
                         ignore: tuple[str, ...] = ("dropout",)) -> None:
        """Raise T2LError naming the first field where `other` (described by `what`) differs from self.

        Dropout is ignored by default: it changes training, not what the adapter computes.
        """
        for f in fields(self):
            ours, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name in ignore or ours == theirs:
                continue
            if f.name in ("num_layers", "shapes"):
                fix = "it was made for another base model; use the base_model it was made for"
            else:
                fix = f"set lora.{f.name}={_show(theirs)} to use it, or regenerate it with {_show(ours)}"
            raise T2LError(f"{what} has lora {f.name}={_show(theirs)} but {_show(ours)} is expected; {fix}")


def _show(value: Any) -> str:
    return json.dumps(list(value) if isinstance(value, tuple) else value)


def check_weights(weights: Mapping[str, torch.Tensor], spec: LoRASpec, source: str = "LoRA weights",
                  stacked: bool = False) -> int:
    """Raise T2LError unless `weights` holds exactly "{module}.A"/".B" of `spec`'s shapes.

    stacked=False: one adapter, [num_layers, r, in] / [num_layers, out, r]; returns 1.
    stacked=True: U adapters, [U, num_layers, r, in] / [U, num_layers, out, r] (what apply_lora reads); returns U.
    """
    expected = {f"{m}.{ab}": (spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m)))
                for m in spec.target_modules for ab in "AB"}
    missing, extra = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
    if missing or extra:
        raise T2LError(f"{source} has keys {sorted(weights)} but the LoRASpec needs {sorted(expected)} "
                       f"(missing {missing}, extra {extra})")
    count = None
    for key, shape in expected.items():
        tensor = weights[key]
        if not torch.is_tensor(tensor) or not tensor.is_floating_point():
            raise T2LError(f"{source}['{key}'] must be a floating-point tensor, got {type(tensor).__name__}"
                           f"{'' if not torch.is_tensor(tensor) else ' of ' + str(tensor.dtype)}")
        got = tuple(tensor.shape)
        out_in = spec.shape(key[:-2])
        if not stacked:
            if got != shape:
                raise T2LError(f"{source}['{key}'] has shape {got} but the LoRASpec needs {shape} "
                               f"(num_layers, rank {spec.rank}, module {out_in} out x in)")
            continue
        # The leading task dim is what lets rows of one batch use different adapters; a single adapter
        # has to be stacked (w.unsqueeze(0)) so that a missing dim is never guessed.
        if len(got) != 4 or got[1:] != shape or (count is not None and got[0] != count):
            need = f"[{count if count is not None else 'U'}, {', '.join(map(str, shape))}]"
            hint = ("; stack a single adapter with w.unsqueeze(0)" if got == shape else
                    "; was it made for another base model or rank?")
            raise T2LError(f"{source}['{key}'] has shape {list(got)} but apply_lora needs {need} "
                           f"(tasks, num_layers, {'rank, in' if key.endswith('.A') else 'out, rank'}) for "
                           f"{key[:-2]} of {out_in[0]}x{out_in[1]} (out x in), rank {spec.rank}{hint}")
        count = got[0]
        if count == 0:
            raise T2LError(f"{source}['{key}'] holds no adapters (leading dim 0)")
    return 1 if not stacked else int(count)


def delta_w(weights: Mapping[str, torch.Tensor], spec: LoRASpec, module: str) -> torch.Tensor:
    """scaling * B @ A per layer: [num_layers, out, in], or [U, num_layers, out, in] for stacked weights."""
    return spec.scaling * torch.matmul(weights[f"{module}.B"], weights[f"{module}.A"])


def delta_norms(weights: Mapping[str, torch.Tensor], spec: LoRASpec, module: str) -> torch.Tensor:
    """||scaling * B @ A||_F per layer ([..., num_layers]) without forming the [out, in] product:
    ||BA||_F^2 = sum((B^T B) * (A A^T)), two r x r matrices (cheap even for 7B shapes)."""
    a, b = weights[f"{module}.A"].float(), weights[f"{module}.B"].float()
    gram = (b.transpose(-1, -2) @ b) * (a @ a.transpose(-1, -2))
    return spec.scaling * gram.sum(dim=(-2, -1)).clamp_min(0).sqrt()


def unbatch(weights: LoRAWeights) -> list[LoRAWeights]:
    """Split stacked weights ([U, ...] per key) into U single adapters ([num_layers, ...] per key)."""
    sizes = {v.shape[0] for v in weights.values()}
    if len(sizes) != 1:
        raise T2LError(f"batched LoRA weights disagree on the number of tasks: {sorted(sizes)}")
    return [{k: v[i] for k, v in weights.items()} for i in range(sizes.pop())]
