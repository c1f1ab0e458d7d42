"""Words as strings of letters, rewritten: reordered, filtered, spelled out with separators, repeated,
and mapped to their consonant/vowel pattern.

Input kind: `word`. Vowels are a, e, i, o, u; the vowel/consonant tasks skip words with a `y` (a vowel in
"gym", a consonant in "yes": doubtful), and no task answers with the input itself (scoring ignores case,
so "copy the word" would be no task). Oracles take a second route: regular expressions, counting over the
alphabet, `functools.reduce`.
"""

from __future__ import annotations

import re
import string
from functools import reduce

from t2l.tasks.pool.core import Family

_VOWELS = "aeiou"


def _unless_input(text: str, answer: str | None) -> str | None:
    return None if not answer or answer == text else answer


# --- the letters reordered ---------------------------------------------------------------------------------

def _reorder(text: str, how: str) -> str | None:
    if how == "reverse":
        out = text[::-1]
    elif how == "sort":
        out = "".join(sorted(text))
    else:
        out = "".join(sorted(text, reverse=True))
    return _unless_input(text, out)


def _reorder_oracle(text: str, how: str) -> str | None:
    if how == "reverse":
        out = reduce(lambda acc, c: c + acc, text, "")
    else:
        alphabet = string.ascii_lowercase if how == "sort" else string.ascii_lowercase[::-1]
        out = "".join(c * len(re.findall(c, text)) for c in alphabet)
    return None if out == text else out


_REORDER_TEXT = {   # (what to do, the result's name, a short phrase)
    "reverse": ("reverse the order of the letters", "the word spelled backwards", "backwards"),
    "sort": ("sort the letters alphabetically (a to z)", "the word's letters in alphabetical order", "in a-z order"),
    "sort_desc": ("sort the letters in reverse alphabetical order (z to a)",
                  "the word's letters in reverse alphabetical order", "in z-a order"),
}


def _reorder_words(how: str) -> dict:
    do, result, short = _REORDER_TEXT[how]
    return {"do": do, "result": result, "short": short}


LETTER_ORDER = Family(
    name="letter_order",
    inputs="word",
    answer=_reorder,
    oracle=_reorder_oracle,
    variants={"reverse_word": {"how": "reverse"}, "letters_sorted": {"how": "sort"},
              "letters_sorted_reverse": {"how": "sort_desc"}},
    params_text=_reorder_words,
    resources=("wordnet",),
    descriptions=(
        "Take the word; {do}.",
        "Write {result}.",
        "Rearrange the letters: {short}.",
        "I need {result}, as one lowercase string with no spaces.",
        "The model rewrites a word as {result}.",
        "Please {do} and give me the result.",
        "Output {result}. Keep every letter, repeated ones included.",
        "Letters {short}, please.",
        "What do you get when you {do}?",
        "Same letters, new order: {short}.",
        "Given a single word, return {result} - nothing else.",
        "Could you {do} for this word?",
        "Rewrite the word with its letters {short}; don't add or drop any.",
        "Here's a word; {do}, then write what you get.",
        "Transform: word -> {result}.",
        "Spell the word with the letters {short}.",
    ),
)


# --- some letters kept, others dropped ---------------------------------------------------------------------

def _filter(text: str, keep: str) -> str | None:
    if keep in ("consonants", "vowels") and "y" in text:
        return None
    if keep == "consonants":
        out = "".join(c for c in text if c not in _VOWELS)
    elif keep == "vowels":
        out = "".join(c for c in text if c in _VOWELS)
    elif keep == "odd":
        out = text[0::2]
    elif keep == "even":
        out = text[1::2]
    elif keep == "no_first":
        out = text[1:]
    else:
        out = text[1:-1]
    return _unless_input(text, out)


def _filter_oracle(text: str, keep: str) -> str | None:
    if keep in ("consonants", "vowels") and re.search("y", text):
        return None
    if keep == "consonants":
        out = re.sub(r"[aeiou]", "", text)
    elif keep == "vowels":
        out = re.sub(r"[^aeiou]", "", text)
    elif keep in ("odd", "even"):
        out = "".join(c for i, c in enumerate(text, start=1) if (i % 2 == 1) == (keep == "odd"))
    elif keep == "no_first":
        out = re.sub(r"^.", "", text)
    else:
        out = re.sub(r"^.|.$", "", text)
    return None if out in ("", text) else out


