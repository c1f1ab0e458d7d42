"""encoder=base_model: the real SmolLM2's mean-pooled hidden states as task embeddings."""

from __future__ import annotations

import pytest
import torch
import yaml

from t2l.errors import T2LError
from t2l.models.encoder import TaskEncoder
from tests.helpers.paths import CONF

pytestmark = pytest.mark.real_assets


def config() -> dict:
    return yaml.safe_load((CONF / "encoder" / "base_model.yaml").read_text())


def test_pooled_states_of_the_real_base_model():
    encoder = TaskEncoder.from_config(config())
    texts = ["Answer questions about dates.", "Translate English words into French.", "Answer questions about dates."]
    emb = encoder.encode(texts)
    assert emb.shape == (3, 576) and torch.allclose(emb.norm(dim=-1), torch.ones(3), atol=1e-5)
    assert torch.equal(emb[0], emb[2]) and float(emb[0] @ emb[1]) < 0.999
    # Padding does not change a text's embedding: alone or next to a much longer text, the same vector.
    alone = encoder._embed(["Answer questions about dates."])
    padded = encoder._embed(["Answer questions about dates.", "A much longer text " * 20])
    assert torch.allclose(alone[0], padded[0], atol=1e-4)


def test_unknown_kind_is_named():
    with pytest.raises(T2LError, match="encoder.kind 'llm' is unknown"):
        TaskEncoder.from_config({**config(), "kind": "llm"})
