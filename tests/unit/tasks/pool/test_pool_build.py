"""The generated pool as a whole: sizes, split lists, cache, refusals, and the behavioural contamination check."""

from __future__ import annotations

import dataclasses

import pytest

from t2l.errors import T2LError
from t2l.package_data import DATA_DIR
from t2l.tasks.pool import build
from t2l.tasks.pool.__main__ import SPLITS, split_text
from t2l.tasks.pool.contamination import MAX_SHARE, contamination_report
from t2l.tasks.pool.core import MIN_DESCRIPTIONS, MIN_EXAMPLES, MIN_HELDOUT_EXAMPLES, Family, build_examples

MIN_POOL_TASKS, MIN_FAMILIES, MIN_HELDOUT_TASKS = 300, 40, 24


@pytest.fixture(scope="module")
def tasks():
    return build.pool_tasks()


def test_the_pool_is_as_large_as_promised(tasks):
    pool, held = build.pool_names(False), build.pool_names(True)
    assert len(build.all_families()) >= MIN_FAMILIES
    assert len(pool) >= MIN_POOL_TASKS
    assert len(held) >= MIN_HELDOUT_TASKS
    assert all(len(tasks[n].examples) >= MIN_EXAMPLES for n in pool)
    assert all(len(tasks[n].examples) >= MIN_HELDOUT_EXAMPLES for n in held)
    assert all(len(tasks[n].descriptions) >= MIN_DESCRIPTIONS for n in pool)
    assert {tasks[n].metric for n in pool} == {"mc", "gen"}


def test_inputs_are_shared_between_sibling_tasks(tasks):
    """The point of the pool: the same input text is asked for different things by different tasks."""
    askers: dict[str, set[str]] = {}
    for name in build.pool_names(False):
        for example in tasks[name].examples:
            askers.setdefault(example.input, set()).add(name)
    shared = [text for text, names in askers.items() if len(names) >= 5]
    assert len(shared) >= 500, f"only {len(shared)} inputs are read by 5 or more pool tasks"


def test_split_lists_match_the_code():
    for split in SPLITS:
        path = DATA_DIR / "splits" / f"{split}.txt"
        assert path.read_text(encoding="utf-8") == split_text(split), f"re-run `python -m t2l.tasks.pool` ({path})"


def test_examples_do_not_depend_on_the_run(tasks):
    name = build.pool_names(False)[0]
    again = build.build_task(name)
    assert again.examples == tasks[name].examples
    assert build.code_hash(seed=1) != build.code_hash(seed=0)


def test_no_pool_task_reproduces_a_heldout_task(tasks):
    rows = contamination_report(tasks=tasks)
    assert {r.heldout_task for r in rows} == set(build.pool_names(True)) - _heldout_without_siblings()
    worst = max(rows, key=lambda r: r.share)
    assert worst.share <= MAX_SHARE, f"{worst.pool_task} gives {worst.share:.0%} of {worst.heldout_task}'s gold answers"


def _heldout_without_siblings() -> set[str]:
    """Held-out tasks over an input kind that no pool task reads (nothing to compare with)."""
    pool_kinds = {fam.inputs for fam in build.all_families() if fam.variants}
    return {n for n, (fam, _, h) in build.task_index().items() if h and fam.inputs not in pool_kinds}


def test_contamination_check_catches_a_planted_copy(tasks):
    """A pool task that is a held-out task under another name is caught by behaviour, not by name."""
    index = dict(build.task_index())
    held = build.pool_names(True)[0]
    fam, params, _ = index[held]
    index["innocent_looking_name"] = (fam, params, False)
    rows = [r for r in contamination_report(index=index, tasks=tasks) if r.pool_task == "innocent_looking_name"]
    planted = next(r for r in rows if r.heldout_task == held)
    assert planted.share == 1.0 > MAX_SHARE


def _tiny_family(**changes) -> Family:
    base = Family(name="tiny_double", inputs="number", answer=lambda text: str(2 * int(text)),
                  oracle=lambda text: str(int(text) + int(text)), variants={"tiny_double": {}},
                  descriptions=tuple(f"Double it, way {i}." for i in range(16)))
    return dataclasses.replace(base, **changes)


