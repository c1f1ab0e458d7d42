"""The numbers group of the pool (t2l/tasks/pool/families/numbers_*.py): every task builds, known answers
checked by hand, multiple choice shapes, held-out evaluation descriptions, and a planted oracle fault."""

from __future__ import annotations

import dataclasses

import pytest

from t2l.errors import T2LError
from t2l.package_data import DATA_DIR
from t2l.tasks.pool import build
from t2l.tasks.pool.core import EXAMPLES_PER_TASK, MIN_EXAMPLES, MIN_HELDOUT_EXAMPLES
from t2l.tasks.pool.families import (numbers_arithmetic, numbers_digits, numbers_notation, numbers_properties,
                                     numbers_words)
from tests.helpers import pool_checks

FAMILIES = (numbers_arithmetic.FAMILIES + numbers_digits.FAMILIES + numbers_words.FAMILIES
            + numbers_notation.FAMILIES + numbers_properties.FAMILIES)

NAMES = sorted(n for n, (fam, _, _) in build.task_index().items() if fam in FAMILIES)
HELDOUT = sorted(n for n in NAMES if build.task_index()[n][2])
EVAL_FILE = DATA_DIR / "descriptions" / "eval" / "described_numbers.jsonl"

# (task, input, answer) written by hand, from knowledge rather than from the code
KNOWN = [
    ("pair_sum", "47 12", "59"), ("pair_difference", "12 47", "-35"), ("pair_product", "47 12", "564"),
    ("pair_larger", "47 12", "47"), ("pair_smaller", "47 12", "12"), ("pair_abs_difference", "12 47", "35"),
    ("pair_quotient", "47 12", "3"), ("pair_remainder", "47 12", "11"), ("pair_gcd", "48 18", "6"),
    ("pair_lcm", "4 6", "12"), ("pair_mean", "47 13", "30"), ("pair_concat", "47 12", "4712"),
    ("pair_first", "47 12", "47"), ("pair_second", "47 12", "12"), ("pair_swap", "47 12", "12 47"),
    ("pair_twice_first_plus_second", "47 12", "106"),
    ("number_double", "349", "698"), ("number_triple", "34", "102"), ("number_times_10", "7", "70"),
    ("number_half", "346", "173"), ("number_square", "25", "625"), ("number_plus_1", "999", "1000"),
    ("number_plus_2", "98", "100"), ("number_plus_10", "95", "105"), ("number_plus_100", "950", "1050"),
    ("number_minus_1", "100", "99"), ("number_minus_10", "105", "95"), ("number_gap_to_1000", "1", "999"),
    ("number_plus_7", "95", "102"),
    ("digit_sum", "987", "24"), ("digit_product", "234", "24"), ("digits_reversed", "123", "321"),
    ("first_digit", "734", "7"), ("last_digit", "734", "4"), ("largest_digit", "384", "8"),
    ("smallest_digit", "384", "3"), ("digital_root", "987", "6"),
    ("round_to_ten", "345", "350"), ("round_to_ten", "344", "340"), ("round_to_hundred", "250", "300"),
    ("round_down_ten", "349", "340"), ("round_up_ten", "341", "350"), ("round_up_ten", "340", "340"),
    ("round_down_hundred", "99", "0"), ("round_up_hundred", "101", "200"),
    ("number_to_english", "121", "one hundred and twenty-one"), ("number_to_spanish", "21", "veintiuno"),
    ("number_to_spanish", "100", "cien"), ("number_to_spanish", "576", "quinientos setenta y seis"),
    ("number_to_french", "71", "soixante et onze"), ("number_to_french", "80", "quatre-vingts"),
    ("number_to_french", "200", "deux cents"), ("number_to_french", "91", "quatre-vingt-onze"),
    ("number_to_german", "21", "einundzwanzig"), ("number_to_german", "30", "dreißig"),
    ("number_to_german", "117", "einhundertsiebzehn"), ("number_to_italian", "28", "ventotto"),
    ("number_to_italian", "108", "centotto"), ("number_to_italian", "971", "novecentosettantuno"),
    ("ordinal_words", "21", "twenty-first"), ("ordinal_words", "12", "twelfth"),
    ("ordinal_suffix", "112", "112th"), ("ordinal_suffix", "22", "22nd"), ("ordinal_suffix", "103", "103rd"),
    ("number_to_binary", "10", "1010"), ("number_to_octal", "64", "100"), ("number_to_hex", "255", "ff"),
    ("number_to_roman", "994", "CMXCIV"), ("number_to_roman", "49", "XLIX"), ("number_to_roman", "444", "CDXLIV"),
    ("pair_sum_roman", "47 12", "LIX"),
    ("number_is_even", "346", "yes"), ("number_is_prime", "97", "yes"), ("number_is_prime", "91", "no"),
    ("divisible_by_3", "111", "yes"), ("divisible_by_4", "118", "no"), ("divisible_by_5", "995", "yes"),
    ("divisible_by_6", "104", "no"), ("divisible_by_9", "981", "yes"), ("divisible_by_7", "91", "yes"),
    ("divisible_by_7", "100", "no"), ("number_is_palindrome", "121", "yes"), ("number_over_500", "500", "no"),
    ("number_has_digit_7", "170", "yes"), ("number_has_repeated_digit", "101", "yes"),
    ("pair_first_larger", "47 12", "yes"), ("pair_sum_even", "47 13", "yes"), ("pair_coprime", "14 21", "no"),
    ("pair_close", "47 38", "yes"), ("pair_sum_over_100", "50 50", "no"), ("pair_both_even", "48 12", "yes"),
]


