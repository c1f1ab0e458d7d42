"""Per-sample LoRA (t2l.lora.apply) against a naive oracle: every sample alone with its adapter merged."""

from __future__ import annotations

import copy
from contextlib import contextmanager

import pytest
import torch
import torch.nn.functional as F

from t2l.errors import T2LError
from t2l.lora.apply import apply_lora
from t2l.lora.spec import MODULE_PARENT, LoRASpec
from tests.helpers.specs import random_weights

TEXTS = ["The quick brown fox jumps over the lazy dog.", "Hello there", "Q: two plus two?\nA: four",
         "A longer sentence about books on a shelf, ordered left to right by colour."]


def merged_params(model, weights, spec: LoRASpec, task: int) -> dict[str, torch.Tensor]:
    """W + scaling * B @ A for every target weight: the naive full-matrix merge (differentiable)."""
    params = {}
    for module in spec.target_modules:
        for layer in range(spec.num_layers):
            name = f"model.layers.{layer}.{MODULE_PARENT[module]}.{module}.weight"
            delta = spec.scaling * weights[f"{module}.B"][task, layer] @ weights[f"{module}.A"][task, layer]
            params[name] = model.get_parameter(name) + delta
    return params


@contextmanager
def merged(model, weights, spec: LoRASpec, task: int):
    """Add the adapter into the weights in place (for generate / KV cache oracles); restore after."""
    with torch.no_grad():
        new = merged_params(model, weights, spec, task)
        saved = {name: model.get_parameter(name).detach().clone() for name in new}
    try:
        with torch.no_grad():
            for name, value in new.items():
                model.get_parameter(name).copy_(value)
        yield model
    finally:
        with torch.no_grad():
            for name, value in saved.items():
                model.get_parameter(name).copy_(value)


def hook_count(model) -> int:
    # A with_kwargs hook also leaves a flag in _forward_hooks_with_kwargs: both must go on removal.
    assert all(set(m._forward_hooks_with_kwargs) <= set(m._forward_hooks) for m in model.modules())
    return sum(len(m._forward_hooks) for m in model.modules())


