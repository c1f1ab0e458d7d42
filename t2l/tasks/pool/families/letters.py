"""Letters of a word: letters at positions, counted from either end.

Input kind: `word`. The oracle reads positions with a regular expression instead of indexing.
"""

from __future__ import annotations

import re

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

FAMILIES = [LETTER_AT]