@pytest.fixture(scope="module")
def built():
    return pool_checks.build_all(NAMES)


def test_the_group_is_as_large_as_promised(built):
    pool = [n for n in NAMES if n not in HELDOUT]
    assert len(FAMILIES) >= 9 and len(pool) >= 65 and len(HELDOUT) == 5
    for name in pool:
        assert MIN_EXAMPLES <= len(built[name].examples) <= EXAMPLES_PER_TASK, name
    for name in HELDOUT:
        assert len(built[name].examples) >= MIN_HELDOUT_EXAMPLES and built[name].descriptions == [], name
    assert sum(built[n].metric == "mc" for n in pool) >= len(pool) // 4


@pytest.mark.parametrize("task,text,answer", KNOWN)
def test_known_answers(task, text, answer):
    fam, params, _ = build.task_index()[task]
    pool_checks.check_answer(fam, params, text, answer, oracle_key=str.lower)


def test_known_answers_cover_every_task():
    assert {task for task, _, _ in KNOWN} == set(NAMES)


def test_undefined_inputs_are_skipped():
    index = build.task_index()
    assert index["pair_quotient"][0].answer("12 47", **index["pair_quotient"][1]) is None
    assert index["pair_mean"][0].answer("47 12", **index["pair_mean"][1]) is None
    assert index["number_half"][0].answer("7", **index["number_half"][1]) is None
    assert index["digits_reversed"][0].answer("120", **index["digits_reversed"][1]) is None
    assert index["number_to_italian"][0].answer("123", **index["number_to_italian"][1]) is None


def test_multiple_choice_shapes(built):
    for name in ("number_is_prime", "divisible_by_7", "pair_coprime"):
        examples = built[name].examples
        assert all(e.choices == ("yes", "no") for e in examples)
        targets = [e.target for e in examples]
        assert targets.count("yes") == targets.count("no"), name
    for name in ("round_to_ten", "round_up_hundred"):
        for example in built[name].examples:
            assert len(set(example.choices)) == 4
            fam, params, _ = build.task_index()[name]
            assert example.target == fam.answer(example.input, **params)


def test_siblings_are_described_differently(built):
    assert built["pair_sum"].descriptions != built["pair_product"].descriptions
    assert all("three" in d.lower() or "triple" in d.lower() for d in built["number_triple"].descriptions)
    assert all("French" in d for d in built["number_to_french"].descriptions)


def test_heldout_tasks_have_seven_evaluation_descriptions():
    pool_checks.check_eval_descriptions(EVAL_FILE, HELDOUT)


def test_a_disagreeing_oracle_refuses_naming_the_family(monkeypatch):
    broken = dataclasses.replace(numbers_arithmetic.PAIR_OP, oracle=lambda text, op: "0")
    index = dict(build.task_index())
    index["pair_sum"] = (broken, index["pair_sum"][1], False)
    monkeypatch.setattr(build, "task_index", lambda: index)
    with pytest.raises(T2LError, match=r"pool family 'pair_op' \(.*numbers_arithmetic\.py\).*oracle"):
        build.build_task("pair_sum")
