"""Checks shared by the pool group tests (tests/unit/tasks/pool/test_<group>.py): each takes a group's own data
(its FAMILIES mapping, its KNOWN answers, its built tasks, its evaluation jsonl) and asserts; no tests here."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

from t2l.errors import T2LError
from t2l.tasks.descriptions import normalise_text
from t2l.tasks.pool import build
from t2l.tasks.pool.contamination import MAX_SHARE, overlap
from t2l.tasks.pool.core import MIN_DESCRIPTIONS, MIN_EXAMPLES, MIN_HELDOUT_EXAMPLES


def _same(text: str) -> str:
    return text


def task_names(families: Mapping) -> list[str]:
    """Every task (pool and held-out) of the families, in family order."""
    return [name for fam in families.values() for name in fam.tasks()]


def build_all(names: Iterable[str]) -> dict:
    return {name: build.build_task(name) for name in names}


def check_group_size(built, families: Mapping, heldout: set[str], *, min_families: int, min_pool: int,
                     inputs: set[str], mc_share: tuple[float, float] | None = None) -> None:
    """The group is as large as promised, every task has enough examples and descriptions, the held-out tasks
    are exactly `heldout` and undescribed, and (where given) the share of multiple-choice pool tasks lies in
    `mc_share`."""
    pool = [n for f in families.values() for n in f.variants]
    held = {n for f in families.values() for n in f.heldout}
    assert len(families) >= min_families
    assert len(pool) >= min_pool
    assert held == heldout
    assert all(len(built[n].examples) >= MIN_EXAMPLES for n in pool)
    assert all(len(built[n].examples) >= MIN_HELDOUT_EXAMPLES for n in held)
    assert all(len(built[n].descriptions) >= MIN_DESCRIPTIONS for n in pool)
    assert all(built[n].descriptions == [] and built[n].meta["heldout"] for n in held)
    if mc_share is not None:
        share_mc = sum(built[n].metric == "mc" for n in pool) / len(pool)
        assert mc_share[0] <= share_mc <= mc_share[1]
    assert {built[n].meta["inputs"] for n in built} == inputs


def check_answer(fam, params: dict, text: str, expected: str | None, *, oracle_key: Callable[[str], str] = _same,
                 where=None) -> None:
    """The family's answer to `text` is `expected`; where there is one, its oracle agrees (up to `oracle_key`)."""
    where = where if where is not None else (fam.name, text)
    assert fam.answer(text, **params) == expected, where
    if expected is not None:
        assert oracle_key(fam.oracle(text, **params)) == oracle_key(expected), where


def check_known_answers(task: str, pairs: Iterable[tuple[str, str | None]]) -> None:
    """Each (input, answer) of `task` (answer None: the task skips that input) is what its family gives."""
    fam, params, _ = build.task_index()[task]
    for text, expected in pairs:
        check_answer(fam, params, text, expected, where=(task, text))


def check_every_family_has_known_answers(known: Mapping, families: Mapping) -> None:
    covered = {build.task_index()[t][0].name for t in known}
    assert covered == set(families)


def check_multiple_choice(built, families: Mapping) -> None:
    """Label tasks offer their labels, balanced; distractor tasks offer distinct choices with the family's
    answer as target; every other task is not multiple choice."""
    for fam in families.values():
        for name, (params, _) in fam.tasks().items():
            examples = built[name].examples
            if fam.labels:
                assert all(e.choices == fam.labels for e in examples), name
                counts = {label: sum(e.target == label for e in examples) for label in fam.labels}
                assert len(set(counts.values())) == 1, (name, counts)     # balanced
            elif fam.distractors:
                for e in examples:
                    assert len(e.choices) == fam.distractors + 1 and len(set(e.choices)) == len(e.choices), name
                    assert e.target == fam.answer(e.input, **params)
            else:
                assert all(not e.is_mc for e in examples), name


def check_no_answer_is_the_input(built, key: Callable[[str], str] = _same) -> None:
    for name, raw in built.items():
        assert all(key(e.target) != key(e.input) for e in raw.examples), name


def check_siblings_described_differently(built, families: Mapping) -> None:
    """No description (normalised) serves two variants of one family."""
    for fam in families.values():
        seen: dict[str, str] = {}
        for name in fam.variants:
            for text in built[name].descriptions:
                assert seen.setdefault(normalise_text(text), name) == name, (text, name)


def eval_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_eval_descriptions(path: Path, heldout: Iterable[str], *, pool_texts: set[str] | None = None,
                            key: Callable[[str], str] = _same) -> list[dict]:
    """The evaluation file has one row per held-out task, each with 7 distinct (up to `key`) hand-written
    descriptions, none of them (up to `key`) in `pool_texts` where given. Returns the rows."""
    rows = eval_rows(path)
    assert sorted(r["task"] for r in rows) == sorted(heldout)
    for row in rows:
        texts = {key(t) for t in row["descriptions"]}
        assert row["how"] == "hand" and len(texts) == 7, row["task"]
        if pool_texts is not None:
            assert not texts & pool_texts, row["task"]
    return rows


def pool_description_texts(built) -> set[str]:
    """Every description of the built tasks, normalised."""
    return {normalise_text(t) for raw in built.values() for t in raw.descriptions}


def check_eval_descriptions_apart_from_pool(path: Path, heldout: Iterable[str], built) -> list[dict]:
    """check_eval_descriptions, comparing normalised texts with every (normalised) description of `built`."""
    return check_eval_descriptions(path, heldout, pool_texts=pool_description_texts(built), key=normalise_text)


def check_no_pool_task_reproduces_a_heldout_task(built, families: Mapping, heldout: Iterable[str], *,
                                                 same_inputs_only: bool = False) -> None:
    """No pool variant of the group agrees with a held-out task on more than MAX_SHARE of its examples
    (with `same_inputs_only`, only variants whose family takes the same kind of input are compared)."""
    for h_name in heldout:
        h_fam, h_params, _ = build.task_index()[h_name]
        inputs = [e.input for e in built[h_name].examples]
        gold = [e.target for e in built[h_name].examples]
        for fam in families.values():
            if same_inputs_only and fam.inputs != h_fam.inputs:
                continue
            for p_name, params in fam.variants.items():
                assert overlap((fam, params), (h_fam, h_params), inputs, gold) <= MAX_SHARE, (p_name, h_name)


def check_disagreeing_oracle_refuses(monkeypatch, task: str, oracle: Callable[..., str], match: str) -> None:
    """Building `task` with its family's oracle replaced by `oracle` fails with an error matching `match`."""
    fam, params, heldout = build.task_index()[task]
    broken = dataclasses.replace(fam, oracle=oracle)
    monkeypatch.setitem(build.task_index(), task, (broken, params, heldout))
    with pytest.raises(T2LError, match=match):
        build.build_task(task)
