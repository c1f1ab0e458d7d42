"""Word lists, questions about them: the item at a position, the longest/shortest/alphabetically first or
last item, counts (multiple choice) and yes/no tests, in short lists of common nouns.

Input kind: `word_list` ("abandon recall shield laugh adventure": 3-6 distinct lowercase nouns separated
by spaces). Oracles read the items with a regular expression instead of `str.split` and sort, count and
compare with their own loops.
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._word_lists_common import _insertion_sorted, _items, _items_oracle

# --- the item at a position -------------------------------------------------------------------------------

_ORDINALS = {1: "first", 2: "second", 3: "third"}


def _item_at(text: str, k: int) -> str | None:
    items = _items(text)
    return items[k - 1] if k > 0 else items[k]


def _item_at_oracle(text: str, k: int) -> str | None:
    pattern = rf"^(?:[a-z]+ ){{{k - 1}}}([a-z]+)" if k > 0 else r"([a-z]+)$"
    match = re.search(pattern, text)
    return match.group(1) if match else None


def _item_position(k: int) -> dict:
    pos = _ORDINALS[k] if k > 0 else "last"
    place = f"number {k}" if k > 0 else "at the very end"
    return {"pos": pos, "place": place}


LIST_ITEM_AT = Family(
    name="list_item_at",
    inputs="word_list",
    answer=_item_at,
    oracle=_item_at_oracle,
    variants={"list_first_item": {"k": 1}, "list_second_item": {"k": 2}, "list_third_item": {"k": 3},
              "list_last_item": {"k": -1}},
    params_text=_item_position,
    resources=("wordnet",),
    descriptions=(
        "Give the {pos} item of the list.",
        "What is the {pos} word in this list?",
        "Return only the {pos} entry.",
        "I need the item {place} in the list.",
        "{pos} item?",
        "The model reads a space-separated list of nouns and outputs its {pos} element.",
        "Pick out the {pos} word from the list below and write it by itself.",
        "Which noun comes {pos} here?",
        "From these words, give me the {pos} one. Just the word.",
        "Hey, what's the {pos} thing on this list?",
        "Output the list's {pos} element, lowercase, no quotes.",
        "Read the words left to right and stop at the {pos}; answer with it.",
        "Select the {pos} word.",
        "Please name the entry that is {pos} in line.",
        "List in, {pos} item out.",
        "Take a short list of nouns and report the entry {place}.",
    ),
)


# --- counting ---------------------------------------------------------------------------------------------

def _count(text: str, what: str) -> str | None:
    items = _items(text)
    if what == "items":
        return str(len(items))
    if what == "letters":
        return str(sum(len(w) for w in items))
    if what == "vowel_initial":
        return str(sum(w[0] in "aeiou" for w in items))
    if what == "long":
        return str(sum(len(w) > 5 for w in items))
    raise ValueError(what)


def _count_oracle(text: str, what: str) -> str | None:
    if what == "items":
        return str(text.count(" ") + 1)
    if what == "letters":
        return str(len(re.findall(r"[a-z]", text)))
    if what == "vowel_initial":
        return str(len(re.findall(r"\b[aeiou]", text)))
    if what == "long":
        return str(len(re.findall(r"\b[a-z]{6,}\b", text)))
    raise ValueError(what)


_COUNT_TEXT = {
    "items": ("items", "how many words the list has", "number of items"),
    "letters": ("letters in all", "how many letters all the words have together", "total letter count"),
    "vowel_initial": ("items beginning with a vowel", "how many words start with a, e, i, o or u",
                      "number of vowel-initial words"),
    "long": ("items longer than five letters", "how many words have six or more letters",
             "number of words with more than five letters"),
}


def _count_words(what: str) -> dict:
    things, how_many, np = _COUNT_TEXT[what]
    return {"things": things, "how_many": how_many, "np": np}


LIST_COUNT = Family(
    name="list_count",
    inputs="word_list",
    answer=_count,
    oracle=_count_oracle,
    variants={"list_length": {"what": "items"}, "list_total_letters": {"what": "letters"},
              "list_count_vowel_initial": {"what": "vowel_initial"}, "list_count_long_items": {"what": "long"}},
    params_text=_count_words,
    distractors=3,
    resources=("wordnet",),
    descriptions=(
        "Count the {things}.",
        "How many {things} are there?",
        "Tell me {how_many}.",
        "Choose the {np}.",
        "The model picks the {np} for a space-separated word list.",
        "Answer with a number: {how_many}.",
        "Counting question about the list: {np}.",
        "Let's see - the list's {np} is which of these?",
        "Go through the list and count the {things}; select that figure.",
        "{np}?",
        "Which option equals the {np} in the list?",
        "Please count: {things}. Pick the matching number.",
        "Given some nouns, report the {np}.",
        "Could you count {things} in this list for me?",
        "List in, {np} out.",
        "Tally: {things}.",
    ),
)


# --- picking an item by a property ------------------------------------------------------------------------

def _pick(text: str, which: str) -> str | None:
    items = _items(text)
    if which == "alpha_first":
        return min(items)
    if which == "alpha_last":
        return max(items)
    best = max(map(len, items)) if which == "longest" else min(map(len, items))
    found = [w for w in items if len(w) == best]
    return found[0] if len(found) == 1 else None


def _pick_oracle(text: str, which: str) -> str | None:
    items = _items_oracle(text)
    if which in ("alpha_first", "alpha_last"):
        ordered = _insertion_sorted(items)
        return ordered[0] if which == "alpha_first" else ordered[-1]
    by_length: dict[int, list[str]] = {}
    for w in items:
        by_length.setdefault(len(re.findall(r".", w)), []).append(w)
    group = by_length[max(by_length) if which == "longest" else min(by_length)]
    return group[0] if len(group) == 1 else None


_PICK_TEXT = {
    "longest": ("longest", "has the most letters", "the longest word"),
    "shortest": ("shortest", "has the fewest letters", "the shortest word"),
    "alpha_first": ("alphabetically first", "comes first in alphabetical order",
                    "the word that would be first in a dictionary"),
    "alpha_last": ("alphabetically last", "comes last in alphabetical order",
                   "the word that would be last in a dictionary"),
}


def _pick_words(which: str) -> dict:
    adj, rel, np = _PICK_TEXT[which]
    return {"adj": adj, "rel": rel, "np": np}


LIST_PICK = Family(
    name="list_pick",
    inputs="word_list",
    answer=_pick,
    oracle=_pick_oracle,
    variants={"list_longest_item": {"which": "longest"}, "list_shortest_item": {"which": "shortest"},
              "list_alphabetically_first": {"which": "alpha_first"},
              "list_alphabetically_last": {"which": "alpha_last"}},
    params_text=_pick_words,
    resources=("wordnet",),
    descriptions=(
        "Which item is the {adj}?",
        "Give the {adj} word in the list.",
        "Return the word that {rel}.",
        "My list is below; pull out {np} for me.",
        "The model outputs {np} among a few space-separated nouns.",
        "Find the {adj} entry and write it down alone.",
        "{np}, please.",
        "Compare the items; answer with the one that {rel}.",
        "Out of these nouns, which {rel}?",
        "Name the {adj} item.",
        "Hey, which of these words is the {adj}?",
        "Look over the list and pick {np}. One word, lowercase.",
        "Select the list's {adj} word.",
        "Word list in, {np} out.",
        "Tell me which entry {rel}.",
        "Point out the {adj} of the words given.",
    ),
)


# --- yes/no questions -------------------------------------------------------------------------------------

def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _ask(text: str, test: str) -> str | None:
    items = _items(text)
    if test in ("starts_s", "starts_c"):
        return _yes(any(w.startswith(test[-1]) for w in items))
    if test == "long_item":
        return _yes(any(len(w) >= 9 for w in items))
    if test == "over_four":
        return _yes(len(items) > 4)
    if test == "alphabetical":
        return _yes(items == sorted(items))
    raise ValueError(test)


def _ask_oracle(text: str, test: str) -> str | None:
    if test in ("starts_s", "starts_c"):
        return _yes(re.search(rf"\b{test[-1]}", text) is not None)
    if test == "long_item":
        return _yes(re.search(r"[a-z]{9}", text) is not None)
    if test == "over_four":
        return _yes(text.count(" ") >= 4)
    if test == "alphabetical":
        items = _items_oracle(text)
        return _yes(all(items[i] <= items[i + 1] for i in range(len(items) - 1)))
    raise ValueError(test)


_ASK_TEXT = {
    "starts_s": ("Does the list contain a word starting with 's'?", "some item begins with the letter s",
                 "an s-word is in the list"),
    "starts_c": ("Does the list contain a word starting with 'c'?", "some item begins with the letter c",
                 "a c-word is in the list"),
    "long_item": ("Is any item nine or more letters long?", "at least one word has nine letters or more",
                  "a word of 9+ letters is present"),
    "over_four": ("Does the list have more than four items?", "the list holds five or more words",
                  "there are over four words"),
    "alphabetical": ("Is the list already in alphabetical order?", "the words are already sorted from A to Z",
                     "the list is alphabetised"),
}


def _ask_words(test: str) -> dict:
    q, cond, short = _ASK_TEXT[test]
    return {"q": q, "cond": cond, "short": short}


LIST_YES_NO = Family(
    name="list_yes_no",
    inputs="word_list",
    answer=_ask,
    oracle=_ask_oracle,
    variants={"list_has_s_word": {"test": "starts_s"}, "list_has_c_word": {"test": "starts_c"},
              "list_has_long_item": {"test": "long_item"}, "list_more_than_four_items": {"test": "over_four"},
              "list_is_alphabetical": {"test": "alphabetical"}},
    params_text=_ask_words,
    labels=("yes", "no"),
    resources=("wordnet",),
    descriptions=(
        "{q}",
        "Look over the nouns: if {short}, answer yes; if not, no.",
        "Answer yes if {cond}; otherwise answer no.",
        "Check whether {cond}.",
        "The model says yes when {cond}, no when not.",
        "Condition to test on the nouns: {short}. Output yes or no.",
        "I'd like to know if {cond}. One word answer.",
        "A word list follows. Say yes or no depending on whether {cond}.",
        "True or false, as yes or no: {cond}.",
        "Reply 'yes' when {short}, 'no' otherwise.",
        "Quick yes/no about the list - {short}?",
        "Is it so that {cond}?",
        "Classify the list - yes means {cond}.",
        "Look at the words and decide whether {cond}.",
        "Tell me, yes or no, if {short}.",
        "Given a space-separated word list, output yes if {cond}, else no.",
    ),
)

FAMILIES = [LIST_ITEM_AT, LIST_COUNT, LIST_PICK, LIST_YES_NO]