def encode(tokenizer, texts, side="right"):
    enc = tokenizer(texts, add_special_tokens=False, padding=True, padding_side=side, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


@pytest.fixture
def lora_spec(tiny_model):
    return LoRASpec.for_base(tiny_model[2])


def test_mixed_batch_matches_per_sample_merge_logits_and_grads(tiny_model, lora_spec):
    model, tokenizer, _ = tiny_model
    ids, mask = encode(tokenizer, TEXTS)                      # right padding + attention mask
    rows = torch.tensor([0, 2, 1, 2])                          # 4 rows, 3 adapters, one used twice
    weights = {k: v.requires_grad_() for k, v in random_weights(lora_spec, 3).items()}
    labels = ids.masked_fill(mask == 0, -100)

    with apply_lora(model, weights, lora_spec, rows=rows):
        logits = model(input_ids=ids, attention_mask=mask).logits
    loss = F.cross_entropy(logits[:, :-1].flatten(0, 1), labels[:, 1:].flatten(), reduction="sum")
    loss.backward()

    oracle = {k: v.detach().clone().requires_grad_() for k, v in weights.items()}
    oracle_loss = 0.0
    with torch.no_grad():
        base = model(input_ids=ids, attention_mask=mask).logits
    for b, task in enumerate(rows.tolist()):
        n = int(mask[b].sum())
        alone = torch.func.functional_call(model, merged_params(model, oracle, lora_spec, task),
                                           args=(), kwargs={"input_ids": ids[b:b + 1, :n]}).logits[0]
        torch.testing.assert_close(logits[b, :n], alone, atol=1e-5, rtol=0)
        assert (logits[b, :n] - base[b, :n]).abs().max() > 1e-2   # the adapter really does something
        oracle_loss = oracle_loss + F.cross_entropy(alone[:-1], ids[b, 1:n], reduction="sum")
    oracle_loss.backward()
    torch.testing.assert_close(loss, oracle_loss, atol=1e-4, rtol=1e-6)
    for key in weights:
        assert weights[key].grad.abs().sum() > 0
        torch.testing.assert_close(weights[key].grad, oracle[key].grad, atol=1e-5, rtol=0)


def test_hooks_removed_on_exit_and_on_error(tiny_model, lora_spec):
    model, tokenizer, _ = tiny_model
    ids, mask = encode(tokenizer, TEXTS[:2])
    with torch.no_grad():
        base = model(input_ids=ids, attention_mask=mask).logits
    before = hook_count(model)
    weights = random_weights(lora_spec, 2)
    with apply_lora(model, weights, lora_spec) as lora, torch.no_grad():
        assert lora.attached and hook_count(model) == before + 2 * lora_spec.num_layers
        assert not torch.equal(model(input_ids=ids, attention_mask=mask).logits, base)
    assert hook_count(model) == before and not lora.attached
    with pytest.raises(RuntimeError, match="boom"):
        with apply_lora(model, weights, lora_spec):
            raise RuntimeError("boom")
    for layer in model.model.layers:
        assert not layer.self_attn.q_proj._forward_hooks and not layer.self_attn.v_proj._forward_hooks
    assert hook_count(model) == before
    with torch.no_grad():
        assert torch.equal(model(input_ids=ids, attention_mask=mask).logits, base)


def test_zero_b_is_exactly_base(tiny_model, lora_spec):
    model, tokenizer, _ = tiny_model
    ids, mask = encode(tokenizer, TEXTS)
    weights = {k: (torch.zeros_like(v) if k.endswith(".B") else v) for k, v in random_weights(lora_spec, 4).items()}
    with torch.no_grad():
        base = model(input_ids=ids, attention_mask=mask).logits
        with apply_lora(model, weights, lora_spec):
            assert torch.equal(model(input_ids=ids, attention_mask=mask).logits, base)


def test_dropout_only_in_train_mode(tiny_model, lora_spec):
    model, tokenizer, base_spec = tiny_model
    ids, mask = encode(tokenizer, TEXTS[:2])
    weights = random_weights(lora_spec, 2)
    no_dropout, heavy = LoRASpec.for_base(base_spec, dropout=0.0), LoRASpec.for_base(base_spec, dropout=0.5)
    run = lambda spec: apply_lora(model, weights, spec)  # noqa: E731
    try:
        with torch.no_grad():
            with run(no_dropout):
                reference = model(input_ids=ids, attention_mask=mask).logits
            with run(heavy):
                assert torch.equal(model(input_ids=ids, attention_mask=mask).logits, reference)  # eval: off
                model.train()
                first = model(input_ids=ids, attention_mask=mask).logits
                second = model(input_ids=ids, attention_mask=mask).logits
            model.train()
            with run(no_dropout):   # train mode alone changes nothing (the base has no dropout)
                torch.testing.assert_close(model(input_ids=ids, attention_mask=mask).logits, reference,
                                           atol=1e-6, rtol=0)
    finally:
        model.eval()
    assert not torch.allclose(first, reference) and not torch.allclose(first, second)


def test_set_rows_follows_kv_cache_selection(tiny_model, lora_spec):
    model, tokenizer, _ = tiny_model
    prompts = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in (TEXTS[1], TEXTS[0])]
    conts = [tokenizer(t, add_special_tokens=False)["input_ids"][:3]
             for t in (" yes it is", " no way jose", " maybe so!")]
    width = max(map(len, prompts))
    ids = torch.zeros(2, width, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, p in enumerate(prompts):                        # left padding, as t2l.eval.scoring does
        ids[row, width - len(p):], mask[row, width - len(p):] = torch.tensor(p), 1
    positions, lengths = (mask.cumsum(-1) - 1).clamp(min=0), mask.sum(-1)
    select, weights = torch.tensor([0, 0, 1]), random_weights(lora_spec, 2, seed=1)
    with torch.no_grad(), apply_lora(model, weights, lora_spec, rows=torch.tensor([0, 1])) as lora:
        out = model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True)
        cache = out.cache
        cache.batch_select_indices(select)
        lora.set_rows(lora.rows[select])
        assert lora.rows.tolist() == [0, 0, 1]
        out2 = model(input_ids=torch.tensor(conts), attention_mask=torch.cat([mask[select], torch.ones(3, 3,
                     dtype=torch.long)], dim=1), position_ids=lengths[select, None] + torch.arange(3),
                     cache=cache, use_cache=False)
    for r, prompt_row in enumerate(select.tolist()):
        with torch.no_grad(), merged(model, weights, lora_spec, prompt_row):
            alone = model(input_ids=torch.tensor([prompts[prompt_row] + conts[r]])).logits[0]
        torch.testing.assert_close(out.logits[prompt_row, -1], alone[-4], atol=1e-5, rtol=0)
        torch.testing.assert_close(out2.logits[r], alone[-3:], atol=1e-5, rtol=0)