def test_an_oracle_that_disagrees_refuses_naming_the_family():
    broken = _tiny_family(oracle=lambda text: str(2 * int(text) + (text == "7")))
    with pytest.raises(T2LError, match=r"pool family 'tiny_double' \(.*test_pool_build\.py\).*input '7'.*oracle"):
        build_examples(broken, "tiny_double", {}, [str(i) for i in range(1, 50)], seed=0)


def test_a_refused_build_writes_no_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("T2L_HOME", str(tmp_path))
    broken = _tiny_family(oracle=lambda text: "0")
    monkeypatch.setattr(build, "task_index", lambda: {"tiny_double": (broken, {}, False)})
    build.pool_tasks.cache_clear()
    try:
        with pytest.raises(T2LError, match="tiny_double"):
            build.pool_tasks()
    finally:
        build.pool_tasks.cache_clear()
    assert not list(tmp_path.rglob("*.json.gz")) and not list(tmp_path.rglob("*.tmp*"))


def test_the_cache_is_written_once_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("T2L_HOME", str(tmp_path))
    fine = _tiny_family(examples=200)
    monkeypatch.setattr(build, "task_index", lambda: {"tiny_double": (fine, {}, False)})
    build.pool_tasks.cache_clear()
    try:
        built = build.pool_tasks()
        [path] = (tmp_path / "pool").glob("pool-*.json.gz")
        build.pool_tasks.cache_clear()
        assert build.pool_tasks() == built
    finally:
        build.pool_tasks.cache_clear()
    assert path.name == f"pool-{build.code_hash()}.json.gz"


def test_too_few_examples_or_descriptions_are_refused(monkeypatch):
    few = _tiny_family(descriptions=("Double it.",))
    monkeypatch.setattr(build, "task_index", lambda: {"tiny_double": (few, {}, False)})
    with pytest.raises(T2LError, match=r"'tiny_double' .* 1 distinct descriptions, fewer than 16"):
        build.build_task("tiny_double")
    narrow = _tiny_family(answer=lambda text: str(2 * int(text)) if int(text) < 100 else None,
                          oracle=lambda text: str(2 * int(text)) if int(text) < 100 else None)
    monkeypatch.setattr(build, "task_index", lambda: {"tiny_double": (narrow, {}, False)})
    with pytest.raises(T2LError, match=r"'tiny_double' .* 99 examples, fewer than 200"):
        build.build_task("tiny_double")


def test_a_description_slot_without_a_param_is_refused():
    fam = _tiny_family(descriptions=("Double the {what}.",))
    with pytest.raises(T2LError, match=r"'tiny_double' .*names 'what'"):
        fam.describe({})


def test_labels_are_balanced_and_distractors_are_wrong():
    parity = _tiny_family(answer=lambda text: "yes" if int(text) % 2 == 0 else "no",
                          oracle=lambda text: "no" if text[-1] in "13579" else "yes", labels=("yes", "no"), examples=40)
    examples = build_examples(parity, "tiny_even", {}, [str(i) for i in range(1, 100)], seed=0)
    assert [e.target for e in examples[:4]] == ["yes", "no", "yes", "no"] and len(examples) == 40
    doubled = _tiny_family(distractors=3, examples=30)
    for example in build_examples(doubled, "tiny_double", {}, [str(i) for i in range(1, 100)], seed=0):
        assert len(set(example.choices)) == 4 and example.target == str(2 * int(example.input))


def test_an_evaluation_description_in_the_pool_is_refused(tmp_path, monkeypatch):
    """A held-out task's evaluation text among a pool task's descriptions: refused naming the family's file,
    and no cache is written."""
    from t2l.tasks.descriptions import EVAL_BANK, DescriptionBank

    leaked = sorted(DescriptionBank.read(EVAL_BANK).tasks["letter_at_2"])[0]
    fam = _tiny_family(descriptions=tuple(f"Double it, way {i}." for i in range(16)) + (leaked,))
    monkeypatch.setenv("T2L_HOME", str(tmp_path))
    monkeypatch.setattr(build, "task_index", lambda: {"tiny_double": (fam, {}, False)})
    build.pool_tasks.cache_clear()
    try:
        with pytest.raises(T2LError, match=r"pool task 'tiny_double' \(.*test_pool_build\.py\) is described by an "
                                           r"evaluation description.*contamination; reword"):
            build.pool_tasks()
    finally:
        build.pool_tasks.cache_clear()
    assert not list(tmp_path.rglob("*.json.gz")) and not list(tmp_path.rglob("*.tmp*"))
