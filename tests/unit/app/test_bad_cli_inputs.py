"""Bad-input sweep over what users type and hand to `t2l` (issue #15, item 3), in-process.

* descriptions (empty, huge, binary, control characters, mixed scripts, lone surrogates - what Python
  makes of undecodable argv bytes) through `T2L.generate` on a real bundle with the real MiniLM encoder,
  and through `t2l generate` itself;
* example files (`t2l generate examples=FILE.jsonl`) and description files (`descriptions_file=`);
* Hydra overrides of `t2l eval`, `t2l generate` and `train.py` (unknown keys, bad values, broken syntax).

Every case ends in a result (an adapter, a composed config) or one T2LError line - `t2l` prints it as
`error: ...` and exits 2 - never another exception. Counts per property: tests.helpers.bad_inputs.CASES,
printed by the last test (`pytest -s`).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from t2l.app.cli import main
from t2l.app.config import compose
from t2l.app.generate import descriptions_from_args, read_example_inputs
from t2l.errors import T2LError
from tests.helpers.bad_inputs import CASES, HOSTILE_TEXTS, case_report, record, tiny_bundle

SWEEP = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

HOSTILE = st.sampled_from(sorted(HOSTILE_TEXTS.values()))
DESCRIPTION = st.one_of(HOSTILE, st.text(max_size=40), st.text(st.characters(codec="utf-8"), min_size=1, max_size=300),
                        st.binary(max_size=40).map(lambda b: b.decode("utf-8", "surrogateescape")))


def outcome(name: str, call):
    """`call()`'s result, or the T2LError it raised (one line); any other exception fails the test."""
    record(name)
    try:
        result = call()
    except T2LError as err:
        assert str(err).strip() and "\n" not in str(err).strip(), repr(str(err))
        record(f"{name} (refused)")
        return err
    record(f"{name} (result)")
    return result


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory) -> Path:
    return tiny_bundle(tmp_path_factory.mktemp("bundle") / "hypernet")


@pytest.fixture(scope="module")
def t2l(bundle_dir):
    from t2l.models.bundle import T2L

    return T2L.from_pretrained(bundle_dir)


# ------------------------------------------------------------------ descriptions

@pytest.mark.real_assets  # the real MiniLM encoder
@settings(SWEEP, max_examples=120)
@given(descriptions=st.lists(DESCRIPTION, min_size=1, max_size=3))
def test_generate_from_any_description_gives_adapters_or_one_error(t2l, descriptions):
    import torch

    result = outcome("T2L.generate(descriptions)", lambda: t2l.generate(descriptions))
    if not isinstance(result, T2LError):
        assert result["q_proj.A"].shape[0] == len(descriptions)
        assert all(torch.isfinite(v).all() for v in result.values())
    elif all(d.strip() for d in descriptions):   # a non-blank description is refused only for invalid Unicode
        assert "UTF-8" in str(result), result


@pytest.mark.real_assets
@settings(SWEEP, max_examples=60)
@given(inputs=st.lists(DESCRIPTION, min_size=1, max_size=4))
def test_generate_from_any_example_inputs_gives_an_adapter_or_one_error(t2l, inputs):
    outcome("T2L.generate(examples)", lambda: t2l.generate(None, examples=[inputs]))


@pytest.mark.real_assets
@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_t2l_generate_cli_on_each_hostile_description(kind, bundle_dir, tmp_path, capsys):
    text = HOSTILE_TEXTS[kind]
    record("t2l generate description=<hostile> (CLI, in-process)")
    code = main(["generate", f"checkpoint={bundle_dir}", f"out={tmp_path / 'adapter'}", f"description={text}"])
    err = capsys.readouterr().err
    if text.strip() and kind != "lone_surrogate":
        assert code == 0 and (tmp_path / "adapter" / "adapter_config.json").is_file(), err
        saved = json.loads((tmp_path / "adapter" / "t2l_description.json").read_text())
        assert saved["description"] == text   # taken as typed, written back intact
    else:
        assert code == 2 and not (tmp_path / "adapter").exists()
        line = [x for x in err.splitlines() if x.startswith("error: ")]
        assert len(line) == 1 and ("empty" in line[0] or "UTF-8" in line[0]), err


# ------------------------------------------------------------------ example and description files

LINE = st.one_of(st.just('{"input": "Q: what is 2+2?"}'), st.just('"a bare JSON string"'), st.just('{"input": ""}'),
                 st.just('{"description": "answer in one word"}'), st.just("{broken"), st.just("[1, 2]"),
                 st.just("null"), st.just('{"input": 5}'), st.text(max_size=20))
FILE_BYTES = st.one_of(st.lists(LINE, max_size=5).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")),
                       st.binary(max_size=60))


def _file(content: bytes, suffix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="t2l-bad-cli-")) / f"given{suffix}"
    path.write_bytes(content)
    return path


@SWEEP
@given(content=FILE_BYTES)
def test_examples_file_gives_inputs_or_one_error(content):
    path = _file(content, ".jsonl")
    result = outcome("examples=FILE.jsonl", lambda: read_example_inputs(path))
    if not isinstance(result, T2LError):
        assert result and all(isinstance(t, str) and t.strip() for t in result)


