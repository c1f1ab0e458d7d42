"""Lexical relations and classes over WordNet 3.0: antonyms, synonyms, hypernyms, parts, word classes, senses.

Input kinds: `word`, `noun`, `verb`, `adjective`. Every answer reads the word's commonest sense (the first
synset of its index entry). The oracles read the same facts by another route:
- relations: the pointer read the other way (an antonym's own antonym pointer names the word; a hypernym's
  hyponym pointer names the word's synset; a whole's meronym pointer names the part);
- word classes and topics: the lexicographer file number read from the raw data line at the synset's byte
  offset, instead of the parsed synset (cntlist.rev's sense keys were tried first: their sense numbers
  and file numbers do not follow the Debian data files, e.g. 'deed');
- synonyms, parts of speech and sense counts: the index files read backwards (synset offset -> lemmas)
  or the data files scanned for the lemma, instead of the index entry;
- definitions: the data file read at the synset's byte offset with a regular expression.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.inputs import items
from t2l.tasks.pool.resources import LEXNAMES, POS, WORDNET_DIR_ENV, _dir, wordnet

POS_WORD = {"n": "noun", "v": "verb", "a": "adjective", "r": "adverb"}
_SINGLE = re.compile(r"[a-z]+(?:[ -][a-z]+)?")


def _root():
    return _dir(WORDNET_DIR_ENV, "/usr/share/wordnet", "data.noun", "WordNet 3.0 (Debian wordnet-base)")


def _text(lemma: str) -> str | None:
    """A lemma as an answer: underscores read as spaces, at most two plain words."""
    text = lemma.replace("_", " ")
    return text if _SINGLE.fullmatch(text) else None


def _rank(words) -> str | None:
    """The canonical pick among several words: the commonest (tagged count), then alphabetical."""
    net = wordnet()
    found = sorted({w for w in words if w}, key=lambda w: (-net.counts.get(w.replace(" ", "_"), 0), w))
    return found[0] if found else None


# --- independent readings of WordNet (the oracles' routes) ---------------------------------------------

@lru_cache(maxsize=1)
def _index_tagged() -> dict[tuple[str, str], int]:
    """(lemma, pos) -> how many of its senses are tagged (the index files' tagsense_cnt field)."""
    found = {}
    for pos, name in POS.items():
        for line in (_root() / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            parts = line.split()
            n_ptr = int(parts[3])
            found[(parts[0].lower(), pos)] = int(parts[5 + n_ptr])
    return found


def _tagged(word: str, pos: str) -> bool:
    return _index_tagged().get((word, pos), 0) > 0


@lru_cache(maxsize=1)
def _offset_lemmas() -> dict[tuple[str, int], list[str]]:
    """(pos, synset offset) -> every lemma whose index entry lists that synset (the index read backwards)."""
    found = defaultdict(list)
    for (lemma, pos), offsets in wordnet().index.items():
        for offset in offsets:
            found[(pos, offset)].append(lemma)
    return found


@lru_cache(maxsize=1)
def _lemma_synsets() -> dict[tuple[str, str], int]:
    """(lemma, pos) -> how many synsets of the data files hold it (the data files scanned, not the index)."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    wanted = set(items("word"))
    for (pos, _), synset in wordnet().synsets.items():
        for lemma in wanted.intersection(synset.lemmas):
            found[(lemma, pos)] += 1
    return found


_READ_BACK = {"!", "~", "@", "#p", "%p", "&", "=", "+", "\\"}


@lru_cache(maxsize=1)
def _incoming() -> dict[tuple[str, str, int], list[tuple[str, int, int, int]]]:
    """(symbol, pos, offset) -> pointers that point AT that synset: (source pos, source offset, source word
    no., target word no.). Reading a relation the other way round."""
    found = defaultdict(list)
    for (pos, offset), synset in wordnet().synsets.items():
        for sym, t_off, t_pos, src, tgt in synset.pointers:
            if sym in _READ_BACK:
                found[(sym, t_pos, t_off)].append((pos, offset, src, tgt))
    return found


@lru_cache(maxsize=4)
def _data_bytes(pos: str) -> bytes:
    return (_root() / f"data.{POS[pos]}").read_bytes()


def _raw_line(pos: str, offset: int) -> bytes:
    """A data file's line read at its byte offset (WordNet's synset offsets are byte offsets)."""
    data = _data_bytes(pos)
    return data[offset:data.index(b"\n", offset)]


@lru_cache(maxsize=None)
def _first(word: str, pos: str):
    net = wordnet()
    offsets = net.index.get((word, pos))
    return net.synsets.get((pos, offsets[0])) if offsets else None


def _word_no(synset, word: str) -> int | None:
    return next((i + 1 for i, w in enumerate(synset.lemmas) if w == word), None)


def _pointed(word: str, pos: str, sym: str, to_pos: str | None = None, lexical: bool = False):
    """Targets of the first sense's `sym` pointers: (target synset, target word no.)."""
    synset = _first(word, pos)
    if synset is None:
        return []
    net, no = wordnet(), _word_no(synset, word)
    return [(net.synsets[(p, o)], t) for s, o, p, src, t in synset.pointers
            if s == sym and (to_pos is None or p == to_pos) and (p, o) in net.synsets
            and (not lexical or src == no)]


def _pointing(word: str, pos: str, sym: str, from_pos: str | None = None, lexical: bool = False):
    """Sources of `sym` pointers that point at the first sense: (source synset, source word no.)."""
    synset = _first(word, pos)
    if synset is None:
        return []
    net, no = wordnet(), _word_no(synset, word)
    return [(net.synsets[(p, o)], src) for p, o, src, t in _incoming().get((sym, pos, synset.offset), [])
            if (from_pos is None or p == from_pos) and (not lexical or t == no)]


# --- antonyms ------------------------------------------------------------------------------------------

def _antonym(text: str, pos: str) -> str | None:
    """The direct antonym of the commonest sense that has one; kept only where the pair is symmetric
    (the antonym's own antonyms name the word: a one-way pointer is a doubtful pair)."""
    net = wordnet()
    found = {_text(w) for w in net.antonyms(text, pos)}
    if len(found) != 1 or None in found:
        return None
    answer = found.pop()
    return answer if text in net.antonyms(answer.replace(" ", "_"), pos) else None


def _antonym_oracle(text: str, pos: str) -> str | None:
    """Antonym pointers are symmetric: the words whose '!' pointer names this word's sense, in sense order."""
    net = wordnet()
    for synset in net.senses(text, pos):
        no = _word_no(synset, text)
        found = {_text(net.synsets[(p, o)].lemmas[src - 1])
                 for p, o, src, t in _incoming().get(("!", pos, synset.offset), []) if t == no}
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def _pos_text(pos: str) -> dict:
    return {"pos": POS_WORD[pos], "pos_plural": POS_WORD[pos] + "s"}


_POS_VARIANTS = {"noun": "n", "verb": "v", "adjective": "a"}

ANTONYM = Family(
    name="antonym",
    inputs="word",
    answer=_antonym,
    oracle=_antonym_oracle,
    variants={f"antonym_{w}": {"pos": p} for w, p in _POS_VARIANTS.items()},
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Give the opposite of the word, read as a {pos}.",
        "What is the antonym of this {pos}?",
        "Antonym ({pos}).",
        "Write the word that means the opposite of the given {pos}. One word, lowercase.",
        "I need the opposite of this word when it is used as a {pos}.",
        "Treat the input as a {pos} and reply with its antonym.",
        "The model reads an English {pos} and answers with its opposite.",
        "Opposite, please - the word is a {pos}.",
        "Flip the meaning: name the {pos} that says the reverse of this one.",
        "Which {pos} is the direct opposite of the one given?",
        "Think of the word in its usual sense as a {pos}. What word means the contrary? Answer with just that word.",
        "Return the dictionary antonym of the {pos} you are shown.",
        "hey, what's the opposite of this {pos}?",
        "For each {pos}, output its antonym and nothing else.",
        "Name the {pos} that contrasts with this one as its opposite.",
        "Reverse it: the {pos} with the opposite meaning.",
        "Given one of a pair of opposite {pos_plural}, supply the other member of the pair.",
    ),
)

