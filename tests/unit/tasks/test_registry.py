"""TaskCatalog across sources: selection by list / split, exclusions, descriptions, name errors."""

import json
from pathlib import Path

import pytest

from t2l.errors import T2LError
from t2l.tasks.descriptions import DescriptionBank
from t2l.tasks.generated import GENERATED   # the generated source is on by default
from t2l.tasks.registry import (
    TaskCatalog,
    TaskSources,
    read_name_list,
)
from tests.helpers.paths import BIGBENCH, DATA, FIXTURES

TOY_GEN = FIXTURES / "local" / "toy_gen.jsonl"
FIXTURE_NAMES = ["toy_broken", "toy_choice", "toy_empty", "toy_family", "toy_family:sub_a", "toy_family:sub_b",
                 "toy_gen", "toy_generate", "toy_prefixed"]


@pytest.fixture
def dirs(tmp_path):
    descriptions, splits = tmp_path / "descriptions", tmp_path / "splits"
    descriptions.mkdir()
    splits.mkdir()
    return descriptions, splits


def _catalog(dirs, **kwargs) -> TaskCatalog:
    descriptions, splits = dirs
    return TaskCatalog(TaskSources(bigbench_dir=str(BIGBENCH), local_files=[str(TOY_GEN)],
                                   descriptions_dir=str(descriptions), splits_dir=str(splits), **kwargs))


def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


# ------------------------------------------------------------------ listing and selection

def test_names_span_every_source(dirs):
    catalog = _catalog(dirs, pool=False)   # the generated pool's names: tests/unit/tasks/pool
    assert catalog.names() == sorted(FIXTURE_NAMES + list(GENERATED))
    assert _catalog(dirs, generated=False, pool=False).names() == FIXTURE_NAMES
    assert catalog.load("toy_gen").source == "local"
    task = catalog.load("toy_family:sub_a")
    assert task.source == "bigbench" and len(task.train) + len(task.validation) + len(task.test) == 5


def test_select_by_list_keeps_order_and_drops_duplicates(dirs):
    catalog = _catalog(dirs)
    assert catalog.select(tasks=["toy_gen", "toy_choice", "toy_gen"]) == ["toy_gen", "toy_choice"]


def test_select_by_named_split_and_by_path(dirs, tmp_path):
    _, splits = dirs
    (splits / "mine.txt").write_text("# my tasks\ntoy_choice\n\ntoy_gen  # a local one\n")
    catalog = _catalog(dirs)
    assert catalog.select(split="mine") == ["toy_choice", "toy_gen"]
    listed = tmp_path / "elsewhere" / "list.txt"
    listed.parent.mkdir()
    listed.write_text("toy_family:sub_b\ntoy_prefixed\n")
    assert catalog.select(split=str(listed)) == ["toy_family:sub_b", "toy_prefixed"]
    # An explicit list wins over a split.
    assert catalog.select(tasks=["toy_generate"], split=str(listed)) == ["toy_generate"]


def test_exclusion_wins_over_inclusion(dirs, tmp_path):
    catalog = _catalog(dirs)
    chosen = ["toy_choice", "toy_generate", "toy_gen", "toy_prefixed"]
    assert catalog.select(tasks=chosen, exclude=["toy_generate"]) == ["toy_choice", "toy_gen", "toy_prefixed"]
    exclude_file = tmp_path / "exclude.txt"
    exclude_file.write_text("# never these\ntoy_choice\ntoy_prefixed\n")
    assert catalog.select(tasks=chosen, exclude=["toy_gen"], exclude_file=str(exclude_file)) == ["toy_generate"]
    listed = tmp_path / "list.txt"
    listed.write_text("\n".join(chosen) + "\n")
    assert catalog.select(split=str(listed), exclude_file=str(exclude_file)) == ["toy_generate", "toy_gen"]
    assert catalog.select(tasks=["toy_choice"], exclude=["toy_choice"]) == []


def test_no_selection_is_an_error(dirs):
    with pytest.raises(T2LError, match=r"no tasks chosen; pass tasks=\[a,b\] or split=NAME"):
        _catalog(dirs).select()


def test_unknown_task_suggests_close_name(dirs):
    catalog = _catalog(dirs)
    with pytest.raises(T2LError) as err:
        catalog.select(tasks=["toy_choice", "toy_choise"])
    assert str(err.value).startswith("unknown task 'toy_choise'; did you mean toy_choice")
    with pytest.raises(T2LError, match="unknown task 'zzzz'; list tasks with `t2l tasks`"):
        catalog.load("zzzz")


def test_unknown_task_in_split_file(dirs, tmp_path):
    listed = tmp_path / "list.txt"
    listed.write_text("toy_choice\ntoy_genrate\n")
    with pytest.raises(T2LError, match="unknown task 'toy_genrate'; did you mean toy_generate"):
        _catalog(dirs).select(split=str(listed))


def test_unknown_split_lists_known_splits(dirs):
    _, splits = dirs
    (splits / "alpha.txt").write_text("toy_choice\n")
    (splits / "beta.txt").write_text("toy_gen\n")
    (splits / "notes.md").write_text("not a split\n")
    with pytest.raises(T2LError) as err:
        _catalog(dirs).select(split="gamma")
    assert str(err.value) == "unknown task split 'gamma'; choose one of ['alpha', 'beta'] or give a file path"


