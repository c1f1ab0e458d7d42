"""BIG-bench JSON tasks on real-format fixtures: prompt text, metric, ties, skips, subtasks, errors.

The fixtures under tests/fixtures/bigbench/benchmark_tasks/ follow BIG-bench's task.json schema (canary,
name, description, keywords, metrics, preferred_score, prefix fields); one test reads the real bundle.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from t2l.errors import T2LError
from t2l.tasks.bigbench import bigbench_index, load_bigbench_task
from t2l.tasks.schema import split_task
from tests.helpers.paths import BIGBENCH as ROOT

TASKS = ROOT / "benchmark_tasks"


def _write_task(root: Path, name: str, task: dict) -> Path:
    path = root / "benchmark_tasks" / Path(*name.split(":")) / "task.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(task))
    return root


# ------------------------------------------------------------------ prompt formatting

def test_multiple_choice_default_prefixes_append_choices():
    raw = load_bigbench_task("toy_choice", ROOT)
    assert raw.name == "toy_choice" and raw.source == "bigbench" and raw.metric == "mc"
    assert raw.descriptions == ["Name the color of a common object"]
    first = raw.examples[0]
    # BIG-bench defaults: "\nQ: " + input + "\n  choice: X"... + "\nA: ", then stripped at both ends.
    assert first.input == ("Q: What color is the sky on a clear day?\n"
                           "  choice: blue\n  choice: green\n  choice: red\nA:")
    assert first.choices == ("blue", "green", "red") and first.answers == (0,) and first.target == "blue"
    lime = next(ex for ex in raw.examples if "lime" in ex.input)
    assert lime.choices == ("red", "green", "white") and lime.answers == (1,) and lime.target == "green"
    assert all(ex.is_mc and ex.input.startswith("Q: ") and ex.input.endswith("\nA:") for ex in raw.examples)


def test_multiple_choice_task_prefix_and_no_appended_choices():
    raw = load_bigbench_task("toy_prefixed", ROOT)
    assert raw.metric == "mc" and len(raw.examples) == 6
    first = raw.examples[0]
    assert first.input == ("Determine whether the following statement is plausible or implausible:\n"
                           "Statement: The goalkeeper caught the ball with both hands\n"
                           "Plausible/implausible?")
    assert first.choices == ("plausible", "implausible") and first.answers == (0,)
    assert raw.examples[1].answers == (1,) and raw.examples[1].target == "implausible"
    assert not any("choice:" in ex.input for ex in raw.examples)


def test_generative_prefixes_and_target_lists():
    raw = load_bigbench_task("toy_generate", ROOT)
    assert raw.metric == "gen" and len(raw.examples) == 14
    assert raw.meta["preferred_score"] == "exact_str_match"
    first = raw.examples[0]
    assert first.input == "Sort the following words alphabetically:\nList: pear apple\nSorted:"
    assert first.targets == ("apple pear",)
    assert not first.is_mc and first.choices is None and first.target == "apple pear"
    listed = next(ex for ex in raw.examples if ex.input.endswith("List: Cat ant\nSorted:"))
    assert listed.targets == ("ant Cat", "Cat ant") and listed.target == "ant Cat"
    spaced = next(ex for ex in raw.examples if ex.input.endswith("List: b a\nSorted:"))
    assert spaced.targets == ("a b", "a  b")


def test_custom_choice_prefix_appended(tmp_path):
    root = _write_task(tmp_path, "custom", {
        "name": "custom", "description": "d", "preferred_score": "multiple_choice_grade",
        "task_prefix": "Answer.\n", "example_input_prefix": "In: ", "example_output_prefix": "\nOut:",
        "choice_prefix": " | ",
        "examples": [{"input": "x", "target_scores": {"a": 0, "b": 1}}] * 3,
    })
    raw = load_bigbench_task("custom", root)
    assert raw.examples[0].input == "Answer.\nIn: x | a | b\nOut:"


# ------------------------------------------------------------------ metric detection

@pytest.mark.parametrize("preferred, examples, metric, unusable", [
    # The preferred score decides when examples of its kind exist ...
    ("multiple_choice_grade", [{"input": "q", "target_scores": {"a": 1, "b": 0}, "target": "a"}] * 3, "mc", 0),
    ("exact_str_match", [{"input": "q", "target_scores": {"a": 1, "b": 0}, "target": "a"}] * 3, "gen", 0),
    ("bleu", [{"input": "q", "target": "a"}] * 3, "gen", 0),
    # ... otherwise the kind most examples have.
    ("multiple_choice_grade", [{"input": "q", "target": "a"}] * 3, "gen", 0),
    ("exact_str_match", [{"input": "q", "target_scores": {"a": 1, "b": 0}}] * 3, "mc", 0),
    (None, [{"input": "q", "target_scores": {"a": 1, "b": 0}}] * 3 + [{"input": "g", "target": "t"}], "mc", 1),
    (None, [{"input": "q", "target_scores": {"a": 1, "b": 0}}] + [{"input": "g", "target": "t"}] * 3, "gen", 1),
])
def test_metric_detection(tmp_path, preferred, examples, metric, unusable):
    task = {"name": "m", "description": "d", "examples": examples}
    if preferred:
        task["preferred_score"] = preferred
    raw = load_bigbench_task("m", _write_task(tmp_path, "m", task))
    assert raw.metric == metric
    assert raw.meta["skipped_unusable"] == unusable
    assert all(ex.is_mc == (metric == "mc") for ex in raw.examples)


def test_fixture_metrics():
    assert load_bigbench_task("toy_family:sub_a", ROOT).metric == "mc"
    assert load_bigbench_task("toy_family:sub_b", ROOT).metric == "gen"


# ------------------------------------------------------------------ ties, skips, meta

def test_tie_at_max_keeps_every_top_answer():
    raw = load_bigbench_task("toy_choice", ROOT)
    cloud = next(ex for ex in raw.examples if "rain cloud" in ex.input)
    assert cloud.choices == ("grey", "silver", "yellow")
    assert cloud.answers == (0, 1) and cloud.answer == 0 and cloud.target == "grey"
    assert sum(len(ex.answers) > 1 for ex in raw.examples) == 1


def test_over_long_and_unusable_examples_are_skipped_and_counted():
    raw = load_bigbench_task("toy_choice", ROOT)
    assert len(json.loads((TASKS / "toy_choice" / "task.json").read_text())["examples"]) == 16
    assert len(raw.examples) == 14
    assert raw.meta["skipped_too_long"] == 1
    assert raw.meta["skipped_unusable"] == 1  # all choices score 0: no right answer
    assert not any("sunset" in ex.input or "mirror" in ex.input for ex in raw.examples)
    assert raw.meta["keywords"] == ["multiple choice", "common sense", "zero-shot"]
    assert raw.meta["preferred_score"] == "multiple_choice_grade"
    assert Path(raw.meta["path"]) == TASKS / "toy_choice" / "task.json"


def test_max_input_chars_is_honoured():
    roomy = load_bigbench_task("toy_choice", ROOT, max_input_chars=10_000)
    assert len(roomy.examples) == 15 and roomy.meta["skipped_too_long"] == 0
    assert any("sunset" in ex.input for ex in roomy.examples)
    tight = load_bigbench_task("toy_choice", ROOT, max_input_chars=90)
    assert all(len(ex.input) <= 90 for ex in tight.examples)
    assert len(tight.examples) == 12 and tight.meta["skipped_too_long"] == 3  # + inputs of 98 and 100 chars


def test_split_of_fixture_task():
    task = split_task(load_bigbench_task("toy_choice", ROOT), seed=0)
    assert (len(task.train), len(task.validation), len(task.test)) == (9, 1, 4)
    assert task.metric == "mc" and task.description == "Name the color of a common object"


# ------------------------------------------------------------------ subtasks

def test_index_names_subtasks_with_colon():
    assert set(bigbench_index(ROOT)) == {
        "toy_broken", "toy_choice", "toy_empty", "toy_family", "toy_family:sub_a", "toy_family:sub_b",
        "toy_generate", "toy_prefixed"}


def test_subtask_loads_under_family_name():
    sub_a = load_bigbench_task("toy_family:sub_a", ROOT)
    assert sub_a.name == "toy_family:sub_a"  # not the file's own "name": "sub_a"
    assert sub_a.descriptions == ["Count two or three objects"]
    assert sub_a.examples[0].input == "How many items: x x?"  # empty prefixes, output prefix " " stripped
    assert sub_a.examples[1].answers == (1,)
    sub_b = load_bigbench_task("toy_family:sub_b", ROOT)
    assert sub_b.examples[0].input == "Q: How many items: y y y y?\nA:" and sub_b.examples[0].targets == ("4",)


def test_parent_without_examples_names_its_subtasks():
    with pytest.raises(T2LError) as err:
        load_bigbench_task("toy_family", ROOT)
    message = str(err.value)
    assert "'toy_family' has no examples of its own" in message
    assert "use one of its subtasks: toy_family:sub_a, toy_family:sub_b" in message


def test_task_without_examples_or_subtasks_says_exclude(tmp_path):
    root = _write_task(tmp_path, "lonely", {"name": "lonely", "description": "d"})
    with pytest.raises(T2LError, match=r"no examples of its own; exclude it with data.exclude=\[lonely\]"):
        load_bigbench_task("lonely", root)


# ------------------------------------------------------------------ errors

def test_malformed_json_names_file_line_and_column():
    with pytest.raises(T2LError) as err:
        load_bigbench_task("toy_broken", ROOT)
    message = str(err.value)
    assert str(TASKS / "toy_broken" / "task.json") in message
    assert "line 7, column 19" in message and "Expecting ',' delimiter" in message


def test_no_usable_examples():
    with pytest.raises(T2LError) as err:
        load_bigbench_task("toy_empty", ROOT)
    message = str(err.value)
    assert "'toy_empty' has no usable examples" in message and "data.exclude=[toy_empty]" in message


def test_every_example_too_long_says_raise_the_limit():
    with pytest.raises(T2LError) as err:
        load_bigbench_task("toy_prefixed", ROOT, max_input_chars=20)
    message = str(err.value)
    assert "6 over data.max_input_chars=20" in message and "raise the limit or exclude it" in message


def test_missing_task_and_missing_root(tmp_path):
    with pytest.raises(T2LError, match="BIG-bench task 'nope' not found"):
        load_bigbench_task("nope", ROOT)
    with pytest.raises(T2LError, match="run `t2l assets` or set data.bigbench_dir"):
        bigbench_index(tmp_path)


# ------------------------------------------------------------------ the real bundle

@pytest.mark.real_assets
@pytest.mark.real_bigbench("sports_understanding")   # among ../shared/data/bigbench's 22 tasks
def test_real_bundle_sports():
    from transformers import AutoTokenizer

    from t2l.assets import require
    from t2l.tasks.prompts import build_prompt

    root = require("bigbench")

    sports = load_bigbench_task("sports_understanding", root)
    prefix = json.loads((root / "benchmark_tasks" / "sports_understanding" / "task.json").read_text())["task_prefix"]
    assert sports.metric == "mc" and len(sports.examples) == 1000
    text = sports.examples[0].input
    assert text == (prefix + "\nStatement: Jamal Murray was perfect from the line\nPlausible/implausible?")
    assert all(ex.input.startswith(prefix) and ex.input == ex.input.strip() for ex in sports.examples)
    assert {ex.choices for ex in sports.examples} == {("plausible", "implausible")}
    tokenizer = AutoTokenizer.from_pretrained(require("smollm2-135m-instruct"))
    prompt = build_prompt(tokenizer, text, chat=True)
    assert f"<|im_start|>user\n{text}<|im_end|>\n" in prompt and prompt.endswith("<|im_start|>assistant\n")


@pytest.mark.real_assets
@pytest.mark.real_bigbench("date_understanding", "logical_deduction:three_objects")   # a full BIG-bench copy
def test_real_bundle_date_and_index():
    from t2l.assets import require

    root = require("bigbench")

    date = load_bigbench_task("date_understanding", root)
    assert date.metric == "mc" and len(date.examples) == 369
    # 311 questions offer 6 dates, 58 offer 5; each has exactly one right answer.
    assert Counter(len(ex.choices) for ex in date.examples) == {6: 311, 5: 58}
    assert all(len(ex.answers) == 1 for ex in date.examples)
    first = date.examples[0]
    assert first.input == "Q: Yesterday was April 30, 2021. What is the date today in MM/DD/YYYY?\nA:"
    assert first.choices == ("05/01/2021", "02/23/2021", "03/11/2021", "05/09/2021", "06/12/2021", "04/29/2021")
    assert first.target == "05/01/2021"

    index = bigbench_index(root)
    assert "logical_deduction:three_objects" in index and "logical_deduction" in index
    three = load_bigbench_task("logical_deduction:three_objects", root)
    assert three.name == "logical_deduction:three_objects" and three.metric == "mc" and len(three.examples) == 300


def test_task_prefix_becomes_a_second_description():
    raw = load_bigbench_task("toy_prefixed", ROOT)
    assert len(raw.descriptions) == 2
    assert raw.descriptions[1] == "Determine whether the following statement is plausible or implausible:"
