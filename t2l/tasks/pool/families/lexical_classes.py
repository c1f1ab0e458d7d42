"""Lexical classes over WordNet 3.0: word classes from the lexicographer files (nouns that name a person,
an artifact, ...; verbs of motion, speech, ...; relational adjectives) and the topic (semantic field) of a
noun or verb.

Input kinds: `noun`, `verb`, `adjective`, `word`. Every answer reads the lexicographer file of the word's
commonest sense (the first synset of its index entry). The oracles read the lexicographer file number from
the raw data line at the synset's byte offset, instead of the parsed synset (cntlist.rev's sense keys were
tried first: their sense numbers and file numbers do not follow the Debian data files, e.g. 'deed').
"""

from __future__ import annotations

import re
from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._lexical_common import _first, _pos_text, _raw_line, _tagged
from t2l.tasks.pool.resources import LEXNAMES, wordnet

# --- word classes from the lexicographer files -----------------------------------------------------------

@lru_cache(maxsize=None)
def _lexname(text: str, pos: str) -> str | None:
    synset = _first(text, pos)
    return synset.lexname if synset is not None and _tagged(text, pos) else None


def _in_class(text: str, pos: str, files: tuple[str, ...]) -> str | None:
    name = _lexname(text, pos)
    return None if name is None else ("yes" if name.split(".")[1] in files else "no")


def _raw_lexname(text: str, pos: str) -> str | None:
    """The lexicographer file number read from the raw data line at the synset's byte offset."""
    offsets = wordnet().index.get((text, pos))
    if not offsets or not _tagged(text, pos):
        return None
    match = re.match(rb"\d{8} (\d\d) ", _raw_line(pos, offsets[0]))
    return LEXNAMES[int(match.group(1))] if match else None


def _in_class_oracle(text: str, pos: str, files: tuple[str, ...]) -> str | None:
    name = _raw_lexname(text, pos)
    return None if name is None else ("yes" if name.split(".")[1] in files else "no")


_NOUN_CLASSES = {
    "is_person": (("person",), "a person or a kind of person", "people"),
    "is_artifact": (("artifact",), "a man-made object", "man-made things"),
    "is_act": (("act",), "an act or activity", "actions"),
    "is_communication": (("communication",), "something communicated (speech, writing, a signal, a message)",
                         "communication"),
    "is_cognition": (("cognition",), "an idea, a belief or some other product of thinking", "thought"),
    "is_group": (("group",), "a group or collection of people or things", "groups"),
    "is_attribute": (("attribute",), "a quality or property", "qualities"),
    "is_state": (("state",), "a state or condition", "states and conditions"),
    "is_living_thing": (("person", "animal", "plant"), "a living thing (a person, an animal or a plant)",
                        "living things"),
    "is_natural_object": (("animal", "plant", "object", "substance", "body", "phenomenon"),
                          "a part of nature (an animal, plant, natural object, substance, body part or natural "
                          "phenomenon)", "nature"),
    "is_measure": (("quantity", "time"), "an amount, a unit or a stretch of time", "measures and times"),
    "is_concrete": (("artifact", "object", "substance", "food", "body", "plant", "animal"),
                    "a concrete thing you could touch (an object, a material, food, a body part, a plant or animal)",
                    "concrete things"),
    "is_abstract": (("act", "attribute", "cognition", "communication", "event", "feeling", "motive", "process",
                     "quantity", "relation", "shape", "state", "time"),
                    "an abstract idea (an act, quality, thought, message, event, feeling, state, time or measure)",
                    "abstract ideas"),
}

NOUN_CLASS = Family(
    name="noun_class",
    inputs="noun",
    answer=lambda text, files, what, topic: _in_class(text, "n", files),
    oracle=lambda text, files, what, topic: _in_class_oracle(text, "n", files),
    variants={name: {"files": f, "what": w, "topic": t} for name, (f, w, t) in _NOUN_CLASSES.items()},
    heldout={"is_place": {"files": ("location",), "what": "a place", "topic": "places"}},
    labels=("yes", "no"),
    resources=("wordnet",),
    descriptions=(
        "Does this noun name {what}? Answer yes or no.",
        "Is it {what}?",
        "Yes or no: in its usual sense, the word refers to {what}.",
        "Decide whether the noun names {what}.",
        "I need to know if this word means {what}. Say yes or no.",
        "The model answers yes when the noun, in its commonest meaning, is {what}, and no otherwise.",
        "Category check - {topic}: yes or no?",
        "Would a dictionary file this noun under {topic}? yes/no",
        "Think of what the word most often means. Is that {what}? Reply with yes or no only.",
        "Classify the noun: does it belong to {topic}?",
        "One word answer, yes or no: would you count it among {topic}?",
        "Tell me whether the thing named is {what}.",
        "{topic} -> yes; anything else -> no",
        "Sort the noun: {topic} (yes) or not (no)?",
        "Does the word fall in the category of {topic}?",
        "Answer yes or no. Question: is the noun's main sense {what}?",
        "Check whether this noun denotes {what}.",
    ),
)

