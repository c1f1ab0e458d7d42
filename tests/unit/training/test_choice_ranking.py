"""The choice-ranking term of T2L-SFT and what feeds it: choice rows, their collation, the loss, the pool cache.

The loss must rank exactly what multiple-choice evaluation ranks: the scores inside it are checked
against t2l.eval.scoring.score_choices on the same model.
"""

from __future__ import annotations

import shutil

import pytest
import torch
import torch.nn.functional as F

from t2l.eval.scoring import prediction_share, score_choices
from t2l.tasks.batching import choice_batch, task_batch
from t2l.tasks.prompts import build_prompt, choice_features, continuation, training_view
from t2l.tasks.registry import TaskCatalog, TaskSources
from t2l.tasks.schema import Example, Task
from t2l.training.distributed import local_rows
from t2l.training.losses import choice_loss_terms
from t2l.training.pool import PackedChoices, PoolOptions, training_pool
from tests.helpers.paths import BIGBENCH

MC = [Example(input="Is snow white?", choices=("yes", "no"), answers=(0,)),
      Example(input="Which is a fruit?", choices=("stone", "pear", "cloud"), answers=(1,))]


def test_choice_rows_are_the_prompt_then_each_choice_labelled(tiny_model):
    tokenizer = tiny_model[1]
    rows = choice_features(tokenizer, MC[1], True, 64)
    prompt = tokenizer(build_prompt(tokenizer, MC[1].input, True), add_special_tokens=False)["input_ids"]
    assert len(rows) == 3
    for row, choice in zip(rows, MC[1].choices):
        answer = tokenizer(continuation(choice, True), add_special_tokens=False)["input_ids"]
        assert row["input_ids"] == prompt + answer
        assert row["labels"] == [-100] * len(prompt) + answer   # no EOS: evaluation scores none


def test_a_long_prompt_loses_its_beginning_never_the_choice(tiny_model):
    tokenizer = tiny_model[1]
    long = Example(input="word " * 200 + "yes or no?", choices=("yes", "no"), answers=(1,))
    for row in choice_features(tokenizer, long, True, 32):
        assert len(row["input_ids"]) == 32 and row["labels"][-1] != -100


def choice_items(tokenizer):
    """Per task a PackedChoices: task 0 holds the two MC examples, task 1 a free-text one."""
    per_task = [PackedChoices.pack([(choice_features(tokenizer, ex, True, 64), ex.answer) for ex in MC]),
                PackedChoices.pack([([], -1)])]
    return per_task, [(0, 1), (1, 0), (0, 0)]


def test_the_collated_choice_batch_groups_rows_by_example(tiny_model):
    tokenizer = tiny_model[1]
    per_task, items = choice_items(tokenizer)
    batch = choice_batch(items, {0: 0, 1: 1}, per_task, tokenizer.pad_token_id)
    assert batch["group"].tolist() == [0, 0, 0, 2, 2]          # item 1 is free text: no rows
    assert batch["gold"].tolist() == [False, True, False, True, False]
    assert batch["rows"].tolist() == [0] * 5
    assert choice_batch([(1, 0)], {1: 0}, per_task, tokenizer.pad_token_id) is None


def test_the_loss_ranks_the_scores_evaluation_ranks(tiny_model):
    model, tokenizer, _ = tiny_model
    per_task, items = choice_items(tokenizer)
    batch = choice_batch(items, {0: 0, 1: 1}, per_task, tokenizer.pad_token_id)
    with torch.no_grad():
        total, count = choice_loss_terms(model, batch)
        order = [MC[1], MC[0]]   # the items' MC examples, in batch order
        scores = score_choices(model, tokenizer, [build_prompt(tokenizer, ex.input, True) for ex in order],
                               [[continuation(c, True) for c in ex.choices] for ex in order])
    want = sum(F.cross_entropy(torch.tensor([[s for s, _ in sc]]), torch.tensor([ex.answer]))
               for sc, ex in zip(scores, order))
    assert int(count) == 2
    assert abs(float(total) - float(want)) < 1e-3


