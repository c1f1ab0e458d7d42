"""LoRASpec and the peft round trip: real peft, a tiny random Llama, rsLoRA included."""

import copy
import json
import math

import pytest
import safetensors.torch
import torch
import yaml

from t2l.errors import T2LError
from t2l.lora.peft_io import (
    load_adapter_weights,
    peft_state_to_weights,
    save_adapter,
    spec_from_peft_config,
    to_peft_config,
    weights_to_peft_state,
)
from t2l.lora.spec import LoRASpec, delta_w
from t2l.models.base import BaseModelSpec, load_base
from tests.helpers.paths import CONF


def base_spec(config: str, /, **changes) -> BaseModelSpec:
    cfg = yaml.safe_load((CONF / "base_model" / f"{config}.yaml").read_text())
    cfg.update(changes)
    return BaseModelSpec.from_dict(cfg)


@pytest.fixture(scope="module")
def tiny():
    spec = base_spec("tiny_random")
    model, _ = load_base(spec)
    return spec, model


def random_weights(spec: LoRASpec, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    out = {}
    for m in spec.target_modules:
        out[f"{m}.A"] = 0.2 * torch.randn(spec.num_layers, *spec.a_shape(m), generator=g)
        out[f"{m}.B"] = 0.2 * torch.randn(spec.num_layers, *spec.b_shape(m), generator=g)  # non-zero B
    return out


def input_ids(seed: int = 0) -> torch.Tensor:
    return torch.randint(0, 1000, (2, 12), generator=torch.Generator().manual_seed(seed))


def merged_logits(model, weights: dict, scaling: float, ids: torch.Tensor) -> torch.Tensor:
    """Independent reference: W + scaling * B @ A merged into a copy of the base, layer by layer."""
    merged = copy.deepcopy(model)
    with torch.no_grad():
        for i, layer in enumerate(merged.model.layers):
            for m in ("q_proj", "v_proj"):
                linear = getattr(layer.self_attn, m)
                linear.weight += scaling * weights[f"{m}.B"][i] @ weights[f"{m}.A"][i]
        return merged(input_ids=ids).logits


# ---- the spec -------------------------------------------------------------------------------

def test_spec_shapes_from_base_configs():
    tiny = LoRASpec.for_base(base_spec("tiny_random"))
    assert tiny.target_modules == ("q_proj", "v_proj") and tiny.rank == 8 and tiny.num_layers == 2
    assert tiny.shapes == {"q_proj": (64, 64), "v_proj": (32, 64)}
    assert tiny.a_shape("v_proj") == (8, 64) and tiny.b_shape("v_proj") == (32, 8)
    smol = LoRASpec.for_base(base_spec("smollm2_135m"))
    assert smol.num_layers == 30 and smol.shapes == {"q_proj": (576, 576), "v_proj": (192, 576)}
    mistral = LoRASpec.for_base(base_spec("mistral_7b_instruct_v02"))
    assert mistral.num_layers == 32 and mistral.shapes == {"q_proj": (4096, 4096), "v_proj": (1024, 4096)}
    assert mistral.num_parameters() == 32 * 8 * ((4096 + 4096) + (4096 + 1024))
    assert tiny.num_parameters() == sum(t.numel() for t in random_weights(tiny).values())
    # Order of target modules does not matter (peft stores a set); the spec keeps them sorted.
    assert LoRASpec.for_base(base_spec("tiny_random"), target_modules=["v_proj", "q_proj"]) == tiny


def test_spec_from_default_yaml_matches_defaults():
    """t2l/conf/lora/default.yaml composes to LoRAConfig's defaults, which are LoRASpec's: the method's LoRA."""
    from omegaconf import OmegaConf

    from t2l.app.config import compose
    from t2l.lora.spec import LoRAConfig

    composed = OmegaConf.to_object(compose("train", []).lora)
    assert composed == LoRAConfig()
    tiny = base_spec("tiny_random")
    assert LoRASpec.for_base(tiny, composed) == LoRASpec.for_base(tiny)
    assert (LoRASpec().target_modules, LoRASpec().rank, LoRASpec().alpha, LoRASpec().use_rslora) == (
        ("q_proj", "v_proj"), 8, 16, True)


def test_unknown_module_names_the_fix():
    with pytest.raises(T2LError, match=r"no shape for 'qkv_proj'.*t2l/conf/base_model/tiny_random.yaml"):
        LoRASpec.for_base(base_spec("tiny_random"), target_modules=["q_proj", "qkv_proj"])
    with pytest.raises(T2LError, match="rank"):
        LoRASpec(rank=0)
    with pytest.raises(T2LError, match="unknown keys"):
        LoRASpec.from_dict({"rank": 8, "ranks": 4})


def test_scaling():
    assert LoRASpec().scaling == pytest.approx(16 / math.sqrt(8))
    assert LoRASpec(use_rslora=False).scaling == 2.0


def test_dict_round_trip_is_exact():
    spec = LoRASpec.for_base(base_spec("smollm2_135m"), target_modules=["q_proj", "k_proj", "down_proj"],
                             rank=4, alpha=8.5, use_rslora=False, dropout=0.1)
    data = spec.to_dict()
    assert json.loads(json.dumps(data)) == data
    back = LoRASpec.from_dict(json.loads(json.dumps(data)))
    assert back == spec and back.to_dict() == data


def test_check_compatible_names_the_first_differing_field():
    spec = LoRASpec.for_base(base_spec("tiny_random"))
    spec.check_compatible(LoRASpec.for_base(base_spec("tiny_random"), dropout=0.0))  # dropout ignored
    with pytest.raises(T2LError, match=r"checkpoint has lora rank=4 but 8 is expected; set lora.rank=4"):
        spec.check_compatible(LoRASpec.for_base(base_spec("tiny_random"), rank=4), what="checkpoint")
    with pytest.raises(T2LError, match="use_rslora=false"):
        spec.check_compatible(LoRASpec.for_base(base_spec("tiny_random"), use_rslora=False))
    with pytest.raises(T2LError, match="num_layers.*another base model"):
        spec.check_compatible(LoRASpec.for_base(base_spec("smollm2_135m")))
    with pytest.raises(T2LError, match="dropout"):
        spec.check_compatible(LoRASpec.for_base(base_spec("tiny_random"), dropout=0.0), ignore=())


def test_peft_config_both_ways():
    spec = LoRASpec.for_base(base_spec("tiny_random"))
    cfg = to_peft_config(spec, "t2l/tiny-random-llama")
    assert cfg.r == 8 and cfg.lora_alpha == 16 and cfg.use_rslora and cfg.lora_dropout == 0.05
    assert set(cfg.target_modules) == {"q_proj", "v_proj"} and cfg.bias == "none"
    assert cfg.task_type == "CAUSAL_LM" and cfg.base_model_name_or_path == "t2l/tiny-random-llama"
    assert spec_from_peft_config(cfg, base_spec("tiny_random")) == spec
    as_json = json.loads(json.dumps(cfg.to_dict(), default=sorted))
    assert spec_from_peft_config(as_json, base_spec("tiny_random")) == spec
    with pytest.raises(T2LError, match="use_dora"):
        spec_from_peft_config({**spec.to_dict(), "r": 8, "target_modules": ["q_proj"], "use_dora": True},
                              base_spec("tiny_random"))


def test_delta_w():
    spec = LoRASpec.for_base(base_spec("tiny_random"))
    w = random_weights(spec)
    dw = delta_w(w, spec, "v_proj")
    assert dw.shape == (2, 32, 64)
    torch.testing.assert_close(dw[1], 16 / math.sqrt(8) * w["v_proj.B"][1] @ w["v_proj.A"][1])


# ---- the peft round trip --------------------------------------------------------------------

@pytest.mark.real_assets  # `tiny` loads tiny_random, whose tokenizer is SmolLM2's from the bundle
@pytest.mark.parametrize("use_rslora", [True, False])
def test_saved_adapter_loads_in_peft_with_the_same_logits(tiny, tmp_path, use_rslora):
    from peft import PeftModel

    base, model = tiny
    spec = LoRASpec.for_base(base, use_rslora=use_rslora)
    weights = random_weights(spec, seed=1)
    out = save_adapter(weights, spec, base.model_id, tmp_path / "adapter")
    assert sorted(p.name for p in out.iterdir()) == ["adapter_config.json", "adapter_model.safetensors"]
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["use_rslora"] is use_rslora and config["target_modules"] == ["q_proj", "v_proj"]
    assert config["base_model_name_or_path"] == base.model_id

    ids = input_ids()
    scaling = 16 / math.sqrt(8) if use_rslora else 16 / 8
    expected = merged_logits(model, weights, scaling, ids)
    with torch.no_grad():
        plain = model(input_ids=ids).logits
        peft_model = PeftModel.from_pretrained(copy.deepcopy(model), str(out))
        peft_model.eval()
        got = peft_model(input_ids=ids).logits
    assert (expected - plain).abs().max() > 1e-3  # the adapter does something
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)

    loaded, loaded_spec, base_id = load_adapter_weights(out, base, expect=spec)
    assert loaded_spec == spec and base_id == base.model_id
    assert loaded.keys() == weights.keys()
    for key in weights:
        assert torch.equal(loaded[key], weights[key])