ANTONYM_CHOICE = Family(
    name="antonym_choice",
    inputs="word",
    answer=_antonym,
    oracle=_antonym_oracle,
    variants={f"antonym_{w}_choice": {"pos": p} for w, p in _POS_VARIANTS.items()},
    distractors=3,
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Which option is the opposite of the word, taken as a {pos}?",
        "Pick the antonym of this {pos}.",
        "Choose the {pos} that means the reverse.",
        "One of the choices is the opposite of the given {pos}. Which one?",
        "Antonym of the {pos}: select it from the options.",
        "I want the choice that is this {pos}'s opposite.",
        "The model must select, among four words, the antonym of the input {pos}.",
        "Opposite {pos} - pick one.",
        "Read the word as a {pos}. Among the options, which word means the contrary?",
        "Select the option that forms an opposite pair with the {pos}.",
        "Which of these is the antonym? Treat the word as a {pos}.",
        "Find the contrary of the {pos} among the choices.",
        "Mark the option that is opposite in meaning to the word when used as a {pos}.",
        "Choose the reverse-meaning {pos}.",
        "which answer means the opposite of this {pos}?",
        "Four options, one antonym of the {pos}: name it.",
    ),
)


# --- synonyms --------------------------------------------------------------------------------------------

def _synonym(text: str, pos: str) -> str | None:
    synset = _first(text, pos)
    if synset is None or text not in synset.lemmas:
        return None
    return _rank(_text(w) for w in synset.lemmas if w != text)