def test_the_loss_trains_a_choice_up(tiny_model):
    """One gradient step on the term raises the gold choice's share of each example's choices."""
    import copy

    model, tokenizer, _ = tiny_model
    model = copy.deepcopy(model).requires_grad_(True)   # the fixture's base is frozen
    per_task, items = choice_items(tokenizer)
    batch = choice_batch(items, {0: 0, 1: 1}, per_task, tokenizer.pad_token_id)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
    before = float(choice_loss_terms(model, batch)[0])
    choice_loss_terms(model, batch)[0].backward()
    optimizer.step()
    assert float(choice_loss_terms(model, batch)[0]) < before


def test_a_rank_without_mc_rows_gets_none(tiny_model):
    tokenizer = tiny_model[1]
    per_task, _ = choice_items(tokenizer)
    batch = choice_batch([(0, 0), (1, 0)], {0: 0, 1: 1}, per_task, tokenizer.pad_token_id)
    batch["task_ids"] = [0, 1]
    assert local_rows(batch, 1, 2, allow_empty=True) is None
    assert local_rows(batch, 0, 2, allow_empty=True)["group"].tolist() == [0, 0]


def test_task_batch_carries_the_choice_part_only_when_asked(tiny_model):
    tokenizer = tiny_model[1]
    per_task, items = choice_items(tokenizer)
    features = [[{"input_ids": [1, 2], "labels": [-100, 2]}] * 2, [{"input_ids": [3], "labels": [3]}]]
    assert "choice" not in task_batch(items, features, 0)
    assert task_batch(items, features, 0, choices=per_task)["choice"]["group"].tolist() == [0, 0, 0, 2, 2]


@pytest.fixture()
def catalog(tmp_path):
    root = tmp_path / "bigbench"
    shutil.copytree(BIGBENCH, root)
    return TaskCatalog(TaskSources(bigbench_dir=str(root), descriptions_dir=None))


def test_the_pool_caches_choice_rows(catalog, tiny_model, tmp_path):
    tokenizer = tiny_model[1]
    options = PoolOptions(max_length=64, max_train_examples=4, choices=True)
    built = training_pool(catalog, ["toy_choice", "toy_generate"], tokenizer, True, options, tmp_path / "cache")
    read = training_pool(catalog, ["toy_choice", "toy_generate"], tokenizer, True, options, tmp_path / "cache")
    assert (built.cache, read.cache) == ("built", "hit")
    task = catalog.load("toy_choice")
    for i, ex in enumerate(task.train[:4]):
        want = (choice_features(tokenizer, ex, True, 64), ex.answer)
        assert built.choices[0].rows_of(i) == want and read.choices[0].rows_of(i) == want
    assert read.choices[1].rows_of(0) == ([], -1)   # free text
    plain = training_pool(catalog, ["toy_choice"], tokenizer, True, PoolOptions(max_length=64, max_train_examples=4))
    assert plain.choices == []


def test_the_described_share_puts_a_training_description_first():
    task = Task(name="t", source="test", descriptions=["Say yes.", "Answer yes."], metric="gen",
                train=[Example(input=f"q{i}", targets=("yes",)) for i in range(400)], validation=[], test=[])
    shown = [training_view(task, i, 0, 0.0, 0.25) for i in range(400)]
    described = [ex for ex in shown if ex.input != f"q{shown.index(ex)}"]
    assert 70 < len(described) < 130
    assert all(ex.input.split("\n\n")[0] in task.descriptions for ex in described)
    assert shown == [training_view(task, i, 0, 0.0, 0.25) for i in range(400)]   # seeded, not random
    assert all(training_view(task, i, 0, 0.0, 0.0) == task.train[i] for i in range(400))


def test_prediction_share_reads_choices_and_outputs():
    assert prediction_share([{"choices": ["a", "b"], "pred": 1}, {"choices": ["a", "b"], "pred": 1}]) == 1.0
    assert prediction_share([{"output": " x "}, {"output": "x"}, {"output": "y"}, {"output": "z"}]) == 0.5
