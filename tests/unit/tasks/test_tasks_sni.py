"""Super-NaturalInstructions loaders on real-format fixtures (task JSON and Lots-of-LoRAs parquet dirs)."""

import json
import shutil

import pytest

from t2l.errors import T2LError
from t2l.tasks.schema import split_task
from t2l.tasks.sni import (
    load_sni_dataset_dir,
    load_sni_task_file,
    parse_tk_instruct_prompt,
)
from tests.helpers.paths import FIXTURES as FIXTURE_ROOT

FIXTURES = FIXTURE_ROOT / "sni"
TASK_FILE = FIXTURES / "task1_sentiment_toy.json"
LOL_DIR = FIXTURES / "lol" / "task2_toy_qa"
QA_DEFINITION = ("In this task, you are given a question about world geography. "
                 "Answer it with the name of a single place.")


# ------------------------------------------------------------------ natural-instructions task file

def test_task_file_reads_name_descriptions_examples():
    raw = load_sni_task_file(TASK_FILE)
    assert raw.name == "task1_sentiment_toy"
    assert raw.source == "sni" and raw.metric == "gen" and raw.presplit is None
    # The blank second Definition entry is dropped.
    assert raw.descriptions == [json.loads(TASK_FILE.read_text())["Definition"][0]]
    assert len(raw.examples) == 11  # 12 instances, one with only an empty output
    assert raw.meta["skipped"] == 1
    first = raw.examples[0]
    assert first.input.startswith("The pasta was cold") and first.targets == ("NEG",)
    multi = next(ex for ex in raw.examples if ex.input.startswith("Friendly staff"))
    assert multi.targets == ("POS", "Positive") and multi.target == "POS"
    assert all(not ex.is_mc for ex in raw.examples)


def test_task_file_meta():
    meta = load_sni_task_file(TASK_FILE).meta
    assert meta["categories"] == ["Sentiment Analysis"]
    assert meta["domains"] == ["Reviews"]
    assert meta["input_language"] == ["English"]
    assert meta["positive_examples"] == [
        {"input": "The soup was delicious and the service was quick.", "output": "POS"},
        {"input": "My order arrived late and the fries were soggy.", "output": "NEG"},
    ]


def test_task_file_splits_deterministically():
    raw = load_sni_task_file(TASK_FILE)
    task = split_task(raw, seed=0)
    sizes = (len(task.train), len(task.validation), len(task.test))
    assert sum(sizes) == 11 and all(n > 0 for n in sizes)
    assert task.description == raw.descriptions[0]
    assert split_task(load_sni_task_file(TASK_FILE), seed=0).test == task.test


def test_task_file_missing(tmp_path):
    with pytest.raises(T2LError, match="does not exist"):
        load_sni_task_file(tmp_path / "task9_nope.json")


def test_task_file_malformed_json_reports_line_and_column(tmp_path):
    bad = tmp_path / "task9_bad.json"
    bad.write_text('{\n  "Definition": ["x"],\n  "Instances": [,]\n}\n')
    with pytest.raises(T2LError) as err:
        load_sni_task_file(bad)
    message = str(err.value)
    assert str(bad) in message and "line 3" in message and "column 17" in message


def test_task_file_without_usable_instances(tmp_path):
    empty = tmp_path / "task9_empty.json"
    empty.write_text(json.dumps({"Definition": ["d"], "Instances": [{"id": "a", "input": "x", "output": [""]},
                                                                    {"id": "b", "input": "y", "output": []}]}))
    with pytest.raises(T2LError, match=r"no usable instances \(2 skipped"):
        load_sni_task_file(empty)


def test_task_file_not_sni_shape(tmp_path):
    other = tmp_path / "task9_list.json"
    other.write_text("[1, 2, 3]")
    with pytest.raises(T2LError, match="Instances"):
        load_sni_task_file(other)


# ------------------------------------------------------------------ Tk-Instruct prompt parsing

def test_parse_prompt_takes_definition_and_last_query():
    prompt = ("Definition: Do the thing.\nStill the definition? No: first blank line ends it.\n\n"
              "Positive Example 1 -\nInput: a\n Output: b\n\n"
              "Now complete the following example -\nInput: decoy\nOutput: x\n\n"
              "Now complete the following example -\nInput: real  query\nOutput: \n\n")
    definition, query = parse_tk_instruct_prompt(prompt)
    assert definition == "Do the thing.\nStill the definition? No: first blank line ends it."
    assert query == "real  query"


