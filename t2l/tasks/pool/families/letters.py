"""Letters of a word: letters at positions, counted from either end; prefixes and suffixes; Caesar shifts;
alphabet positions; the alphabetically earliest/latest letter; letter counts and yes/no spelling checks.

Input kind: `word`. `letter_at` is the worked example of a family file. Oracles take a second route:
positions by regular expressions instead of indexing, shifts by `str.translate`, alphabet positions by
`string.ascii_lowercase`, checks by regular expressions. Vowels are a, e, i, o, u; a check on a `y` at the
start or end is skipped (y is a vowel in "gym", a consonant in "yes").
"""

from __future__ import annotations

import re
import string

from t2l.tasks.pool.core import Family

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth"}


def _letter_at(text: str, k: int) -> str | None:
    """k > 0 counts from the start, k < 0 from the end (-1 is the last letter)."""
    if len(text) < abs(k):
        return None
    return text[k - 1] if k > 0 else text[k]


def _letter_at_oracle(text: str, k: int) -> str | None:
    pattern = rf"^.{{{k - 1}}}(.)" if k > 0 else rf"(.).{{{-k - 1}}}$"
    match = re.search(pattern, text)
    return match.group(1) if match else None


def _position_words(k: int) -> dict:
    ordinal = _ORDINALS[abs(k)]
    where = "from the start" if k > 0 else "from the end"
    name = ordinal if k > 0 else ("last" if k == -1 else f"{ordinal}-to-last")
    return {"pos": name, "ordinal": ordinal, "where": where, "n": abs(k)}


LETTER_AT = Family(
    name="letter_at",
    inputs="word",
    answer=_letter_at,
    oracle=_letter_at_oracle,
    variants={**{f"letter_at_{k}": {"k": k} for k in (1, 3, 4, 5, 6)},
              **{f"letter_from_end_{-k}": {"k": k} for k in (-1, -2, -4)}},
    heldout={"letter_at_2": {"k": 2}, "letter_from_end_3": {"k": -3}},
    params_text=_position_words,
    descriptions=(
        "Give the {pos} letter of the word.",
        "What is the {pos} letter?",
        "Reply with only the {pos} letter of the word you are given, in lowercase.",
        "Letter number {n}, counted {where}.",
        "Read the word and write down its {pos} letter - just that one character, nothing else.",
        "I need the {pos} character of this word.",
        "{pos} letter, please.",
        "Spell the word to yourself and stop at letter {n} {where}; answer with that letter.",
        "Which letter sits in position {n} {where} in this word?",
        "Output a single lowercase letter: the word's {pos} one.",
        "Pick out the {pos} letter of the given word.",
        "Could you tell me what the {pos} letter of this word is?",
        "The task: name the {ordinal} letter {where} of a word.",
        "Count {n} letters {where} and return the letter you land on.",
        "Just the {pos} letter.",
        "For a single English word, respond with the letter found {n} places in, counting {where}. One character only.",
        "Extract the {pos} letter from the word.",
        "Hey, what's the {pos} letter in this one?",
    ),
)



# --- the first or last n letters (a prefix or suffix) ------------------------------------------------------

def _end_letters(text: str, n: int, side: str) -> str | None:
    """A proper prefix/suffix: the word must be longer than n, or the answer would be the input itself."""
    if len(text) <= n:
        return None
    return text[:n] if side == "first" else text[-n:]


def _end_letters_oracle(text: str, n: int, side: str) -> str | None:
    pattern = rf"^(.{{{n}}})." if side == "first" else rf".(.{{{n}}})$"
    match = re.search(pattern, text)
    return match.group(1) if match else None


def _end_words(n: int, side: str) -> dict:
    return {"n": n, "side": side, "n_word": _NUMBER_WORDS[n], "edge": "beginning" if side == "first" else "end",
            "part": "prefix" if side == "first" else "suffix", "cut": "start" if side == "first" else "end",
            "Side": side.capitalize(), "side_verb": "begin with" if side == "first" else "end with",
            "side_adj": "opening" if side == "first" else "closing"}


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}