@pytest.mark.real_assets  # `tiny` loads tiny_random, whose tokenizer is SmolLM2's from the bundle
def test_reads_what_peft_itself_saves(tiny, tmp_path):
    from peft import get_peft_model, get_peft_model_state_dict

    base, model = tiny
    spec = LoRASpec.for_base(base)
    peft_model = get_peft_model(copy.deepcopy(model), to_peft_config(spec, base.model_id))
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_" in name:
                param.copy_(torch.randn(param.shape, generator=g))
    peft_model.save_pretrained(str(tmp_path / "peft"))

    weights, loaded_spec, base_id = load_adapter_weights(tmp_path / "peft", base, expect=spec)
    # get_peft_model overwrites base_model_name_or_path with the model's name_or_path ('' here).
    assert loaded_spec == spec and not base_id
    for i, layer in enumerate(peft_model.base_model.model.model.layers):
        for m in spec.target_modules:
            linear = getattr(layer.self_attn, m)
            assert torch.equal(weights[f"{m}.A"][i], linear.lora_A["default"].weight)
            assert torch.equal(weights[f"{m}.B"][i], linear.lora_B["default"].weight)
            assert linear.scaling["default"] == pytest.approx(spec.scaling)
    # Our key layout is exactly peft's, and live keys (with the adapter name) parse too.
    saved = get_peft_model_state_dict(peft_model)
    assert weights_to_peft_state(weights, spec).keys() == saved.keys()
    live = {k: v for k, v in peft_model.state_dict().items() if "lora_" in k}
    assert all(".default." in k for k in live)
    for key, tensor in peft_state_to_weights(live, spec).items():
        assert torch.equal(tensor, weights[key])


