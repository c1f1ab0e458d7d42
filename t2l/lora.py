"""LoRASpec: the one source of truth for LoRA facts (targets, rank, alpha, rsLoRA, per-layer shapes).

Canonical weight layout (`LoRAWeights`), used by the hypernetwork heads, the applier, export, the
library and LoraHub alike:

    weights["q_proj.A"]: [num_layers, rank, in]     weights["q_proj.B"]: [num_layers, out, rank]
    delta W of layer i = spec.scaling * B[i] @ A[i]

Round trip with peft, from a notebook:
    spec = LoRASpec.for_base(base_spec)                  # base_spec: t2l.base.BaseModelSpec
    save_adapter(weights, spec, base_spec.model_id, "out/adapter")
    weights, spec, base_id = load_adapter_weights("out/adapter", base_spec, expect=spec)
"""

from __future__ import annotations

import json
import os
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

import safetensors
import safetensors.torch
import torch

from t2l.base import BaseModelSpec
from t2l.errors import T2LError
from t2l.files import atomic_directory

LoRAWeights = dict[str, torch.Tensor]
CONFIG_FILE = "adapter_config.json"
WEIGHTS_FILE = "adapter_model.safetensors"
# Where each linear lives inside a decoder layer (Llama, Mistral, Gemma, Qwen all agree).
MODULE_PARENT = {"q_proj": "self_attn", "k_proj": "self_attn", "v_proj": "self_attn", "o_proj": "self_attn",
                 "gate_proj": "mlp", "up_proj": "mlp", "down_proj": "mlp"}
_PEFT_KEY = re.compile(r"(?:^|\.)layers\.(?P<layer>\d+)\.(?:[^.]+\.)*?(?P<module>[^.]+)"
                       r"\.lora_(?P<ab>[AB])(?:\.[^.]+)?\.weight$")


@dataclass(frozen=True)
class LoRASpec:
    """What a LoRA adapter is. `target_modules` is kept sorted (peft stores it as a set)."""

    target_modules: tuple[str, ...] = ("q_proj", "v_proj")
    rank: int = 8
    alpha: float = 16
    use_rslora: bool = True
    dropout: float = 0.05
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
    def for_base(cls, base: BaseModelSpec, **kwargs) -> "LoRASpec":
        """The spec for `base` (num_layers and (out, in) of every target module from its config)."""
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


def to_peft_config(spec: LoRASpec, base_model_id: str | None = None, inference_mode: bool = False):
    """The peft LoraConfig that applies `spec` exactly (rsLoRA included)."""
    from peft import LoraConfig

    alpha = int(spec.alpha) if float(spec.alpha).is_integer() else spec.alpha
    return LoraConfig(task_type="CAUSAL_LM", r=spec.rank, lora_alpha=alpha, lora_dropout=spec.dropout,
                      target_modules=list(spec.target_modules), use_rslora=spec.use_rslora, bias="none",
                      base_model_name_or_path=base_model_id, inference_mode=inference_mode)


# Config features whose adapters our layout cannot express: field -> value that is fine.
_UNSUPPORTED = {"use_dora": False, "rank_pattern": {}, "alpha_pattern": {}, "layers_to_transform": None,
                "layer_replication": None, "modules_to_save": None, "fan_in_fan_out": False, "bias": "none",
                "lora_bias": False, "target_parameters": None, "exclude_modules": None}


def spec_from_peft_config(cfg, base: BaseModelSpec) -> LoRASpec:
    """LoRASpec of a peft LoraConfig (or its adapter_config.json dict) applied to `base`."""
    data = cfg.to_dict() if hasattr(cfg, "to_dict") else dict(cfg)
    peft_type = str(getattr(data.get("peft_type"), "value", data.get("peft_type") or "LORA"))
    if peft_type != "LORA":
        raise T2LError(f"adapter is peft_type {peft_type}; only LORA adapters are supported")
    for key, fine in _UNSUPPORTED.items():
        value = data.get(key)
        if not (value is None or value == fine or (not value and not fine)):
            raise T2LError(f"adapter config sets {key}={data[key]!r}, which t2l cannot represent; "
                           f"retrain the adapter with {key}={fine!r}")
    targets = data.get("target_modules")
    if isinstance(targets, str):
        if targets not in base.modules:
            raise T2LError(f"adapter target_modules is the pattern {targets!r}; t2l needs an explicit list "
                           f"of module names from {sorted(base.modules)}")
        targets = [targets]
    if not targets:
        raise T2LError("adapter config has no target_modules; it is not a LoRA adapter t2l can use")
    return LoRASpec.for_base(base, target_modules=tuple(targets), rank=data.get("r", 8),
                             alpha=data.get("lora_alpha", 8), use_rslora=bool(data.get("use_rslora", False)),
                             dropout=float(data.get("lora_dropout") or 0.0))


