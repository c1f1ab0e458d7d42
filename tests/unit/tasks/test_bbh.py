"""BIG-Bench Hard from its published files (t2l.tasks.bbh): all 27 load, counts, choices, splits, the asset,
the held-out list, and bad inputs as one line that names the file and the fix; plus the one Source
protocol every registered source satisfies, and BIG-bench read from the shared folder's layout."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from t2l.assets import MARKER, asset_dir, prepare
from t2l.errors import T2LError
from t2l.tasks.bbh import FRACTIONS, GEN_TASKS, KNOWN_DEFECTS, LABEL_SETS, bbh_files, build_asset, options, read_bbh_file

BBH_BUILDER = {"bbh": build_asset}   # what `t2l assets` passes: the builder lives in the tasks layer
from t2l.tasks.heldout import heldout_names, refuse_heldout
from t2l.tasks.prompts import in_setting
from t2l.tasks.registry import TaskCatalog, TaskSources, read_name_list
from t2l.tasks.schema import family, split_examples
from t2l.tasks.source import SOURCES, Entry, Source, source_classes
from tests.helpers.paths import BIGBENCH, DATA, FIXTURES, SHARED_BIGBENCH, bbh_source

COUNTS = {"causal_judgement": 187, "penguins_in_a_table": 146, "snarks": 178}   # every other task: 250
TOTAL = 6511


@pytest.fixture(scope="module")
def bbh_dir():
    found = bbh_source()
    if found is None:
        pytest.skip("needs BIG-Bench Hard's files: set T2L_BBH_SOURCE to its bbh/ folder or a clone "
                    "(git clone https://github.com/suzgunmirac/BIG-Bench-Hard), or put them at ../shared/data/bbh")
    return found


@pytest.fixture(scope="module")
def raws(bbh_dir):
    return {path.stem: read_bbh_file(path) for path in bbh_files(bbh_dir)}


def one_line(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert "\n" not in message, message
    return message


def write_bbh(folder, stem, examples) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.json").write_text(json.dumps({"canary": "test", "examples": examples}))


# ------------------------------------------------------------------ the real files

def test_all_27_load_with_their_counts(raws):
    assert len(raws) == 27
    in_files = {stem: raw.meta["examples_in_file"] for stem, raw in raws.items()}
    assert in_files == {stem: COUNTS.get(stem, 250) for stem in raws} and sum(in_files.values()) == TOTAL
    # Every example is kept but the three whose options lost the right answer (KNOWN_DEFECTS).
    skipped = {stem: raw.meta["skipped_defects"] for stem, raw in raws.items() if raw.meta["skipped_defects"]}
    assert skipped == {"movie_recommendation": 1, "ruin_names": 2} and len(KNOWN_DEFECTS) == 3
    assert sum(len(raw.examples) for raw in raws.values()) == TOTAL - 3
    for stem, raw in raws.items():
        assert raw.name == f"bbh:{stem}" and family(raw.name) == "bbh" and raw.source == "bbh"
        assert raw.meta["task_prefix"] == "" and raw.meta["fractions"] == FRACTIONS and raw.descriptions


def test_multiple_choice_targets_are_among_the_choices(raws, bbh_dir):
    for stem, raw in raws.items():
        if stem in GEN_TASKS:
            continue
        assert raw.metric == "mc", stem
        published = [e for e in json.loads((bbh_dir / f"{stem}.json").read_text())["examples"]
                     if (stem, e["target"]) not in KNOWN_DEFECTS]
        assert len(published) == len(raw.examples)
        for example, row in zip(raw.examples, published):
            assert example.input == row["input"] and example.target == row["target"].strip(), stem   # as published
            assert len(example.answers) == 1 and example.choices[example.answer] == example.target
            if stem in LABEL_SETS:
                assert example.choices == LABEL_SETS[stem]
            else:   # the labels the input lists: (A), (B), ...
                assert example.choices == options(example.input) and all(c[0] == "(" for c in example.choices)
    date = raws["date_understanding"].examples[0]
    assert date.input.endswith("(F) 07/25/1937") and date.choices == ("(A)", "(B)", "(C)", "(D)", "(E)", "(F)")
    assert date.target == "(B)"
    assert raws["formal_fallacies"].examples[0].choices == ("valid", "invalid")   # "- valid \n- invalid"


def test_the_four_generative_tasks_are_exact_match(raws):
    assert {stem for stem, raw in raws.items() if raw.metric == "gen"} == set(GEN_TASKS)
    for stem in GEN_TASKS:
        assert all(len(e.targets) == 1 and e.targets[0] and e.choices is None for e in raws[stem].examples)
    assert raws["multistep_arithmetic_two"].examples[0].target.lstrip("-").isdigit()


def test_split_sizes_and_the_same_hash(raws, bbh_dir):
    catalog = TaskCatalog(TaskSources(bbh_dir=str(bbh_dir), generated=False, pool=False,
                                      fractions={"train": 0.6, "validation": 0.1, "test": 0.3}))
    task = catalog.load("bbh:date_understanding")
    assert (len(task.train), len(task.validation), len(task.test)) == (75, 50, 125)   # data.fractions: BBH's own win
    parts = split_examples("bbh:date_understanding", raws["date_understanding"].examples, 0, FRACTIONS)
    assert (task.train, task.validation, task.test) == (parts["train"], parts["validation"], parts["test"])
    snarks = catalog.load("bbh:snarks")
    assert (len(snarks.train), len(snarks.validation), len(snarks.test)) == (53, 36, 89)
    assert in_setting(task, "bare") is task   # no task prefix: `bare` is `task`


def test_the_catalog_lists_them_and_training_refuses_them(bbh_dir):
    catalog = TaskCatalog(TaskSources(bigbench_dir=str(BIGBENCH), bbh_dir=str(bbh_dir), pool=False))
    listed = catalog.select(split="heldout_bbh")
    assert listed == [f"bbh:{p.stem}" for p in bbh_files(bbh_dir)] and len(listed) == 27
    assert catalog.source_of("bbh:navigate") == "bbh" and catalog.source_of("toy_choice") == "bigbench"
    heldout = heldout_names(catalog)
    assert set(listed) <= set(heldout) and "navigate" in heldout and "web_of_lies" in heldout
    with pytest.raises(T2LError, match=r"held-out tasks \['bbh:navigate'\] \(contamination\)"):
        refuse_heldout(["toy_choice", "bbh:navigate"], heldout)
    assert catalog.fingerprint("bbh:navigate") == TaskCatalog(catalog.sources).fingerprint("bbh:navigate")


def test_the_asset_prepares_them_once_and_the_bundle_lists_them(bbh_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("T2L_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("T2L_BBH_SOURCE", str(bbh_dir))
    timings = prepare(["bbh"], builders=BBH_BUILDER)
    assert isinstance(timings["bbh"], float)
    marker = json.loads((asset_dir("bbh") / MARKER).read_text())
    assert marker["tasks"] == 27 and marker["examples"] == TOTAL
    before = {p.name: p.stat().st_mtime_ns for p in asset_dir("bbh").iterdir()}
    prepare(["bbh"], builders=BBH_BUILDER)   # present: nothing rebuilt
    assert {p.name: p.stat().st_mtime_ns for p in asset_dir("bbh").iterdir()} == before
    catalog = TaskCatalog(TaskSources(bbh_dir="bundle://bbh", generated=False, pool=False))
    assert len(catalog.names()) == 27 and catalog.load("bbh:web_of_lies").metric == "mc"


def test_a_clone_of_the_repository_is_read_from_its_bbh_folder(tmp_path, monkeypatch):
    write_bbh(tmp_path / "clone" / "bbh", "navigate", [{"input": f"Go {i}?\nOptions:\n- Yes\n- No", "target": "Yes"}
                                                        for i in range(4)])
    monkeypatch.setenv("T2L_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("T2L_BBH_SOURCE", str(tmp_path / "clone"))
    prepare(["bbh"], builders=BBH_BUILDER)
    assert [p.name for p in bbh_files(asset_dir("bbh"))] == ["navigate.json"]


# ------------------------------------------------------------------ bad inputs: one line, nothing written

@pytest.mark.parametrize("content, expected", [
    ('{"canary": "x", "examples": [', "is not readable JSON"),
    (json.dumps({"canary": "x", "examples": []}), "holds no examples"),
    (json.dumps({"canary": "x", "examples": [{"input": "Which?\nOptions:\n(A) one\n(B) two", "target": "(C)"}]}),
     "example 1's target '(C)' is not among its options (its options are ['(A)', '(B)'])"),
    (json.dumps({"canary": "x", "examples": [{"input": "Go?", "target": "Maybe"}]}),
     "its options are ['Yes', 'No']"),   # web_of_lies: a label-set task
    (json.dumps({"canary": "x", "examples": [{"input": "q"}]}), "example 1 is not"),
], ids=["broken_json", "empty", "target_not_an_option", "target_not_a_label", "no_target"])
def test_a_bad_file_is_one_line_naming_it_and_nothing_is_written(tmp_path, monkeypatch, content, expected):
    source = tmp_path / "bbh"
    write_bbh(source, "date_understanding", [{"input": "q?\nOptions:\n(A) a\n(B) b", "target": "(A)"}] * 3)
    stem = "web_of_lies" if "Maybe" in content else "snarks"
    (source / f"{stem}.json").write_text(content)
    with pytest.raises(T2LError) as err:
        read_bbh_file(source / f"{stem}.json")
    line = one_line(err)
    assert expected in line and str(source / f"{stem}.json") in line and "T2L_BBH_SOURCE" in line
    home = tmp_path / "home"
    monkeypatch.setenv("T2L_HOME", str(home))
    monkeypatch.setenv("T2L_BBH_SOURCE", str(source))
    with pytest.raises(T2LError) as err:
        prepare(["bbh"], builders=BBH_BUILDER)
    assert expected in one_line(err)
    assert not home.exists() or not any(home.iterdir())   # no bbh folder, no temp copy


def test_no_source_named_is_one_line_with_the_fix_and_optional_only_warns(tmp_path, monkeypatch):
    monkeypatch.setenv("T2L_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("T2L_BBH_SOURCE", raising=False)
    with pytest.raises(T2LError) as err:
        prepare(["bbh"], builders=BBH_BUILDER)
    line = one_line(err)
    assert "T2L_BBH_SOURCE" in line and "git clone https://github.com/suzgunmirac/BIG-Bench-Hard" in line
    assert prepare(["bbh"], optional=["bbh"], builders=BBH_BUILDER)["bbh"] == str(err.value)
    catalog = TaskCatalog(TaskSources(bbh_dir="bundle://bbh", generated=True, pool=False))   # still opens
    with pytest.raises(T2LError) as err:
        catalog.select(split="heldout_bbh")
    line = one_line(err)
    assert line.startswith("unknown task 'bbh:boolean_expressions'") and "BIG-Bench Hard is not prepared" in line
    assert "T2L_BBH_SOURCE" in line
    with pytest.raises(T2LError, match="no BBH files"):   # a folder the user named is still an error
        TaskCatalog(TaskSources(bbh_dir=str(tmp_path), pool=False))


def test_a_name_in_two_sources_is_one_line_naming_both(tmp_path):
    write_bbh(tmp_path / "bbh", "navigate", [{"input": f"Go {i}?", "target": "Yes"} for i in range(3)])
    clash = tmp_path / "mine.jsonl"
    clash.write_text(json.dumps({"task": "bbh:navigate", "input": "q", "target": "a"}) + "\n")
    with pytest.raises(T2LError) as err:
        TaskCatalog(TaskSources(bbh_dir=str(tmp_path / "bbh"), local_files=[str(clash)], pool=False))
    line = one_line(err)
    assert line.startswith("task name 'bbh:navigate' comes from two sources")
    assert f"bbh: {tmp_path / 'bbh'}" in line and f"local: {clash}" in line and "rename one or drop a source" in line


# ------------------------------------------------------------------ one Source protocol

def test_every_registered_source_satisfies_the_protocol(bbh_dir):
    sources = TaskSources(bigbench_dir=str(BIGBENCH), bbh_dir=str(bbh_dir), sni=[str(FIXTURES / "sni")],
                          local_files=[str(FIXTURES / "local" / "toy_gen.jsonl")])
    classes = source_classes()
    assert len(classes) == len(SOURCES) and len({cls.kind for cls in classes}) == len(classes)
    for cls in classes:
        source = cls.from_config(sources)
        assert isinstance(source, Source), cls
        assert isinstance(source.kind, str) and isinstance(source.prefix, str) and source.unavailable == ""
        entries = source.entries()
        assert entries and all(isinstance(e, Entry) and e.path.exists() and e.origin for e in entries), cls
        if cls.kind != "pool":   # building the pool is tests/unit/tasks/pool's business
            name = next(e.name for e in entries if not e.name.startswith(("toy_broken", "toy_empty")))
            raw = source.load(name)
            assert raw.name == name and raw.metric in ("mc", "gen") and (raw.examples or raw.presplit)
        assert cls.from_config(TaskSources(generated=False, pool=False)) is None, cls   # not configured


# ------------------------------------------------------------------ BIG-bench from the shared folder

@pytest.fixture(scope="module")
def shared_bigbench():
    if not (SHARED_BIGBENCH / "benchmark_tasks").is_dir():
        pytest.skip("needs ../shared/data/bigbench (22 BIG-bench tasks; T2L_BIGBENCH_SOURCE names a copy)")
    return SHARED_BIGBENCH


def test_the_shared_big_bench_folder_loads(shared_bigbench, tmp_path, monkeypatch):
    monkeypatch.setenv("T2L_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("T2L_BIGBENCH_SOURCE", str(shared_bigbench))
    monkeypatch.delenv("T2L_BIGBENCH_SDIST", raising=False)
    prepare(["bigbench"])
    index = json.loads((asset_dir("bigbench") / "index.json").read_text())
    assert len(index) == 22 and "navigate" in index and "word_unscrambling" in index
    catalog = TaskCatalog(TaskSources(bigbench_dir="bundle://bigbench", generated=False, pool=False))
    assert catalog.names() == sorted(index)
    metrics = Counter(catalog.load_raw(name).metric for name in catalog.names())
    assert sum(metrics.values()) == 22
    held = set(read_name_list(DATA / "splits" / "heldout_bigbench.txt"))
    assert len(held & set(index)) == 10   # the BBH-source tasks the shared README names
