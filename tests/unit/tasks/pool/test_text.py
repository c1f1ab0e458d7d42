"""The "text" group of the generated pool: sentences, word lists and dates (t2l/tasks/pool/families/
sentences_*.py, word_lists_*.py, dates_*.py): every task builds, hand-checked answers, multiple choice, held-out
tasks and their evaluation descriptions, a planted oracle fault."""

from __future__ import annotations

import re
import string

import pytest

from t2l.tasks.descriptions import EVAL_BANK
from t2l.tasks.pool.families import (dates_calendar, dates_fields, sentences_questions, sentences_rewrites,
                                     word_lists_questions, word_lists_rewrites)
from tests.helpers import pool_checks

FAMILIES = {f.name: f for f in sentences_questions.FAMILIES + sentences_rewrites.FAMILIES
            + word_lists_questions.FAMILIES + word_lists_rewrites.FAMILIES + dates_fields.FAMILIES
            + dates_calendar.FAMILIES}
HELDOUT = {"sentence_second_to_last_word", "sentence_swap_first_last_words", "list_sorted_descending",
           "list_joined_pipe", "date_plus_3_days", "date_written_day_first"}

S = "He slammed the door shut"
L = "dog apple cat zebra"
D = "1998-03-05"   # a Thursday, day 64 of a common year

def scored(text: str) -> str:
    """How exact-match scoring compares answers (t2l.eval.scoring.normalise_answer; importing it loads torch)."""
    return re.sub(r"\s+", " ", text).strip().strip(string.punctuation + " ").lower()


KNOWN = {   # task -> [(input, answer)], worked out by hand (None: the task skips that input)
    "sentence_first_word": [(S, "He"), ("Yes, he did it", None)],
    "sentence_second_word": [(S, "slammed")],
    "sentence_third_word": [(S, "the")],
    "sentence_fourth_word": [(S, "door"), ("She left early", None)],
    "sentence_last_word": [(S, "shut")],
    "sentence_second_to_last_word": [(S, "door")],
    "sentence_word_count": [(S, "5"), ("The young horse was prancing in the meadow", "8")],
    "sentence_count_e": [(S, "3"), ("Everyone ate eels", "6")],
    "sentence_count_a": [(S, "1")],
    "sentence_count_t": [(S, "2"), ("That tent", "4")],
    "sentence_count_s": [(S, "2")],
    "sentence_reverse_words": [(S, "shut door the slammed He")],
    "sentence_sort_words": [(S, "door he shut slammed the"), ("a b c", None)],
    "sentence_first_word_to_end": [(S, "slammed the door shut He")],
    "sentence_last_word_to_front": [(S, "shut He slammed the door")],
    "sentence_drop_first_word": [(S, "slammed the door shut")],
    "sentence_drop_last_word": [(S, "He slammed the door")],
    "sentence_swap_first_last_words": [(S, "shut slammed the door He")],
    "sentence_hyphenated": [(S, "He-slammed-the-door-shut")],
    "sentence_snake_case": [(S, "he_slammed_the_door_shut")],
    "sentence_remove_spaces": [(S, "Heslammedthedoorshut")],
    "sentence_longest_word": [(S, "slammed"), ("The cat sat", None)],
    "sentence_shortest_word": [(S, "he"), ("I ate a pear", None)],
    "sentence_alphabetically_first_word": [(S, "door")],
    "sentence_alphabetically_last_word": [(S, "the")],
    "sentence_acronym": [(S, "hstds")],
    "sentence_final_letters": [(S, "edert")],
    "sentence_word_lengths": [(S, "2 7 3 4 4"), ("I don't know", "1 4 4")],
    "sentence_has_the": [(S, "yes"), ("They left early", "no")],
    "sentence_even_word_count": [(S, "no"), ("The young horse was prancing in the meadow", "yes")],
    "sentence_more_than_six_words": [(S, "no"), ("The young horse was prancing in the meadow", "yes")],
    "sentence_has_letter_z": [(S, "no"), ("The Zoo opened", "yes")],
    "sentence_has_ing_word": [(S, "no"), ("The horse was prancing", "yes"), ("Bring it here", "yes")],
    "list_first_item": [(L, "dog")],
    "list_second_item": [(L, "apple")],
    "list_third_item": [(L, "cat")],
    "list_last_item": [(L, "zebra")],
    "list_sorted": [(L, "apple cat dog zebra"), ("ant bee cow", None)],
    "list_sorted_descending": [(L, "zebra dog cat apple")],
    "list_reversed": [(L, "zebra cat apple dog")],
    "list_rotate_left": [(L, "apple cat zebra dog")],
    "list_rotate_right": [(L, "zebra dog apple cat")],
    "list_drop_first": [(L, "apple cat zebra")],
    "list_drop_last": [(L, "dog apple cat")],
    "list_comma_separated": [(L, "dog, apple, cat, zebra")],
    "list_joined_and": [(L, "dog and apple and cat and zebra")],
    "list_hyphenated": [(L, "dog-apple-cat-zebra")],
    "list_semicolon_separated": [(L, "dog; apple; cat; zebra")],
    "list_joined_plus": [(L, "dog + apple + cat + zebra")],
    "list_as_english": [(L, "dog, apple, cat and zebra"), ("ant bee", "ant and bee")],
    "list_joined_pipe": [(L, "dog | apple | cat | zebra")],
    "list_length": [(L, "4")],
    "list_total_letters": [(L, "16")],
    "list_count_vowel_initial": [(L, "1"), ("egg ice owl", "3")],
    "list_count_long_items": [(L, "0"), ("elephant cat giraffe", "2")],
    "list_longest_item": [("cat elephant dog", "elephant"), (L, None)],
    "list_shortest_item": [("cat elephant horse", "cat"), (L, None)],
    "list_alphabetically_first": [(L, "apple")],
    "list_alphabetically_last": [(L, "zebra")],
    "list_initials": [(L, "dacz")],
    "list_final_letters": [(L, "geta")],
    "list_item_lengths": [(L, "3 5 3 5")],
    "list_has_s_word": [(L, "no"), ("sun moon star", "yes")],
    "list_has_c_word": [(L, "yes"), ("sun moon star", "no")],
    "list_has_long_item": [(L, "no"), ("dog crocodile", "yes")],
    "list_more_than_four_items": [(L, "no"), ("a b c d e", "yes")],
    "list_is_alphabetical": [(L, "no"), ("ant bee cow", "yes")],
    "date_year": [(D, "1998")],
    "date_month_number": [(D, "3")],
    "date_day_of_month": [(D, "5")],
    "date_month_name": [(D, "March"), ("2001-09-11", "September")],
    "date_month_abbreviation": [(D, "Mar")],
    "date_weekday_name": [(D, "Thursday"), ("2000-01-01", "Saturday"), ("1969-07-20", "Sunday"),
                          ("2001-09-11", "Tuesday")],
    "date_weekday_abbreviation": [(D, "Thu")],
    "date_weekday_number": [(D, "4"), ("1969-07-20", "7")],
    "date_plus_1_day": [(D, "1998-03-06"), ("2000-02-28", "2000-02-29"), ("1999-12-31", "2000-01-01")],
    "date_plus_3_days": [(D, "1998-03-08"), ("1998-02-27", "1998-03-02"), ("2000-02-27", "2000-03-01")],
    "date_plus_7_days": [(D, "1998-03-12")],
    "date_plus_10_days": [(D, "1998-03-15")],
    "date_plus_30_days": [(D, "1998-04-04")],
    "date_plus_100_days": [(D, "1998-06-13")],
    "date_minus_1_day": [(D, "1998-03-04"), ("2000-01-01", "1999-12-31")],
    "date_minus_7_days": [(D, "1998-02-26")],
    "date_minus_30_days": [(D, "1998-02-03")],
    "date_us_format": [(D, "03/05/1998")],
    "date_european_format": [(D, "05.03.1998")],
    "date_dmy_slash_format": [(D, "05/03/1998")],
    "date_compact_format": [(D, "19980305")],
    "date_written_format": [(D, "March 5, 1998")],
    "date_written_day_first": [(D, "5 March 1998"), ("2001-09-11", "11 September 2001")],
    "date_day_of_year": [(D, "64"), ("2000-12-31", "366")],
    "date_days_in_month": [(D, "31"), ("2000-02-10", "29"), ("1900-02-10", "28")],
    "date_decade": [(D, "1990s"), ("2000-01-01", "2000s")],
    "date_days_left_in_year": [(D, "301"), ("2000-12-31", "0")],
    "date_quarter": [(D, "Q1"), ("2021-12-25", "Q4")],
    "date_season": [(D, "spring"), ("2021-12-25", "winter"), ("2021-07-04", "summer"), ("2021-10-31", "autumn")],
    "date_is_leap_year": [(D, "no"), ("2000-06-01", "yes"), ("1900-06-01", "no")],
    "date_is_weekend": [(D, "no"), ("2000-01-01", "yes")],
    "date_in_first_half": [(D, "yes"), ("2021-07-01", "no")],
    "date_before_2000": [(D, "yes"), ("2000-01-01", "no")],
    "date_odd_day": [(D, "yes"), ("2000-01-10", "no")],
}