_VERB_CLASSES = {
    "is_speech_verb": (("communication",), "communicating (speaking, writing, asking, telling)", "speech"),
    "is_contact_verb": (("contact",), "touching, hitting, holding or otherwise making contact", "contact"),
    "is_motion_verb": (("motion",), "moving or travelling", "motion"),
    "is_social_verb": (("social",), "social activity (dealing with other people, organisations, jobs)",
                       "social life"),
    "is_mental_verb": (("cognition", "perception", "emotion"), "thinking, perceiving or feeling", "the mind"),
    "is_making_verb": (("change", "creation"), "changing something or making something new", "change or creation"),
    "is_being_or_having_verb": (("stative", "possession"), "being in a state or having, getting and giving things",
                                "state or possession"),
}

VERB_CLASS = Family(
    name="verb_class",
    inputs="verb",
    answer=lambda text, files, what: _in_class(text, "v", files),
    oracle=lambda text, files, what: _in_class_oracle(text, "v", files),
    variants={name: {"files": f, "what": w} for name, (f, w, _) in _VERB_CLASSES.items()},
    params_text=lambda files, what: {"short": next(s for _, w, s in _VERB_CLASSES.values() if w == what)},
    labels=("yes", "no"),
    resources=("wordnet",),
    descriptions=(
        "Is this a verb of {what}? yes or no",
        "Does the verb, in its commonest sense, describe {what}?",
        "Yes or no: the verb is about {what}.",
        "Decide whether the verb belongs to the verbs of {what}.",
        "I want to know if this verb means {what}. Reply yes or no.",
        "The model answers yes for verbs of {what} and no for every other verb.",
        "Verb type check ({what}): yes/no.",
        "Read the verb in its usual meaning. Does it express {what}? Answer with one word, yes or no.",
        "Classify: verb of {what}, yes or no?",
        "Tell me if the action named is one of {what}.",
        "A verb of {short}? Then yes. If not, no.",
        "Would you file this verb under {what}?",
        "Does the verb's main sense involve {what}? Say yes or no.",
        "Check the verb: is it a verb of {what}?",
        "Is {what} what this verb is about?",
        "Answer yes if the verb denotes {what}; answer no if it does not.",
    ),
)


ADJECTIVE_CLASS = Family(
    name="adjective_class",
    inputs="adjective",
    answer=lambda text: _in_class(text, "a", ("pert",)),
    oracle=lambda text: _in_class_oracle(text, "a", ("pert",)),
    variants={"is_relational_adjective": {}},
    labels=("yes", "no"),
    resources=("wordnet",),
    descriptions=(
        "Is this a relational adjective (meaning 'of or relating to' a noun, like 'musical' from 'music')? yes or no",
        "Does the adjective just mean 'relating to' some noun?",
        "Yes or no: the adjective is a relational one.",
        "Decide whether the adjective relates something to a noun rather than describing a quality.",
        "I need to know if this adjective means 'of or pertaining to' something. Answer yes or no.",
        "The model answers yes for pertainym adjectives ('of or relating to X') and no for descriptive ones.",
        "Relational adjective? yes/no",
        "Could you paraphrase the adjective as 'having to do with' a noun? Say yes or no.",
        "Classify the adjective: relational (yes) or descriptive (no).",
        "Is the adjective derived from a noun in the sense of 'relating to it', like 'national' or 'dental'?",
        "yes if it means 'related to something', no if it describes a quality",
        "Tell me whether this adjective is a pertainym.",
        "Does this adjective name a relation to a thing instead of a gradable property?",
        "Answer yes or no: the adjective's commonest meaning is 'of or relating to' a noun.",
        "Check if the adjective is relational rather than qualitative.",
        "Relational or not? One word: yes or no.",
    ),
)


def _topic(text: str, pos: str) -> str | None:
    name = _lexname(text, pos)
    return None if name is None or name.endswith("Tops") else name.split(".")[1]


def _topic_oracle(text: str, pos: str) -> str | None:
    name = _raw_lexname(text, pos)
    return None if name is None or name.endswith("Tops") else name.split(".")[1]


TOPIC = Family(
    name="topic",
    inputs="word",
    answer=_topic,
    oracle=_topic_oracle,
    variants={"topic_of_noun": {"pos": "n"}, "topic_of_verb": {"pos": "v"}},
    distractors=3,
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Which semantic field does this {pos} belong to?",
        "Pick the topic category of the {pos}.",
        "Choose the broad domain of the word's meaning as a {pos}.",
        "Semantic class of the {pos}.",
        "I want the general field (like motion, person, food) that the {pos} falls under.",
        "The model picks WordNet's lexicographer category for the input {pos}.",
        "What kind of {pos} is it? Choose the category.",
        "Select the label that best describes what the {pos} is about.",
        "Which of these topics fits the word's commonest sense as a {pos}?",
        "Category of meaning for this {pos}, from the options.",
        "Sort the {pos} into one of the listed semantic groups.",
        "what area of meaning is this {pos} in?",
        "Pick the class of {pos_plural} this one goes with.",
        "Find the semantic field label for the {pos}.",
        "The options are semantic categories; mark the one for this {pos}.",
        "Classify the {pos} by meaning.",
    ),
)


FAMILIES = [NOUN_CLASS, VERB_CLASS, ADJECTIVE_CLASS, TOPIC]