def _synonym_oracle(text: str, pos: str) -> str | None:
    offsets = wordnet().index.get((text, pos))
    if not offsets:
        return None
    return _rank(_text(w) for w in _offset_lemmas()[(pos, offsets[0])] if w != text)


SYNONYM = Family(
    name="synonym",
    inputs="word",
    answer=_synonym,
    oracle=_synonym_oracle,
    variants={f"synonym_{w}": {"pos": p} for w, p in _POS_VARIANTS.items()},
    distractors=3,
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Which option means the same as the word, used as a {pos}?",
        "Pick the synonym of this {pos}.",
        "Choose the {pos} with the same meaning.",
        "Synonym ({pos}): select it.",
        "One choice can replace the given {pos} without changing the meaning. Which?",
        "I'm looking for another {pos} that means the same thing - pick it from the list.",
        "The model chooses the option that is a synonym of the input, read as a {pos}.",
        "Same meaning, different word: choose the {pos}.",
        "Which of these is closest in meaning to the {pos}?",
        "Select the word that shares the {pos}'s usual meaning.",
        "Among the options, find a synonym for the word in its commonest sense as a {pos}.",
        "Which answer could stand in for this {pos}?",
        "synonym of the {pos}?",
        "Think of the word's main meaning as a {pos}; pick the option that expresses the same idea.",
        "Mark the option that is a synonym, treating the input as a {pos}.",
        "Choose an equivalent {pos}.",
    ),
)


# --- hypernyms and hyponyms ------------------------------------------------------------------------------

def _hypernym(text: str, pos: str) -> str | None:
    found = _pointed(text, pos, "@")
    return _text(found[0][0].lemmas[0]) if len(found) == 1 else None


def _hypernym_oracle(text: str, pos: str) -> str | None:
    """The synsets whose hyponym pointer ('~') names the word's first sense."""
    found = _pointing(text, pos, "~")
    return _text(found[0][0].lemmas[0]) if len(found) == 1 else None


HYPERNYM = Family(
    name="hypernym",
    inputs="word",
    answer=_hypernym,
    oracle=_hypernym_oracle,
    variants={"hypernym_noun": {"pos": "n"}, "hypernym_verb": {"pos": "v"}},
    distractors=3,
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Which option is the broader category that this {pos} belongs to?",
        "Pick the more general {pos}: the word is a kind of which one?",
        "Hypernym of the {pos}.",
        "The input {pos} names a specific case of one of the options. Which option?",
        "Choose the {pos} that the word is a type of.",
        "I want the general term above this {pos} - choose it.",
        "The model picks the superordinate {pos} (the category one level up).",
        "A ___ is a kind of what? Treat the word as a {pos} and pick the answer.",
        "Select the {pos} that names the wider class of the word's meaning.",
        "Which of these is more general, with the given {pos} as one kind of it?",
        "Move one step up the hierarchy from this {pos}: which option do you reach?",
        "Category of the {pos}, from the choices.",
        "what is this {pos} a type of?",
        "Pick the broader term.  The word is read as a {pos}, in its commonest sense.",
        "Find the parent concept of the {pos} among the options.",
        "Choose the umbrella {pos} for this word.",
    ),
)


def _hyponym(text: str, pos: str) -> str | None:
    return _rank(_text(w) for synset, _ in _pointed(text, pos, "~") for w in synset.lemmas[:1] if w != text)


def _hyponym_oracle(text: str, pos: str) -> str | None:
    return _rank(_text(w) for synset, _ in _pointing(text, pos, "@") for w in synset.lemmas[:1] if w != text)


