"""Word forms, derived words: the adverb of an adjective, the noun of an adjective's quality, the action
noun of a verb, the verb and the adjective of a noun (the agent noun of a verb held out), written out and as
multiple choice.

Input kind: `word`. Derived words follow WordNet's derivational ('+') and pertainym ('\\') pointers from the
word's commonest sense; their oracles read the pointers the other way round, or (adverbs in -ly) apply the
spelling rules.
"""

from __future__ import annotations

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._lexical_common import _first, _pointed, _pointing, _rank, _text
from t2l.tasks.pool.families._morphology_common import _VOWEL, _consonant_y

# --- derived words ----------------------------------------------------------------------------------

_DERIVED = {
    # name: (source pos, target pos, pointer, target lexicographer files or None)
    "adverb": ("a", "r", "\\", None),
    "quality": ("a", "n", "+", ("noun.attribute", "noun.state")),
    "action": ("v", "n", "+", ("noun.act", "noun.event")),
    "agent": ("v", "n", "+", ("noun.person",)),
    "verb": ("n", "v", "+", None),
    "adjective": ("n", "a", "+", None),
}


def _keep(text: str, word: str | None, files, synset) -> str | None:
    """A derived word must look derived (same first three letters, a different word) and one plain word."""
    if word is None or word == text or word[:3] != text[:3] or " " in word:
        return None
    return word if files is None or synset.lexname in files else None


def _derived(text: str, kind: str) -> str | None:
    src, tgt, sym, files = _DERIVED[kind]
    if _first(text, src) is None:
        return None
    if kind == "adverb":     # adverbs point at their adjective; read those pointers at the adjective
        found = [_keep(text, _text(s.lemmas[n - 1]), files, s) for s, n in _pointing(text, src, sym, tgt, True)]
        found = [w for w in found if w and w.endswith("ly")]
        return _rank(found)
    # a derivation kept only where it is the one candidate and its pointer is symmetric (the derived word
    # points back at this word: a one-way pointer is a doubtful pair)
    found = {_keep(text, _text(s.lemmas[n - 1]), files, s) for s, n in _pointed(text, src, sym, tgt, True)} - {None}
    back = {_keep(text, _text(s.lemmas[n - 1]), files, s) for s, n in _pointing(text, src, sym, tgt, True)}
    return found.pop() if len(found) == 1 and found == back - {None} else None


_ADVERB_HAND = {"public": "publicly", "whole": "wholly", "east": "easterly", "west": "westerly",
                "north": "northerly", "south": "southerly"}


def _derived_oracle(text: str, kind: str) -> str | None:
    src, tgt, sym, files = _DERIVED[kind]
    if kind == "adverb":
        if text in _ADVERB_HAND:
            return _ADVERB_HAND[text]
        if text.endswith("ic"):
            return text + "ally"
        if text.endswith("le") and len(text) > 3 and text[-3] not in _VOWEL:
            return text[:-1] + "y"
        if text.endswith("ue") and text[-3] not in "gq":         # truly, duly; but vaguely
            return text[:-1] + "ly"
        if text.endswith("ll"):
            return text + "y"
        return text[:-1] + "ily" if _consonant_y(text) and len(text) > 3 else text + "ly"
    found = {_keep(text, _text(s.lemmas[n - 1]), files, s) for s, n in _pointing(text, src, sym, tgt, True)} - {None}
    return found.pop() if len(found) == 1 else None


def _derived_text(kind: str) -> dict:
    return {
        "adverb": {"what": "the adverb formed from the adjective", "eg": "quick -> quickly", "src": "adjective",
                   "out": "adverb"},
        "quality": {"what": "the noun naming the quality the adjective describes", "eg": "happy -> happiness",
                    "src": "adjective", "out": "noun"},
        "action": {"what": "the noun for the act of doing what the verb says", "eg": "decide -> decision",
                   "src": "verb", "out": "noun"},
        "agent": {"what": "the noun for the person who does what the verb says", "eg": "teach -> teacher",
                  "src": "verb", "out": "noun"},
        "verb": {"what": "the verb derived from the noun", "eg": "decision -> decide", "src": "noun",
                 "out": "verb"},
        "adjective": {"what": "the adjective derived from the noun", "eg": "beauty -> beautiful", "src": "noun",
                      "out": "adjective"},
    }[kind]


DERIVED_WORD = Family(
    name="derived_word",
    inputs="word",
    answer=_derived,
    oracle=_derived_oracle,
    variants={"adverb_of_adjective": {"kind": "adverb"}, "noun_of_adjective": {"kind": "quality"},
              "action_noun": {"kind": "action"}, "verb_of_noun": {"kind": "verb"},
              "adjective_of_noun": {"kind": "adjective"}},
    heldout={"agent_noun": {"kind": "agent"}},
    params_text=_derived_text,
    resources=("wordnet",),
    descriptions=(
        "Give {what}.",
        "Read the word as a {src}; reply with {what} ({eg}).",
        "Derive the {out} from this {src}.",
        "Word formation: {src} in, {out} out. One lowercase word.",
        "Please supply the {out} that belongs with this {src}.",
        "The model answers with {what}, e.g. {eg}.",
        "Which {out} comes from this {src}?",
        "Change the word's part of speech: make the {src} into the related {out}.",
        "what's the {out} form of this {src}?",
        "Return {what}; nothing else.",
        "Turn this {src} into its {out}, keeping the same root.",
        "{eg}: do the same to this word.",
        "Find the {out} built on the same stem as the {src}.",
        "Add or change the ending so that the {src} becomes its {out}.",
        "Related {out} of the {src}?",
        "Given a {src}, produce {what}, spelled correctly.",
    ),
)


DERIVED_CHOICE = Family(
    name="derived_choice",
    inputs="word",
    answer=_derived,
    oracle=_derived_oracle,
    variants={f"{name}_choice": params for name, params in DERIVED_WORD.variants.items()},
    distractors=3,
    params_text=_derived_text,
    resources=("wordnet",),
    descriptions=(
        "Which option is {what}?",
        "Pick {what} ({eg}).",
        "Choose the {out} derived from this {src}.",
        "Word formation, {src} to {out}: select the right word.",
        "I need {what} - choose it from the list.",
        "The model picks, among four words, {what}.",
        "Which {out} comes from this {src}? Choose one.",
        "Select the {out} that shares the {src}'s root.",
        "{eg}. Which option does the same for this word?",
        "what's the {out} form of the {src}? pick it",
        "Mark the option that is {what}.",
        "Only one choice is the related {out} of the {src}; find it.",
        "Find {what} among the options.",
        "Related {out} of the {src}, from the choices.",
        "Change the part of speech from {src} to {out}: which option is the result?",
        "Read the word as a {src} and pick its derived {out}.",
    ),
)

FAMILIES = [DERIVED_WORD, DERIVED_CHOICE]