def test_greedy_generate_matches_merged(tiny_model, lora_spec):
    model, tokenizer, _ = tiny_model
    texts = [TEXTS[1], TEXTS[2]]
    ids, mask = encode(tokenizer, texts, side="left")
    weights = random_weights(lora_spec, 2, seed=2, scale=0.1)
    settings = dict(max_new_tokens=8, do_sample=False, pad_token_id=tokenizer.pad_token_id)
    with torch.no_grad(), apply_lora(model, weights, lora_spec):
        batched = model.generate(input_ids=ids, attention_mask=mask, **settings)[:, ids.shape[1]:]
    plain = model.generate(input_ids=ids, attention_mask=mask, **settings)[:, ids.shape[1]:]
    assert not torch.equal(batched, plain)                   # the adapters steer the generation
    for task, text in enumerate(texts):
        alone_ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]
        with torch.no_grad(), merged(model, weights, lora_spec, task):
            alone = model.generate(input_ids=alone_ids, **settings)[0, alone_ids.shape[1]:]
        assert batched[task, :len(alone)].tolist() == alone.tolist()


def test_single_adapter_serves_any_batch_size(tiny_model, lora_spec):
    from t2l.eval.scoring import choice_logprobs

    model, tokenizer, _ = tiny_model
    tok = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    prompts = [tok("Q: Is the sky blue?\nA:"), tok("Hi")]
    conts = [[tok(" yes"), tok(" no it is not")], [tok(" there"), tok(" you"), tok(" hello friend")]]
    weights = random_weights(lora_spec, 1, seed=3)
    # The MC scorer runs 2 prompt rows, then 5 choice rows: one adapter (U == 1) must serve both.
    with apply_lora(model, weights, lora_spec) as lora:
        got = choice_logprobs(model, prompts, conts)
        assert lora.rows is None
    with merged(model, weights, lora_spec, 0):
        expected = choice_logprobs(model, prompts, conts)
    base = choice_logprobs(model, prompts, conts)
    for g, e, b in zip(got, expected, base):
        for (gs, gn), (es, en), (bs, _) in zip(g, e, b):
            assert gn == en and gs == pytest.approx(es, abs=1e-4) and abs(gs - bs) > 1e-3


def test_wrapped_model_and_dtypes(tiny_model, lora_spec):
    model, tokenizer, _ = tiny_model
    ids, mask = encode(tokenizer, TEXTS[:2])
    weights = random_weights(lora_spec, 2)
    wrapper = torch.nn.ModuleDict({"inner": model})          # like a Lightning module holding the base
    with torch.no_grad():
        with apply_lora(wrapper, weights, lora_spec):
            reference = model(input_ids=ids, attention_mask=mask).logits
        with apply_lora(model, {k: v.bfloat16() for k, v in weights.items()}, lora_spec):
            assert model(input_ids=ids, attention_mask=mask).logits.dtype == torch.float32
        half = copy.deepcopy(model).bfloat16()
        with apply_lora(half, weights, lora_spec):           # fp32 factors on a bf16 model: bf16 out
            low = half(input_ids=ids, attention_mask=mask).logits
    assert low.dtype == torch.bfloat16 and (low.float() - reference)[mask.bool()].abs().max() < 0.1


