"""Descriptions of the generated pool (in code, per family) and of the held-out described suite (the
evaluation bank): counts, no near-duplicates by the real encoder, no evaluation text in training."""

from __future__ import annotations

import random

import pytest

from t2l.tasks.descriptions import EVAL_BANK, DescriptionBank, normalise_text
from t2l.tasks.pool import build

MIN_EVAL_DESCRIPTIONS = 7


@pytest.fixture(scope="module")
def eval_bank():
    return DescriptionBank.read(EVAL_BANK)


@pytest.fixture(scope="module")
def tasks():
    return build.pool_tasks()


def test_every_heldout_described_task_has_7_evaluation_descriptions(eval_bank):
    for name in build.pool_names(heldout=True):
        texts, replace = eval_bank.for_task(name)
        assert len({normalise_text(t) for t in texts}) >= MIN_EVAL_DESCRIPTIONS, name


def test_no_pool_description_is_an_evaluation_description(tasks, eval_bank):
    evaluation = eval_bank.texts()
    for name in build.pool_names(heldout=False):
        shared = {normalise_text(t) for t in tasks[name].descriptions} & evaluation
        assert not shared, f"pool task {name} is trained on evaluation text {sorted(shared)[0]!r}"


def test_sibling_variants_are_described_differently(tasks):
    """A description must say which sibling it is about: no text is shared by two tasks of one family."""
    for fam in build.all_families():
        seen: dict[str, str] = {}
        for name in fam.variants:
            for text in tasks[name].descriptions:
                assert seen.setdefault(normalise_text(text), name) == name, (text, name, seen[normalise_text(text)])


@pytest.mark.real_assets
def test_no_near_duplicates_by_the_real_encoder(tasks):
    """Within a pool task's set, no two descriptions closer than cosine 0.95 by MiniLM (the training encoder):
    the rule the BIG-bench bank was cleaned with (t2l/data/descriptions/README.md). Checked here on every family's
    first variant plus a seeded sample of 40 other tasks (all 364 take ~6 minutes on 2 cores; the whole pool
    was checked with the same rule when its descriptions were written, docs/tasks.md)."""
    from t2l.models.encoder import TaskEncoder
    from tests.helpers.specs import minilm_config

    encoder = TaskEncoder.from_config(minilm_config())
    firsts = {next(iter(fam.variants)) for fam in build.all_families() if fam.variants}
    others = sorted(set(build.pool_names(heldout=False)) - firsts)
    for name in sorted(firsts) + random.Random(0).sample(others, 40):
        texts = tasks[name].descriptions
        emb = encoder.encode(texts)
        cos = emb @ emb.T
        cos.fill_diagonal_(0)
        assert float(cos.max()) <= 0.95, (name, texts[int(cos.max(dim=1).values.argmax())])