HYPONYM = Family(
    name="hyponym",
    inputs="word",
    answer=_hyponym,
    oracle=_hyponym_oracle,
    variants={"hyponym_noun": {"pos": "n"}, "hyponym_verb": {"pos": "v"}},
    distractors=3,
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Which option is a specific kind of this {pos}?",
        "Pick an example, a more specific {pos}, of the word.",
        "Hyponym of the {pos}.",
        "One option names a particular type of what the {pos} names. Choose it.",
        "Choose the narrower {pos}: a kind of the given one.",
        "I need a more specific {pos} that falls under this word.",
        "The model selects the subordinate term of the input {pos}.",
        "Which of these is a type of the word? The word is a {pos}.",
        "Select the {pos} that is one particular case of the given {pos}.",
        "Go one step down the hierarchy from this {pos}.",
        "Find the option that is a kind of the {pos}.",
        "what's a more specific {pos} under this one?",
        "Among the choices, which {pos} is a special case of the word's commonest meaning?",
        "Pick a subtype of the {pos}.",
        "Mark the choice that belongs under the {pos} as one of its kinds.",
        "Narrower term for the {pos}, please: choose from the list.",
    ),
)


# --- parts and wholes -----------------------------------------------------------------------------------

def _has_part(text: str) -> str | None:
    return _rank(_text(s.lemmas[0]) for s, _ in _pointed(text, "n", "%p"))


def _has_part_oracle(text: str) -> str | None:
    return _rank(_text(s.lemmas[0]) for s, _ in _pointing(text, "n", "#p"))


HAS_PART = Family(
    name="has_part",
    inputs="noun",
    answer=_has_part,
    oracle=_has_part_oracle,
    variants={"has_part": {}},
    distractors=3,
    resources=("wordnet",),
    descriptions=(
        "Which option is a part of the thing the noun names?",
        "Pick the component.",
        "One of the choices names a piece of this thing. Which one?",
        "Choose a part of it.",
        "I need the option that is a part of the given noun.",
        "The model selects the option naming a part that the input thing has.",
        "Which of these does the thing contain as one of its parts?",
        "Part of the noun: select it from the list.",
        "What is one part of this? Choose from the options.",
        "Select the meronym (a part) of the noun.",
        "Find the option that is a piece of the whole named by the word.",
        "which option is part of this thing?",
        "Pick the choice that names something the noun is partly made up of, as a component.",
        "Choose what you would find as a part of it.",
        "Take the noun as a whole; mark the option that is one of its parts.",
        "A component of the named thing - which option?",
    ),
)


def _whole_of(text: str) -> str | None:
    found = {_text(s.lemmas[0]) for s, _ in _pointed(text, "n", "#p")}
    return found.pop() if len(found) == 1 and text not in found and None not in found else None


def _whole_of_oracle(text: str) -> str | None:
    found = {_text(s.lemmas[0]) for s, _ in _pointing(text, "n", "%p")}
    return found.pop() if len(found) == 1 and text not in found and None not in found else None


# held out: the pool has the parts of a whole (has_part, multiple choice), never the whole of a part
WHOLE_OF = Family(
    name="whole_of",
    inputs="noun",
    answer=_whole_of,
    oracle=_whole_of_oracle,
    variants={},
    heldout={"whole_of_part": {}},
    resources=("wordnet",),
)


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


# --- parts of speech and senses -------------------------------------------------------------------------

def _can_be(text: str, pos: str) -> str:
    return "yes" if (text, pos) in wordnet().index else "no"


def _can_be_oracle(text: str, pos: str) -> str:
    return "yes" if _lemma_synsets().get((text, pos), 0) > 0 else "no"


POS_POSSIBLE = Family(
    name="pos_possible",
    inputs="word",
    answer=_can_be,
    oracle=_can_be_oracle,
    variants={f"can_be_{w}": {"pos": p} for p, w in POS_WORD.items()},
    labels=("yes", "no"),
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Can this word be used as a {pos}? yes or no",
        "Is there a {pos} sense of the word?",
        "Yes or no: the word can act as a {pos}.",
        "Decide whether the word has any meaning as a {pos}.",
        "I need to know if this word can be a {pos}. Answer yes or no.",
        "The model answers yes if a dictionary lists the word as a {pos}, and no otherwise.",
        "{pos}? yes/no",
        "Could you use this word as a {pos} in a sentence? Reply with yes or no.",
        "Does the dictionary have an entry for this word as a {pos}?",
        "Check the word's parts of speech: is {pos} one of them?",
        "yes if the word can be a {pos}, no if it never is",
        "Tell me whether the word ever works as a {pos}.",
        "Is '{pos}' among the word's possible parts of speech?",
        "Answer yes or no: among its uses, the word has a {pos} use.",
        "Can it be a {pos}?",
        "Part-of-speech check for {pos_plural}: yes or no.",
    ),
)


