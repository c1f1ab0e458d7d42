"""The "lexical" group of the generated pool: word forms and WordNet relations and classes (t2l/tasks/pool/
families/morphology_*.py and lexical_*.py): every task builds, hand-checked answers, multiple choice, held-out tasks."""

from __future__ import annotations

import pytest

from t2l.tasks.descriptions import EVAL_BANK
from t2l.tasks.pool.families import (lexical_classes, lexical_relations, lexical_senses, morphology_derived,
                                     morphology_forms)
from tests.helpers import pool_checks

FAMILIES = {f.name: f for f in (morphology_forms.FAMILIES + morphology_derived.FAMILIES + lexical_relations.FAMILIES
                                + lexical_classes.FAMILIES + lexical_senses.FAMILIES)}
HELDOUT = {"gerund", "superlative", "agent_noun", "is_place", "whole_of_part"}


@pytest.fixture(scope="module")
def built():
    return pool_checks.build_all(pool_checks.task_names(FAMILIES))


def test_the_group_is_as_large_as_promised(built):
    pool_checks.check_group_size(built, FAMILIES, HELDOUT, min_families=10, min_pool=70,
                                 inputs={"word", "noun", "verb", "adjective"})


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
    pool_checks.check_known_answers(task, KNOWN[task])


def test_every_family_has_known_answers():
    pool_checks.check_every_family_has_known_answers(KNOWN, FAMILIES)


def test_multiple_choice_tasks(built):
    pool_checks.check_multiple_choice(built, FAMILIES)
    assert built["is_place"].examples[0].choices == ("yes", "no")
    assert built["senses_as_verb"].examples[0].choices == ("1", "2-3", "4+")
    assert built["gerund"].metric == "gen" and built["synonym_noun"].metric == "mc"


def test_sibling_variants_are_described_differently(built):
    pool_checks.check_siblings_described_differently(built, FAMILIES)


def test_heldout_tasks_have_7_evaluation_descriptions(built):
    pool_checks.check_eval_descriptions_apart_from_pool(EVAL_BANK / "described_lexical.jsonl", HELDOUT, built)


def test_no_pool_task_of_the_group_reproduces_a_heldout_task(built):
    pool_checks.check_no_pool_task_reproduces_a_heldout_task(built, FAMILIES, HELDOUT, same_inputs_only=True)


def test_an_oracle_that_disagrees_refuses_naming_the_family(monkeypatch):
    pool_checks.check_disagreeing_oracle_refuses(monkeypatch, "past_tense", lambda text, **_: text + "ed",
                                                 "verb_form")