def test_peft_wrapped_model(tiny_model, lora_spec):
    from peft import LoraConfig, get_peft_model

    model, tokenizer, _ = tiny_model
    ids, mask = encode(tokenizer, TEXTS[:2])
    weights = random_weights(lora_spec, 2)
    # A fresh peft LoRA (B = 0) is a no-op: hooks on its wrapped q_proj must give the plain model's result.
    # get_peft_model leaves the model in train mode, where our LoRA dropout would fire: eval() it.
    wrapped = get_peft_model(copy.deepcopy(model), LoraConfig(r=4, target_modules=["q_proj"])).eval()
    with torch.no_grad():
        with apply_lora(model, weights, lora_spec):
            reference = model(input_ids=ids, attention_mask=mask).logits
        with apply_lora(wrapped, weights, lora_spec):
            got = wrapped(input_ids=ids, attention_mask=mask).logits
    torch.testing.assert_close(got, reference, atol=1e-6, rtol=0)


def test_errors_name_the_problem(tiny_model, lora_spec):
    model, tokenizer, _ = tiny_model
    ids, mask = encode(tokenizer, TEXTS[:3])
    weights = random_weights(lora_spec, 3)
    bad = dict(weights, **{"v_proj.A": torch.zeros(3, 2, 8, 65)})
    with pytest.raises(T2LError, match=r"v_proj\.A'\] has shape \[3, 2, 8, 65\] but apply_lora needs \[3, 2, 8, 64\]"):
        apply_lora(model, bad, lora_spec).__enter__()
    with pytest.raises(T2LError, match=r"unsqueeze\(0\)"):
        apply_lora(model, {k: v[0] for k, v in weights.items()}, lora_spec).__enter__()
    with pytest.raises(T2LError, match="missing \\['v_proj.B'\\]"):
        apply_lora(model, {k: v for k, v in weights.items() if k != "v_proj.B"}, lora_spec).__enter__()
    with pytest.raises(T2LError, match=r"rows \[0, 3\] point outside the 3 adapters"):
        apply_lora(model, weights, lora_spec, rows=[0, 3]).__enter__()
    other = LoRASpec(num_layers=3, shapes={"q_proj": (64, 64), "v_proj": (32, 64)})   # not this model
    with pytest.raises(T2LError, match="list of 3 decoder layers .* found none"):
        apply_lora(model, random_weights(other, 3), other).__enter__()
    with pytest.raises(T2LError, match="another base model or rank"):
        apply_lora(model, weights, other).__enter__()
    before = hook_count(model)
    with pytest.raises(T2LError, match="the batch has 2 rows but rows maps 3"):
        with torch.no_grad(), apply_lora(model, weights, lora_spec, rows=[0, 1, 2]):
            model(input_ids=ids[:2], attention_mask=mask[:2])
    with pytest.raises(T2LError, match="the batch has 2 rows but 3 adapters were given"):
        with torch.no_grad(), apply_lora(model, weights, lora_spec):
            model(input_ids=ids[:2], attention_mask=mask[:2])
    with apply_lora(model, weights, lora_spec) as lora:
        with pytest.raises(T2LError, match="point outside"):
            lora.set_rows([-1, 0, 1])
        with pytest.raises(T2LError, match="1-D integer tensor"):
            lora.set_rows(torch.tensor([0.0, 1.0]))
    assert hook_count(model) == before


def test_two_backward_passes_in_one_block(tiny_model, lora_spec):
    ids, mask = encode(tiny_model[1], TEXTS[:2])
    model, weights = tiny_model[0], {k: v.requires_grad_() for k, v in random_weights(lora_spec, 2).items()}
    with apply_lora(model, weights, lora_spec):
        model(input_ids=ids, attention_mask=mask).logits.sum().backward()
        once = {k: v.grad.clone() for k, v in weights.items()}
        model(input_ids=ids, attention_mask=mask).logits.sum().backward()   # same block, new graph
    for key, tensor in weights.items():
        torch.testing.assert_close(tensor.grad, 2 * once[key], atol=1e-5, rtol=1e-5)