_FILTER_TEXT = {   # (what is kept, what is dropped, a short name)
    "consonants": ("the consonants", "every vowel (a, e, i, o, u)", "the word without vowels"),
    "vowels": ("the vowels (a, e, i, o, u)", "every consonant", "the vowels alone"),
    "odd": ("the 1st, 3rd, 5th... letters", "the 2nd, 4th, 6th... letters", "every other letter, starting with the first"),
    "even": ("the 2nd, 4th, 6th... letters", "the 1st, 3rd, 5th... letters", "every other letter, starting with the second"),
    "no_first": ("everything after the first letter", "the first letter", "the word minus its first letter"),
    "no_ends": ("the letters between the first and the last", "the first and the last letter",
                "the word's middle letters (first and last removed)"),
}


def _filter_words(keep: str) -> dict:
    kept, dropped, name = _FILTER_TEXT[keep]
    return {"kept": kept, "dropped": dropped, "name": name}


LETTER_FILTER = Family(
    name="letter_filter",
    inputs="word",
    answer=_filter,
    oracle=_filter_oracle,
    variants={"without_vowels": {"keep": "consonants"}, "only_vowels": {"keep": "vowels"},
              "odd_position_letters": {"keep": "odd"}, "even_position_letters": {"keep": "even"},
              "without_first_letter": {"keep": "no_first"}, "middle_letters": {"keep": "no_ends"}},
    params_text=_filter_words,
    resources=("wordnet",),
    descriptions=(
        "Write {name}.",
        "Keep {kept} of the word.",
        "Remove {dropped} from the word and write what is left.",
        "Delete {dropped}; keep the remaining letters in their order.",
        "I need {name}, as one string.",
        "The model copies a word keeping {kept} and leaving out {dropped}.",
        "Give {name}, please.",
        "From this word, drop {dropped}.",
        "What remains once you take out {dropped}?",
        "Filter the letters: keep {kept}.",
        "Output {name} in lowercase, with no spaces.",
        "Strip out {dropped}.",
        "Hey, can you write {name}?",
        "Go through the word and keep {kept}, in the same order; answer with those letters joined together.",
        "Just {kept}.",
        "Rewrite the given word as {name}.",
    ),
)


# --- the letters spelled out with a separator --------------------------------------------------------------

_SEPARATORS = {"hyphen": "-", "space": " ", "dot": ".", "comma": ", "}


def _spell(text: str, sep: str) -> str:
    return _SEPARATORS[sep].join(text)


def _spell_oracle(text: str, sep: str) -> str:
    return re.sub(r"(?<=.)(?=.)", _SEPARATORS[sep].replace("\\", "\\\\"), text)


_SPELL_TEXT = {   # (the separator named, plural, example for "cat")
    "hyphen": ("a hyphen", "hyphens", "c-a-t"),
    "space": ("a space", "spaces", "c a t"),
    "dot": ("a full stop", "dots", "c.a.t"),
    "comma": ("a comma and a space", "commas", "c, a, t"),
}


def _spell_words(sep: str) -> dict:
    one, many, example = _SPELL_TEXT[sep]
    return {"one": one, "many": many, "example": example}


SPELL_WITH = Family(
    name="spell_with",
    inputs="word",
    answer=_spell,
    oracle=_spell_oracle,
    variants={"spelled_with_hyphens": {"sep": "hyphen"}, "spelled_with_spaces": {"sep": "space"},
              "spelled_with_dots": {"sep": "dot"}, "spelled_with_commas": {"sep": "comma"}},
    params_text=_spell_words,
    resources=("wordnet",),
    descriptions=(
        "Spell the word out with {many} between the letters.",
        "Put {one} between every two letters of the word.",
        "Write the letters one by one, separated by {many} (cat -> {example}).",
        "Spell it, using {many} as separators.",
        "The model spells a word letter by letter, joining the letters with {many}.",
        "Like this: {example}, {many} in between. Do the same with the word.",
        "I need the word's letters separated by {one} each.",
        "Separate every letter from the next with {one}; no separator at the start or end.",
        "Spell with {many}.",
        "Can you spell this word out, {many} in between?",
        "Insert {one} after each letter except the last.",
        "Break the word into its letters and join them again with {many}.",
        "Letter-by-letter spelling, {many} between letters.",
        "How is the word spelled? Show it as single letters with {many} between them.",
        "Turn the word into its separate letters, {one} between each pair, keeping the order.",
        "Output format {example} - that is, {one} after every letter but the last: apply it to the given word.",
    ),
)