@pytest.fixture(scope="module")
def built():
    return pool_checks.build_all(pool_checks.task_names(FAMILIES))


def test_the_group_is_as_large_as_promised(built):
    pool_checks.check_group_size(built, FAMILIES, HELDOUT, min_families=10, min_pool=75,
                                 inputs={"sentence", "word_list", "date"}, mc_share=(0.25, 0.45))


@pytest.mark.parametrize("task", sorted(KNOWN))
def test_known_answers(task):
    pool_checks.check_known_answers(task, KNOWN[task])


def test_every_task_has_known_answers():
    assert set(KNOWN) == set(pool_checks.task_names(FAMILIES))


def test_multiple_choice_tasks(built):
    pool_checks.check_multiple_choice(built, FAMILIES)
    assert built["date_is_leap_year"].examples[0].choices == ("yes", "no")
    assert set(built["date_season"].examples[0].choices) == {"winter", "spring", "summer", "autumn"}
    assert set(built["date_quarter"].examples[0].choices) == {"Q1", "Q2", "Q3", "Q4"}


def test_no_answer_is_the_input_itself(built):
    """Scoring ignores case and a final punctuation mark: no answer may be the input up to those."""
    pool_checks.check_no_answer_is_the_input(built, key=scored)


def test_sibling_variants_are_described_differently(built):
    pool_checks.check_siblings_described_differently(built, FAMILIES)


def test_heldout_tasks_have_7_evaluation_descriptions(built):
    pool_checks.check_eval_descriptions_apart_from_pool(EVAL_BANK / "described_text.jsonl", HELDOUT, built)


def test_no_pool_task_of_the_group_reproduces_a_heldout_task(built):
    pool_checks.check_no_pool_task_reproduces_a_heldout_task(built, FAMILIES, HELDOUT, same_inputs_only=True)


def test_an_oracle_that_disagrees_refuses_naming_the_family(monkeypatch):
    pool_checks.check_disagreeing_oracle_refuses(monkeypatch, "date_weekday_name", lambda text, **_: "Monday",
                                                 "date_weekday")
