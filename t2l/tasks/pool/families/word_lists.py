"""Word lists: items picked, reordered, joined, counted and tested in short lists of common nouns.

Input kind: `word_list` ("abandon recall shield laugh adventure": 3-6 distinct lowercase nouns separated
by spaces). Oracles read the items with a regular expression instead of `str.split` and sort, count and
compare with their own loops.
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family

_ITEM = re.compile(r"[a-z]+")


def _items(text: str) -> list[str]:
    return text.split()


def _items_oracle(text: str) -> list[str]:
    return _ITEM.findall(text)


def _insertion_sorted(items: list[str], descending: bool = False) -> list[str]:
    out: list[str] = []
    for item in items:
        i = 0
        while i < len(out) and ((out[i] >= item) if descending else (out[i] <= item)):
            i += 1
        out.insert(i, item)
    return out


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

FAMILIES = [LIST_ITEM_AT, LIST_REARRANGE, LIST_JOIN, LIST_COUNT, LIST_PICK, LIST_LETTERS, LIST_YES_NO]