END_LETTERS = Family(
    name="end_letters",
    inputs="word",
    answer=_end_letters,
    oracle=_end_letters_oracle,
    variants={**{f"first_{n}_letters": {"n": n, "side": "first"} for n in (2, 3, 4)},
              **{f"last_{n}_letters": {"n": n, "side": "last"} for n in (2, 3, 4, 5)}},
    heldout={"first_5_letters": {"n": 5, "side": "first"}},
    params_text=_end_words,
    resources=("wordnet",),
    descriptions=(
        "Give the {side} {n} letters of the word.",
        "What are the {side} {n_word} letters?",
        "Write the word's {n}-letter {part}.",
        "Keep only the {side} {n_word} letters of the word and drop the rest.",
        "I need the {side} {n} characters of this word, in order, as one lowercase string.",
        "{Side} {n} letters, please.",
        "Cut the word down to its {side} {n_word} letters.",
        "Return the {n} letters at the {edge} of the word, without spaces between them.",
        "Which {n_word} letters does the word {side_verb}?",
        "The model copies the {side} {n} letters of a single English word and nothing else.",
        "From the {cut} of the word, take {n_word} letters.",
        "Could you tell me the {side} {n_word} letters of this word?",
        "Output the {part} of length {n}.",
        "Hey, just the {side} {n} letters here.",
        "Trim the word so that only its {n_word} {side_adj} letters remain; answer with those letters.",
        "Read the word and write the {n} letters that sit at its {edge}, keeping their order.",
        "Letters at the {edge}: {n_word} of them.",
    ),
)


# --- Caesar shift: every letter moved k places along the alphabet ------------------------------------------

def _shift(text: str, k: int) -> str:
    return "".join(chr((ord(c) - ord("a") + k) % 26 + ord("a")) for c in text)


def _shift_oracle(text: str, k: int) -> str:
    alphabet = string.ascii_lowercase
    moved = alphabet[k % 26:] + alphabet[:k % 26]
    return text.translate(str.maketrans(alphabet, moved))


def _shift_words(k: int) -> dict:
    n = abs(k)
    way = "forward" if k > 0 else "back"
    rel = "after" if k > 0 else "before"
    steps = "1 place" if n == 1 else f"{n} places"
    one = {"forward": "the next letter", "back": "the previous letter"}[way] if n == 1 else \
        f"the letter {_NUMBER_WORDS[n]} places {rel} it"
    example = {1: ("a", "b"), 2: ("a", "c"), 3: ("a", "d"), 5: ("a", "f"), -1: ("b", "a"), -2: ("c", "a"),
               -3: ("d", "a")}[k]
    wrap = "z wraps round to a" if k > 0 else "a wraps round to z"
    return {"k": n, "way": way, "rel": rel, "steps": steps, "one": one, "wrap": wrap,
            "ex_from": example[0], "ex_to": example[1], "signed": f"+{n}" if k > 0 else f"minus {n}"}


CAESAR_SHIFT = Family(
    name="caesar_shift",
    inputs="word",
    answer=_shift,
    oracle=_shift_oracle,
    variants={**{f"shift_letters_forward_{k}": {"k": k} for k in (1, 2, 3, 5)},
              **{f"shift_letters_back_{-k}": {"k": k} for k in (-1, -2)}},
    heldout={"shift_letters_back_3": {"k": -3}},
    params_text=_shift_words,
    resources=("wordnet",),
    descriptions=(
        "Shift every letter of the word {steps} {way} in the alphabet.",
        "Caesar cipher with a shift of {signed}: encode the word.",
        "Replace each letter with {one} in the alphabet ({wrap}).",
        "Move each letter {steps} {way} through the alphabet and write the new word.",
        "I want each letter swapped for the one {steps} {rel} it in the alphabet.",
        "Encrypt the word by rotating its letters {steps} {way}; {wrap}.",
        "Apply a rotation of {signed} to every letter.",
        "Letter by letter, go {k} {way} in the alphabet - {ex_from} becomes {ex_to}. What word comes out?",
        "The model rewrites a word so that every letter becomes the one {steps} {rel} it alphabetically.",
        "Encode with a Caesar shift of {k} {way}.",
        "Could you shift the alphabet {steps} {way} and spell the word with the shifted letters?",
        "Each letter moves {k} {way}. Output the resulting string in lowercase.",
        "Substitute every character by the letter {k} {rel} it in a-z, wrapping around at the ends.",
        "{ex_from} -> {ex_to}, and likewise for every other letter: transform the word.",
        "Shift cipher, {k} {way}.",
        "Take each letter, count {k} {way} in the alphabet ({wrap}), and write down the letter you reach; keep the order of the word.",
    ),
)


# --- the alphabet position of a letter of the word ---------------------------------------------------------

def _alphabet_position(text: str, k: int) -> str | None:
    if len(text) < abs(k):
        return None
    letter = text[k - 1] if k > 0 else text[k]
    return str(ord(letter) - ord("a") + 1)