def test_state_dict_errors_name_the_key():
    spec = LoRASpec.for_base(base_spec("tiny_random"))
    state = weights_to_peft_state(random_weights(spec), spec)
    first = next(iter(state))
    with pytest.raises(T2LError, match=r"missing 'base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A"):
        peft_state_to_weights({k: v for k, v in state.items() if k != first}, spec)
    with pytest.raises(T2LError, match="k_proj.*not in target_modules"):
        peft_state_to_weights({**state, first.replace("q_proj", "k_proj"): state[first]}, spec)
    with pytest.raises(T2LError, match="lm_head"):
        peft_state_to_weights({**state, "base_model.model.lm_head.weight": torch.zeros(1)}, spec)
    with pytest.raises(T2LError, match=r"shape \(8, 32\).*need \(8, 64\)"):
        peft_state_to_weights({**state, first: torch.zeros(8, 32)}, spec)
    with pytest.raises(T2LError, match="missing"):
        weights_to_peft_state({"q_proj.A": torch.zeros(2, 8, 64)}, spec)


# ---- loading errors -------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    base = base_spec("tiny_random")
    spec = LoRASpec.for_base(base)
    return base, spec, save_adapter(random_weights(spec), spec, base.model_id, tmp_path / "adapter")


def test_wrong_rank_or_targets(tmp_path, saved):
    base, spec, _ = saved
    r4 = LoRASpec.for_base(base, rank=4)
    out = save_adapter(random_weights(r4), r4, base.model_id, tmp_path / "r4")
    with pytest.raises(T2LError, match=r"lora rank=4 but 8 is expected"):
        load_adapter_weights(out, base, expect=spec)
    assert load_adapter_weights(out, base)[1] == r4  # no expectation: the adapter's own spec
    qkv = LoRASpec.for_base(base, target_modules=["q_proj", "k_proj", "v_proj"])
    out = save_adapter(random_weights(qkv), qkv, base.model_id, tmp_path / "qkv")
    with pytest.raises(T2LError, match=r"target_modules=\[\"k_proj\", \"q_proj\", \"v_proj\"\]"):
        load_adapter_weights(out, base, expect=spec)


