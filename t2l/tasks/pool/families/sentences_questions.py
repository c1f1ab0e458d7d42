"""Sentences, questions about them: the word at a position, the longest/shortest/alphabetically first
or last word, counts of words and letters (multiple choice), and yes/no tests, in WordNet's usage sentences.

Input kind: `sentence` ("The young horse was prancing in the meadow"). A word is a whitespace-separated
token; the word-level tasks skip the few sentences with a comma (_sentences_common.py). Every answer
differs from the input by more than case or a final punctuation mark (scoring ignores both). Oracles
reach the words by a regular expression instead of `str.split`, and count and compare by their own loops.
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._sentences_common import _words, _words_oracle

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


# --- the word at a position -------------------------------------------------------------------------------

def _word_at(text: str, k: int) -> str | None:
    words = _words(text)
    if words is None or len(words) < abs(k):
        return None
    return words[k - 1] if k > 0 else words[k]


def _word_at_oracle(text: str, k: int) -> str | None:
    if "," in text:
        return None
    pattern = rf"^(?:\S+ ){{{k - 1}}}(\S+)" if k > 0 else rf"(\S+)(?: \S+){{{-k - 1}}}$"
    match = re.search(pattern, text)
    return match.group(1) if match else None


def _word_position(k: int) -> dict:
    ordinal = _ORDINALS[abs(k)]
    name = ordinal if k > 0 else ("last" if k == -1 else f"{ordinal}-to-last")
    where = "from the start" if k > 0 else "from the end"
    return {"pos": name, "n": abs(k), "where": where, "n_words": "1 word" if abs(k) == 1 else f"{abs(k)} words"}


SENTENCE_WORD_AT = Family(
    name="sentence_word_at",
    inputs="sentence",
    answer=_word_at,
    oracle=_word_at_oracle,
    variants={"sentence_first_word": {"k": 1}, "sentence_second_word": {"k": 2}, "sentence_third_word": {"k": 3},
              "sentence_fourth_word": {"k": 4}, "sentence_last_word": {"k": -1}},
    heldout={"sentence_second_to_last_word": {"k": -2}},
    params_text=_word_position,
    resources=("wordnet",),
    descriptions=(
        "Give the {pos} word of the sentence.",
        "What is the {pos} word?",
        "Copy out only the {pos} word of this sentence, exactly as it is spelled there.",
        "Word number {n}, counted {where}.",
        "I need the {pos} word of the sentence below - nothing else.",
        "{pos} word, please.",
        "Read the sentence and reply with its {pos} word.",
        "Which word stands in position {n} {where} in this sentence?",
        "The model extracts the {pos} word from an English sentence and outputs it alone.",
        "Count {n_words} {where} and return the word you land on.",
        "Hey, could you pull out the {pos} word for me?",
        "Answer with a single word: the sentence's {pos} one.",
        "Split the sentence at the spaces; respond with piece number {n} {where}.",
        "Just the {pos} word.",
        "From a short everyday sentence, pick the {pos} word and write it down on its own, without quotes.",
        "Tell me which word comes {pos} in this sentence.",
        "Return the {pos} whitespace-separated token of the input.",
    ),
)


# --- counting ---------------------------------------------------------------------------------------------

def _count(text: str, what: str) -> str | None:
    if what == "words":
        words = _words(text)
        return None if words is None else str(len(words))
    return str(text.lower().count(what))


def _count_oracle(text: str, what: str) -> str | None:
    if what == "words":
        if "," in text:
            return None
        return str(sum(1 for ch in text if ch == " ") + 1)
    return str(len(re.findall(what, text, flags=re.IGNORECASE)))


def _count_words(what: str) -> dict:
    if what == "words":
        return {"things": "words", "thing": "word", "unit": "words", "detail": "words (separated by spaces)"}
    return {"things": f"occurrences of the letter '{what}'", "thing": f"letter '{what}'",
            "unit": f"'{what}'s", "detail": f"occurrences of the letter '{what}' (upper or lower case)"}


SENTENCE_COUNT = Family(
    name="sentence_count",
    inputs="sentence",
    answer=_count,
    oracle=_count_oracle,
    variants={"sentence_word_count": {"what": "words"}, "sentence_count_e": {"what": "e"},
              "sentence_count_a": {"what": "a"}, "sentence_count_t": {"what": "t"},
              "sentence_count_s": {"what": "s"}},
    params_text=_count_words,
    distractors=3,
    resources=("wordnet",),
    descriptions=(
        "Count the {things} in the sentence.",
        "How many {unit} does this sentence have?",
        "Reply with a number: the count of {detail}.",
        "I want to know how many {things} there are here.",
        "Tally up the {detail} in the sentence and choose the right total.",
        "Number of {unit}?",
        "The model counts the {detail} in a short English sentence.",
        "Go through the sentence and count every {thing}. Which option is the count?",
        "What's the total number of {things} in this one?",
        "Pick the number that equals how many {things} the sentence contains.",
        "Count {unit}.",
        "Please work out how many {unit} appear in the text below and give the figure.",
        "Given a sentence, output an integer: the number of {detail}.",
        "Could you count the {things} for me?",
        "Choose the correct count of {detail} from the options.",
        "Sentence in, count of {unit} out.",
    ),
)


# --- picking a word by a property -------------------------------------------------------------------------

def _pick(words: list[str], which: str) -> str | None:
    lower = [w.lower() for w in words]
    if which == "alpha_first":
        return min(lower)
    if which == "alpha_last":
        return max(lower)
    best = max(len(w) for w in lower) if which == "longest" else min(len(w) for w in lower)
    found = {w for w in lower if len(w) == best}
    return found.pop() if len(found) == 1 else None   # a tie between two different words: no answer


def _pick_oracle(words: list[str], which: str) -> str | None:
    lower = [w.lower() for w in words]
    if which in ("alpha_first", "alpha_last"):
        keyed = sorted(lower, key=lambda w: [ord(c) for c in w])
        return keyed[0] if which == "alpha_first" else keyed[-1]
    by_length: dict[int, set[str]] = {}
    for w in lower:
        by_length.setdefault(len(w), set()).add(w)
    group = by_length[max(by_length) if which == "longest" else min(by_length)]
    return next(iter(group)) if len(group) == 1 else None


_PICK_TEXT = {
    "longest": ("longest", "has the most letters", "the longest word"),
    "shortest": ("shortest", "has the fewest letters", "the shortest word"),
    "alpha_first": ("alphabetically first", "would come first in a dictionary",
                    "the word that comes first in alphabetical order"),
    "alpha_last": ("alphabetically last", "would come last in a dictionary",
                   "the word that comes last in alphabetical order"),
}


def _pick_words(which: str) -> dict:
    adj, rel, np = _PICK_TEXT[which]
    return {"adj": adj, "rel": rel, "np": np}


SENTENCE_PICK_WORD = Family(
    name="sentence_pick_word",
    inputs="sentence",
    answer=lambda text, which: None if _words(text) is None else _pick(_words(text), which),
    oracle=lambda text, which: None if _words_oracle(text) is None else _pick_oracle(_words_oracle(text), which),
    variants={"sentence_longest_word": {"which": "longest"}, "sentence_shortest_word": {"which": "shortest"},
              "sentence_alphabetically_first_word": {"which": "alpha_first"},
              "sentence_alphabetically_last_word": {"which": "alpha_last"}},
    params_text=_pick_words,
    resources=("wordnet",),
    descriptions=(
        "Find the {adj} word in the sentence.",
        "Which word of this sentence {rel}?",
        "Reply with {np}, in lowercase.",
        "Look at every word of the sentence and give back the one that {rel}.",
        "{np}?",
        "I need {np} from this sentence.",
        "The model returns {np} in a given English sentence, lowercased.",
        "Out of all the words here, which is the {adj} one?",
        "Scan the sentence and output {np}. One word only.",
        "Tell me the {adj} word.",
        "Pick the word that {rel}.",
        "Compare the words of the sentence; answer with {np}.",
        "Hey, which word is the {adj} here?",
        "Return the sentence's {adj} word, without any quotes.",
        "Your answer should be a single lowercase word: {np}.",
        "Among these words, name the {adj}.",
    ),
)


# --- yes/no questions -------------------------------------------------------------------------------------

def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _ask(text: str, test: str) -> str | None:
    if test == "has_z":
        return _yes("z" in text.lower())
    words = _words(text)
    if words is None:
        return None
    if test == "has_the":
        return _yes("the" in [w.lower() for w in words])
    if test == "even_count":
        return _yes(len(words) % 2 == 0)
    if test == "over_six":
        return _yes(len(words) > 6)
    if test == "has_ing":
        return _yes(any(w.lower().endswith("ing") for w in words))
    raise ValueError(test)


def _ask_oracle(text: str, test: str) -> str | None:
    if test == "has_z":
        return _yes(re.search(r"[zZ]", text) is not None)
    if "," in text:
        return None
    spaces = text.count(" ")
    if test == "has_the":
        return _yes(re.search(r"(?:^| )the(?= |$)", text, flags=re.IGNORECASE) is not None)
    if test == "even_count":
        return _yes(spaces % 2 == 1)
    if test == "over_six":
        return _yes(spaces >= 6)
    if test == "has_ing":
        return _yes(re.search(r"ing(?= |$)", text, flags=re.IGNORECASE) is not None)
    raise ValueError(test)


_ASK_TEXT = {
    "has_the": ("Does the sentence contain the word 'the'?", "the sentence contains the word 'the'",
                "the word 'the' (any case) appears in it"),
    "even_count": ("Does the sentence have an even number of words?", "the sentence has an even number of words",
                   "its word count is even"),
    "over_six": ("Does the sentence have more than six words?", "the sentence is longer than six words",
                 "it has seven words or more"),
    "has_z": ("Does the sentence contain the letter 'z'?", "the letter 'z' occurs anywhere in the sentence",
              "there is a 'z' in it, upper or lower case"),
    "has_ing": ("Does any word of the sentence end in '-ing'?", "some word of the sentence ends with 'ing'",
                "at least one word ends in -ing"),
}


def _ask_words(test: str) -> dict:
    q, cond, short = _ASK_TEXT[test]
    return {"q": q, "cond": cond, "short": short}


SENTENCE_YES_NO = Family(
    name="sentence_yes_no",
    inputs="sentence",
    answer=_ask,
    oracle=_ask_oracle,
    variants={"sentence_has_the": {"test": "has_the"}, "sentence_even_word_count": {"test": "even_count"},
              "sentence_more_than_six_words": {"test": "over_six"}, "sentence_has_letter_z": {"test": "has_z"},
              "sentence_has_ing_word": {"test": "has_ing"}},
    params_text=_ask_words,
    labels=("yes", "no"),
    resources=("wordnet",),
    descriptions=(
        "{q}",
        "Binary check on the text ({short}): answer yes or no.",
        "Say yes if {cond}, and no otherwise.",
        "Check whether {cond}.",
        "The model answers yes when {cond} and no when it does not.",
        "Yes or no: {short}?",
        "I want to know if {cond}. Just yes or no.",
        "Read it carefully; if {cond}, write yes, and if not, write no.",
        "Decide: {cond} - true (yes) or false (no)?",
        "Reply 'yes' when {short}; reply 'no' otherwise.",
        "Sort sentences into two bins, yes and no, by whether {cond}.",
        "Judge the sentence: {cond}. Correct (yes) or not (no)?",
        "A sentence is given. Output yes if {short}, else no.",
        "Classify the sentence: yes means {cond}, no means it doesn't hold.",
        "Tell me whether {cond}, answering with a single word.",
        "Test the sentence for this: {short}. Yes/no.",
    ),
)

FAMILIES = [SENTENCE_WORD_AT, SENTENCE_COUNT, SENTENCE_PICK_WORD, SENTENCE_YES_NO]
