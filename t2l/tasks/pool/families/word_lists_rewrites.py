"""Word lists, rewritten: items reordered (sorted, reversed, rotated, dropped), joined with separators,
and reduced to their initials, final letters or lengths, in short lists of common nouns.

Input kind: `word_list` ("abandon recall shield laugh adventure": 3-6 distinct lowercase nouns separated
by spaces). Oracles read the items with a regular expression instead of `str.split` and sort with their
own loops.
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._word_lists_common import _insertion_sorted, _items, _items_oracle

# --- rearranging the list ---------------------------------------------------------------------------------

def _rearrange(text: str, how: str) -> str | None:
    items = _items(text)
    if how == "sort":
        out = sorted(items)
    elif how == "sort_desc":
        out = sorted(items, reverse=True)
    elif how == "reverse":
        out = items[::-1]
    elif how == "rotate_left":
        out = items[1:] + items[:1]
    elif how == "rotate_right":
        out = items[-1:] + items[:-1]
    elif how == "drop_first":
        out = items[1:]
    elif how == "drop_last":
        out = items[:-1]
    else:
        raise ValueError(how)
    result = " ".join(out)
    return None if result == text else result   # already in that order: the input says it


def _rearrange_oracle(text: str, how: str) -> str | None:
    items = _items_oracle(text)
    n = len(items)
    if how in ("sort", "sort_desc"):
        out = _insertion_sorted(items, descending=how == "sort_desc")
    elif how == "reverse":
        out = [items[n - 1 - i] for i in range(n)]
    elif how == "rotate_left":
        out = [items[(i + 1) % n] for i in range(n)]
    elif how == "rotate_right":
        out = [items[(i - 1) % n] for i in range(n)]
    elif how == "drop_first":
        return re.sub(r"^[a-z]+ ", "", text)
    elif how == "drop_last":
        return re.sub(r" [a-z]+$", "", text)
    else:
        raise ValueError(how)
    return " ".join(out)


_REARRANGE_TEXT = {
    "sort": ("in alphabetical order", "sort the items alphabetically", "A to Z"),
    "sort_desc": ("in reverse alphabetical order", "sort the items from Z to A", "Z to A"),
    "reverse": ("in reverse order", "reverse the order of the items", "back to front"),
    "rotate_left": ("with its first item moved to the end", "move the first item to the end",
                    "rotated one place to the left"),
    "rotate_right": ("with its last item moved to the front", "move the last item to the front",
                     "rotated one place to the right"),
    "drop_first": ("without its first item", "remove the first item", "minus the first entry"),
    "drop_last": ("without its last item", "remove the last item", "minus the final entry"),
}


def _rearrange_words(how: str) -> dict:
    result, verb, short = _REARRANGE_TEXT[how]
    return {"result": result, "verb": verb, "Verb": verb[0].upper() + verb[1:], "short": short}


LIST_REARRANGE = Family(
    name="list_rearrange",
    inputs="word_list",
    answer=_rearrange,
    oracle=_rearrange_oracle,
    variants={"list_sorted": {"how": "sort"}, "list_reversed": {"how": "reverse"},
              "list_rotate_left": {"how": "rotate_left"}, "list_rotate_right": {"how": "rotate_right"},
              "list_drop_first": {"how": "drop_first"}, "list_drop_last": {"how": "drop_last"}},
    heldout={"list_sorted_descending": {"how": "sort_desc"}},
    params_text=_rearrange_words,
    resources=("wordnet",),
    descriptions=(
        "Rewrite the list {result}.",
        "{Verb}.",
        "{Verb} and output the new list, separated by spaces.",
        "I'd like this word list {result}, please.",
        "The model returns the given list of nouns {result}.",
        "List, {short}.",
        "Can you {verb}?",
        "Here are some words. {Verb} and give them back on one line.",
        "Give me the same words {result}.",
        "Your task: {verb} of a short space-separated list.",
        "Please {verb}; keep every word's spelling.",
        "Output the items {result}, with single spaces between them.",
        "Reorganise: {short}.",
        "Transform the list so it appears {result}.",
        "Words in, words out - {verb}.",
        "What does the list look like {result}?",
    ),
)


# --- joining the items ------------------------------------------------------------------------------------

_SEPARATORS = {"comma": ", ", "and": " and ", "hyphen": "-", "semicolon": "; ", "plus": " + ", "pipe": " | "}


def _join(text: str, sep: str) -> str | None:
    items = _items(text)
    if sep == "english":
        return ", ".join(items[:-1]) + " and " + items[-1]
    return _SEPARATORS[sep].join(items)


def _join_oracle(text: str, sep: str) -> str | None:
    if sep == "english":
        head, last = re.match(r"^(.*) ([a-z]+)$", text).groups()
        return re.sub(" ", ", ", head) + " and " + last
    out = ""
    for item in _items_oracle(text):
        out += (_SEPARATORS[sep] if out else "") + item
    return out


_JOIN_TEXT = {
    "comma": ("commas", "a comma and a space", "apple, pear, plum"),
    "and": ("the word 'and'", "' and '", "apple and pear and plum"),
    "hyphen": ("hyphens", "a single hyphen, no spaces", "apple-pear-plum"),
    "semicolon": ("semicolons", "a semicolon and a space", "apple; pear; plum"),
    "plus": ("plus signs", "' + ' (a plus sign with a space each side)", "apple + pear + plum"),
    "english": ("commas and a final 'and'", "a comma and space (but ' and ' before the last one)",
                "apple, pear and plum"),
    "pipe": ("vertical bars", "' | '", "apple | pear | plum"),
}


def _join_words(sep: str) -> dict:
    glue, exact, example = _JOIN_TEXT[sep]
    return {"glue": glue, "exact": exact, "example": example}


LIST_JOIN = Family(
    name="list_join",
    inputs="word_list",
    answer=_join,
    oracle=_join_oracle,
    variants={"list_comma_separated": {"sep": "comma"}, "list_joined_and": {"sep": "and"},
              "list_hyphenated": {"sep": "hyphen"}, "list_semicolon_separated": {"sep": "semicolon"},
              "list_joined_plus": {"sep": "plus"}, "list_as_english": {"sep": "english"}},
    heldout={"list_joined_pipe": {"sep": "pipe"}},
    params_text=_join_words,
    resources=("wordnet",),
    descriptions=(
        "Join the items with {glue}.",
        "Separate the words with {glue} instead of spaces.",
        "Rewrite the list, putting {exact} between items.",
        "Example: 'apple pear plum' -> '{example}', using {glue}. Do the same for this list.",
        "I need the list formatted with {glue}.",
        "The model rejoins a space-separated word list using {glue}.",
        "Put {exact} between neighbouring words.",
        "Could you reformat these words in the '{example}' style, with {glue}?",
        "Same words, same order, {glue} in between.",
        "Output the items joined by {glue}; no brackets, no quotes.",
        "Format: {example} ({glue}).",
        "Replace the spaces between words with {exact}.",
        "Turn this list into one line separated by {glue}.",
        "Please list the items with {glue}.",
        "Words in, one string joined by {glue} out.",
        "Make a version of the list separated by {glue}.",
    ),
)


# --- letters and lengths of the items ---------------------------------------------------------------------

def _letters(text: str, what: str) -> str | None:
    items = _items(text)
    if what == "initials":
        return "".join(w[0] for w in items)
    if what == "finals":
        return "".join(w[-1] for w in items)
    return " ".join(str(len(w)) for w in items)


def _letters_oracle(text: str, what: str) -> str | None:
    if what == "initials":
        return "".join(re.findall(r"\b([a-z])", text))
    if what == "finals":
        return "".join(re.findall(r"([a-z])\b", text))
    return re.sub(r"[a-z]+", lambda m: str(len(re.findall(r"[a-z]", m.group(0)))), text)


_LETTERS_TEXT = {
    "initials": ("the first letter of each item", "initials", "apc"),
    "finals": ("the last letter of each item", "final letters", "erm"),
    "lengths": ("the number of letters in each item", "word lengths", "5 4 5"),
}


def _letters_words(what: str) -> dict:
    each, short, example = _LETTERS_TEXT[what]
    return {"each": each, "short": short, "example": example}


LIST_LETTERS = Family(
    name="list_letters",
    inputs="word_list",
    answer=_letters,
    oracle=_letters_oracle,
    variants={"list_initials": {"what": "initials"}, "list_final_letters": {"what": "finals"},
              "list_item_lengths": {"what": "lengths"}},
    params_text=_letters_words,
    resources=("wordnet",),
    descriptions=(
        "Write {each}, in order.",
        "Give the {short} of the list.",
        "What are the {short} of these words?",
        "For 'apple pear chasm' you would answer '{example}'. Do this list.",
        "The model outputs {each} of a word list, keeping the order.",
        "I need {each}, left to right.",
        "{short}?",
        "Collect {each} and reply with them together.",
        "List the {short}, nothing else.",
        "Go item by item and note {each}.",
        "Could you give me the {short} for these nouns?",
        "Words in, {short} out.",
        "Produce {each}, from the first word to the last.",
        "Take {each} and string them together.",
        "Show the {short}.",
        "Reply with {each} of the given list.",
    ),
)

FAMILIES = [LIST_REARRANGE, LIST_JOIN, LIST_LETTERS]