def _pos_count(text: str) -> str:
    return str(min(3, sum((text, p) in wordnet().index for p in "nvar")))


def _pos_count_oracle(text: str) -> str:
    found = sum(_lemma_synsets().get((text, p), 0) > 0 for p in "nvar")
    return "3" if found >= 3 else str(found)


POS_COUNT = Family(
    name="pos_count",
    inputs="word",
    answer=_pos_count,
    oracle=_pos_count_oracle,
    variants={"part_of_speech_count": {}},
    labels=("1", "2", "3"),   # 3: three or four
    resources=("wordnet",),
    descriptions=(
        "How many parts of speech can this word be (noun, verb, adjective, adverb)?",
        "Count the word's parts of speech.",
        "In how many word classes does the word appear? Answer 1, 2 or 3.",
        "Number of parts of speech the word can take.",
        "I need the count of different grammatical categories (noun, verb, adjective, adverb) this word belongs to.",
        "The model answers with the number of parts of speech that a dictionary lists for the word.",
        "How many of noun, verb, adjective and adverb can this word be?",
        "Count its possible uses: noun? verb? adjective? adverb? Give the total.",
        "Parts of speech: how many?",
        "Tell me in how many parts of speech the word is listed.",
        "how many word classes does this belong to?",
        "Give the number of distinct parts of speech of the word, as a digit.",
        "Is the word limited to one part of speech, or does it have two or three? Answer with the number.",
        "Reply with a single digit: the number of parts of speech the word can be used as.",
        "Total part-of-speech count for this word.",
        "The word may be a noun, a verb, an adjective or an adverb, or several of these; how many?",
    ),
)


def _bucket(n: int) -> str | None:
    return None if n <= 0 else ("1" if n == 1 else "2-3" if n <= 3 else "4+")


SENSE_COUNT = Family(
    name="sense_count",
    inputs="word",
    answer=lambda text, pos: _bucket(len(wordnet().index.get((text, pos), []))),
    oracle=lambda text, pos: _bucket(_lemma_synsets().get((text, pos), 0)),
    variants={f"senses_as_{w}": {"pos": p} for w, p in _POS_VARIANTS.items()},
    labels=("1", "2-3", "4+"),
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "How many senses does the word have as a {pos}: 1, 2-3 or 4+?",
        "Count the word's meanings as a {pos} and give the bucket.",
        "Number of {pos} senses (1, 2-3, 4+).",
        "How many dictionary meanings does this {pos} have? Answer 1, 2-3 or 4+.",
        "I need to know how polysemous the word is as a {pos}: one sense, two or three, or four or more.",
        "The model reports how many senses WordNet lists for the word as a {pos}, grouped as 1, 2-3 or 4+.",
        "Senses as a {pos}?",
        "Is the word unambiguous as a {pos} (1), a little ambiguous (2-3), or very ambiguous (4+)?",
        "Look at only the {pos} meanings of the word. How many are there, roughly?",
        "Give the {pos}-sense count range for this word.",
        "how many meanings as a {pos}? pick 1, 2-3 or 4+",
        "Reply with the bucket for the number of {pos} senses.",
        "Count the distinct meanings the word has when used as a {pos}.",
        "Estimate the word's number of {pos} senses: one, two to three, or at least four.",
        "Tell me how many separate {pos} meanings a dictionary gives this word.",
        "Polysemy of the {pos}: 1, 2-3 or 4+?",
    ),
)


# --- definitions ----------------------------------------------------------------------------------------

def _definition_of(gloss: str) -> str | None:
    text = re.split(r';\s*"', gloss, maxsplit=1)[0].strip().rstrip(";").strip()
    return text if 2 <= len(text.split()) <= 16 and '"' not in text else None


def _definition(text: str, pos: str) -> str | None:
    synset = _first(text, pos)
    return _definition_of(synset.gloss) if synset is not None and _tagged(text, pos) else None




def _definition_oracle(text: str, pos: str) -> str | None:
    """The data file read at the synset's byte offset (WordNet offsets are byte offsets), gloss by regex."""
    offsets = wordnet().index.get((text, pos))
    if not offsets:
        return None
    line = _raw_line(pos, offsets[0]).decode("latin-1")
    match = re.search(r"\|\s*(.*?)\s*$", line)
    if not match:
        return None
    gloss = match.group(1)
    cut = gloss.find('; "')
    gloss = (gloss if cut < 0 else gloss[:cut]).strip().rstrip(";").strip()
    return gloss if 2 <= len(gloss.split()) <= 16 and '"' not in gloss else None


