"""The "letters" group of the generated pool: spelling and form of single words (t2l/tasks/pool/families/
letters_*.py and strings_*.py): every task builds, hand-checked answers, multiple choice, held-out tasks."""

from __future__ import annotations

import dataclasses
import json

import pytest

from t2l.errors import T2LError
from t2l.tasks.descriptions import EVAL_BANK, normalise_text
from t2l.tasks.pool import build
from t2l.tasks.pool.contamination import MAX_SHARE, overlap
from t2l.tasks.pool.core import MIN_DESCRIPTIONS, MIN_EXAMPLES, MIN_HELDOUT_EXAMPLES
from t2l.tasks.pool.families import letters_checks, letters_positions, strings_counts, strings_rewrites

FAMILIES = {f.name: f for f in letters_positions.FAMILIES + letters_checks.FAMILIES + strings_rewrites.FAMILIES
            + strings_counts.FAMILIES}
HELDOUT = {"letter_at_2", "letter_from_end_3", "first_5_letters", "shift_letters_back_3", "has_double_letter"}


@pytest.fixture(scope="module")
def built():
    return {name: build.build_task(name) for fam in FAMILIES.values() for name in fam.tasks()}


def test_the_group_is_as_large_as_promised(built):
    pool = [n for f in FAMILIES.values() for n in f.variants]
    held = {n for f in FAMILIES.values() for n in f.heldout}
    assert len(FAMILIES) >= 9
    assert len(pool) >= 65
    assert held == HELDOUT
    assert all(len(built[n].examples) >= MIN_EXAMPLES for n in pool)
    assert all(len(built[n].examples) >= MIN_HELDOUT_EXAMPLES for n in held)
    assert all(len(built[n].descriptions) >= MIN_DESCRIPTIONS for n in pool)
    assert all(built[n].descriptions == [] and built[n].meta["heldout"] for n in held)
    share_mc = sum(built[n].metric == "mc" for n in pool) / len(pool)
    assert 0.25 <= share_mc <= 0.45
    assert {built[n].meta["inputs"] for n in built} == {"word"}


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
    fam, params, _ = build.task_index()[task]
    for text, expected in KNOWN[task]:
        assert fam.answer(text, **params) == expected, (task, text)
        if expected is not None:
            assert fam.oracle(text, **params) == expected, (task, text)


def test_every_family_has_known_answers():
    covered = {build.task_index()[t][0].name for t in KNOWN}
    assert covered == set(FAMILIES)


def test_multiple_choice_tasks(built):
    for fam in FAMILIES.values():
        for name in fam.tasks():
            examples = built[name].examples
            if fam.labels:
                assert all(e.choices == fam.labels for e in examples), name
                counts = {label: sum(e.target == label for e in examples) for label in fam.labels}
                assert len(set(counts.values())) == 1, (name, counts)     # balanced
            elif fam.distractors:
                for e in examples:
                    assert len(e.choices) == fam.distractors + 1 and len(set(e.choices)) == len(e.choices), name
                    assert e.target == fam.answer(e.input, **fam.tasks()[name][0])
            else:
                assert all(not e.is_mc for e in examples), name
    assert built["stressed_syllable"].examples[0].choices == ("1", "2", "3")
    assert built["has_double_letter"].examples[0].choices == ("yes", "no")


def test_no_answer_is_the_input_itself(built):
    for name, raw in built.items():
        assert all(e.target != e.input for e in raw.examples), name


def test_sibling_variants_are_described_differently(built):
    for fam in FAMILIES.values():
        seen: dict[str, str] = {}
        for name in fam.variants:
            for text in built[name].descriptions:
                assert seen.setdefault(normalise_text(text), name) == name, (text, name)


def test_heldout_tasks_have_7_evaluation_descriptions(built):
    rows = [json.loads(line) for line in (EVAL_BANK / "described_letters.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    assert {r["task"] for r in rows} == HELDOUT
    pool_texts = {normalise_text(t) for n, raw in built.items() for t in raw.descriptions}
    for row in rows:
        texts = {normalise_text(t) for t in row["descriptions"]}
        assert row["how"] == "hand" and len(texts) == 7, row["task"]
        assert not texts & pool_texts, row["task"]


def test_no_pool_task_of_the_group_reproduces_a_heldout_task(built):
    for h_name in HELDOUT:
        h_fam, h_params, _ = build.task_index()[h_name]
        inputs = [e.input for e in built[h_name].examples]
        gold = [e.target for e in built[h_name].examples]
        for fam in FAMILIES.values():
            for p_name, params in fam.variants.items():
                assert overlap((fam, params), (h_fam, h_params), inputs, gold) <= MAX_SHARE, (p_name, h_name)


def test_an_oracle_that_disagrees_refuses_naming_the_family(monkeypatch):
    fam, params, heldout = build.task_index()["reverse_word"]
    broken = dataclasses.replace(fam, oracle=lambda text, **_: text)
    monkeypatch.setitem(build.task_index(), "reverse_word", (broken, params, heldout))
    with pytest.raises(T2LError, match="letter_order"):
        build.build_task("reverse_word")
