"""The "letters" group of the generated pool: spelling and form of single words (t2l/tasks/pool/families/
letters_*.py and strings_*.py): every task builds, hand-checked answers, multiple choice, held-out tasks."""

from __future__ import annotations

import pytest

from t2l.tasks.descriptions import EVAL_BANK
from t2l.tasks.pool.families import letters_checks, letters_positions, strings_counts, strings_rewrites
from tests.helpers import pool_checks

FAMILIES = {f.name: f for f in letters_positions.FAMILIES + letters_checks.FAMILIES + strings_rewrites.FAMILIES
            + strings_counts.FAMILIES}
HELDOUT = {"letter_at_2", "letter_from_end_3", "first_5_letters", "shift_letters_back_3", "has_double_letter"}


@pytest.fixture(scope="module")
def built():
    return pool_checks.build_all(pool_checks.task_names(FAMILIES))


def test_the_group_is_as_large_as_promised(built):
    pool_checks.check_group_size(built, FAMILIES, HELDOUT, min_families=9, min_pool=65, inputs={"word"},
                                 mc_share=(0.25, 0.45))


KNOWN = {   # task -> [(input, answer)], answers worked out by hand (None: the task skips that word)
    "letter_at_1": [("place", "p"), ("zebra", "z")],
    "letter_from_end_2": [("place", "c")],
    "first_3_letters": [("place", "pla"), ("cat", None)],
    "last_2_letters": [("place", "ce")],
    "first_5_letters": [("abandon", "aband"), ("place", None)],
    "shift_letters_forward_1": [("zebra", "afcsb"), ("hal", "ibm")],
    "shift_letters_forward_2": [("yak", "acm")],
    "shift_letters_back_3": [("abc", "xyz"), ("dog", "ald")],
    "first_letter_alphabet_position": [("zone", "26"), ("apple", "1")],
    "second_letter_alphabet_position": [("ice", "3")],
    "last_letter_alphabet_position": [("cab", "2")],
    "earliest_letter_in_alphabet": [("zebra", "a"), ("test", "e")],
    "latest_letter_in_alphabet": [("zebra", "z"), ("test", "t")],
    "count_letter_e": [("tree", "2"), ("between", None), ("dog", "0")],
    "count_letter_a": [("banana", None), ("cat", "1")],
    "starts_with_vowel": [("apple", "yes"), ("table", "no"), ("yellow", None)],
    "ends_with_vowel": [("tree", "yes"), ("dog", "no"), ("happy", None)],
    "longer_than_5_letters": [("market", "yes"), ("house", "no")],
    "longer_than_7_letters": [("elephant", "yes"), ("sevenly", "no")],
    "has_double_letter": [("book", "yes"), ("letter", "yes"), ("place", "no")],
    "contains_letter_r": [("tree", "yes"), ("dog", "no")],
    "contains_letter_n": [("dog", "no"), ("banana", "yes")],
    "reverse_word": [("stressed", "desserts"), ("level", None)],
    "letters_sorted": [("cab", "abc"), ("almost", None)],
    "letters_sorted_reverse": [("abc", "cba"), ("banana", "nnbaaa")],
    "without_vowels": [("house", "hs"), ("happy", None)],
    "only_vowels": [("house", "oue"), ("rhythm", None)],
    "odd_position_letters": [("planet", "pae")],
    "even_position_letters": [("planet", "lnt")],
    "without_first_letter": [("place", "lace")],
    "middle_letters": [("place", "lac")],
    "spelled_with_hyphens": [("cat", "c-a-t")],
    "spelled_with_spaces": [("dog", "d o g")],
    "spelled_with_dots": [("dog", "d.o.g")],
    "spelled_with_commas": [("dog", "d, o, g")],
    "word_twice": [("cat", "catcat")],
    "word_three_times": [("cat", "catcatcat")],
    "letters_doubled": [("cat", "ccaatt")],
    "word_then_reversed": [("cat", "cattac")],
    "word_length": [("banana", "6"), ("place", "5")],
    "vowel_count": [("banana", "3"), ("gym", None)],
    "consonant_count": [("banana", "3"), ("strength", "7")],
    "distinct_letter_count": [("banana", "3"), ("letter", "4")],
    "consonant_vowel_pattern": [("tree", "ccvv"), ("apple", "vcccv"), ("yes", None)],
    "syllable_count": [("banana", "3"), ("table", "2"), ("strength", "1")],
    "phoneme_count": [("place", "4"), ("cat", "3")],
    "stressed_syllable": [("banana", "2"), ("table", "1"), ("understand", "3"), ("cat", None), ("record", None)],
}


@pytest.mark.parametrize("task", sorted(KNOWN))
def test_known_answers(task):
    pool_checks.check_known_answers(task, KNOWN[task])


def test_every_family_has_known_answers():
    pool_checks.check_every_family_has_known_answers(KNOWN, FAMILIES)


def test_multiple_choice_tasks(built):
    pool_checks.check_multiple_choice(built, FAMILIES)
    assert built["stressed_syllable"].examples[0].choices == ("1", "2", "3")
    assert built["has_double_letter"].examples[0].choices == ("yes", "no")


def test_no_answer_is_the_input_itself(built):
    pool_checks.check_no_answer_is_the_input(built)


def test_sibling_variants_are_described_differently(built):
    pool_checks.check_siblings_described_differently(built, FAMILIES)


def test_heldout_tasks_have_7_evaluation_descriptions(built):
    pool_checks.check_eval_descriptions_apart_from_pool(EVAL_BANK / "described_letters.jsonl", HELDOUT, built)


def test_no_pool_task_of_the_group_reproduces_a_heldout_task(built):
    pool_checks.check_no_pool_task_reproduces_a_heldout_task(built, FAMILIES, HELDOUT)


def test_an_oracle_that_disagrees_refuses_naming_the_family(monkeypatch):
    pool_checks.check_disagreeing_oracle_refuses(monkeypatch, "reverse_word", lambda text, **_: text, "letter_order")
