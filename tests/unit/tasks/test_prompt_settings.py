"""The prompt settings: the task's own instruction, the input alone (`bare`), or a description before it
(`described`: the prompting baseline)."""

from __future__ import annotations

import pytest

from t2l.tasks.bigbench import load_bigbench_task
from t2l.tasks.prompts import in_bare_share, in_setting, without_task_prefix
from t2l.tasks.schema import Example, split_task
from tests.helpers.paths import BIGBENCH


@pytest.fixture(scope="module")
def prefixed():
    return split_task(load_bigbench_task("toy_prefixed", BIGBENCH), 0)


def test_bare_drops_the_task_prefix_and_keeps_the_split(prefixed):
    prefix = prefixed.meta["task_prefix"].strip()
    assert prefix and all(e.input.startswith(prefix) for e in prefixed.test)
    bare = in_setting(prefixed, "bare")
    for full, stripped in zip(prefixed.test, bare.test):
        assert not stripped.input.startswith(prefix) and full.input.endswith(stripped.input)
        assert (stripped.choices, stripped.answers, stripped.targets) == (full.choices, full.answers, full.targets)
    assert len(bare.train) == len(prefixed.train) and in_setting(prefixed, "task") is prefixed


def test_a_task_without_a_prefix_is_unchanged():
    task = split_task(load_bigbench_task("toy_choice", BIGBENCH), 0)
    assert in_setting(task, "bare").test == task.test


def test_an_input_that_is_only_the_prefix_is_kept():
    example = Example(input="Answer this.", targets=("x",))
    assert without_task_prefix(example, "Answer this.") is example


def test_unknown_setting_is_named(prefixed):
    with pytest.raises(ValueError, match=r"choose one of \['task', 'bare', 'described'\]"):
        in_setting(prefixed, "none")


def test_the_bare_share_is_seeded_and_close_to_its_fraction():
    draws = [in_bare_share(0, "t", i, 0.3) for i in range(2000)]
    assert 0.25 < sum(draws) / len(draws) < 0.35
    assert draws == [in_bare_share(0, "t", i, 0.3) for i in range(2000)]
    assert not any(in_bare_share(0, "t", i, 0.0) for i in range(100))


def test_described_puts_a_rotated_description_before_the_bare_input(prefixed):
    import dataclasses

    task = dataclasses.replace(prefixed, descriptions=["First wording.", "Second wording."])
    bare, described = in_setting(task, "bare"), in_setting(task, "described")
    for i, (plain, shown) in enumerate(zip(bare.test, described.test)):
        assert shown.input == ["First wording.", "Second wording."][i % 2] + "\n\n" + plain.input
        assert (shown.choices, shown.answers, shown.targets) == (plain.choices, plain.answers, plain.targets)
    with pytest.raises(ValueError, match="no description to place before its inputs"):
        in_setting(dataclasses.replace(prefixed, descriptions=[]), "described")