def test_default_splits_dir_is_the_package_data():
    sources = TaskSources()
    assert Path(sources.splits_dir) == DATA / "splits"
    assert read_name_list(Path(sources.splits_dir) / "heldout_bbh.txt")[0] == "bbh:boolean_expressions"
    assert read_name_list(Path(sources.splits_dir) / "heldout_bigbench.txt")[0] == "date_understanding"


# ------------------------------------------------------------------ descriptions

def test_descriptions_extend_by_default(dirs):
    descriptions, _ = dirs
    _jsonl(descriptions / "extra.jsonl", [
        {"task": "toy_choice", "descriptions": ["Pick the color of a thing.", "  ", "Name the color of a common object"]},
    ])
    raw = _catalog(dirs).load_raw("toy_choice")
    # The file's own description first, then the new ones; blanks and duplicates dropped.
    assert raw.descriptions == ["Name the color of a common object", "Pick the color of a thing."]


def test_descriptions_replace(dirs):
    descriptions, _ = dirs
    _jsonl(descriptions / "a.jsonl", [{"task": "toy_gen", "descriptions": ["Say it in French."], "replace": True}])
    _jsonl(descriptions / "b.jsonl", [{"task": "toy_family:sub_a", "descriptions": ["Count the x's."]}])
    catalog = _catalog(dirs)
    assert catalog.load_raw("toy_gen").descriptions == ["Say it in French."]
    assert catalog.load("toy_gen").description == "Say it in French."
    assert catalog.load_raw("toy_family:sub_a").descriptions == ["Count two or three objects", "Count the x's."]
    assert catalog.load_raw("toy_generate").descriptions == [  # untouched: metadata + task_prefix
        "Sort two words alphabetically", "Sort the following words alphabetically:"]


def test_descriptions_across_files_accumulate(dirs):
    descriptions, _ = dirs
    _jsonl(descriptions / "1.jsonl", [{"task": "toy_prefixed", "descriptions": ["One."]}])
    _jsonl(descriptions / "2.jsonl", [{"task": "toy_prefixed", "descriptions": ["Two."]}])
    assert DescriptionBank.read(descriptions).for_task("toy_prefixed") == (["One.", "Two."], False)


def test_malformed_descriptions_file_names_file_and_line(dirs):
    descriptions, _ = dirs
    bad = descriptions / "bad.jsonl"
    bad.write_text('{"task": "toy_gen", "descriptions": ["ok"]}\n\n{"task": "toy_gen", "descriptions": [}\n')
    with pytest.raises(T2LError) as err:
        _catalog(dirs)
    assert str(bad) in str(err.value) and "line 3" in str(err.value)


def test_wrong_shape_descriptions_row_names_file_and_line(dirs):
    descriptions, _ = dirs
    bad = _jsonl(descriptions / "shape.jsonl", [{"task": "toy_gen", "descriptions": ["ok"]},
                                                 {"task": "toy_gen", "descriptions": "not a list"}])
    with pytest.raises(T2LError) as err:
        _catalog(dirs)
    assert f"{bad} line 2: expected" in str(err.value)


def test_non_object_descriptions_row_is_a_clear_error(dirs):
    descriptions, _ = dirs
    _jsonl(descriptions / "list.jsonl", [["toy_gen", "a description"]])
    with pytest.raises(T2LError, match="line 1: expected"):
        _catalog(dirs)


# ------------------------------------------------------------------ name clashes

def test_duplicate_task_name_across_sources(dirs, tmp_path):
    clash = _jsonl(tmp_path / "toy_choice.jsonl", [{"input": "q", "target": "a"}])
    descriptions, splits = dirs
    with pytest.raises(T2LError) as err:
        TaskCatalog(TaskSources(bigbench_dir=str(BIGBENCH), local_files=[str(clash)],
                                descriptions_dir=str(descriptions), splits_dir=str(splits)))
    message = str(err.value)
    assert "task name 'toy_choice' comes from two sources" in message and str(clash) in message
    assert str(BIGBENCH) in message and "rename one or drop a source" in message   # both sources, and the fix


def test_a_task_list_can_include_another_or_only_its_available_tasks(tmp_path):
    """`@other` includes a list; `@other?` only the tasks some source holds (the pool takes the BIG-bench
    training tasks that are prepared); a list that includes itself is refused."""
    splits = tmp_path / "splits"
    splits.mkdir()
    (splits / "mine.txt").write_text("toy_gen\n@more?   # only what is there\n")
    (splits / "more.txt").write_text("toy_choice\nnot_a_task_here\n")
    (splits / "all.txt").write_text("toy_gen\n@more\n")
    (splits / "loop.txt").write_text("@loop\n")
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(BIGBENCH), splits_dir=str(splits), pool=False))
    assert catalog.split_names("mine") == ["toy_gen", "toy_choice"]
    assert catalog.split_names("all") == ["toy_gen", "toy_choice", "not_a_task_here"]
    with pytest.raises(T2LError, match="includes itself"):
        catalog.split_names("loop")
