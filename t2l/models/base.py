"""Load a frozen base model + tokenizer from a `BaseModelSpec` and check its shapes.

The spec (t2l/conf/base_model/*.yaml) carries the shapes of every linear a LoRA may target, so adapter
planning and generation never need the weights; loading verifies the spec against the real model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from t2l.assets import resolve
from t2l.errors import T2LError

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


@dataclass(frozen=True)
class BaseModelSpec:
    name: str
    model_id: str
    path: str
    num_layers: int
    hidden_size: int
    modules: dict[str, tuple[int, int]]  # module name -> (out_features, in_features)
    chat_template: bool = True
    dtype: str = "float32"
    trust_remote_code: bool = False
    tokenizer: str | None = None
    gguf_file: str | None = None
    random_init: dict[str, Any] | None = field(default=None, hash=False)
    attn_implementation: str | None = None
    model_type: str | None = None   # config.json's model_type (set when the shapes were derived from it)   # e.g. sdpa | flash_attention_2 | eager; None: transformers' default
    seed: int = 0

    @classmethod
    def from_dict(cls, cfg: dict) -> "BaseModelSpec":
        """A spec from t2l/conf/base_model/*.yaml. Without `modules` the shapes come from the model's
        config.json (base_model.path: a local directory, or a hub id when online; tiny random models:
        their random_init config), so any supported architecture needs no hand-written shape table."""
        cfg = dict(cfg)
        if not cfg.get("modules"):
            cfg.update(derive_from_config(cfg))
        cfg["modules"] = {k: tuple(int(x) for x in v) for k, v in cfg.get("modules", {}).items()}
        known = set(cls.__dataclass_fields__)
        unknown = set(cfg) - known
        if unknown:
            raise T2LError(f"base_model '{cfg.get('name')}' has unknown keys {sorted(unknown)}; allowed: {sorted(known)}")
        return cls(**cfg)

    def __post_init__(self):
        if not isinstance(self.trust_remote_code, bool):   # 'false' / 'no' strings are truthy to transformers
            raise T2LError(f"base_model.trust_remote_code must be true or false, got {self.trust_remote_code!r}; "
                           "remote code runs only when it is set to true")

    def shape(self, module: str) -> tuple[int, int]:
        if module not in self.modules and self.model_type:
            from t2l.models.architectures import check_targets

            check_targets(self.model_type, self.modules, [module], self.name)
        if module not in self.modules:
            raise T2LError(f"base_model '{self.name}' lists no shape for '{module}'; add it under modules: "
                           f"in t2l/conf/base_model/{self.name}.yaml (known: {sorted(self.modules)})")
        return self.modules[module]


def derive_from_config(cfg: dict) -> dict:
    """num_layers, hidden_size, modules (and model_id, model_type) from the model's own config."""
    from t2l.models.architectures import derived_shapes, read_config

    if cfg.get("random_init") is not None:
        from transformers import AutoConfig

        init = dict(cfg["random_init"])
        config, where = AutoConfig.for_model(init.pop("model_type", "llama"), **init).to_dict(), "random_init"
    elif cfg.get("path"):
        config, where = read_config(cfg["path"])
    else:
        raise T2LError(f"base_model '{cfg.get('name')}' has no modules and no path to read them from: set "
                       "base_model.path=DIR (a Hugging Face model directory) or list modules: in the preset")
    layers, hidden, modules = derived_shapes(config, where)
    derived = {"num_layers": layers, "hidden_size": hidden, "modules": modules,
               "model_type": config.get("model_type")}
    if not cfg.get("model_id"):
        derived["model_id"] = str(cfg.get("path"))
    return derived


def load_tokenizer(spec: BaseModelSpec):
    from transformers import AutoTokenizer

    source = resolve(spec.tokenizer or spec.path)
    kwargs = {"gguf_file": spec.gguf_file} if spec.gguf_file and not spec.tokenizer else {}
    tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=spec.trust_remote_code, **kwargs)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if spec.chat_template and not getattr(tokenizer, "chat_template", None):
        # A base (not instruct) model: prompts must then be plain text, not a chat the tokenizer cannot format.
        raise T2LError(f"base_model '{spec.name}' ({spec.model_id}) has no chat template (a base model rather than an "
                       "instruct one?); set base_model.chat_template=false to prompt it with plain text")
    return tokenizer


def load_base(spec: BaseModelSpec, device: str | torch.device = "cpu"):
    """Return (model, tokenizer): frozen, in eval mode, shapes checked against the spec."""
    from transformers import AutoConfig, AutoModelForCausalLM

    dtype = DTYPES.get(spec.dtype)
    if dtype is None:
        raise T2LError(f"base_model.dtype '{spec.dtype}' is not supported; choose one of {sorted(DTYPES)}")
    tokenizer = load_tokenizer(spec)
    attention = {"attn_implementation": spec.attn_implementation} if spec.attn_implementation else {}
    if spec.random_init is not None:
        # Tiny random models for tests: built from a config of the named architecture (model_type,
        # default llama) with its real transformers class, seeded, no weights on disk.
        init = dict(spec.random_init)
        config = AutoConfig.for_model(init.pop("model_type", "llama"), vocab_size=len(tokenizer),
                                      pad_token_id=tokenizer.pad_token_id, **init)
        torch.manual_seed(spec.seed)
        model = AutoModelForCausalLM.from_config(config, **attention).to(dtype)
    else:
        kwargs = {"gguf_file": spec.gguf_file} if spec.gguf_file else {}
        model = AutoModelForCausalLM.from_pretrained(
            resolve(spec.path), dtype=dtype, trust_remote_code=spec.trust_remote_code, **attention, **kwargs)
    model.requires_grad_(False)
    model.eval()
    model.to(device)
    check_shapes(spec, model)
    return model, tokenizer


def linear_shapes(model: torch.nn.Module) -> dict[str, set[tuple[int, int]]]:
    """Observed (out, in) shapes per linear-module name over all decoder layers."""
    found: dict[str, set[tuple[int, int]]] = {}
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and ".layers." in name:
            found.setdefault(name.rsplit(".", 1)[-1], set()).add(tuple(module.weight.shape))
    return found


def check_shapes(spec: BaseModelSpec, model: torch.nn.Module) -> None:
    fix = f"fix t2l/conf/base_model/{spec.name}.yaml or point base_model.path at the model it describes"
    layers = model.config.num_hidden_layers
    if layers != spec.num_layers:
        raise T2LError(f"base_model '{spec.name}' says num_layers={spec.num_layers} but the loaded model has {layers}; {fix}")
    if model.config.hidden_size != spec.hidden_size:
        raise T2LError(f"base_model '{spec.name}' says hidden_size={spec.hidden_size} but the loaded model has "
                       f"{model.config.hidden_size}; {fix}")
    observed = linear_shapes(model)
    for module, expected in spec.modules.items():
        seen = observed.get(module)
        if seen is None:
            raise T2LError(f"base_model '{spec.name}' lists module '{module}' but the loaded model has none; {fix}")
        if seen != {tuple(expected)}:
            got = ", ".join(f"{o}x{i}" for o, i in sorted(seen))
            raise T2LError(f"base_model '{spec.name}' says {module} is {expected[0]}x{expected[1]} (out x in) "
                           f"but the loaded model has {got}; {fix}")


def checkpoint_layers(model) -> list:
    """Gradient checkpointing of a frozen base: its decoder layers keep only their inputs in the forward and
    are recomputed in backward (activation memory ~ one layer instead of all). Returns the layers.

    transformers checkpoints a layer only while its own `training` flag is set; the flag is set on the
    layers alone (their children - attention, dropout - stay in eval mode, so nothing else changes).
    Callers set it again if something puts the model back in eval mode.
    """
    from transformers.modeling_layers import GradientCheckpointingLayer

    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    layers = [m for m in model.modules() if isinstance(m, GradientCheckpointingLayer)]
    if not layers:
        raise T2LError(f"{type(model).__name__} has no checkpointable decoder layers; set "
                       "objective.gradient_checkpointing=false")
    for layer in layers:
        layer.training = True
    return layers
