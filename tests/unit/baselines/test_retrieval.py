"""Retrieval baselines with the real MiniLM encoder and a library of tiny random adapters.

The library's descriptions are the real BIG-bench task.json descriptions of those tasks, so "the
paraphrase finds its task" is a check of the real embedding space, not of a stub.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from t2l.baselines.retrieval import RetrievalIndex, mean_adapter
from t2l.errors import T2LError
from t2l.lora.library import Library
from t2l.lora.spec import LoRASpec
from tests.helpers.specs import base_spec, minilm_config

pytestmark = pytest.mark.real_assets  # MiniLM and the tiny model's spec come from the offline bundle

DESCRIPTIONS = {
    "intent_recognition": ["Predict the intent of an utterance"],
    "sports_understanding": ["Determine whether an artificially constructed sentence relating to sports is "
                             "plausible or implausible"],
    "navigate": ["Given a series of navigation instructions, determine whether one would end up back at the "
                 "starting point"],
    "date_understanding": ["Infer the date from context", "Work out a date from the clues in a short story"],
    "emoji_movie": ["Guess popular movies from their emoji descriptions"],
    "hindu_knowledge": ["Answer questions about Hindu mythology"],
}


def random_weights(spec: LoRASpec, seed: int) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return {f"{m}.{ab}": torch.randn(spec.num_layers, *(spec.a_shape(m) if ab == "A" else spec.b_shape(m)),
                                     generator=gen)
            for m in spec.target_modules for ab in "AB"}


@pytest.fixture(scope="module")
def encoder():
    from t2l.models.encoder import TaskEncoder

    return TaskEncoder.from_config(minilm_config())


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    tiny = base_spec("tiny_random")
    lib = Library(tmp_path_factory.mktemp("library"), tiny, LoRASpec.for_base(tiny))
    for seed, (name, texts) in enumerate(DESCRIPTIONS.items()):
        lib.add("tasks", name, random_weights(lib.spec, seed), {"descriptions": texts})
    # An oracle adapter sits beside them with the query's exact words: it must never be retrieved.
    lib.add("oracle", "oracle_intent", random_weights(lib.spec, 99), {"descriptions": ["Predict the intent of an utterance"]})
    return lib


@pytest.fixture(scope="module")
def index(library, encoder):
    return RetrievalIndex(library, encoder)


def saved(library: Library, name: str) -> dict[str, torch.Tensor]:
    seed = list(DESCRIPTIONS).index(name)
    return random_weights(library.spec, seed)


def test_paraphrase_retrieves_its_task(index, library):
    hit = index.retrieve("Work out what a speaker wants to achieve with what they say.", k=3)
    assert hit.tasks[0] == "intent_recognition"
    assert len(hit.tasks) == 3 and len(set(hit.tasks)) == 3 and "oracle_intent" not in hit.tasks
    assert hit.similarities == sorted(hit.similarities, reverse=True)
    want = saved(library, "intent_recognition")
    assert set(hit.top1) == set(want)
    for key in want:
        torch.testing.assert_close(hit.top1[key], want[key], rtol=0, atol=0)
    assert index.retrieve("Which film do these emoji describe?", k=1).tasks == ["emoji_movie"]


def test_similarities_are_cosines_of_mean_task_embeddings(index, encoder):
    query = "Figure out today's date from a story"
    ranked = dict(index.rank(query))
    q = encoder.encode([query])[0]
    for name, texts in DESCRIPTIONS.items():
        task = F.normalize(encoder.encode(texts).mean(0), dim=-1)  # mean of descriptions, renormalised
        assert ranked[name] == pytest.approx(float(task @ q), abs=1e-5)
    assert max(ranked, key=ranked.get) == "date_understanding"


def test_topk_mixture_is_the_mean_of_the_chosen_adapters(index, library):
    hit = index.retrieve("Decide if a statement about an athlete is plausible", k=3)
    assert hit.tasks[0] == "sports_understanding"
    chosen = [saved(library, name) for name in hit.tasks]
    for key in chosen[0]:
        by_hand = (chosen[0][key] + chosen[1][key] + chosen[2][key]) / 3
        assert hit.mixture[key].shape == (library.spec.num_layers, *by_hand.shape[1:])
        torch.testing.assert_close(hit.mixture[key], by_hand, rtol=1e-6, atol=1e-6)
    one = index.retrieve("Decide if a statement about an athlete is plausible", k=1)
    for key in one.top1:
        torch.testing.assert_close(one.mixture[key], one.top1[key], rtol=0, atol=0)


def test_own_task_is_left_out(index):
    query = "Predict the intent of an utterance"
    assert index.retrieve(query, k=1).tasks == ["intent_recognition"]
    held_out = index.retrieve(query, k=5, task="intent_recognition")
    assert "intent_recognition" not in held_out.tasks and len(held_out.tasks) == 5
    assert index.retrieve(query, k=1, task="not_in_library").tasks == ["intent_recognition"]


def test_errors_name_the_fix(index, library, encoder, tmp_path):
    with pytest.raises(T2LError, match=r"needs at least 7 library tasks .* offers 6; lower k"):
        index.retrieve("Predict the intent of an utterance", k=7)
    with pytest.raises(T2LError, match=r"offers 5 after leaving out \['navigate'\]"):
        index.retrieve("Predict the intent of an utterance", k=6, task="navigate")
    for bad in (0, -1, 1.5):
        with pytest.raises(T2LError, match="positive integer"):
            index.retrieve("Predict the intent of an utterance", k=bad)
    with pytest.raises(T2LError, match="needs a task description"):
        index.rank([])
    empty = Library(tmp_path / "empty", library.base, library.spec)
    with pytest.raises(T2LError, match="no task adapters .*t2l library import"):
        RetrievalIndex(empty, encoder)   # what the benchmark builds (t2l.app.benchmark), refused before any query
    with pytest.raises(T2LError, match="zero adapters"):
        mean_adapter([])


def test_mean_adapter_keeps_dtype():
    a = {"q_proj.A": torch.full((1, 2, 3), 1.0, dtype=torch.bfloat16)}
    b = {"q_proj.A": torch.full((1, 2, 3), 2.0, dtype=torch.bfloat16)}
    mean = mean_adapter([a, b])["q_proj.A"]
    assert mean.dtype == torch.bfloat16 and torch.all(mean == 1.5)
    with pytest.raises(T2LError, match="share one LoRASpec"):
        mean_adapter([a, {"v_proj.A": a["q_proj.A"]}])
