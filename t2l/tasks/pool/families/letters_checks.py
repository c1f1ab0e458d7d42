"""Letters of a word counted and checked: how often a given letter occurs (0, 1 or 2), and yes/no
spelling checks (a vowel at the start or end, longer than n letters, a double letter, contains a letter).

Input kind: `word`. Oracles take a second route: regular expressions instead of counting and indexing.
Vowels are a, e, i, o, u; a check on a `y` at the start or end is skipped (y is a vowel in "gym", a
consonant in "yes").
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family

# --- how many times a given letter occurs (0, 1 or 2) ------------------------------------------------------

def _count_letter(text: str, letter: str) -> str | None:
    n = text.count(letter)
    return str(n) if n <= 2 else None     # three or more: rare, left out so the labels stay 0/1/2


def _count_letter_oracle(text: str, letter: str) -> str | None:
    n = len(re.findall(letter, text))
    return None if n > 2 else ["0", "1", "2"][n]


def _letter_words(letter: str) -> dict:
    return {"letter": letter, "upper": letter.upper()}


COUNT_LETTER = Family(
    name="count_letter",
    inputs="word",
    answer=_count_letter,
    oracle=_count_letter_oracle,
    variants={f"count_letter_{c}": {"letter": c} for c in "eaiot"},
    params_text=_letter_words,
    labels=("0", "1", "2"),
    resources=("wordnet",),
    descriptions=(
        "How many times does the letter {letter} occur in the word?",
        "Count the {letter}'s.",
        "Number of '{letter}' letters in the word: 0, 1 or 2?",
        "Tell me how often the word contains {letter}.",
        "The model counts occurrences of the letter {upper} in a word.",
        "How many times is {letter} used in this word? Answer with a digit.",
        "Go through the word letter by letter and count each {letter} you see.",
        "I need the count of the letter '{letter}' in the given word.",
        "Occurrences of {letter}?",
        "Is the letter {letter} absent (0), present once (1) or present twice (2)?",
        "Count how many letters of the word are the letter {letter}.",
        "What's the tally of {upper}'s in this word?",
        "Reply with the number of times '{letter}' shows up.",
        "Letter {letter}: how many?",
        "For the word below, give the frequency of the letter {letter}.",
        "Spell out the word in your head, keeping count of every {letter}; say the total.",
    ),
)


# --- yes/no questions about the form of the word -----------------------------------------------------------

_VOWELS = "aeiou"


def _check(text: str, test: str) -> str | None:
    if test in ("starts_vowel", "ends_vowel"):
        letter = text[0] if test == "starts_vowel" else text[-1]
        if letter == "y":
            return None          # y is a vowel or a consonant depending on the word: doubtful
        return "yes" if letter in _VOWELS else "no"
    if test.startswith("longer_"):
        return "yes" if len(text) > int(test.split("_")[1]) else "no"
    if test == "double_letter":
        return "yes" if any(a == b for a, b in zip(text, text[1:])) else "no"
    raise ValueError(test)


def _check_oracle(text: str, test: str) -> str | None:
    if test == "starts_vowel":
        return None if re.match(r"y", text) else ("yes" if re.match(r"[aeiou]", text) else "no")
    if test == "ends_vowel":
        return None if re.search(r"y$", text) else ("yes" if re.search(r"[aeiou]$", text) else "no")
    if test.startswith("longer_"):
        return "yes" if re.fullmatch(rf".{{{int(test.split('_')[1]) + 1},}}", text) else "no"
    if test == "double_letter":
        return "yes" if re.search(r"(.)\1", text) else "no"
    raise ValueError(test)


_CHECK_TEXT = {   # (a question, "the word ..." clause, a short phrase)
    "starts_vowel": ("Does the word begin with a vowel (a, e, i, o, u)?", "starts with a vowel",
                     "vowel at the start"),
    "ends_vowel": ("Does the word end in a vowel (a, e, i, o, u)?", "ends with a vowel", "vowel at the end"),
    "longer_5": ("Does the word have more than five letters?", "is longer than five letters",
                 "over five letters long"),
    "longer_7": ("Is the word longer than seven letters?", "has more than seven letters",
                 "over seven letters long"),
    "double_letter": ("Does the word contain the same letter twice in a row?", "has a double letter",
                      "a doubled letter"),
}


def _check_words(test: str) -> dict:
    q, clause, short = _CHECK_TEXT[test]
    return {"q": q, "clause": clause, "short": short}


WORD_CHECK = Family(
    name="word_check",
    inputs="word",
    answer=_check,
    oracle=_check_oracle,
    variants={"starts_with_vowel": {"test": "starts_vowel"}, "ends_with_vowel": {"test": "ends_vowel"},
              "longer_than_5_letters": {"test": "longer_5"}, "longer_than_7_letters": {"test": "longer_7"}},
    heldout={"has_double_letter": {"test": "double_letter"}},
    params_text=_check_words,
    labels=("yes", "no"),
    resources=("wordnet",),
    descriptions=(
        "{q}",
        "Spelling question, yes/no answer: is it true that the word {clause}?",
        "Say yes if the word {clause}, no if it doesn't.",
        "Check whether the word {clause}.",
        "The model answers yes for a word that {clause} and no for any other word.",
        "Yes or no - {short}?",
        "I'd like to know if this word {clause}. Reply with just yes or no.",
        "Inspect the letters. If the word {clause}, say yes; if not, say no.",
        "Decide whether the given word {clause}; output yes or no.",
        "Quick spelling check: {short}?",
        "True or false, expressed as yes/no: the word {clause}.",
        "Does this one qualify? It qualifies when it {clause}.",
        "Classify each word: yes = {short}, no = otherwise.",
        "Tell me, with one word, whether the word {clause}.",
        "Here is a word. Is it a word that {clause}?",
        "Answer 'yes' when the word {clause}, and 'no' in every other case.",
    ),
)


# --- yes/no: does the word contain a given letter -----------------------------------------------------------

def _contains(text: str, letter: str) -> str:
    return "yes" if letter in text else "no"


def _contains_oracle(text: str, letter: str) -> str:
    return "no" if re.fullmatch(rf"[^{letter}]*", text) else "yes"


CONTAINS_LETTER = Family(
    name="contains_letter",
    inputs="word",
    answer=_contains,
    oracle=_contains_oracle,
    variants={f"contains_letter_{c}": {"letter": c} for c in "rnlsc"},
    params_text=_letter_words,
    labels=("yes", "no"),
    resources=("wordnet",),
    descriptions=(
        "Does the word contain the letter {letter}?",
        "Is there any {letter} in it? yes/no",
        "Say yes if the letter '{letter}' appears anywhere in the word, otherwise no.",
        "Check the spelling for the letter {upper}.",
        "The model decides whether a word has at least one {letter} in it.",
        "I need to know if this word uses the letter {letter}. Just yes or no, please.",
        "Letter {letter} present?",
        "Scan the word for '{letter}' - answer yes if you find one and no if you don't.",
        "Does '{letter}' occur in the word at least once?",
        "Yes or no: the word's spelling includes {letter}.",
        "Is the letter {letter} missing from this word? Answer no if it is missing and yes if it is there.",
        "Tell me whether the word includes {letter}.",
        "Answer yes when the word contains {letter} somewhere (start, middle or end), else answer no.",
        "Any {upper}s in this word?",
        "Look through each letter of the word. Is one of them {letter}?",
        "Can you spot the letter {letter} in the word?",
    ),
)

FAMILIES = [COUNT_LETTER, WORD_CHECK, CONTAINS_LETTER]
