"""T2L-SFT's staged backward (t2l.training.hypernet_modules.T2LSFTModule): each loss term backpropagates
through the frozen base on its own, and the hypernetwork takes the summed adapter gradient once. The
hypernetwork's gradient must be the one a single backward of the summed loss gives."""

from __future__ import annotations

import pytest
import torch

from t2l.lora.apply import apply_lora
from t2l.lora.spec import LoRASpec
from t2l.models.hypernet import HyperNet
from t2l.tasks.batching import choice_parts, task_batch
from t2l.training.hypernet_modules import T2LSFTModule
from t2l.training.losses import answer_loss, choice_loss_terms
from t2l.training.settings import T2LTrainSettings
from tests.unit.training.test_choice_ranking import choice_items

DIM = 16


def module_for(tiny_model, **settings) -> T2LSFTModule:
    model, _, spec = tiny_model
    torch.manual_seed(0)
    net = HyperNet(LoRASpec.for_base(spec, dropout=0.0), DIM, size="S", latent=16, head_in=16, mixer_hidden=16)
    with torch.no_grad():
        for p in net.parameters():   # away from the zero-B start, so every adapter factor gets a gradient
            p.add_(0.05 * torch.randn_like(p))
    net.eval()   # no hypernetwork dropout: both paths must generate the same adapters
    embeddings = [torch.randn(2, DIM), torch.randn(2, DIM)]
    return T2LSFTModule(net, embeddings, T2LTrainSettings(**settings), base_model=model)


def batch_for(tokenizer) -> dict:
    per_task, _ = choice_items(tokenizer)
    features = [[{"input_ids": [5, 6, 7, 8], "labels": [-100, -100, 7, 8]},
                 {"input_ids": [9, 10, 11], "labels": [-100, 10, 11]}],
                [{"input_ids": [12, 13, 14], "labels": [-100, -100, 14]}]]
    return task_batch([(0, 0), (0, 1), (1, 0)], features, tokenizer.pad_token_id, choices=per_task)


def one_backward(module: T2LSFTModule, batch: dict) -> dict[str, torch.Tensor]:
    """The reference: the summed loss in one graph, one backward."""
    s, base = module.settings, module._base
    weights = module.hypernet(module.sample_embeddings(batch["task_ids"]))
    with apply_lora(base, weights, module.spec, rows=batch["rows"], dropout=True):
        ce = answer_loss(base, batch, s.label_smoothing)
    with apply_lora(base, weights, module.spec, rows=(batch["rows"] + 1) % 2, dropout=True):
        wrong = answer_loss(base, batch, s.label_smoothing)
    with apply_lora(base, weights, module.spec, rows=batch["choice"]["rows"], dropout=True):
        ranking = torch.div(*choice_loss_terms(base, batch["choice"]))
    l2 = sum(w.pow(2).mean() for w in weights.values()) / len(weights)
    loss = (ce + s.l2_weight * l2 + s.mismatch_weight * torch.relu(s.mismatch_margin + ce - wrong)
            + s.choice_weight * ranking.to(ce.dtype))
    loss.backward()
    return {n: p.grad.clone() for n, p in module.hypernet.named_parameters()}


def staged(module: T2LSFTModule, batch: dict) -> dict[str, torch.Tensor]:
    module.hypernet.zero_grad()
    module.training_step(batch, 0).backward()
    return {n: p.grad.clone() for n, p in module.hypernet.named_parameters()}


@pytest.mark.parametrize("margin", [10.0, -10.0], ids=["hinge-active", "hinge-flat"])
def test_the_staged_gradient_is_the_summed_loss_gradient(tiny_model, margin):
    # 1 task x 2 samples: the choice rows (2 + 3) go through the base in two parts of at most 2 examples' rows
    module = module_for(tiny_model, mismatch_weight=0.7, mismatch_margin=margin, choice_weight=0.5,
                        tasks_per_batch=1, samples_per_task=2)
    batch = batch_for(tiny_model[1])
    want = one_backward(module, batch)
    got = staged(module, batch)
    assert any(float(g.abs().max()) > 0 for g in got.values())
    for name, grad in want.items():   # equal up to float32 rounding of the different summation order
        torch.testing.assert_close(got[name], grad, rtol=1e-4, atol=1e-5 * float(grad.abs().max()), msg=name)


def test_a_term_without_weight_adds_no_gradient(tiny_model):
    """The answer loss alone: the staged gradient is that of ce + l2, and no hinge or ranking runs."""
    module = module_for(tiny_model)
    batch = batch_for(tiny_model[1])
    want_module = module_for(tiny_model, mismatch_weight=0.7, mismatch_margin=-10.0, choice_weight=0.0)
    # a flat hinge contributes nothing, so both must equal each other
    for name, grad in staged(want_module, batch).items():
        torch.testing.assert_close(staged(module, batch)[name], grad, rtol=1e-5, atol=1e-8, msg=name)


def test_choice_parts_keep_examples_whole_and_lose_no_row(tiny_model):
    choice = batch_for(tiny_model[1])["choice"]           # groups [0, 0, 1, 1, 1]
    for max_rows, sizes in ((2, [2, 3]), (4, [2, 3]), (5, [5]), (1, [2, 3])):
        parts = choice_parts(choice, max_rows)
        assert [len(p["group"]) for p in parts] == sizes, max_rows
        assert torch.cat([p["group"] for p in parts]).tolist() == choice["group"].tolist()
        assert torch.cat([p["gold"] for p in parts]).tolist() == choice["gold"].tolist()
        for part in parts:   # trimmed to its own longest row, nothing cut from it
            assert int(part["attention_mask"].sum(dim=1).max()) == part["input_ids"].shape[1]
