"""TaskEncoder with the real all-MiniLM-L6-v2 from the offline bundle (`t2l assets` prepares it)."""

from __future__ import annotations

import warnings

import pytest
import torch

from t2l.errors import T2LError
from t2l.models.encoder import TaskEncoder
from tests.helpers.specs import minilm_config

pytestmark = pytest.mark.real_assets


@pytest.fixture(scope="module")
def encoder():
    return TaskEncoder.from_config(minilm_config())


@pytest.fixture
def fresh(encoder):
    encoder.clear_cache()
    return encoder


def test_real_minilm_gives_unit_norm_384d_float32(fresh):
    emb = fresh.encode(["Answer yes or no: is this sentence about sports plausible?", "Solve the math word problem."])
    assert emb.shape == (2, 384) and emb.dtype == torch.float32 and emb.device.type == "cpu"
    torch.testing.assert_close(emb.norm(dim=-1), torch.ones(2))
    assert fresh.encode([]).shape == (0, 384)


def test_cache_returns_equal_tensors_without_recomputing(fresh, monkeypatch):
    calls: list[list[str]] = []
    real_encode = fresh.model.encode

    def counting_encode(texts, **kw):
        calls.append(list(texts))
        return real_encode(texts, **kw)

    monkeypatch.setattr(fresh.model, "encode", counting_encode)
    texts = ["Classify the sentiment of a movie review.", "Translate English to French."]
    first = fresh.encode(texts)
    second = fresh.encode(list(reversed(texts)))
    assert calls == [texts], "cached descriptions must not reach the model again"
    assert torch.equal(second, first.flip(0))
    first.zero_()  # callers own what they get back: the cache is untouched
    assert torch.equal(fresh.encode(texts[:1]), second[1:])
    mixed = fresh.encode([texts[0], "Summarise a news article.", "Summarise a news article."])
    assert calls[1:] == [["Summarise a news article."]], "only new text is encoded, repeats once"
    assert torch.equal(mixed[1], mixed[2])
    assert fresh.cache_info()["size"] == 3


def test_cache_is_bounded_lru(fresh, monkeypatch):
    monkeypatch.setattr(fresh, "cache_size", 2)
    start = fresh.cache_info()
    fresh.encode(["alpha task", "beta task"])
    fresh.encode(["alpha task"])            # alpha becomes the most recent
    fresh.encode(["gamma task"])            # evicts beta, the least recent
    info = fresh.cache_info()
    assert (info["hits"] - start["hits"], info["misses"] - start["misses"], info["size"]) == (1, 3, 2)
    fresh.encode(["alpha task", "beta task"])
    assert fresh.cache_info()["misses"] - start["misses"] == 4  # beta was gone, alpha was kept


def test_similar_descriptions_are_closer_than_unrelated(fresh):
    emb = fresh.encode([
        "Decide whether a sentence about a sports player is plausible. Answer yes or no.",
        "Is this statement about an athlete plausible? Reply with yes or no.",
        "Translate the given English sentence into German.",
    ])
    sim = emb @ emb.T
    assert sim[0, 1] > sim[0, 2] + 0.2
    assert sim[0, 1] > sim[1, 2] + 0.2


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_empty_description_is_an_error(fresh, blank):
    with pytest.raises(T2LError, match="empty task description"):
        fresh.encode(["A fine description.", blank])
    with pytest.raises(T2LError, match=r"encode\(\[text\]\)"):
        fresh.encode("a bare string, not a list")


def test_long_description_warns_with_dropped_token_count(fresh):
    long = "Answer the question about the passage carefully. " * 60  # ~480 word pieces, limit 256
    n_tokens = len(fresh.model.tokenizer(long, verbose=False)["input_ids"])
    with pytest.warns(UserWarning, match=f"{n_tokens - 256} tokens dropped"):
        emb = fresh.encode([long])
    assert emb.shape == (1, 384)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # short descriptions and cache hits stay quiet
        fresh.encode(["A short description."])
        fresh.encode([long])


def test_dimension_mismatch_names_encoder_dim():
    with pytest.raises(T2LError, match=r"encoder\.dim=1024.*set encoder\.dim=384"):
        TaskEncoder.from_config({**minilm_config(), "dim": 1024})


def test_config_is_checked_and_remote_code_only_when_asked(monkeypatch):
    with pytest.raises(T2LError, match="unknown keys"):
        TaskEncoder.from_config({**minilm_config(), "pooling": "mean"})
    seen: list[dict] = []

    class FakeST:
        """Stands in for SentenceTransformer to record how it is constructed."""

        def __init__(self, path, **kwargs):
            seen.append(kwargs)
            self.max_seq_length = 512

        def eval(self):
            return self

        def get_embedding_dimension(self):
            return 384

    import sentence_transformers

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", FakeST)
    TaskEncoder.from_config(minilm_config())
    TaskEncoder.from_config({**minilm_config(), "trust_remote_code": True})
    assert "trust_remote_code" not in seen[0]
    assert seen[1]["trust_remote_code"] is True
