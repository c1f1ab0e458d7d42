"""peft's on-disk format: LoraConfig <-> LoRASpec, peft state dicts <-> LoRAWeights, adapter dirs.

Every adapter t2l writes loads with `PeftModel.from_pretrained` and gives the same logits as the
in-process applier (t2l.lora.apply), rsLoRA included. From a notebook:

    save_adapter(weights, spec, base_spec.model_id, "out/adapter")
    weights, spec, base_id = load_adapter_weights("out/adapter", base_spec, expect=spec)

Only safetensors are read: an adapter that ships pickles only is refused, never unpickled.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any, Mapping

import safetensors
import safetensors.torch
import torch

from t2l.errors import T2LError
from t2l.io import atomic_directory, read_json
from t2l.lora.spec import LoRASpec, LoRAWeights, check_weights, module_parent

ADAPTER_CONFIG_FILE = "adapter_config.json"
ADAPTER_WEIGHTS_FILE = "adapter_model.safetensors"
DESCRIPTION_CARD = "t2l_description.json"   # what a generated adapter was generated from
_PEFT_KEY = re.compile(r"(?:^|\.)layers\.(?P<layer>\d+)\.(?:[^.]+\.)*?(?P<module>[^.]+)"
                       r"\.lora_(?P<ab>[AB])(?:\.[^.]+)?\.weight$")


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


def _peft_fields() -> set[str]:
    """Every field the installed peft's LoraConfig has: an adapter_config.json key outside them is refused."""
    import dataclasses

    from peft import LoraConfig

    return {f.name for f in dataclasses.fields(LoraConfig)}


def _number(data: dict, key: str, default, kinds: tuple[type, ...]):
    value = data.get(key, default)
    if value is None and key == "lora_dropout":
        return 0.0
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
        raise T2LError(f"adapter config {key}={value!r} is not {'an integer' if kinds == (int,) else 'a finite number'}; "
                       f"fix {ADAPTER_CONFIG_FILE} or re-save the adapter with peft")
    return value


def spec_from_peft_config(cfg, base) -> LoRASpec:
    """LoRASpec of a peft LoraConfig (or its adapter_config.json dict) applied to `base`.

    Everything is checked before anything is allocated: unknown fields, types, and a rank no larger than
    the smallest side of a target module (a bigger one is no low-rank adapter: a damaged or hostile file).
    """
    if not hasattr(cfg, "to_dict") and not isinstance(cfg, Mapping):
        raise T2LError(f"adapter config is a JSON {type(cfg).__name__}, not an object; it is not a peft "
                       f"{ADAPTER_CONFIG_FILE}")
    data = cfg.to_dict() if hasattr(cfg, "to_dict") else dict(cfg)
    peft_type = str(getattr(data.get("peft_type"), "value", data.get("peft_type") or "LORA"))
    if peft_type != "LORA":
        raise T2LError(f"adapter is peft_type {peft_type}; only LORA adapters are supported")
    for key, fine in _UNSUPPORTED.items():
        value = data.get(key)
        if not (value is None or value == fine or (not value and not fine)):
            raise T2LError(f"adapter config sets {key}={data[key]!r}, which t2l cannot represent; "
                           f"retrain the adapter with {key}={fine!r}")
    unknown = sorted(str(k) for k in set(data) - _peft_fields())
    if unknown:
        raise T2LError(f"adapter config has fields peft's LoraConfig does not know: {unknown[:5]}; delete them from "
                       f"{ADAPTER_CONFIG_FILE} (or upgrade peft if a newer version wrote them)")
    targets = data.get("target_modules")
    if isinstance(targets, str):
        if targets not in base.modules:
            raise T2LError(f"adapter target_modules is the pattern {targets!r}; t2l needs an explicit list "
                           f"of module names from {sorted(base.modules)}")
        targets = [targets]
    if not targets:
        raise T2LError("adapter config has no target_modules; it is not a LoRA adapter t2l can use")
    if isinstance(targets, (set, frozenset)):   # a live LoraConfig holds a set
        targets = sorted(targets, key=str)
    if not isinstance(targets, (list, tuple)) or not all(isinstance(t, str) for t in targets):
        raise T2LError(f"adapter target_modules must be a list of module names, got {targets!r}")
    rank = _number(data, "r", 8, (int,))
    targets = tuple(targets)
    smallest = min(min(base.shape(m)) for m in targets)   # base.shape names the fix for an unknown module
    if not 1 <= rank <= smallest:
        raise T2LError(f"adapter config r={rank} is outside 1..{smallest} (the smallest side of its target modules "
                       f"on '{base.name}'); the file is damaged or made for another model")
    use_rslora = data.get("use_rslora") or False
    if not isinstance(use_rslora, bool):
        raise T2LError(f"adapter config use_rslora={use_rslora!r} must be true or false")
    return LoRASpec.for_base(base, target_modules=targets, rank=rank,
                             alpha=_number(data, "lora_alpha", 8, (int, float)), use_rslora=use_rslora,
                             dropout=float(_number(data, "lora_dropout", 0.0, (int, float))))




