"""HyperNet L/M/S: paper parameter counts, shapes, no-op first adapters, gradients, batching, rebuild.

Mistral-7B-sized models are built on the meta device (shapes and counts only, no memory); forward
passes use SmolLM2-135M shapes or the tiny random Llama's.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
import torch

from t2l.errors import T2LError
from t2l.lora.spec import LoRASpec, check_weights, unbatch
from t2l.models.hypernet import HyperNet, HyperNetConfig, count_parameters, hypernet_param_count
from tests.helpers.specs import base_spec

SIZES = ("L", "M", "S")
# Text-to-LoRA paper, Mistral-7B shapes, gte-large (1024-d) encoder.
REFERENCE_PARAMS = {"L": 55.4e6, "M": 34.4e6, "S": 5.0e6}



def lora_config() -> dict:
    """The LoRA options t2l/conf/lora/default.yaml composes to (LoRAConfig's defaults)."""
    import dataclasses

    from t2l.lora.spec import LoRAConfig

    return dataclasses.asdict(LoRAConfig())


def spec_for(name: str) -> LoRASpec:
    return LoRASpec.for_base(base_spec(name), **lora_config())


def build(name: str, size: str, encoder_dim: int = 384, seed: int = 0, **kw) -> HyperNet:
    torch.manual_seed(seed)
    return HyperNet(spec_for(name), encoder_dim, size=size, **kw)


@pytest.mark.parametrize("size", SIZES)
def test_mistral_parameter_counts_match_the_paper(size):
    with torch.device("meta"):
        net = HyperNet(spec_for("mistral_7b_instruct_v02"), 1024, size=size)
    count = count_parameters(net)
    print(f"HyperNet {size}, Mistral-7B shapes, encoder_dim 1024: {count:,} parameters "
          f"(paper {REFERENCE_PARAMS[size] / 1e6:.1f}M)")
    assert abs(count / REFERENCE_PARAMS[size] - 1) < 0.05
    # Shapes flow through on the meta device too: the Mistral adapter layout without any compute.
    out = net(torch.empty(2, 1024, device="meta"))
    assert tuple(out["q_proj.A"].shape) == (2, 32, 8, 4096)
    assert tuple(out["v_proj.B"].shape) == (2, 32, 1024, 8)


@pytest.mark.parametrize("size", SIZES)
def test_param_helper_matches_a_real_model(size):
    real = count_parameters(build("smollm2_135m", size))
    assert hypernet_param_count(base_spec("smollm2_135m"), lora_config(), 384, size) == real
    # Extra keywords reach HyperNet: two residual blocks of 512 -> b -> 512 shrink by 2 * 1025 per unit of b.
    mistral = base_spec("mistral_7b_instruct_v02")
    full = hypernet_param_count(mistral, lora_config(), 1024, size)
    assert full - hypernet_param_count(mistral, lora_config(), 1024, size, bottleneck=64) == 2 * 1025 * 64


@pytest.mark.parametrize("size", SIZES)
def test_output_shapes_for_smollm2_and_a_batch_of_tasks(size):
    net = build("smollm2_135m", size)
    spec = net.spec
    out = net(torch.randn(3, 384))
    assert set(out) == {"q_proj.A", "q_proj.B", "v_proj.A", "v_proj.B"}
    assert tuple(out["q_proj.A"].shape) == (3, 30, 8, 576)
    assert tuple(out["q_proj.B"].shape) == (3, 30, 576, 8)
    assert tuple(out["v_proj.A"].shape) == (3, 30, 8, 576)
    assert tuple(out["v_proj.B"].shape) == (3, 30, 192, 8)
    tasks = unbatch(out)
    assert len(tasks) == 3
    for weights in tasks:
        check_weights(weights, spec)  # the canonical LoRAWeights layout of t2l.lora


@pytest.mark.parametrize("size", SIZES)
def test_first_adapters_are_noops_with_zero_heads(size):
    net = build("tiny_random", size, encoder_dim=32, init_head_weights="zero")
    out = net(torch.randn(4, 32))
    for module in net.spec.target_modules:
        a, b = out[f"{module}.A"], out[f"{module}.B"]
        assert torch.count_nonzero(b) == 0, "B must start exactly zero so the adapter is a no-op"
        assert torch.count_nonzero(a) == a.numel(), "A must start random (LoRA's usual init)"
        in_dim = net.spec.shape(module)[1]
        assert a.abs().max() <= 1 / in_dim ** 0.5  # peft's kaiming-uniform bound for lora_A


@pytest.mark.parametrize("size", SIZES)
def test_small_head_init_gives_small_nonzero_b(size):
    net = build("tiny_random", size, encoder_dim=32, init_head_weights="small")
    out = net(torch.randn(4, 32))
    for module in net.spec.target_modules:
        b = out[f"{module}.B"]
        assert 0 < b.abs().max() < 0.1
        assert b.abs().mean() > 0


@pytest.mark.parametrize("size", SIZES)
def test_training_makes_adapters_depend_on_the_task(size):
    net = build("tiny_random", size, encoder_dim=32, dropout=0.0)
    tasks = torch.nn.functional.normalize(torch.randn(2, 32), dim=-1)
    before = net(tasks)
    assert torch.equal(before["q_proj.B"][0], before["q_proj.B"][1])  # zero heads: task is ignored
    trunk_before = net.task_proj.weight.detach().clone()
    torch.manual_seed(1)
    target = {k: torch.randn_like(v) * 0.1 for k, v in before.items()}
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(6):
        out = net(tasks)
        loss = sum(torch.nn.functional.mse_loss(out[k], t) for k, t in target.items())
        opt.zero_grad()
        loss.backward()
        opt.step()
    after = net(tasks)
    assert not torch.allclose(net.task_proj.weight, trunk_before), "gradients must reach the trunk"
    for module in net.spec.target_modules:
        for ab in "AB":
            key = f"{module}.{ab}"
            assert (after[key][0] - after[key][1]).abs().max() > 1e-5, f"{key} ignores the task"


@pytest.mark.parametrize("size", SIZES)
def test_batched_forward_equals_per_task_loop(size):
    net = build("smollm2_135m", size, init_head_weights="small").eval()
    with torch.no_grad():
        for p in net.parameters():  # move off the init so every path contributes
            p.add_(torch.randn_like(p) * 1e-2)
        tasks = torch.randn(3, 384)
        batched = net(tasks)
        for i in range(3):
            single = net(tasks[i:i + 1])
            for key, value in single.items():
                torch.testing.assert_close(batched[key][i], value[0], rtol=0, atol=1e-6)


@pytest.mark.parametrize("size", SIZES)
def test_config_round_trip_rebuilds_a_strictly_loadable_model(size):
    net = build("tiny_random", size, encoder_dim=32, latent=16, head_in=24, mixer_hidden=20,
                bottleneck=8, init_head_weights="small").eval()
    config = json.loads(json.dumps(net.config()))  # JSON-safe: survives a checkpoint's metadata
    assert config["size"] == size and config["encoder_dim"] == 32
    rebuilt = HyperNet.from_config(config).eval()
    rebuilt.load_state_dict(net.state_dict(), strict=True)
    tasks = torch.randn(2, 32)
    with torch.no_grad():
        for key, value in net(tasks).items():
            assert torch.equal(rebuilt(tasks)[key], value)


def test_config_is_the_options_dataclass_in_the_order_bundles_hold():
    """config() comes from HyperNetConfig's fields (no hand-kept list), keys in the order every bundle has
    written them (t2l_config.json of the released bundle included)."""
    options = HyperNetConfig(size="S", latent=16, head_in=24, mixer_hidden=20, bottleneck=8)
    config = HyperNet(spec_for("tiny_random"), 32, options).config()
    assert list(config) == ["size", "encoder_dim", "latent", "head_in", "mixer_hidden", "bottleneck", "dropout",
                            "init_head_weights", "head_init_std", "spec"]
    assert {k: config[k] for k in asdict(options)} == asdict(options)
    assert HyperNet(spec_for("tiny_random"), 32, size="S", latent=16, head_in=24, mixer_hidden=20,
                    bottleneck=8).config() == config


def test_state_dict_keeps_a_and_b_biases_apart():
    keys = set(build("tiny_random", "M", encoder_dim=32).state_dict())
    assert {"heads.q_proj.weight", "heads.q_proj.bias_A", "heads.q_proj.bias_B"} <= keys
    assert "ab_emb.weight" in keys and "rank_emb.weight" not in keys
    assert "rank_emb.weight" in set(build("tiny_random", "S", encoder_dim=32).state_dict())


def test_errors_name_the_fix():
    spec = spec_for("tiny_random")
    with pytest.raises(T2LError, match="choose one of"):
        HyperNet(spec, 32, size="XL")
    with pytest.raises(T2LError, match="init_head_weights"):
        HyperNet(spec, 32, init_head_weights="xavier")
    with pytest.raises(T2LError, match="LoRASpec.for_base"):
        HyperNet(LoRASpec(), 32)
    net = HyperNet(spec, 32)
    with pytest.raises(T2LError, match=r"\[num_tasks, 32\]"):
        net(torch.randn(32))
    with pytest.raises(T2LError, match=r"\[num_tasks, 32\]"):
        net(torch.randn(2, 384))
    with pytest.raises(T2LError, match="unknown keys"):
        HyperNet.from_config({**net.config(), "heads": 3})


@pytest.mark.parametrize("size", ["M", "S"])
def test_sliced_heads_equal_slicing_the_full_head_output(size):
    """M / S multiply only the head rows A and B keep; that must equal the full output, sliced."""
    net = build("smollm2_135m", size, init_head_weights="small", head_init_std=0.02).eval()
    emb = torch.nn.functional.normalize(torch.randn(3, 384, generator=torch.Generator().manual_seed(1)), dim=-1)
    spec = net.spec
    # slicing is exercised: SmolLM2's v_proj (192 x 576) is not square, so B keeps 192 of the 576 head rows
    assert any(out_dim != in_dim for out_dim, in_dim in map(spec.shape, spec.target_modules))
    with torch.no_grad():
        weights, feats = net(emb), net.features(emb)
        for j, module in enumerate(spec.target_modules):
            out_dim, in_dim = spec.shape(module)
            head = net.heads[module]
            full = (feats[:, :, j] @ head.weight.t()).reshape(3, spec.num_layers, 2, spec.rank, -1)
            torch.testing.assert_close(weights[f"{module}.A"], full[:, :, 0, :, :in_dim] + head.bias_A, rtol=0, atol=1e-6)
            torch.testing.assert_close(weights[f"{module}.B"], full[:, :, 1, :, :out_dim].transpose(-1, -2) + head.bias_B,
                                       rtol=0, atol=1e-6)
            # M / S heads emit D = max(in, out) numbers per rank row (per row in S), for every module
            assert full.shape[-1] == max(out_dim, in_dim), (module, full.shape)