def test_parse_prompt_without_template_keeps_input():
    assert parse_tk_instruct_prompt("just a question?") == (None, "just a question?")


# ------------------------------------------------------------------ Lots-of-LoRAs dataset dir

def test_dataset_dir_presplit_and_parsing():
    raw = load_sni_dataset_dir(LOL_DIR)
    assert raw.name == "task2_toy_qa" and raw.source == "sni" and raw.metric == "gen"
    assert raw.descriptions == [QA_DEFINITION]  # one distinct definition across all rows
    assert {k: len(v) for k, v in raw.presplit.items()} == {"train": 7, "validation": 2, "test": 3}
    assert raw.meta["skipped"] == 1
    assert len(raw.examples) == 12
    train = raw.presplit["train"]
    assert train[0].input == "What is the capital of Japan?" and train[0].targets == ("Tokyo",)
    assert train[1].targets == ("Pacific Ocean", "the Pacific")
    # Multi-line queries survive; only the trailing "Output:" is removed.
    assert train[5].input == "Name the tallest mountain in the world.\nGive only its common English name."
    # A row that is not a Tk-Instruct prompt is kept whole.
    assert train[6].input == "Which continent is Kenya in?"
    assert not any("Definition:" in ex.input or "Output:" in ex.input for ex in raw.examples)
    assert [ex.input for ex in raw.presplit["test"]][0] == "What is the capital of Italy?"


def test_dataset_dir_split_task_uses_presplit():
    task = split_task(load_sni_dataset_dir(LOL_DIR))
    assert (len(task.train), len(task.validation), len(task.test)) == (7, 2, 3)
    assert task.test[1].targets == ("Alps", "the Alps")


def test_dataset_dir_jsonl_and_directory_name_fallback(tmp_path):
    task_dir = tmp_path / "task77_plain"
    (task_dir / "data").mkdir(parents=True)
    for split, n in (("train", 4), ("validation", 1), ("test", 2)):
        lines = [json.dumps({"id": f"{split}{i}", "input": f"{split} q{i}", "output": [f"a{i}"]}) for i in range(n)]
        (task_dir / "data" / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    raw = load_sni_dataset_dir(task_dir)
    assert raw.descriptions == ["task77_plain"]
    assert {k: len(v) for k, v in raw.presplit.items()} == {"train": 4, "validation": 1, "test": 2}
    assert raw.presplit["validation"][0].input == "validation q0"


def test_dataset_dir_without_test_split_is_split_by_us(tmp_path):
    task_dir = tmp_path / "task78_trainonly"
    shutil.copytree(LOL_DIR / "data", task_dir / "data")
    (task_dir / "data" / "test-00000-of-00001.parquet").unlink()
    (task_dir / "data" / "valid-00000-of-00001.parquet").unlink()
    raw = load_sni_dataset_dir(task_dir)
    assert raw.presplit is None and len(raw.examples) == 7
    task = split_task(raw)
    assert len(task.train) + len(task.validation) + len(task.test) == 7 and task.test


def test_dataset_dir_missing(tmp_path):
    with pytest.raises(T2LError, match="does not exist"):
        load_sni_dataset_dir(tmp_path / "task_missing")


def test_dataset_dir_without_data_files(tmp_path):
    (tmp_path / "task79_empty" / "data").mkdir(parents=True)
    with pytest.raises(T2LError, match="no train/valid/test data files"):
        load_sni_dataset_dir(tmp_path / "task79_empty")


def test_dataset_dir_malformed_jsonl_names_line(tmp_path):
    task_dir = tmp_path / "task80_bad"
    task_dir.mkdir()
    (task_dir / "test.jsonl").write_text('{"input": "q", "output": ["a"]}\n{"input": "q2", "output": [}\n')
    with pytest.raises(T2LError) as err:
        load_sni_dataset_dir(task_dir)
    assert "test.jsonl" in str(err.value) and "line 2" in str(err.value)


def test_dataset_dir_without_usable_rows(tmp_path):
    task_dir = tmp_path / "task81_blank"
    task_dir.mkdir()
    (task_dir / "test.jsonl").write_text('{"input": "q", "output": [""]}\n')
    with pytest.raises(T2LError, match="no usable rows"):
        load_sni_dataset_dir(task_dir)