def check_weights(weights: Mapping[str, torch.Tensor], spec: LoRASpec, source: str = "LoRA weights") -> None:
    """Raise T2LError unless `weights` holds exactly "{module}.A"/".B" of `spec`'s stacked shapes."""
    expected = {f"{m}.{ab}": (spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m)))
                for m in spec.target_modules for ab in "AB"}
    missing, extra = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
    if missing or extra:
        raise T2LError(f"{source} has keys {sorted(weights)} but the LoRASpec needs {sorted(expected)} "
                       f"(missing {missing}, extra {extra})")
    for key, shape in expected.items():
        if tuple(weights[key].shape) != shape:
            raise T2LError(f"{source}['{key}'] has shape {tuple(weights[key].shape)} but the LoRASpec needs "
                           f"{shape} (num_layers, rank {spec.rank}, module {spec.shape(key[:-2])} out x in)")


def _peft_key(layer: int, module: str, ab: str) -> str:
    parent = MODULE_PARENT.get(module)
    if parent is None:
        raise T2LError(f"no known place for module '{module}' inside a decoder layer; add it to "
                       f"t2l.lora.MODULE_PARENT (known: {sorted(MODULE_PARENT)})")
    return f"base_model.model.model.layers.{layer}.{parent}.{module}.lora_{ab}.weight"


def weights_to_peft_state(weights: Mapping[str, torch.Tensor], spec: LoRASpec) -> dict[str, torch.Tensor]:
    """Keys and tensors exactly as peft's get_peft_model_state_dict gives for a Llama-style model."""
    check_weights(weights, spec)
    return {_peft_key(i, m, ab): weights[f"{m}.{ab}"][i].detach().contiguous().clone()
            for i in range(spec.num_layers) for m in spec.target_modules for ab in "AB"}


def peft_state_to_weights(state: Mapping[str, torch.Tensor], spec: LoRASpec,
                          source: str = "peft state dict") -> LoRAWeights:
    """Stack a peft LoRA state dict (saved keys, or live ones with an adapter name) into LoRAWeights."""
    found: dict[tuple[str, str, int], tuple[str, torch.Tensor]] = {}
    for key, tensor in state.items():
        match = _PEFT_KEY.search(key)
        if match is None:
            raise T2LError(f"{source} has key '{key}', which is not a LoRA A/B weight of a decoder layer; "
                           "only plain LoRA on target modules is supported")
        layer, module, ab = int(match["layer"]), match["module"], match["ab"]
        if module not in spec.target_modules:
            raise T2LError(f"{source} has key '{key}' for module '{module}', not in target_modules "
                           f"{list(spec.target_modules)}; set lora.target_modules to the adapter's modules")
        if layer >= spec.num_layers:
            raise T2LError(f"{source} has key '{key}' for layer {layer} but the base model has "
                           f"{spec.num_layers} layers; it was made for another base model")
        if (module, ab, layer) in found:
            raise T2LError(f"{source} has two weights for layer {layer} {module}.lora_{ab}: "
                           f"'{found[(module, ab, layer)][0]}' and '{key}'")
        want = (spec.a_shape if ab == "A" else spec.b_shape)(module)
        if tuple(tensor.shape) != want:
            raise T2LError(f"{source} key '{key}' has shape {tuple(tensor.shape)} but rank {spec.rank} and "
                           f"{module} of {spec.shape(module)[0]}x{spec.shape(module)[1]} (out x in) need {want}")
        found[(module, ab, layer)] = (key, tensor)
    weights: LoRAWeights = {}
    for module in spec.target_modules:
        for ab in "AB":
            for layer in range(spec.num_layers):
                if (module, ab, layer) not in found:
                    raise T2LError(f"{source} is missing '{_peft_key(layer, module, ab)}' "
                                   f"({len(found)} of {2 * spec.num_layers * len(spec.target_modules)} present)")
            weights[f"{module}.{ab}"] = torch.stack([found[(module, ab, i)][1] for i in range(spec.num_layers)])
    return weights


