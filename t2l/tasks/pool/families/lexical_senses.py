"""Word senses over WordNet 3.0: the parts of speech a word can be and how many, how many senses it has
as a noun, verb or adjective, and the definition of its commonest sense (multiple choice).

Input kind: `word`. Answers read the index entries (and the parsed synset's gloss); the oracles read the
same facts by another route:
- parts of speech and sense counts: the data files scanned for the lemma, instead of the index entry;
- definitions: the data file read at the synset's byte offset with a regular expression.
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._lexical_common import (POS_WORD, _POS_VARIANTS, _first, _lemma_synsets, _pos_text,
                                                     _raw_line, _tagged)
from t2l.tasks.pool.resources import wordnet

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


FAMILIES = [POS_POSSIBLE, POS_COUNT, SENSE_COUNT, DEFINITION]
