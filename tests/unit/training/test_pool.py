"""The tokenised training pool: same features as tokenising directly, cached by content, rebuilt on change."""

from __future__ import annotations

import json
import shutil

import pytest

from t2l.tasks.prompts import sft_features
from t2l.tasks.registry import TaskCatalog, TaskSources
from t2l.training.pool import PackedFeatures, PoolOptions, training_pool
from t2l.training.settings import ReconObjective, SFTObjective
from tests.helpers.paths import BIGBENCH

NAMES = ["toy_choice", "toy_generate", "toy_prefixed"]


@pytest.fixture()
def catalog(tmp_path):
    root = tmp_path / "bigbench"
    shutil.copytree(BIGBENCH, root)
    return TaskCatalog(TaskSources(bigbench_dir=str(root), descriptions_dir=None))


def test_pool_options_are_the_training_settings():
    """One source of defaults: PoolOptions() is the default settings' options, and `of` copies every shaping field."""
    assert PoolOptions() == PoolOptions.of(SFTObjective()) == PoolOptions.of(ReconObjective())
    settings = SFTObjective(max_length=64, max_train_examples=7, prefix_free_fraction=0.1, described_fraction=0.2,
                            choice_weight=0.5, condition_pool=4, seed=3, val_examples=5)
    assert PoolOptions.of(settings) == PoolOptions(64, 7, 0.1, 0.2, True, 4, 3, 5)


def test_packed_features_round_trip():
    features = [{"input_ids": [5, 6, 7, 8], "labels": [-100, -100, 7, 8]}, {"input_ids": [9, 3], "labels": [-100, 3]}]
    packed = PackedFeatures.pack(features)
    assert [packed[i] for i in range(len(packed))] == features and len(packed) == 2


def test_the_pool_holds_what_direct_tokenising_gives(catalog, tiny_model, tmp_path):
    tokenizer = tiny_model[1]
    options = PoolOptions(max_length=64, max_train_examples=5)
    pool = training_pool(catalog, NAMES, tokenizer, True, options, tmp_path / "cache")
    for t, name in enumerate(NAMES):
        task = catalog.load(name)
        want = [sft_features(tokenizer, ex, True, 64) for ex in task.train[:5]]
        assert [pool.features[t][i] for i in range(len(pool.features[t]))] == want
        assert pool.descriptions[t] == task.descriptions
        assert pool.example_inputs[t] == [e.input for e in task.train[:64]]
    assert pool.cache == "built"


def test_a_second_run_reads_the_cache_and_a_change_rebuilds(catalog, tiny_model, tmp_path):
    tokenizer = tiny_model[1]
    options = PoolOptions(max_length=64, max_train_examples=5)
    first = training_pool(catalog, NAMES, tokenizer, True, options, tmp_path / "cache")
    again = training_pool(catalog, NAMES, tokenizer, True, options, tmp_path / "cache")
    assert again.cache == "hit" and again.names == first.names
    assert [[f[i] for i in range(len(f))] for f in again.features] == [[f[i] for i in range(len(f))] for f in first.features]
    assert training_pool(catalog, NAMES, tokenizer, True, PoolOptions(max_length=32, max_train_examples=5),
                         tmp_path / "cache").cache == "built"
    # Edit one task's file: its content hash changes, so the pool is rebuilt, never served stale.
    path = catalog.path_of("toy_choice")
    task = json.loads(path.read_text())
    task["examples"][0]["input"] = "An edited question?"
    path.write_text(json.dumps(task))
    edited = TaskCatalog(catalog.sources)
    rebuilt = training_pool(edited, NAMES, tokenizer, True, options, tmp_path / "cache")
    assert rebuilt.cache == "built"
    assert len(list((tmp_path / "cache").glob("pool-*.json"))) == 3


def test_a_damaged_cache_is_rebuilt(catalog, tiny_model, tmp_path):
    tokenizer = tiny_model[1]
    options = PoolOptions(max_length=64, max_train_examples=5)
    training_pool(catalog, NAMES, tokenizer, True, options, tmp_path / "cache")
    for path in (tmp_path / "cache").glob("pool-*.safetensors"):
        path.write_bytes(b"not a safetensors file")
    assert training_pool(catalog, NAMES, tokenizer, True, options, tmp_path / "cache").cache == "built"


@pytest.mark.real_assets
def test_example_embeddings_are_cached_beside_the_pool(catalog, tiny_model, tmp_path):
    import torch

    from t2l.models.encoder import TaskEncoder
    from t2l.training.pool import cached_example_embeddings
    from tests.helpers.specs import minilm_config

    pool = training_pool(catalog, NAMES, tiny_model[1], True, PoolOptions(max_length=64, condition_pool=4),
                         tmp_path / "cache")
    encoder = TaskEncoder.from_config(minilm_config())
    first = cached_example_embeddings(pool, encoder, "minilm")
    assert len(list((tmp_path / "cache").glob("*.inputs-*.safetensors"))) == 1
    encoder.clear_cache()
    misses = encoder.misses
    again = cached_example_embeddings(pool, encoder, "minilm")
    assert encoder.misses == misses, "the second call must read the file, not encode"
    assert all(torch.equal(a, b) for a, b in zip(first, again))
    assert [len(r) for r in first] == [min(4, len(i)) for i in pool.example_inputs]