def delta_w(weights: Mapping[str, torch.Tensor], spec: LoRASpec, module: str) -> torch.Tensor:
    """scaling * B @ A for every layer: [num_layers, out, in]."""
    return spec.scaling * torch.matmul(weights[f"{module}.B"], weights[f"{module}.A"])


def save_adapter(weights: Mapping[str, torch.Tensor], spec: LoRASpec, base_model_id: str | None,
                 out_dir: str | Path) -> Path:
    """Write a peft adapter directory (adapter_config.json + adapter_model.safetensors) atomically."""
    state = {k: v.cpu() for k, v in weights_to_peft_state(weights, spec).items()}
    config = to_peft_config(spec, base_model_id, inference_mode=True).to_dict()
    config = {k: sorted(v) if isinstance(v, set) else getattr(v, "value", v) for k, v in config.items()}
    config["target_modules"] = list(spec.target_modules)  # peft writes list(set): order would vary per run
    out_dir = Path(out_dir)
    with atomic_directory(out_dir) as tmp:
        (tmp / CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        safetensors.torch.save_file(state, str(tmp / WEIGHTS_FILE), metadata={"format": "pt"})
        os.chmod(tmp / WEIGHTS_FILE, 0o644)  # safetensors writes 0600; adapters are meant to be shared
    return out_dir


def load_adapter_weights(adapter_dir: str | Path, base: BaseModelSpec,
                         expect: LoRASpec | None = None) -> tuple[LoRAWeights, LoRASpec, str | None]:
    """Read a peft adapter dir (safetensors only) -> (weights, spec, base_model_id), strictly checked."""
    adapter_dir = Path(adapter_dir).expanduser()
    what = f"adapter {adapter_dir}"
    if not adapter_dir.is_dir():
        raise T2LError(f"{what} does not exist; point at a peft adapter directory "
                       f"(with {CONFIG_FILE} and {WEIGHTS_FILE})")
    config_path, weights_path = adapter_dir / CONFIG_FILE, adapter_dir / WEIGHTS_FILE
    if not config_path.is_file():
        raise T2LError(f"{what} has no {CONFIG_FILE}; it is not a peft adapter directory")
    if not weights_path.is_file():
        pickled = [p.name for p in adapter_dir.glob("adapter_model.*") if p.suffix in (".bin", ".pt", ".pth")]
        hint = (f"it has only {pickled}, which t2l never unpickles; re-save it with peft's "
                "save_pretrained(safe_serialization=True)" if pickled else "the adapter was not saved completely")
        raise T2LError(f"{what} has no {WEIGHTS_FILE}; {hint}")
    try:
        config = json.loads(config_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise T2LError(f"{config_path} is not valid JSON ({err}); re-save the adapter") from err
    spec = spec_from_peft_config(config, base)
    if expect is not None:
        expect.check_compatible(spec, what=what)
    try:
        state = safetensors.torch.load_file(str(weights_path))
    except (safetensors.SafetensorError, OSError, ValueError) as err:
        raise T2LError(f"{weights_path} is corrupt or truncated ({err}); re-save or re-download the adapter") from err
    base_model_id = config.get("base_model_name_or_path")
    try:
        weights = peft_state_to_weights(state, spec, source=str(weights_path))
    except T2LError as err:
        raise T2LError(f"{err}. The adapter names base model {base_model_id!r}; the base here is "
                       f"'{base.name}' ({base.model_id}): load it with the base_model it was made for") from err
    return weights, spec, base_model_id
