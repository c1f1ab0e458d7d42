"""User task files (.jsonl / .json): shapes, grouping, metric inference and error messages."""

import json
from pathlib import Path

import pytest

from t2l.errors import T2LError
from t2l.tasks.local import load_local_file
from t2l.tasks.schema import split_task
from tests.helpers.paths import FIXTURES as FIXTURE_ROOT

FIXTURES = FIXTURE_ROOT / "local"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _jsonl(path: Path, records) -> Path:
    return _write(path, "".join(json.dumps(r) + "\n" for r in records))


def test_jsonl_fixture_generative():
    [raw] = load_local_file(FIXTURES / "toy_gen.jsonl")
    assert raw.name == "toy_gen" and raw.source == "local" and raw.metric == "gen"
    assert raw.meta == {"path": str(FIXTURES / "toy_gen.jsonl")}
    # Distinct descriptions in first-seen order.
    assert raw.descriptions == ["Translate an English word into French.", "Give the French word for an English noun."]
    assert len(raw.examples) == 6  # the blank line is ignored
    assert raw.examples[0].targets == ("chat",)
    assert raw.examples[2].targets == ("maison", "la maison")
    task = split_task(raw)
    assert len(task.train) + len(task.validation) + len(task.test) == 6 and task.test


def test_json_fixture_multiple_choice():
    [raw] = load_local_file(FIXTURES / "toy_mc.json")
    assert raw.name == "toy_arithmetic_mc" and raw.metric == "mc"
    assert raw.descriptions == ["Pick the correct result of a small addition."]
    assert len(raw.examples) == 5
    first = raw.examples[0]
    assert first.choices == ("3", "4", "5") and first.answers == (1,) and first.target == "4"
    assert raw.examples[3].answers == (1, 2)
    task = split_task(raw, seed=3)
    assert {ex.input for ex in task.train + task.validation + task.test} == {ex.input for ex in raw.examples}


def test_jsonl_groups_by_task_and_falls_back_to_name(tmp_path):
    path = _jsonl(tmp_path / "mixed.jsonl", [
        {"task": "add_one", "input": "1", "target": "2"},
        {"task": "pick_color", "input": "sky?", "choices": ["blue", "red"], "answer": 0},
        {"task": "add_one", "input": "5", "target": "6", "description": "Add one to the number."},
        {"input": "untagged", "target": "x"},
    ])
    tasks = {t.name: t for t in load_local_file(path)}
    assert set(tasks) == {"add_one", "pick_color", "mixed"}
    assert tasks["add_one"].metric == "gen" and len(tasks["add_one"].examples) == 2
    assert tasks["add_one"].descriptions == ["Add one to the number."]
    assert tasks["pick_color"].metric == "mc" and tasks["pick_color"].descriptions == ["pick color"]
    assert tasks["mixed"].examples[0].input == "untagged"


def test_json_list_of_examples(tmp_path):
    path = _write(tmp_path / "my_task.json", json.dumps([{"input": "a", "target": "b"}, {"input": "c", "targets": ["d"]}]))
    [raw] = load_local_file(path)
    assert raw.name == "my_task" and raw.descriptions == ["my task"] and raw.metric == "gen"
    assert [ex.target for ex in raw.examples] == ["b", "d"]


def test_json_list_of_task_objects(tmp_path):
    path = _write(tmp_path / "several.json", json.dumps([
        {"name": "t_one", "descriptions": ["First way.", "Second way."], "examples": [{"input": "a", "target": "b"}]},
        {"name": "t_two", "metric": "mc", "examples": [{"input": "q", "choices": ["x", "y", "z"], "answer": 2}]},
    ]))
    one, two = load_local_file(path)
    assert (one.name, one.descriptions, one.metric) == ("t_one", ["First way.", "Second way."], "gen")
    assert (two.name, two.descriptions, two.metric) == ("t_two", ["t two"], "mc")
    assert two.examples[0].target == "z"


def test_malformed_jsonl_reports_line_and_column(tmp_path):
    path = _write(tmp_path / "bad.jsonl", '{"input": "a", "target": "b"}\n\n{"input": "c" "target": "d"}\n')
    with pytest.raises(T2LError) as err:
        load_local_file(path)
    message = str(err.value)
    assert str(path) in message and "line 3" in message and "column 15" in message


def test_malformed_json_reports_line_and_column(tmp_path):
    path = _write(tmp_path / "bad.json", '[\n  {"input": "a", "target": "b"},\n  {"input": }\n]\n')
    with pytest.raises(T2LError) as err:
        load_local_file(path)
    assert str(path) in str(err.value) and "line 3" in str(err.value) and "column 13" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(T2LError, match="does not exist"):
        load_local_file(tmp_path / "nope.jsonl")


def test_unsupported_extension(tmp_path):
    with pytest.raises(T2LError, match="unsupported task file type '.csv'"):
        load_local_file(_write(tmp_path / "x.csv", "input,target\n"))


@pytest.mark.parametrize("answer", [3, -1, True, "1"])
def test_invalid_answer_index_names_line(tmp_path, answer):
    path = _jsonl(tmp_path / "mc.jsonl", [
        {"input": "q1", "choices": ["a", "b", "c"], "answer": 0},
        {"input": "q2", "choices": ["a", "b", "c"], "answer": answer},
    ])
    with pytest.raises(T2LError) as err:
        load_local_file(path)
    assert f"{path}, line 2" in str(err.value) and "not a valid index" in str(err.value)


def test_invalid_answer_in_answers_list(tmp_path):
    path = _write(tmp_path / "t.json", json.dumps({"examples": [{"input": "q", "choices": ["a", "b"], "answers": [0, 2]}]}))
    with pytest.raises(T2LError, match="example 1: answer 2 is not a valid index"):
        load_local_file(path)


def test_mixed_metric_is_an_error(tmp_path):
    path = _jsonl(tmp_path / "mixed.jsonl", [
        {"input": "q1", "target": "a"},
        {"input": "q2", "choices": ["a", "b"], "answer": 1},
    ])
    with pytest.raises(T2LError) as err:
        load_local_file(path)
    message = str(err.value)
    assert "mixes multiple-choice" in message and "line 2" in message and "line 1" in message


def test_declared_metric_must_match(tmp_path):
    path = _write(tmp_path / "t.json", json.dumps({"metric": "mc", "examples": [{"input": "q", "target": "a"}]}))
    with pytest.raises(T2LError, match="declares metric 'mc'"):
        load_local_file(path)


@pytest.mark.parametrize("record, problem", [
    ({"input": "", "target": "a"}, "'input' must be a non-empty string"),
    ({"input": "q"}, "no 'target', 'targets' or 'choices'"),
    ({"input": "q", "target": "  "}, "the target is empty"),
    ({"input": "q", "choices": ["only"], "answer": 0}, "at least two strings"),
    ({"input": "q", "choices": ["a", "b"]}, "needs 'answer'"),
    (["not", "an", "object"], "expected an object"),
])
def test_invalid_examples_name_the_line(tmp_path, record, problem):
    path = _jsonl(tmp_path / "t.jsonl", [{"input": "ok", "target": "fine"}, record])
    with pytest.raises(T2LError) as err:
        load_local_file(path)
    assert f"{path}, line 2" in str(err.value) and problem in str(err.value)


def test_several_task_objects_need_names(tmp_path):
    path = _write(tmp_path / "t.json", json.dumps([{"examples": [{"input": "a", "target": "b"}]},
                                                   {"examples": [{"input": "c", "target": "d"}]}]))
    with pytest.raises(T2LError, match="needs a 'name'"):
        load_local_file(path)
