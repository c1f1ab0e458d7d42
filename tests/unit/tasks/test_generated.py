"""The generated held-out tasks (t2l.tasks.generated): every answer checked by an independent oracle,
the same examples on every call, balanced classes, BIG-bench's prompt layout, and their place in the
catalog (listed without BIG-bench, held out from training, both prompt settings)."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from t2l.errors import T2LError
from t2l.tasks.bigbench import load_bigbench_task
from t2l.tasks.generated import EXAMPLES_PER_TASK, GENERATED, generate_task
from t2l.tasks.heldout import heldout_names, refuse_heldout
from t2l.tasks.prompts import in_setting
from t2l.tasks.registry import TaskCatalog, TaskSources


def question(example) -> str:
    """The generated text between 'Q: ' and the choices / 'A:'."""
    return example.input.split("Q: ", 1)[1].split("\n", 1)[0]


@pytest.fixture(scope="module")
def tasks():
    return {name: generate_task(name) for name in GENERATED}


def test_each_task_has_its_examples_distinct_and_the_same_on_every_call(tasks):
    for name, raw in tasks.items():
        assert len(raw.examples) == EXAMPLES_PER_TASK
        assert len({e.input for e in raw.examples}) == EXAMPLES_PER_TASK, name
        assert generate_task(name).examples == raw.examples, f"{name} is not deterministic"


def test_multiple_choice_classes_are_balanced(tasks):
    for name in ("boolean_expressions", "web_of_lies"):
        answers = [e.answer for e in tasks[name].examples]
        assert answers.count(0) == answers.count(1) == EXAMPLES_PER_TASK // 2, name


def test_boolean_answers_match_pythons_evaluation(tasks):
    for example in tasks["boolean_expressions"].examples:
        expression = question(example).removesuffix(" is")
        assert set(re.findall(r"[A-Za-z]+", expression)) <= {"True", "False", "not", "and", "or"}
        assert eval(expression) == (example.target == "True"), expression   # only literals and operators


def honest_last(statement: str) -> bool:
    """Brute force: the one honesty assignment under which every statement is consistent."""
    first, *claims = re.findall(r"[^.?]+[.?]", statement.removeprefix("Question: "))[:-1]
    people = [first.split()[0]] + [c.split()[0] for c in claims]
    solutions = []
    for assignment in itertools.product([True, False], repeat=len(people)):
        honest = dict(zip(people, assignment))
        ok = honest[people[0]] == first.strip().endswith("tells the truth.")
        for claim in claims:
            speaker, _, target, *rest = claim.split()
            ok &= honest[speaker] == (honest[target] == (" ".join(rest) == "tells the truth."))
        if ok:
            solutions.append(honest[people[-1]])
    assert len(solutions) == 1, statement
    return solutions[0]


def test_web_of_lies_answers_match_a_brute_force_solver(tasks):
    for example in tasks["web_of_lies"].examples:
        assert (example.target == "Yes") == honest_last(question(example))


def test_arithmetic_answers_match_pythons_evaluation(tasks):
    for example in tasks["multistep_arithmetic_two"].examples:
        expression = question(example).removesuffix(" =")
        assert re.fullmatch(r"[-+*() 0-9]+", expression)
        assert str(eval(expression)) == example.target


def test_prompts_have_big_bench_json_layout(tmp_path, tasks):
    """A generated example written as a BIG-bench task.json reads back, through the BIG-bench loader,
    as the very prompt the generator built: training-pool tasks were shown in this layout."""
    for name, raw in tasks.items():
        generator, example = GENERATED[name], raw.examples[0]
        record = {"input": question(example)}
        if example.is_mc:
            record["target_scores"] = {c: int(i == example.answer) for i, c in enumerate(example.choices)}
        else:
            record["target"] = example.target
        task_json = tmp_path / "benchmark_tasks" / name / "task.json"
        task_json.parent.mkdir(parents=True, exist_ok=True)
        task_json.write_text(json.dumps({"task_prefix": generator.task_prefix, "examples": [record],
                                         "preferred_score": "multiple_choice_grade" if example.is_mc
                                         else "exact_str_match"}))
        assert load_bigbench_task(name, tmp_path).examples[0] == example


def test_catalog_lists_them_without_big_bench_and_splits_them():
    catalog = TaskCatalog(TaskSources(bigbench_dir=None))
    assert catalog.select(split="heldout_generated") == list(GENERATED)
    task = catalog.load("web_of_lies")
    assert (len(task.train), len(task.validation), len(task.test)) == (150, 25, 75)
    bare = in_setting(task, "bare")
    assert task.test[0].input.startswith("Evaluate a random boolean function")
    assert bare.test[0].input.startswith("Q: Question:") and bare.test[0].choices == task.test[0].choices
    assert catalog.fingerprint("web_of_lies") == TaskCatalog(TaskSources(bigbench_dir=None)).fingerprint("web_of_lies")
    assert "boolean_expressions" not in TaskCatalog(TaskSources(bigbench_dir=None, generated=False)).names()


def test_they_are_held_out_from_training():
    catalog = TaskCatalog(TaskSources(bigbench_dir=None))
    heldout = heldout_names(catalog)
    assert set(GENERATED) <= set(heldout) and "navigate" in heldout
    with pytest.raises(T2LError, match=r"held-out tasks \['web_of_lies'\] \(contamination\)"):
        refuse_heldout(["toy_choice", "web_of_lies"], heldout)


def test_without_big_bench_a_big_bench_task_names_the_fix(tmp_path, monkeypatch):
    """The bundle's BIG-bench is missing: the catalog still opens (generated and local tasks work), and
    asking for a BIG-bench task says how to get it."""
    monkeypatch.setenv("T2L_HOME", str(tmp_path / "empty_home"))
    catalog = TaskCatalog(TaskSources(bigbench_dir="bundle://bigbench"))
    assert catalog.load("boolean_expressions").metric == "mc"
    with pytest.raises(T2LError, match=r"unknown task 'date_understanding'.*BIG-bench is not indexed.*T2L_BIGBENCH_SOURCE"):
        catalog.select(split="heldout_bigbench")
    with pytest.raises(T2LError, match="no BIG-bench tasks under"):   # a directory the user named is still an error
        TaskCatalog(TaskSources(bigbench_dir=str(tmp_path / "nowhere")))