DEFINITION = Family(
    name="definition",
    inputs="word",
    answer=_definition,
    oracle=_definition_oracle,
    variants={f"definition_{w}": {"pos": p} for w, p in _POS_VARIANTS.items()},
    distractors=3,
    params_text=_pos_text,
    resources=("wordnet",),
    descriptions=(
        "Which definition fits the word as a {pos}?",
        "Pick the meaning of this {pos}.",
        "Choose the dictionary definition of the word, used as a {pos}.",
        "Definition ({pos}): select the right one.",
        "What does this {pos} mean? Choose from the options.",
        "I want the option that correctly defines the word in its commonest {pos} sense.",
        "The model matches the input {pos} to its definition among four glosses.",
        "Select the gloss for the {pos}.",
        "Which of these explains the word's usual meaning as a {pos}?",
        "Read the word as a {pos} and pick the sentence fragment that defines it.",
        "Match the {pos} to its meaning.",
        "what does the {pos} mean? pick one",
        "Find the definition a dictionary gives first for this {pos}.",
        "Mark the choice that describes what the {pos} means.",
        "One option is the {pos}'s definition, the others define other words. Which is it?",
        "Choose the right gloss - the word is a {pos}.",
    ),
)


# --- other lexical pointers -----------------------------------------------------------------------------

def _similar(text: str) -> str | None:
    found = {_text(s.lemmas[0]) for s, _ in _pointed(text, "a", "&")}
    return found.pop() if len(found) == 1 and _first(text, "a").lemmas[0] == text else None


def _similar_oracle(text: str) -> str | None:
    found = {_text(s.lemmas[0]) for s, _ in _pointing(text, "a", "&")}
    return found.pop() if len(found) == 1 else None


def _attribute(text: str) -> str | None:
    found = {_text(s.lemmas[0]) for s, _ in _pointed(text, "a", "=", "n")}
    return found.pop() if len(found) == 1 else None


def _attribute_oracle(text: str) -> str | None:
    found = {_text(s.lemmas[0]) for s, _ in _pointing(text, "a", "=", "n")}
    return found.pop() if len(found) == 1 else None


ADJECTIVE_RELATION = Family(
    name="adjective_relation",
    inputs="word",
    answer=lambda text, rel: (_similar if rel == "similar" else _attribute)(text),
    oracle=lambda text, rel: (_similar_oracle if rel == "similar" else _attribute_oracle)(text),
    variants={"similar_adjective": {"rel": "similar"}, "attribute_of_adjective": {"rel": "attribute"}},
    distractors=3,
    params_text=lambda rel: {
        "what": {"similar": "the core adjective whose meaning this adjective is a shade of",
                 "attribute": "the noun naming the property this adjective describes (heavy -> weight)"}[rel],
        "short": {"similar": "closely related head adjective", "attribute": "attribute noun"}[rel],
        "eg": {"similar": "scorching -> hot", "attribute": "tall -> height"}[rel],
        "gist": {"similar": "the plainer, more general adjective it varies",
                 "attribute": "the quality it measures"}[rel]},
    resources=("wordnet",),
    descriptions=(
        "Which option is {what}?",
        "Pick the {short}.",
        "Like {eg}: which option relates to this adjective that way?",
        "The adjective: what is its {short}? Choose it.",
        "I need {what} - select it from the options.",
        "The model reads an adjective and picks {what}.",
        "{short}?",
        "Adjective given; four words offered. Answer with {gist}.",
        "Select, for the adjective given, {what}.",
        "Choose the option that is the {short} of the input adjective.",
        "what's the {short} here?",
        "Mark the option that gives {what}.",
        "Think {eg}. Now do it for the input and reply with one of the options.",
        "Which word is the {short} for this adjective?",
        "Look at the adjective's commonest sense and pick {what}.",
        "Find the {short} of the adjective among the four words.",
    ),
)


FAMILIES = [ANTONYM, ANTONYM_CHOICE, SYNONYM, HYPERNYM, HYPONYM, HAS_PART, WHOLE_OF, NOUN_CLASS, VERB_CLASS,
            ADJECTIVE_CLASS, TOPIC, POS_POSSIBLE, POS_COUNT, SENSE_COUNT, DEFINITION, ADJECTIVE_RELATION]