def test_adapter_for_another_base(tmp_path):
    tiny = base_spec("tiny_random")
    wider = base_spec("tiny_random", name="wider", model_id="t2l/wider", hidden_size=96,
                      modules={"q_proj": [96, 96], "v_proj": [48, 96]})
    other = LoRASpec.for_base(wider)
    out = save_adapter(random_weights(other), other, wider.model_id, tmp_path / "wider")
    with pytest.raises(T2LError, match=r"shape \(8, 96\).*'t2l/wider'.*'tiny_random'"):
        load_adapter_weights(out, tiny, expect=LoRASpec.for_base(tiny))
    deeper = base_spec("tiny_random", name="deeper", num_layers=3)
    spec3 = LoRASpec.for_base(deeper)
    out = save_adapter(random_weights(spec3), spec3, "t2l/deeper", tmp_path / "deeper")
    with pytest.raises(T2LError, match="layer 2 but the base model has 2 layers"):
        load_adapter_weights(out, tiny)


def test_truncated_or_missing_files(tmp_path, saved):
    base, spec, out = saved
    with pytest.raises(T2LError, match="does not exist"):
        load_adapter_weights(tmp_path / "nope", base)
    weights_file = out / "adapter_model.safetensors"
    data = weights_file.read_bytes()
    weights_file.write_bytes(data[: len(data) - 100])
    with pytest.raises(T2LError, match="corrupt or truncated"):
        load_adapter_weights(out, base, expect=spec)
    weights_file.write_bytes(data[:5])
    with pytest.raises(T2LError, match="corrupt or truncated"):
        load_adapter_weights(out, base, expect=spec)
    weights_file.rename(out / "adapter_model.bin")
    with pytest.raises(T2LError, match=r"no adapter_model.safetensors.*never unpickles"):
        load_adapter_weights(out, base)
    (out / "adapter_config.json").unlink()
    with pytest.raises(T2LError, match="no adapter_config.json"):
        load_adapter_weights(out, base)


def test_save_is_atomic(tmp_path, monkeypatch, saved):
    base, spec, existing = saved
    before = {p.name: p.read_bytes() for p in existing.iterdir()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(safetensors.torch, "save_file", boom)
    target = tmp_path / "fresh"
    with pytest.raises(RuntimeError, match="disk full"):
        save_adapter(random_weights(spec), spec, base.model_id, target)
    assert not target.exists()
    with pytest.raises(RuntimeError, match="disk full"):  # overwriting: the old adapter survives
        save_adapter(random_weights(spec, seed=5), spec, base.model_id, existing)
    assert {p.name: p.read_bytes() for p in existing.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adapter"]  # no temp leftovers
