"""The "lexical" group of the generated pool: word forms and WordNet relations and classes (t2l/tasks/pool/
families/morphology_*.py and lexical_*.py): every task builds, hand-checked answers, multiple choice, held-out tasks."""

from __future__ import annotations

import dataclasses
import json

import pytest

from t2l.errors import T2LError
from t2l.tasks.descriptions import EVAL_BANK, normalise_text
from t2l.tasks.pool import build
from t2l.tasks.pool.contamination import MAX_SHARE, overlap
from t2l.tasks.pool.core import MIN_DESCRIPTIONS, MIN_EXAMPLES, MIN_HELDOUT_EXAMPLES
from t2l.tasks.pool.families import (lexical_classes, lexical_relations, lexical_senses, morphology_derived,
                                     morphology_forms)

FAMILIES = {f.name: f for f in (morphology_forms.FAMILIES + morphology_derived.FAMILIES + lexical_relations.FAMILIES
                                + lexical_classes.FAMILIES + lexical_senses.FAMILIES)}
HELDOUT = {"gerund", "superlative", "agent_noun", "is_place", "whole_of_part"}


@pytest.fixture(scope="module")
def built():
    return {name: build.build_task(name) for fam in FAMILIES.values() for name in fam.tasks()}


def test_the_group_is_as_large_as_promised(built):
    pool = [n for f in FAMILIES.values() for n in f.variants]
    held = {n for f in FAMILIES.values() for n in f.heldout}
    assert len(FAMILIES) >= 10
    assert len(pool) >= 70
    assert held == HELDOUT
    assert all(len(built[n].examples) >= MIN_EXAMPLES for n in pool)
    assert all(len(built[n].examples) >= MIN_HELDOUT_EXAMPLES for n in held)
    assert all(len(built[n].descriptions) >= MIN_DESCRIPTIONS for n in pool)
    assert all(built[n].descriptions == [] and built[n].meta["heldout"] for n in held)
    assert {built[n].meta["inputs"] for n in built} == {"word", "noun", "verb", "adjective"}


KNOWN = {   # task -> [(input, answer)], answers worked out by hand (None: the task skips that word)
    "plural": [("child", "children"), ("city", "cities"), ("woman", "women"), ("wolf", "wolves"), ("sheep", None)],
    "past_tense": [("go", "went"), ("walk", "walked"), ("stop", "stopped"), ("begin", "began"), ("cut", "cut"),
                   ("burn", None)],
    "past_participle": [("go", "gone"), ("write", "written"), ("begin", "begun"), ("run", "run"), ("make", "made")],
    "third_person_singular": [("go", "goes"), ("watch", "watches"), ("carry", "carries"), ("have", "has")],
    "gerund": [("make", "making"), ("stop", "stopping"), ("die", "dying"), ("see", "seeing")],
    "comparative": [("big", "bigger"), ("good", "better"), ("happy", "happier"), ("large", "larger")],
    "superlative": [("big", "biggest"), ("good", "best"), ("happy", "happiest"), ("bad", "worst")],
    "plural_choice": [("child", "children")],
    "past_tense_choice": [("write", "wrote"), ("go", None)],   # "go": too short for the shared kinds
    "is_irregular_verb": [("go", "yes"), ("sing", "yes"), ("show", "yes"), ("walk", "no"), ("stop", "no")],
    "adverb_of_adjective": [("quick", "quickly"), ("happy", "happily"), ("true", "truly")],
    "noun_of_adjective": [("happy", "happiness"), ("kind", "kindness")],
    "action_noun": [("decide", "decision"), ("move", "movement"), ("discover", "discovery"), ("arrive", "arrival")],
    "agent_noun": [("teach", "teacher"), ("write", "writer"), ("sing", "singer"), ("drive", "driver")],
    "verb_of_noun": [("decision", "decide"), ("movement", "move")],
    "action_noun_choice": [("decide", "decision")],
    "antonym_adjective": [("hot", "cold"), ("good", "bad"), ("old", "young"), ("wet", "dry")],
    "antonym_verb": [("open", "close"), ("buy", "sell")],
    "antonym_noun": [("day", "night"), ("war", "peace"), ("top", "bottom")],
    "antonym_noun_choice": [("day", "night")],
    "synonym_verb": [("buy", "purchase")],
    "synonym_adjective": [("big", "large")],
    "hypernym_noun": [("car", "motor vehicle"), ("dog", None)],
    "hypernym_verb": [("walk", "travel"), ("whisper", "talk")],
    "hyponym_noun": [("dog", "puppy")],
    "has_part": [("hand", "finger")],
    "whole_of_part": [("finger", "hand"), ("roof", "building")],
    "is_person": [("teacher", "yes"), ("doctor", "yes"), ("table", "no")],
    "is_place": [("city", "yes"), ("table", "no")],
    "is_living_thing": [("dog", "yes"), ("rock", "no")],
    "is_abstract": [("idea", "yes"), ("stone", "no")],
    "is_motion_verb": [("run", "yes"), ("think", "no")],
    "is_speech_verb": [("say", "yes"), ("eat", "no")],
    "is_relational_adjective": [("musical", "yes"), ("dental", "yes"), ("happy", "no")],
    "can_be_verb": [("run", "yes"), ("happy", "no")],
    "can_be_adverb": [("fast", "yes"), ("dog", "no")],
    "part_of_speech_count": [("happy", "1"), ("dog", "2"), ("fast", "3")],
    "senses_as_noun": [("kitchen", "1"), ("dog", "4+")],
    "topic_of_noun": [("dog", "animal"), ("apple", "food"), ("teacher", "person")],
    "topic_of_verb": [("run", "motion"), ("eat", "consumption"), ("say", "communication")],
    "definition_adjective": [("musical", "characterized by or capable of producing music")],
    "attribute_of_adjective": [("heavy", "weight"), ("hot", "temperature")],
    "similar_adjective": [("huge", "large")],
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
    assert built["is_place"].examples[0].choices == ("yes", "no")
    assert built["senses_as_verb"].examples[0].choices == ("1", "2-3", "4+")
    assert built["gerund"].metric == "gen" and built["synonym_noun"].metric == "mc"


def test_sibling_variants_are_described_differently(built):
    for fam in FAMILIES.values():
        seen: dict[str, str] = {}
        for name in fam.variants:
            for text in built[name].descriptions:
                assert seen.setdefault(normalise_text(text), name) == name, (text, name)


def test_heldout_tasks_have_7_evaluation_descriptions(built):
    rows = [json.loads(line) for line in (EVAL_BANK / "described_lexical.jsonl").read_text("utf-8").splitlines()
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
            if fam.inputs != h_fam.inputs:
                continue
            for p_name, params in fam.variants.items():
                assert overlap((fam, params), (h_fam, h_params), inputs, gold) <= MAX_SHARE, (p_name, h_name)


def test_an_oracle_that_disagrees_refuses_naming_the_family(monkeypatch):
    fam, params, heldout = build.task_index()["past_tense"]
    broken = dataclasses.replace(fam, oracle=lambda text, **_: text + "ed")
    monkeypatch.setitem(build.task_index(), "past_tense", (broken, params, heldout))
    with pytest.raises(T2LError, match="verb_form"):
        build.build_task("past_tense")