def _alphabet_position_oracle(text: str, k: int) -> str | None:
    letter = _letter_at_oracle(text, k)
    return str(string.ascii_lowercase.index(letter) + 1) if letter else None


def _which_letter(k: int) -> dict:
    which = {1: "first", 2: "second", -1: "last"}[k]
    return {"which": which, "Which": which.capitalize()}


ALPHABET_POSITION = Family(
    name="alphabet_position",
    inputs="word",
    answer=_alphabet_position,
    oracle=_alphabet_position_oracle,
    variants={"first_letter_alphabet_position": {"k": 1}, "second_letter_alphabet_position": {"k": 2},
              "last_letter_alphabet_position": {"k": -1}},
    params_text=_which_letter,
    distractors=3,
    resources=("wordnet",),
    descriptions=(
        "Where in the alphabet is the word's {which} letter? Give its number (a = 1, z = 26).",
        "Alphabet position of the {which} letter.",
        "Take the {which} letter of the word and say which number letter of the alphabet it is.",
        "I need the {which} letter converted to its place in the alphabet, counting a as 1.",
        "Which position, from 1 to 26, does the word's {which} letter have in a-z?",
        "Convert the {which} letter into a number: a=1, b=2, and so on up to z=26.",
        "The model reads a word and picks the alphabet index of its {which} letter.",
        "Number of the {which} letter in the alphabet, please.",
        "Look at the {which} letter. How far into the alphabet is it? Answer with a number.",
        "Give the ordinal position in the English alphabet of the {which} letter of this word.",
        "If a is 1 and z is 26, what number is the {which} letter of the word?",
        "Find the word's {which} letter, then count along the alphabet until you reach it; report the count.",
        "What's the {which} letter's number in the alphabet?",
        "Map the {which} letter of the word to its alphabetical index (1-based).",
        "Choose the number that matches the {which} letter's position in the alphabet.",
        "{Which} letter -> alphabet number.",
    ),
)


# --- the alphabetically earliest or latest letter of the word ----------------------------------------------

def _extreme_letter(text: str, end: str) -> str:
    return min(text) if end == "earliest" else max(text)


def _extreme_letter_oracle(text: str, end: str) -> str:
    alphabet = string.ascii_lowercase if end == "earliest" else string.ascii_lowercase[::-1]
    return next(c for c in alphabet if re.search(c, text))


def _extreme_words(end: str) -> dict:
    return {"end": end, "near": "closest to a" if end == "earliest" else "closest to z",
            "first_last": "first" if end == "earliest" else "last",
            "order": "alphabetical" if end == "earliest" else "reverse alphabetical",
            "edge": "start" if end == "earliest" else "end", "End": end.capitalize()}


EXTREME_LETTER = Family(
    name="extreme_letter",
    inputs="word",
    answer=_extreme_letter,
    oracle=_extreme_letter_oracle,
    variants={"earliest_letter_in_alphabet": {"end": "earliest"}, "latest_letter_in_alphabet": {"end": "latest"}},
    params_text=_extreme_words,
    distractors=3,
    resources=("wordnet",),
    descriptions=(
        "Which letter of the word comes {first_last} in the alphabet?",
        "Give the word's letter that is {near}.",
        "Of all the letters in this word, pick the one that appears {end} in a-z.",
        "Sort the word's letters in {order} order and tell me the one at the front.",
        "Find the {end} letter, alphabetically, that the word contains.",
        "The model names the letter of a word that sits {first_last} in alphabetical order.",
        "Alphabetically {end} letter of the word?",
        "I need the letter in this word nearest the {edge} of the alphabet.",
        "Compare the letters of the word by their place in the alphabet and answer with the {end} one.",
        "Which of the word's letters is {near}? One letter only.",
        "Look through the letters and choose the one that would come {first_last} in a dictionary ordering of single letters.",
        "{End} letter in the alphabet among those in the word.",
        "Hey, which letter here is the {end} in the ABC?",
        "Out of the letters that make up the word, return the one ranked {first_last} alphabetically.",
        "Pick the letter {near} from the word's letters.",
        "What letter of the word would be {first_last} if you alphabetised its letters?",
    ),
)


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

FAMILIES = [LETTER_AT, END_LETTERS, CAESAR_SHIFT, ALPHABET_POSITION, EXTREME_LETTER, COUNT_LETTER, WORD_CHECK,
            CONTAINS_LETTER]
