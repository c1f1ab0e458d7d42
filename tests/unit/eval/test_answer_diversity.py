"""`summarise` says how varied a row's multiple-choice answers are (top_pred_share / top_gold_share), and
the printed table shows it: a constant predictor is visible at a glance (docs/t2l.md, 2026-12-06)."""

from __future__ import annotations

import pytest

from t2l.eval.report import results_table
from t2l.eval.scoring import EvalSettings, summarise, top_share


def row(choices, gold, pred):
    return {"choices": choices, "gold": gold, "pred": pred, "correct": gold == pred, "correct_norm": gold == pred}


def test_a_constant_predictor_has_top_pred_share_one():
    yes_no = ["Yes", "No"]
    rows = [row(yes_no, 0, 1), row(yes_no, 1, 1), row(yes_no, 1, 1), row(["No", "Yes"], 1, 0)]   # always "No"
    summary = summarise(rows, "mc", EvalSettings())
    assert summary["top_pred_share"] == 1.0
    assert summary["top_gold_share"] == pytest.approx(0.5)        # gold: Yes, No, No, Yes
    assert summary["accuracy"] == pytest.approx(0.5)              # the constant answer's share of the split


def test_answers_are_compared_as_texts_not_positions():
    rows = [row(["a", "b"], 0, 0), row(["b", "a"], 0, 0), row(["c", "d"], 1, 1)]
    summary = summarise(rows, "mc", EvalSettings())
    assert summary["top_pred_share"] == pytest.approx(1 / 3) and summary["top_gold_share"] == pytest.approx(1 / 3)
    assert top_share(["x", "x", "y", "x"]) == 0.75


def test_generative_rows_have_no_shares_and_the_table_shows_them_for_mc():
    gen = summarise([{"correct": True}, {"correct": False}], "gen", EvalSettings())
    assert "top_pred_share" not in gen and gen["accuracy"] == 0.5
    mc = summarise([row(["Yes", "No"], 0, 1), row(["Yes", "No"], 1, 1)], "mc", EvalSettings())
    table = results_table({"tasks": {"binary": mc, "arith": gen}, "average": 0.5})
    header, _, binary, arith = table.splitlines()[:4]
    assert header.split()[-2:] == ["top_pred", "top_gold"]
    assert binary.split()[-2:] == ["1.000", "0.500"] and arith.split()[-3:] == ["-", "-", "-"]
