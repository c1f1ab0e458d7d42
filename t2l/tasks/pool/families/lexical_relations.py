"""Lexical relations over WordNet 3.0: antonyms, synonyms, hypernyms and hyponyms, parts and wholes, and
the adjectives' pointers (the head adjective it is similar to, the attribute noun it describes).

Input kinds: `word`, `noun`. Every answer reads the word's commonest sense (the first synset of its index
entry). The oracles read the same facts by another route:
- relations: the pointer read the other way (an antonym's own antonym pointer names the word; a hypernym's
  hyponym pointer names the word's synset; a whole's meronym pointer names the part);
- synonyms: the index files read backwards (synset offset -> lemmas), instead of the index entry.
"""

from __future__ import annotations

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._lexical_common import (_POS_VARIANTS, _first, _incoming, _offset_lemmas, _pointed,
                                                     _pointing, _pos_text, _rank, _text, _word_no)
from t2l.tasks.pool.resources import wordnet

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


FAMILIES = [ANTONYM, ANTONYM_CHOICE, SYNONYM, HYPERNYM, HYPONYM, HAS_PART, WHOLE_OF, ADJECTIVE_RELATION]