@SWEEP
@given(content=FILE_BYTES, suffix=st.sampled_from([".jsonl", ".txt"]))
def test_descriptions_file_gives_texts_or_one_error(content, suffix):
    path = _file(content, suffix)
    result = outcome("descriptions_file=FILE", lambda: descriptions_from_args(None, str(path)))
    if not isinstance(result, T2LError):
        assert result and all(isinstance(t, str) and t.strip() for t in result)


def test_known_bad_example_and_description_files_are_named():
    with pytest.raises(T2LError, match="is not UTF-8"):
        read_example_inputs(_file(b"\xff\xfe\x00binary", ".jsonl"))
    with pytest.raises(T2LError, match=r"line 2: expected a JSON string or \{\"description\""):
        descriptions_from_args(None, str(_file(b'"fine"\n{"text": "no description key"}', ".jsonl")))
    with pytest.raises(T2LError, match="line 1, column"):
        read_example_inputs(_file(b'{"input": "unterminated', ".jsonl"))


# ------------------------------------------------------------------ Hydra overrides

KEYS = {"eval": ["limit", "shots", "tasks", "split", "batch_size", "max_new_tokens", "base_model", "data",
                 "data.seed", "data.fractions", "prompt_settings", "controls", "lora.rank", "adapters", "out"],
        "generate": ["checkpoint", "description", "batch_size", "precision", "export", "out", "examples"],
        "train": ["experiment", "hypernet", "objective.lr", "lora.rank", "trainer", "seed", "base_model",
                  "encoder", "library.dir", "tasks"]}
VALUES = st.one_of(st.sampled_from(["", "0", "-1", "abc", "1e999", "nan", "[", "]", "[a,b]", "{x: 1}", "null", "true",
                                    "${oc.env:HOME}", "${nope}", "'quoted'", "a=b", "\\", "'", '"', "%", "[[[[[",
                                    "tiny_random", "none", "9" * 30]), st.text(max_size=12))


def overrides_for(config_name: str):
    """Overrides of `config_name`: its real keys with bad (or fine) values, misspelt keys, raw junk."""
    override = st.one_of(
        st.tuples(st.sampled_from(KEYS[config_name]), VALUES).map("=".join),
        st.tuples(st.sampled_from(["bogus", "limitt", "data.nope", "lora.ranks", "+extra", "~limit", "hydra.run.dir"]),
                  VALUES).map("=".join),
        st.text(max_size=16))
    return st.tuples(st.just(config_name), st.lists(override, min_size=1, max_size=3))


@settings(SWEEP, max_examples=60)
@given(case=st.sampled_from(sorted(KEYS)).flatmap(overrides_for))
def test_overrides_compose_or_give_one_error(case):
    config_name, overrides = case
    outcome(f"overrides ({config_name})", lambda: compose(config_name, overrides))


@pytest.mark.parametrize("config_name,override,expected", [
    ("eval", "limitt=3", "unknown key 'limitt'"),
    ("eval", "limit=abc", "limit"),
    ("eval", "base_model=nope", "unknown base_model 'nope'"),
    ("generate", "batch_size=[1", "batch_size"),
    ("train", "objective.lrr=1", "unknown key 'objective.lrr'"),
    ("train", "experiment=nope", "unknown experiment 'nope'"),
    ("train", "lora.rank=eight", "lora.rank"),
    ("eval", "limit=${nope}", "Interpolation key 'nope' not found"),       # resolved at compose, not in the job
    ("generate", "out=${oc.env:T2L_NO_SUCH_VAR}", "T2L_NO_SUCH_VAR"),
])
def test_known_bad_overrides_name_the_key(config_name, override, expected):
    with pytest.raises(T2LError, match=expected):
        compose(config_name, [override])


@pytest.mark.parametrize("argv,expected", [(["experiment=library", "bogus=1"], "unknown key 'bogus'"),
                                            (["experiment=library", "base_model=0"], "bad override"),
                                            (["experiment=library", "lora.rank=[1"], "bad override 'lora.rank=[1'")])
def test_train_py_command_line_check_is_one_line_and_exit_2(argv, expected, capsys):
    """train.py's up-front check (t2l.app.jobs.check_command_line): before any model loads."""
    from t2l.app.jobs import check_command_line

    with pytest.raises(SystemExit) as exit_:
        check_command_line("train", argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.startswith("error: ") and expected in err and err.count("\n") == 1, err


def test_report_case_counts():
    print(f"\nbad CLI inputs: {case_report()}")
    for name in ["examples=FILE.jsonl", "descriptions_file=FILE"]:
        if CASES[name]:
            assert CASES[name] >= 150 and CASES[f"{name} (refused)"] and CASES[f"{name} (result)"], case_report()
    composed = [n for n in CASES if n.startswith("overrides (") and "(" not in n[len("overrides ("):]]
    if composed:
        assert sum(CASES[n] for n in composed) >= 60, case_report()