def _peft_key(layer: int, module: str, ab: str) -> str:
    return f"base_model.model.model.layers.{layer}.{module_parent(module)}.{module}.lora_{ab}.weight"


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




EXPORT_MODES = ("rslora", "plain")


def plain_lora(weights: Mapping[str, torch.Tensor], spec: LoRASpec) -> tuple[dict[str, torch.Tensor], LoRASpec]:
    """The same delta-W as a plain LoRA whose scaling is 1 (lora_alpha = r, no rsLoRA): the spec's scaling
    folded into B. Runtimes that ignore or mishandle use_rslora (the reference evaluated through one,
    at the wrong strength) then apply exactly what was trained."""
    import dataclasses

    folded = {k: v * spec.scaling if k.endswith(".B") else v for k, v in weights.items()}
    return folded, dataclasses.replace(spec, alpha=float(spec.rank), use_rslora=False)


def save_adapter(weights: Mapping[str, torch.Tensor], spec: LoRASpec, base_model_id: str | None,
                 out_dir: str | Path, mode: str = "rslora", extra_json: Mapping[str, Any] | None = None) -> Path:
    """Write a peft adapter directory (adapter_config.json + adapter_model.safetensors) atomically.

    extra_json: {file name: object} written into the same directory before its one rename (e.g. the
    description card of a generated adapter), so a kill never leaves an adapter without its card.

    mode "rslora": the spec as it is (use_rslora: true, lora_alpha = alpha); "plain": the scaling folded
    into B, lora_alpha = r, use_rslora: false (plain_lora) - the same delta-W in every runtime.
    """
    if mode not in EXPORT_MODES:
        raise T2LError(f"export mode '{mode}' is unknown; choose one of {list(EXPORT_MODES)}")
    if mode == "plain":
        weights, spec = plain_lora(weights, spec)
    state = {k: v.cpu() for k, v in weights_to_peft_state(weights, spec).items()}
    config = to_peft_config(spec, base_model_id, inference_mode=True).to_dict()
    config = {k: sorted(v) if isinstance(v, set) else getattr(v, "value", v) for k, v in config.items()}
    config["target_modules"] = list(spec.target_modules)  # peft writes list(set): order would vary per run
    out_dir = Path(out_dir)
    with atomic_directory(out_dir) as tmp:
        (tmp / ADAPTER_CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        safetensors.torch.save_file(state, str(tmp / ADAPTER_WEIGHTS_FILE), metadata={"format": "pt"})
        os.chmod(tmp / ADAPTER_WEIGHTS_FILE, 0o644)  # safetensors writes 0600; adapters are meant to be shared
        for name, obj in (extra_json or {}).items():
            (tmp / name).write_text(json.dumps(obj, indent=2) + "\n")
    return out_dir


def load_adapter_weights(adapter_dir: str | Path, base,
                         expect: LoRASpec | None = None) -> tuple[LoRAWeights, LoRASpec, str | None]:
    """Read a peft adapter dir (safetensors only) -> (weights, spec, base_model_id), strictly checked."""
    adapter_dir = Path(adapter_dir).expanduser()
    what = f"adapter {adapter_dir}"
    if not adapter_dir.is_dir():
        raise T2LError(f"{what} does not exist; point at a peft adapter directory "
                       f"(with {ADAPTER_CONFIG_FILE} and {ADAPTER_WEIGHTS_FILE})")
    config_path, weights_path = adapter_dir / ADAPTER_CONFIG_FILE, adapter_dir / ADAPTER_WEIGHTS_FILE
    if not config_path.is_file():
        raise T2LError(f"{what} has no {ADAPTER_CONFIG_FILE}; it is not a peft adapter directory")
    if not weights_path.is_file():
        pickled = [p.name for p in adapter_dir.glob("adapter_model.*") if p.suffix in (".bin", ".pt", ".pth")]
        hint = (f"it has only {pickled}, which t2l never unpickles; re-save it with peft's "
                "save_pretrained(safe_serialization=True)" if pickled else "the adapter was not saved completely")
        raise T2LError(f"{what} has no {ADAPTER_WEIGHTS_FILE}; {hint}")
    config = read_json(config_path, "re-save the adapter")
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