# --- the word or its letters repeated ----------------------------------------------------------------------

def _repeat(text: str, how: str) -> str:
    return {"twice": text * 2, "thrice": text * 3, "letters": "".join(c + c for c in text),
            "mirror": text + text[::-1]}[how]


def _repeat_oracle(text: str, how: str) -> str:
    if how == "letters":
        return re.sub(r"(.)", r"\1\1", text)
    if how == "mirror":
        return text + reduce(lambda acc, c: c + acc, text, "")
    return "".join([text] * {"twice": 2, "thrice": 3}[how])


_REPEAT_TEXT = {   # (what to do, the result, example for "cat")
    "twice": ("write the word twice with nothing in between", "the word doubled", "catcat"),
    "thrice": ("write the word three times in a row, no spaces", "the word tripled", "catcatcat"),
    "letters": ("double every letter of the word", "each letter written twice", "ccaatt"),
    "mirror": ("write the word followed by the word reversed", "the word and then its mirror image", "cattac"),
}


def _repeat_words(how: str) -> dict:
    do, result, example = _REPEAT_TEXT[how]
    return {"do": do, "result": result, "example": example}


REPEAT_WORD = Family(
    name="repeat_word",
    inputs="word",
    answer=_repeat,
    oracle=_repeat_oracle,
    variants={"word_twice": {"how": "twice"}, "word_three_times": {"how": "thrice"},
              "letters_doubled": {"how": "letters"}, "word_then_reversed": {"how": "mirror"}},
    params_text=_repeat_words,
    resources=("wordnet",),
    descriptions=(
        "Please {do}.",
        "Give {result}.",
        "cat -> {example}. Now this word.",
        "The model outputs {result}, as a single string.",
        "I need {result} - all lowercase, no spaces.",
        "Transform the word into {result}.",
        "Your job: {do}.",
        "What is {result}?",
        "Produce {result} (for example, cat becomes {example}).",
        "Could you {do}?",
        "Make a new string: {result}.",
        "Following the pattern cat => {example}, rewrite the word.",
        "Just {do}; nothing else.",
        "Write out {result} for the word I give you.",
        "Given a word, answer with {result}.",
        "Turn the input into {result} and return it.",
    ),
)


# --- the consonant/vowel shape of the word ------------------------------------------------------------------

def _shape(text: str) -> str | None:
    return None if "y" in text else "".join("v" if c in _VOWELS else "c" for c in text)


def _shape_oracle(text: str) -> str | None:
    if re.search("y", text):
        return None
    return re.sub(r"[b-df-hj-np-tv-z]", "c", re.sub(r"[aeiou]", "V", text)).lower()


VOWEL_PATTERN = Family(
    name="vowel_pattern",
    inputs="word",
    answer=_shape,
    oracle=_shape_oracle,
    variants={"consonant_vowel_pattern": {}},
    resources=("wordnet",),
    descriptions=(
        "Write c for every consonant and v for every vowel of the word.",
        "Consonant-vowel pattern of the word, e.g. cat -> cvc.",
        "Replace each vowel (a, e, i, o, u) with v and each other letter with c.",
        "What is the word's CV shape?",
        "I need the pattern of consonants and vowels, one character per letter.",
        "The model maps a word to a string of c's and v's: v where the word has a vowel, c where it has a consonant.",
        "Code the word's letters as c (consonant) or v (vowel), in order.",
        "Turn the word into its c/v skeleton.",
        "Mark each letter as consonant or vowel using the letters c and v; no spaces.",
        "Hey, give me the cv pattern for this one.",
        "Show the word's vowel and consonant layout: tree -> ccvv, apple -> vcccv.",
        "Rewrite the word so that consonants become c and vowels become v.",
        "Could you tell me the sequence of consonants and vowels in this word?",
        "Classify every letter, consonant or vowel, and write c or v for each.",
        "Syllable-structure style: c for consonants, v for vowels.",
        "Output one lowercase string of c and v as long as the word.",
    ),
)

FAMILIES = [LETTER_ORDER, LETTER_FILTER, SPELL_WITH, REPEAT_WORD, VOWEL_PATTERN]
