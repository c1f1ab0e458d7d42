"""Answer-only loss: the LM head only where a label is, and the same number as the full-vocabulary loss."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F

from t2l.training.losses import (
    answer_logits,
    answer_loss,
    body_and_head,
    neftune_embeddings,
)


def batch_of(tokenizer, pairs, pad_id):
    from t2l.tasks.batching import pad_batch

    features = []
    for prompt, answer in pairs:
        p, a = tokenizer(prompt)["input_ids"], tokenizer(answer, add_special_tokens=False)["input_ids"]
        features.append({"input_ids": p + a, "labels": [-100] * len(p) + a})
    return pad_batch(features, pad_id)


@pytest.fixture()
def batch(tiny_model):
    _, tokenizer, _ = tiny_model
    return batch_of(tokenizer, [("What color is snow?", " white"), ("Two plus two is a number called", " four, I think")],
                    tokenizer.pad_token_id)


def full_loss(model, batch, smoothing=0.0):
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    return F.cross_entropy(logits[:, :-1].flatten(0, 1), batch["labels"][:, 1:].flatten(), ignore_index=-100,
                           label_smoothing=smoothing)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_answer_loss_equals_the_full_vocabulary_loss(tiny_model, batch, smoothing):
    model = tiny_model[0]
    with torch.no_grad():
        assert abs(float(answer_loss(model, batch, smoothing)) - float(full_loss(model, batch, smoothing))) < 1e-5
        assert abs(float(answer_loss(model, batch)) - float(model(**batch).loss)) < 1e-5


def test_the_head_runs_only_on_labelled_positions(tiny_model, batch):
    model = tiny_model[0]
    logits, targets = answer_logits(model, batch["input_ids"], batch["attention_mask"], batch["labels"])
    n_labels = int((batch["labels"][:, 1:] != -100).sum())
    assert logits.shape == (n_labels, model.config.vocab_size) and targets.shape == (n_labels,)
    assert n_labels < batch["input_ids"].numel() // 2


def test_gradients_match_the_full_loss(tiny_model, batch):
    from peft import get_peft_model

    from t2l.lora.peft_io import to_peft_config
    from t2l.lora.spec import LoRASpec

    model, _, spec = tiny_model
    grads = []
    for loss_fn in (full_loss, answer_loss):
        torch.manual_seed(0)
        peft_model = get_peft_model(copy.deepcopy(model), to_peft_config(LoRASpec.for_base(spec), "tiny"))
        for name, p in peft_model.named_parameters():
            if "lora_B" in name:
                torch.nn.init.normal_(p, std=0.02)
        loss_fn(peft_model, batch).backward()
        grads.append({n: p.grad.clone() for n, p in peft_model.named_parameters() if p.requires_grad})
    for name in grads[0]:
        assert torch.allclose(grads[0][name], grads[1][name], atol=1e-6), name


def test_neftune_noise_is_scaled_by_length_and_spares_padding(tiny_model, batch):
    model = tiny_model[0]
    body, _ = body_and_head(model)
    clean = body.get_input_embeddings()(batch["input_ids"])
    torch.manual_seed(0)
    noisy = neftune_embeddings(body, batch["input_ids"], batch["attention_mask"], alpha=5.0)
    delta = (noisy - clean)
    pad = batch["attention_mask"] == 0
    assert pad.any() and delta[pad].abs().max() == 0
    for row in range(delta.shape[0]):
        n = int(batch["attention_mask"][row].sum())
        bound = 5.0 / (n * clean.shape[-1]) ** 0.5
        assert 0.5 * bound < float(delta[row, :n].abs().max()) <= bound + 1e-7
    with torch.no_grad():
        assert float(answer_loss(model, batch, neftune_alpha=5.0)) != float(answer_loss(model, batch))


def test_a_model_without_a_head_is_named(tiny_model):
    with pytest.raises(TypeError, match="ForCausalLM"):
        body_and_head(tiny_model[0].model)
