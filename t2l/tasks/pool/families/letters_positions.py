"""Letters of a word by position and by place in the alphabet: letters at positions, counted from either
end; prefixes and suffixes; Caesar shifts; alphabet positions; the alphabetically earliest/latest letter.

Input kind: `word`. `letter_at` is the worked example of a family file. Oracles take a second route:
positions by regular expressions instead of indexing, shifts by `str.translate`, alphabet positions and
the earliest/latest letter by `string.ascii_lowercase`.
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

FAMILIES = [LETTER_AT, END_LETTERS, CAESAR_SHIFT, ALPHABET_POSITION, EXTREME_LETTER]
