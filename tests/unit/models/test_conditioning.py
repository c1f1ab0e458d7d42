"""Conditioning on example inputs: pooling, combining with a description, T2L.generate(examples=...)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from t2l.errors import T2LError
from t2l.models.conditioning import (
    check_condition,
    combine,
    encode_examples,
    pool_examples,
)
from tests.unit.models.test_bundle import make_t2l

pytestmark = pytest.mark.real_assets  # MiniLM from the offline bundle

DATES = ["Q: Today is 3/4/2001. What is the date tomorrow?", "Q: Yesterday was 12/31/1999. What is today?"]
SPORTS = ["Statement: The striker headed the ball into the net. Plausible/implausible?"]


def test_pooling_is_a_unit_mean_direction():
    emb = F.normalize(torch.randn(2, 5, 8), dim=-1)
    pooled = pool_examples(emb)
    assert pooled.shape == (2, 8) and torch.allclose(pooled.norm(dim=-1), torch.ones(2))
    assert torch.allclose(pooled, F.normalize(emb.mean(dim=1), dim=-1))


def test_both_weighs_description_and_examples_equally():
    a, b = F.normalize(torch.randn(3, 8), dim=-1), F.normalize(torch.randn(3, 8), dim=-1)
    both = combine(a, b)
    assert torch.allclose((both * a).sum(-1), (both * b).sum(-1), atol=1e-6)
    assert combine(a, None) is a and combine(None, b) is b
    with pytest.raises(T2LError, match="nothing to condition on"):
        combine(None, None)
    with pytest.raises(T2LError, match="choose one of"):
        check_condition("labels")


def test_generate_from_examples_matches_the_pooled_embedding():
    t2l = make_t2l()
    got = t2l.generate(examples=[DATES, SPORTS])
    pooled = encode_examples(t2l.encoder, [DATES, SPORTS])
    with torch.no_grad():
        want = t2l.hypernet(pooled)
    for key in want:
        assert torch.allclose(got[key], want[key], atol=1e-6), key
    both = t2l.generate(["Answer questions about dates.", "Judge sports statements."], examples=[DATES, SPORTS])
    assert not torch.allclose(both["q_proj.B"], got["q_proj.B"])


@pytest.mark.parametrize("examples, message", [([[]], "no usable inputs"), ([["  "]], "no usable inputs"),
                                               (["a single string"], "no usable inputs")])
def test_example_sets_without_inputs_are_refused(examples, message):
    with pytest.raises(T2LError, match=message):
        make_t2l().generate(examples=examples)


def test_descriptions_and_example_sets_must_pair_up():
    with pytest.raises(T2LError, match="2 descriptions but 1 example sets"):
        make_t2l().generate(["a", "b"], examples=[DATES])
