"""Bad-input sweep over task files and description banks (issue #15, item 3).

Hypothesis writes BIG-bench task JSON, natural-instructions (SNI) task JSON, SNI dataset folders
(parquet and JSONL), local .jsonl / .json task files and description-bank lines - well-formed ones,
ones with every field of the wrong type, and raw bytes - and reads them through the real loaders
(and on into `split_task`, the way `TaskCatalog.load` does). Every case must end in a task or in one
T2LError whose message names the file; any other exception (a traceback for a user) fails the test.
Sizes are fixed and the search is derandomized, so CI tries the same cases every run; the number of
cases each property tried is printed at the end of the module (`pytest -s`) from tests.helpers.bad_inputs.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from t2l.errors import T2LError
from t2l.tasks.bigbench import load_bigbench_task
from t2l.tasks.descriptions import DescriptionBank
from t2l.tasks.local import load_local_file
from t2l.tasks.registry import TaskCatalog, TaskSources
from t2l.tasks.schema import RawTask, Task, split_task
from t2l.tasks.sni import load_sni_dataset_dir, load_sni_task_file
from tests.helpers.bad_inputs import CASES, case_report, record

SWEEP = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW_SWEEP = settings(SWEEP, max_examples=40)   # each case goes through Hugging Face `datasets`

_counter = itertools.count()

# JSON values of every type, small: what a hand-edited or damaged file can hold in any field.
TEXT = st.one_of(st.sampled_from(["", " ", "a", "Q: 2+2?", "yes", "no", "\x00", "日本語", "\udcff"]), st.text(max_size=12))
WORD = st.sampled_from(["yes", "no", "Q: 2+2?", "Paris", "日本語", "a b c", "bad \udcff", "ok\x00"])
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True, allow_infinity=True), TEXT)
ANY_JSON = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)


def maybe(value_strategy):
    """A field that is mostly well-typed, sometimes absent, sometimes any JSON value at all."""
    return st.one_of(value_strategy, value_strategy, value_strategy, st.just(None), ANY_JSON)


def fields(**strategies):
    """A dict with each named field drawn (or left out when it draws None)."""
    return st.fixed_dictionaries({k: maybe(v) for k, v in strategies.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not None})


SCORES = st.dictionaries(st.one_of(WORD, TEXT), st.one_of(st.integers(0, 1), st.integers(0, 1), SCALAR), max_size=4)
BB_EXAMPLE = fields(input=st.one_of(WORD, TEXT), target=st.one_of(WORD, TEXT, st.lists(TEXT, max_size=3)),
                    target_scores=SCORES)
BB_TASK = fields(examples=st.lists(BB_EXAMPLE, min_size=3, max_size=6), description=TEXT, task_prefix=TEXT,
                 example_input_prefix=TEXT, example_output_prefix=TEXT, choice_prefix=TEXT,
                 append_choices_to_input=st.booleans(), preferred_score=st.sampled_from(
                     ["multiple_choice_grade", "exact_str_match", "bleu", "nonsense"]),
                 keywords=st.lists(TEXT, max_size=2))

SNI_INSTANCE = fields(id=TEXT, input=st.one_of(WORD, TEXT), output=st.one_of(WORD, st.lists(st.one_of(WORD, TEXT), max_size=3)))
SNI_TASK = fields(Definition=st.one_of(TEXT, st.lists(TEXT, max_size=2)), Instances=st.lists(SNI_INSTANCE, min_size=3, max_size=6),
                  **{"Positive Examples": st.lists(fields(input=TEXT, output=TEXT), max_size=2)},
                  Categories=st.lists(TEXT, max_size=2), Domains=st.lists(TEXT, max_size=2),
                  Input_language=st.lists(TEXT, max_size=1), Source=st.lists(TEXT, max_size=1))

LOCAL_EXAMPLE = st.one_of(
    fields(input=WORD, target=WORD, task=st.sampled_from(["t1", "t2"]), description=WORD),               # generative
    fields(input=WORD, targets=st.lists(WORD, max_size=3)),
    fields(input=WORD, choices=st.lists(WORD, min_size=2, max_size=4), answer=st.integers(-1, 3)),      # multiple choice
    fields(input=WORD, choices=st.lists(WORD, min_size=2, max_size=4), answers=st.lists(st.integers(-1, 3), max_size=2)),
    fields(input=TEXT, target=TEXT, targets=st.lists(TEXT, max_size=3), choices=st.lists(TEXT, max_size=4),
           answer=st.integers(-1, 4), answers=st.lists(st.integers(-1, 4), max_size=3), task=TEXT, description=TEXT))
LOCAL_TASK = fields(name=st.one_of(WORD, TEXT), description=st.one_of(WORD, TEXT), descriptions=st.lists(TEXT, max_size=3),
                    metric=st.sampled_from(["mc", "gen", "other"]), examples=st.lists(LOCAL_EXAMPLE, min_size=3, max_size=5))

BANK_LINE = st.one_of(fields(task=WORD, descriptions=st.lists(st.one_of(WORD, TEXT), max_size=3)),
                      fields(family=WORD, descriptions=st.lists(WORD, max_size=3), replace=st.booleans()),
                      fields(task=TEXT, family=TEXT, descriptions=st.lists(TEXT, max_size=3),
                             how=st.sampled_from(["hand", "template", "generation", "made up"]), replace=st.booleans()))

RAW_BYTES = st.one_of(st.binary(max_size=64), st.sampled_from([b"", b"\xef\xbb\xbf", b"{", b"[1,", b'{"a": NaN}',
                                                                b"\xff\xfe{\x00}\x00", b"null", b"\n\n"]))


def serialise(obj) -> bytes:
    """JSON text of `obj`; strings with lone surrogates cannot be UTF-8, so they go through as escapes
    (json.dumps default, ensure_ascii) - which is also what a file on disk can hold."""
    return json.dumps(obj).encode("utf-8")


def utf8(text: str | None) -> str | None:
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8")


def fresh_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"t2l-bad-{next(_counter)}-"))
    return path


def must_end_well(name: str, load) -> object:
    """Run `load`: a result (split too when it is a RawTask) or a T2LError, nothing else."""
    record(name)
    try:
        result = load()
    except T2LError as err:
        message = str(err)
        assert message and "\n" not in message.strip(), message
        record(f"{name} (refused)")
        return err
    for raw in result if isinstance(result, list) else [result]:
        if isinstance(raw, RawTask):
            assert raw.examples or raw.presplit, raw
            try:
                assert isinstance(split_task(raw), Task)
                record(f"{name} (split into a Task)")
            except T2LError:
                record(f"{name} (refused at split_task)")
    record(f"{name} (read)")
    return result


# ------------------------------------------------------------------ BIG-bench task.json

def _bigbench_root(content: bytes) -> Path:
    root = fresh_dir()
    task = root / "benchmark_tasks" / "t"
    task.mkdir(parents=True)
    (task / "task.json").write_bytes(content)
    return root


@SWEEP
@given(task=st.one_of(BB_TASK, ANY_JSON))
def test_bigbench_task_json_ends_in_a_task_or_one_error(task):
    root = _bigbench_root(serialise(task))
    must_end_well("bigbench task.json", lambda: load_bigbench_task("t", root))


@SWEEP
@given(content=RAW_BYTES)
def test_bigbench_raw_bytes_end_in_one_error(content):
    root = _bigbench_root(content)
    outcome = must_end_well("bigbench raw bytes", lambda: load_bigbench_task("t", root))
    assert isinstance(outcome, T2LError)
    assert "task.json" in str(outcome) or "task 't'" in str(outcome), outcome   # names the file or the task


def test_bigbench_known_bad_fields_are_named():
    good = [{"input": "a", "target": "b"}, {"input": "c", "target": "d"}, {"input": "e", "target": "f"}]
    for task, field in [({"examples": good, "task_prefix": 5}, "task_prefix"),
                        ({"examples": good, "example_input_prefix": None}, "example_input_prefix"),
                        ([good], "not a BIG-bench task")]:
        with pytest.raises(T2LError, match=field):
            load_bigbench_task("t", _bigbench_root(serialise(task)))
    # Non-numeric target scores make an example unusable (counted), not a crash.
    scores = [{"input": str(i), "target_scores": {"x": 1, "y": 0}} for i in range(3)]
    scores.append({"input": "bad", "target_scores": {"x": "high", "y": None}})
    raw = load_bigbench_task("t", _bigbench_root(serialise({"examples": scores})))
    assert len(raw.examples) == 3 and raw.meta["skipped_unusable"] == 1


def test_bigbench_index_that_is_not_a_mapping_is_refused():
    root = _bigbench_root(serialise({"examples": []}))
    (root / "index.json").write_text("[1, 2, 3]")
    with pytest.raises(T2LError, match="index.json is not a BIG-bench index"):
        TaskCatalog(TaskSources(bigbench_dir=str(root), descriptions_dir=None))


# ------------------------------------------------------------------ SNI: natural-instructions task JSON

@SWEEP
@given(task=st.one_of(SNI_TASK, ANY_JSON), raw=st.one_of(st.none(), RAW_BYTES))
def test_sni_task_json_ends_in_a_task_or_one_error(task, raw):
    path = fresh_dir() / "task001_toy.json"
    path.write_bytes(serialise(task) if raw is None else raw)
    must_end_well("sni task json", lambda: load_sni_task_file(path))


# ------------------------------------------------------------------ SNI: Lots-of-LoRAs dataset folders

SNI_ROW = st.fixed_dictionaries({"input": st.one_of(WORD, TEXT, st.none()),
                                 "output": st.one_of(st.lists(st.one_of(WORD, TEXT), max_size=2), st.none())})


@SLOW_SWEEP
@given(splits=st.dictionaries(st.sampled_from(["train", "valid", "test"]), st.lists(SNI_ROW, min_size=1, max_size=5), max_size=3),
       layout=st.sampled_from(["parquet", "jsonl", "jsonl-garbage", "parquet-garbage"]))
def test_sni_dataset_dir_ends_in_a_task_or_one_error(splits, layout):
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = fresh_dir() / "task9_toy"
    data = root / "data"
    data.mkdir(parents=True)
    for split, rows in splits.items():
        if layout == "parquet":   # parquet stores UTF-8 only: a lone surrogate cannot be in such a file
            table = pa.table({"input": pa.array([utf8(r["input"]) for r in rows], pa.string()),
                              "output": pa.array([None if r["output"] is None else [utf8(o) for o in r["output"]]
                                                  for r in rows], pa.list_(pa.string()))})
            pq.write_table(table, data / f"{split}-00000-of-00001.parquet")
        elif layout == "jsonl":
            (data / f"{split}.jsonl").write_bytes(b"".join(serialise(r) + b"\n" for r in rows))
        elif layout == "jsonl-garbage":
            (data / f"{split}.jsonl").write_bytes(b'{"input": "a", "output": ["b"]}\n{"input": \n\xff')
        else:
            (data / f"{split}-00000-of-00001.parquet").write_bytes(b"PAR1 not really")
    must_end_well(f"sni dataset dir ({layout})", lambda: load_sni_dataset_dir(root))


def test_sni_known_bad_fields_are_named():
    for field, value in [("Positive Examples", 5), ("Categories", "x"), ("Definition", 7)]:
        path = fresh_dir() / "task1.json"
        path.write_text(json.dumps({"Instances": [{"input": "a", "output": ["b"]}], field: value}))
        with pytest.raises(T2LError, match=field):
            load_sni_task_file(path)


# ------------------------------------------------------------------ local .jsonl / .json task files

@SWEEP
@given(lines=st.lists(st.one_of(LOCAL_EXAMPLE, LOCAL_EXAMPLE, ANY_JSON), max_size=6), garbage=st.one_of(st.none(), RAW_BYTES))
def test_local_jsonl_ends_in_tasks_or_one_error(lines, garbage):
    path = fresh_dir() / "mine.jsonl"
    path.write_bytes(b"\n".join(serialise(line) for line in lines) + (garbage or b""))
    must_end_well("local jsonl", lambda: load_local_file(path))


@SWEEP
@given(content=st.one_of(LOCAL_TASK, st.lists(LOCAL_TASK, max_size=3), st.lists(LOCAL_EXAMPLE, max_size=5), ANY_JSON),
       raw=st.one_of(st.none(), RAW_BYTES))
def test_local_json_ends_in_tasks_or_one_error(content, raw):
    path = fresh_dir() / "mine.json"
    path.write_bytes(serialise(content) if raw is None else raw)
    must_end_well("local json", lambda: load_local_file(path))


# ------------------------------------------------------------------ description banks

@SWEEP
@given(lines=st.lists(st.one_of(BANK_LINE, ANY_JSON), max_size=5), garbage=st.one_of(st.none(), RAW_BYTES))
def test_description_bank_ends_in_a_bank_or_one_error(lines, garbage):
    folder = fresh_dir()
    (folder / "bank.jsonl").write_bytes(b"\n".join(serialise(line) for line in lines) + (garbage or b""))
    bank = must_end_well("description bank", lambda: DescriptionBank.read(folder))
    if isinstance(bank, DescriptionBank):
        for name in list(bank.tasks)[:3]:
            texts, _ = bank.for_task(name)
            assert all(isinstance(t, str) and t for t in texts)


def test_binary_description_bank_is_one_error_naming_the_file():
    folder = fresh_dir()
    (folder / "bank.jsonl").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(T2LError, match="bank.jsonl is not UTF-8"):
        DescriptionBank.read(folder)


def test_report_case_counts():
    """Runs last in this module: prints what the sweep tried (pytest -s shows it) and checks it ran."""
    print(f"\nbad task files: {case_report()}")
    properties = ["bigbench task.json", "bigbench raw bytes", "sni task json", "local jsonl", "local json",
                  "description bank"]
    if all(CASES[p] for p in properties):   # the module ran whole (not a -k selection)
        assert all(CASES[p] >= 300 for p in properties), case_report()
        assert all(CASES[f"{p} (refused)"] > 0 for p in properties), case_report()
        assert sum(CASES[f"{p} (split into a Task)"] for p in properties) > 0, case_report()
        assert all(CASES[f"{p} (read)"] > 0 for p in ["bigbench task.json", "sni task json", "local jsonl",
                                                       "local json", "description bank"]), case_report()
