"""Any supported Hugging Face causal LM as the base: for a tiny random model of each architecture, built
from its real transformers class, the shapes derived from its config equal the model's modules; the
per-sample applier equals a merged-weights oracle on every target linear (outputs and gradients); a
hypernet-generated adapter loads with PeftModel.from_pretrained and gives the in-process logits in both
export modes; an SFT step and a reconstruction step run. Presets are checked against derived shapes."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F
import yaml

from t2l.errors import T2LError
from t2l.lora.apply import apply_lora
from t2l.lora.peft_io import save_adapter
from t2l.lora.spec import MODULE_PARENT, LoRASpec
from t2l.models.architectures import derived_shapes
from t2l.models.base import BaseModelSpec, linear_shapes, load_base
from t2l.models.hypernet import HyperNet
from t2l.training.losses import answer_loss
from tests.helpers.paths import CONF, FIXTURES

pytestmark = pytest.mark.real_assets   # SmolLM2's tokenizer from the bundle

COMMON = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
          "num_key_value_heads": 2, "max_position_embeddings": 512}
ARCHS = {"llama": {}, "mistral": {"sliding_window": None}, "qwen2": {}, "qwen3": {"head_dim": 32},
         "gemma": {"head_dim": 32}, "gemma2": {"head_dim": 32}, "gemma3_text": {"head_dim": 32},
         "phi3": {}, "olmo": {}, "olmo2": {}}
EAGER = {"gemma2", "gemma3_text"}   # soft-capped attention


def tiny_spec(kind: str) -> BaseModelSpec:
    """No modules listed: the spec derives them from the random_init config (as from a config.json)."""
    return BaseModelSpec.from_dict({
        "name": f"tiny_{kind}", "model_id": f"t2l/tiny-{kind}", "path": f"random://{kind}", "dtype": "float32",
        "tokenizer": "bundle://smollm2-135m-instruct", "random_init": {"model_type": kind, **COMMON, **ARCHS[kind]},
        "attn_implementation": "eager" if kind in EAGER else None})


def every_target(spec: BaseModelSpec) -> LoRASpec:
    return LoRASpec.for_base(spec, target_modules=tuple(spec.modules))


def random_weights(spec: LoRASpec, tasks: int, seed: int = 0) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return {f"{m}.{ab}": torch.randn(tasks, spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m)),
                                     generator=gen) * 0.05 for m in spec.target_modules for ab in "AB"}


def merged_params(model, weights, spec: LoRASpec, task: int) -> dict[str, torch.Tensor]:
    params = {}
    for module in spec.target_modules:
        for layer in range(spec.num_layers):
            name = f"model.layers.{layer}.{MODULE_PARENT[module]}.{module}.weight"
            params[name] = model.get_parameter(name) + spec.scaling * (
                weights[f"{module}.B"][task, layer] @ weights[f"{module}.A"][task, layer])
    return params


@pytest.fixture(scope="module", params=sorted(ARCHS))
def arch(request):
    spec = tiny_spec(request.param)
    model, tokenizer = load_base(spec)   # load_base checks the derived shapes against the model
    return request.param, spec, model, tokenizer


def test_derived_shapes_are_the_models(arch):
    kind, spec, model, _ = arch
    assert {m: {s} for m, s in spec.modules.items()} == linear_shapes(model)
    assert spec.model_type == kind and spec.num_layers == 2 and spec.hidden_size == 64
    if kind in ("qwen3", "gemma", "gemma2", "gemma3_text"):   # head_dim 32 x 4 heads != hidden 64
        assert spec.modules["q_proj"] == (128, 64) and spec.modules["o_proj"] == (64, 128)
    if kind == "phi3":   # fused, targetable by name; the parts are refused with the fused name
        assert spec.modules["qkv_proj"] == (64 + 2 * 32, 64) and spec.modules["gate_up_proj"] == (256, 64)
        with pytest.raises(T2LError, match="fuses q_proj, k_proj, v_proj into qkv_proj; target qkv_proj instead"):
            LoRASpec.for_base(spec)   # the default targets q_proj / v_proj


def test_applier_matches_merged_oracle_on_every_target(arch):
    _, base, model, _ = arch
    spec = every_target(base)
    ids = torch.randint(5, 1000, (3, 10), generator=torch.Generator().manual_seed(1))
    rows = torch.tensor([1, 0, 1])
    weights = {k: v.requires_grad_() for k, v in random_weights(spec, 2).items()}
    with apply_lora(model, weights, spec, rows=rows):
        logits = model(input_ids=ids).logits
    tokens = ids[:, 1:].numel()   # mean next-token loss, as training takes it
    loss = F.cross_entropy(logits[:, :-1].flatten(0, 1), ids[:, 1:].flatten(), reduction="sum") / tokens
    loss.backward()
    oracle = {k: v.detach().clone().requires_grad_() for k, v in weights.items()}
    oracle_loss = 0.0
    for b, task in enumerate(rows.tolist()):
        alone = torch.func.functional_call(model, merged_params(model, oracle, spec, task), args=(),
                                           kwargs={"input_ids": ids[b:b + 1]}).logits[0]
        torch.testing.assert_close(logits[b], alone, atol=1e-5, rtol=0)
        oracle_loss = oracle_loss + F.cross_entropy(alone[:-1], ids[b, 1:], reduction="sum") / tokens
    oracle_loss.backward()
    for key in weights:
        torch.testing.assert_close(weights[key].grad, oracle[key].grad, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("mode", ["rslora", "plain"])
def test_generated_adapter_loads_in_peft_with_the_same_logits(arch, mode, tmp_path):
    from peft import PeftModel

    kind, base, model, _ = arch
    spec = LoRASpec.for_base(base, target_modules=("qkv_proj", "o_proj") if kind == "phi3" else ("q_proj", "v_proj"))
    torch.manual_seed(0)
    hypernet = HyperNet(spec, 384, size="S", latent=16, head_in=32, mixer_hidden=32, bottleneck=16,
                        init_head_weights="small", head_init_std=0.05)
    with torch.no_grad():
        weights = {k: v[0] for k, v in hypernet(F.normalize(torch.randn(1, 384), dim=-1)).items()}
    ids = torch.randint(5, 1000, (2, 9), generator=torch.Generator().manual_seed(2))
    with torch.no_grad(), apply_lora(model, {k: v[None] for k, v in weights.items()}, spec):
        ours = model(input_ids=ids).logits
    save_adapter(weights, spec, base.model_id, tmp_path / "adapter", mode=mode)
    config = json.loads((tmp_path / "adapter" / "adapter_config.json").read_text())
    assert config["use_rslora"] is (mode == "rslora") and config["lora_alpha"] == (16 if mode == "rslora" else 8)
    fresh, _ = load_base(base)
    with torch.no_grad():
        plain = fresh(input_ids=ids).logits
        theirs = PeftModel.from_pretrained(fresh, str(tmp_path / "adapter")).eval()(input_ids=ids).logits
    torch.testing.assert_close(theirs, ours, atol=1e-5, rtol=0)
    assert (ours - plain).abs().max() > 1e-3   # the adapter does something


def test_an_sft_step_and_a_reconstruction_step_run(arch):
    from t2l.tasks.batching import pad_batch

    kind, base, model, tokenizer = arch
    spec = LoRASpec.for_base(base, target_modules=("qkv_proj", "o_proj") if kind == "phi3" else ("q_proj", "v_proj"))
    hypernet = HyperNet(spec, 384, size="M", latent=16, head_in=32, mixer_hidden=32, bottleneck=16,
                        init_head_weights="small")
    emb = F.normalize(torch.randn(2, 384), dim=-1)
    batch = pad_batch([{"input_ids": [5, 6, 7, 8], "labels": [-100, -100, 7, 8]},
                       {"input_ids": [9, 10, 11], "labels": [-100, 10, 11]}], tokenizer.pad_token_id)
    weights = hypernet(emb)
    with apply_lora(model, weights, spec, rows=torch.tensor([0, 1])):
        sft = answer_loss(model, batch, label_smoothing=0.1)
    sft.backward()
    assert torch.isfinite(sft) and any(p.grad is not None and p.grad.abs().sum() > 0 for p in hypernet.parameters())
    hypernet.zero_grad()
    target = random_weights(spec, 2)
    generated = hypernet(emb)
    recon = sum((spec.scaling * (generated[f"{m}.B"] @ generated[f"{m}.A"] - target[f"{m}.B"] @ target[f"{m}.A"]))
                .abs().mean() for m in spec.target_modules)
    recon.backward()
    assert torch.isfinite(recon)


def test_presets_equal_the_shapes_derived_from_their_configs():
    published = json.loads((FIXTURES / "configs" / "presets.json").read_text())
    for name, config in published.items():
        preset = yaml.safe_load((CONF / "base_model" / f"{name}.yaml").read_text())
        layers, hidden, modules = derived_shapes(config, name)
        assert (preset["num_layers"], preset["hidden_size"]) == (layers, hidden), name
        assert {k: tuple(v) for k, v in preset["modules"].items()} == modules, name
        assert preset["model_id"] == config["model_id"], name


def test_smollm2_preset_equals_its_real_config():
    from t2l.assets import require

    config = json.loads((require("smollm2-135m-instruct") / "config.json").read_text())
    preset = yaml.safe_load((CONF / "base_model" / "smollm2_135m.yaml").read_text())
    assert derived_shapes(config)[2] == {k: tuple(v) for k, v in preset["modules"].items()}


@pytest.mark.parametrize(("config", "message"), [
    ({"model_type": "t5", "is_encoder_decoder": True}, "is not a decoder-only causal LM"),
    ({"model_type": "llava"}, "is not a decoder-only causal LM"),
    ({"model_type": "mamba", "hidden_size": 8}, "model_type 'mamba' is not supported; supported architectures"),
])
def test_unsupported_models_are_refused(config, message):
    with pytest.raises(T2LError, match=message):
        derived_shapes(config, "m/config.json")


def test_a_directory_without_config_json_is_refused(tmp_path):
    with pytest.raises(T2LError, match="has no config.json; point base_model.path at a Hugging Face model directory"):
        BaseModelSpec.from_dict({"name": "hf", "model_id": None, "path": str(tmp_path)})


def test_a_config_dir_gives_a_spec(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen3", **COMMON, "head_dim": 32}))
    spec = BaseModelSpec.from_dict({"name": "hf", "model_id": None, "path": str(tmp_path)})
    assert spec.model_id == str(tmp_path) and spec.modules["k_proj"] == (64, 64) and spec.num_layers == 2
    with pytest.raises(T2LError, match="has no module 'qkv_proj'"):
        LoRASpec.for_base(spec, target_modules=("qkv_proj",))


def test_params_of_a_preset_without_weights(capsys):
    """`t2l params base_model=qwen3_8b hypernet=M`: shapes from the preset, nothing downloaded or loaded."""
    from t2l.app.cli import main

    assert main(["params", "base_model=qwen3_8b", "hypernet=M"]) == 0
    out = capsys.readouterr().out
    assert "base_model: Qwen/Qwen3-8B  hypernet: M" in out
    assert int(out.split("trainable_params: ")[1].split()[0]) > 0
    # q_proj 4096x4096 and v_proj 1024x4096 (8 KV heads x 128), rank 8, 36 layers
    assert "generated_adapter_params: 3833856 (rank 8 x 36 layers: q_proj 2359296, v_proj 1474560)" in out


def test_a_base_model_without_chat_template_is_told_to_use_plain_prompts(tmp_path):
    """An instruct preset pointed at a base model's tokenizer: one line naming the fix."""
    import shutil

    from t2l.assets import require
    from t2l.models.base import load_tokenizer

    source = require("smollm2-135m-instruct")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (source / name).is_file():
            shutil.copy(source / name, tmp_path / name)
    config = json.loads((tmp_path / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config))
    for extra in tmp_path.glob("chat_template.*"):
        extra.unlink()
    spec = tiny_spec("llama")
    with pytest.raises(T2LError, match="has no chat template .* set base_model.chat_template=false"):
        load_tokenizer(BaseModelSpec.from_dict({**spec.__dict__, "tokenizer": str(tmp_path), "modules": dict(spec.modules)}))
    plain = load_tokenizer(BaseModelSpec.from_dict({**spec.__dict__, "tokenizer": str(tmp_path), "chat_template": False,
                                                    "modules": dict(spec.modules)}))
    assert plain.pad_token is not None


@pytest.mark.parametrize("name", sorted(json.loads((FIXTURES / "configs" / "presets.json").read_text())))
def test_every_preset_composes_with_the_t2l_experiments(name):
    from t2l.app.config import base_model_spec, lora_spec
    from t2l.models.hypernet import hypernet_param_count
    from tests.helpers.experiments import compose_train

    for experiment in ("t2l_sft", "t2l_recon"):
        cfg = compose_train(f"experiment={experiment}", f"base_model={name}")
        base = base_model_spec(cfg)
        spec = lora_spec(cfg, base)
        assert spec.target_modules == ("q_proj", "v_proj") and spec.num_layers == base.num_layers
        assert hypernet_param_count(base, {"target_modules": list(spec.target_modules)}, 384, "M") > 0
