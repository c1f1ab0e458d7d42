"""A base model's LoRA-relevant shapes from its config.json, for any supported decoder-only architecture.

    spec = spec_from_config_dir("/models/Qwen3-0.6B")          # or base_model=hf base_model.path=DIR
    spec.modules["q_proj"]  # (2048, 1024): 16 heads x head_dim 128 out, hidden 1024 in

Covered: Llama, Mistral, Qwen2/2.5, Qwen3, Gemma / Gemma 2 / Gemma 3 (text), Phi-3, OLMo / OLMo 2 (and
Granite-free Llama look-alikes that keep the same names). Grouped-query attention (num_key_value_heads),
head_dim different from hidden / heads (Gemma, Qwen3) and tied embeddings need no special case here (a
LoRA never targets the embeddings). Phi-3 fuses q/k/v into `qkv_proj` and gate/up into `gate_up_proj`:
those fused names are targetable as they are; asking for `q_proj` on Phi-3 is refused with the fused name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from t2l.errors import T2LError

LLAMA_LIKE = {"llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3_text", "olmo", "olmo2", "smollm3"}
FUSED = {"phi3": {"qkv_proj": ("q_proj", "k_proj", "v_proj"), "gate_up_proj": ("gate_proj", "up_proj")}}
SUPPORTED = sorted(LLAMA_LIKE | set(FUSED) | {"gemma3"})
NOT_CAUSAL = {"t5", "mt5", "bart", "mbart", "pegasus", "marian", "whisper", "bert", "roberta", "vit", "clip",
              "siglip", "llava", "idefics", "blip", "encoder-decoder"}


def text_config(config: dict) -> dict:
    """The decoder's config: multimodal wrappers (Gemma 3) keep it under text_config."""
    if config.get("model_type") == "gemma3" and isinstance(config.get("text_config"), dict):
        return {"model_type": "gemma3_text", **config["text_config"]}
    return config


def derived_shapes(config: dict[str, Any], where: str = "config.json") -> tuple[int, int, dict[str, tuple[int, int]]]:
    """(num_layers, hidden_size, {module: (out, in)}) of every linear a LoRA may target."""
    kind = config.get("model_type")
    if config.get("is_encoder_decoder") or kind in NOT_CAUSAL:
        raise T2LError(f"{where}: model_type '{kind}' is not a decoder-only causal LM (encoder-decoder or vision "
                       "model); T2L adapts causal LMs: choose a *ForCausalLM model")
    config = text_config(config)
    kind = config.get("model_type")
    if kind not in LLAMA_LIKE and kind not in FUSED:
        raise T2LError(f"{where}: model_type '{kind}' is not supported; supported architectures: "
                       f"{', '.join(SUPPORTED)} (add its shapes in t2l.models.architectures, or write a "
                       "t2l/conf/base_model/ preset with num_layers and modules)")
    try:
        hidden, layers, heads = int(config["hidden_size"]), int(config["num_hidden_layers"]), int(config["num_attention_heads"])
        inter = int(config["intermediate_size"])
    except KeyError as missing:
        raise T2LError(f"{where}: {missing} is missing; it is needed to derive the LoRA shapes") from None
    kv = int(config.get("num_key_value_heads") or heads)
    head_dim = int(config.get("head_dim") or hidden // heads)
    q, k = heads * head_dim, kv * head_dim
    if kind in FUSED:
        modules = {"qkv_proj": (q + 2 * k, hidden), "o_proj": (hidden, q),
                   "gate_up_proj": (2 * inter, hidden), "down_proj": (hidden, inter)}
    else:
        modules = {"q_proj": (q, hidden), "k_proj": (k, hidden), "v_proj": (k, hidden), "o_proj": (hidden, q),
                   "gate_proj": (inter, hidden), "up_proj": (inter, hidden), "down_proj": (hidden, inter)}
    return layers, hidden, modules


def check_targets(model_type: str, modules: dict, targets, name: str) -> None:
    """Refuse a LoRA target the model does not have, naming the fused projection that holds it."""
    for target in targets:
        if target in modules:
            continue
        fused = [f for f, parts in FUSED.get(model_type, {}).items() if target in parts]
        if fused:
            raise T2LError(f"base model '{name}' ({model_type}) fuses {', '.join(FUSED[model_type][fused[0]])} into "
                           f"{fused[0]}; target {fused[0]} instead (e.g. lora.target_modules=[{fused[0]},o_proj])")
        raise T2LError(f"base model '{name}' has no module '{target}'; it has {sorted(modules)}: fix "
                       "lora.target_modules")


def read_config(path: str | Path) -> tuple[dict, str]:
    """(config.json as a dict, where it came from) of a local model directory, or of a hub id when online."""
    import json

    local = Path(path).expanduser()
    if local.is_dir():
        file = local / "config.json"
        if not file.is_file():
            raise T2LError(f"{local} has no config.json; point base_model.path at a Hugging Face model directory "
                           "(the one holding config.json and the weights)")
        return json.loads(file.read_text()), str(file)
    if local.exists() or str(path).startswith(("/", ".", "~")):
        raise T2LError(f"base_model.path {path} is not a model directory")
    try:
        from huggingface_hub import hf_hub_download

        file = hf_hub_download(str(path), "config.json")
    except Exception as err:   # offline, unknown id, gated: the user needs the id and the way out
        raise T2LError(f"could not read config.json of '{path}' from the hub ({type(err).__name__}); download the "
                       "model and set base_model.path=/local/dir, or check the id") from None
    return json.loads(Path(file).read_text()), f"{path}/config.json"
