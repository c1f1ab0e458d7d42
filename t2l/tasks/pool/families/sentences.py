"""Sentences: words picked, counted, rearranged, joined and tested in WordNet's usage sentences.

Input kind: `sentence` ("The young horse was prancing in the meadow"). A word is a whitespace-separated
token; the word-level tasks skip the few sentences with a comma (is "street," a word?). Every answer
differs from the input by more than case or a final punctuation mark (scoring ignores both), so no task
here is "copy the input". Oracles reach the words by a regular expression instead of `str.split`, and
count, compare and reorder by their own loops.
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}
_TOKEN = re.compile(r"[A-Za-z']+")


def _words(text: str) -> list[str] | None:
    return None if "," in text else text.split()


def _words_oracle(text: str) -> list[str] | None:
    return None if re.search(r",", text) else _TOKEN.findall(text)


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


# --- rearranging the words --------------------------------------------------------------------------------

def _rearrange(text: str, how: str) -> str | None:
    words = _words(text)
    if words is None:
        return None
    if how == "reverse":
        out = words[::-1]
    elif how == "sort":
        out = sorted(w.lower() for w in words)
    elif how == "first_to_end":
        out = words[1:] + words[:1]
    elif how == "last_to_front":
        out = words[-1:] + words[:-1]
    elif how == "drop_first":
        out = words[1:]
    elif how == "drop_last":
        out = words[:-1]
    elif how == "swap_ends":
        out = words[-1:] + words[1:-1] + words[:1]
    else:
        raise ValueError(how)
    result = " ".join(out)
    return None if result.lower() == text.lower() else result   # already in that order: the input says it


def _rearrange_oracle(text: str, how: str) -> str | None:
    words = _words_oracle(text)
    if words is None:
        return None
    n = len(words)
    if how == "reverse":
        out = [words[n - 1 - i] for i in range(n)]
    elif how == "sort":
        out = []
        for w in (w.lower() for w in words):            # insertion sort
            i = 0
            while i < len(out) and out[i] <= w:
                i += 1
            out.insert(i, w)
    elif how == "first_to_end":
        out = [words[(i + 1) % n] for i in range(n)]
    elif how == "last_to_front":
        out = [words[(i - 1) % n] for i in range(n)]
    elif how == "drop_first":
        return re.sub(r"^\S+ ", "", text)
    elif how == "drop_last":
        return re.sub(r" \S+$", "", text)
    elif how == "swap_ends":
        out = list(words)
        out[0], out[n - 1] = words[n - 1], words[0]
    else:
        raise ValueError(how)
    return " ".join(out)


_REARRANGE_TEXT = {
    "reverse": ("with its words in reverse order", "reverse the order of the words",
                "the words back to front (last word first), each word spelled normally"),
    "sort": ("with its words sorted alphabetically, all in lowercase", "sort the words alphabetically",
             "the words in A-to-Z order, lowercased"),
    "first_to_end": ("with its first word moved to the end", "move the first word to the end",
                     "the same words, except the first one now comes last"),
    "last_to_front": ("with its last word moved to the front", "move the last word to the front",
                      "the same words, except the last one now comes first"),
    "drop_first": ("without its first word", "delete the first word",
                   "everything after the first word"),
    "drop_last": ("without its last word", "delete the last word",
                  "everything before the last word"),
    "swap_ends": ("with its first and last words swapped", "swap the first and the last word",
                  "the first and last words exchanged, the middle unchanged"),
}


def _rearrange_words(how: str) -> dict:
    result, verb, detail = _REARRANGE_TEXT[how]
    return {"result": result, "verb": verb, "Verb": verb[0].upper() + verb[1:], "detail": detail}


SENTENCE_REARRANGE = Family(
    name="sentence_rearrange",
    inputs="sentence",
    answer=_rearrange,
    oracle=_rearrange_oracle,
    variants={"sentence_reverse_words": {"how": "reverse"}, "sentence_sort_words": {"how": "sort"},
              "sentence_first_word_to_end": {"how": "first_to_end"},
              "sentence_last_word_to_front": {"how": "last_to_front"},
              "sentence_drop_first_word": {"how": "drop_first"}, "sentence_drop_last_word": {"how": "drop_last"}},
    heldout={"sentence_swap_first_last_words": {"how": "swap_ends"}},
    params_text=_rearrange_words,
    resources=("wordnet",),
    descriptions=(
        "Rewrite the sentence {result}.",
        "{Verb}.",
        "{Verb} in this sentence and give the result.",
        "I'd like the sentence back {result}, please.",
        "The model outputs the input sentence {result}.",
        "Take the words of the sentence and {verb}; keep the spaces between them.",
        "Output: {detail}.",
        "Can you {verb} in the sentence below?",
        "Rearrange: {verb}. Write the new word sequence on one line, no extra punctuation.",
        "Give me the sentence {result}.",
        "Words in, words out: {detail}.",
        "Here is a sentence. {Verb}, and reply with nothing but the new sentence.",
        "Your job is to {verb} of a plain English sentence.",
        "Transform the text so that it reads {result}.",
        "Please {verb} - that's the whole task.",
        "Same sentence, but {result}.",
    ),
)


# --- joining the words ------------------------------------------------------------------------------------

_JOINERS = {"hyphen": "-", "underscore": "_", "none": ""}


def _join(text: str, sep: str) -> str | None:
    words = _words(text)
    if words is None:
        return None
    out = _JOINERS[sep].join(words)
    return out.lower() if sep == "underscore" else out


def _join_oracle(text: str, sep: str) -> str | None:
    if "," in text:
        return None
    out = re.sub(r" ", _JOINERS[sep], text)
    return out.lower() if sep == "underscore" else out


_JOIN_TEXT = {
    "hyphen": ("hyphens", "a hyphen", "kebab-style, with hyphens between the words",
               "he-slammed-the-door-shut"),
    "underscore": ("underscores", "an underscore", "in lowercase snake_case, underscores between the words",
                   "he_slammed_the_door_shut"),
    "none": ("nothing", "no space at all", "as one long run of letters with every space removed",
             "Heslammedthedoorshut"),
}


def _join_words(sep: str) -> dict:
    glue, one, style, example = _JOIN_TEXT[sep]
    return {"glue": glue, "one": one, "style": style, "example": example}


SENTENCE_JOIN = Family(
    name="sentence_join",
    inputs="sentence",
    answer=_join,
    oracle=_join_oracle,
    variants={"sentence_hyphenated": {"sep": "hyphen"}, "sentence_snake_case": {"sep": "underscore"},
              "sentence_remove_spaces": {"sep": "none"}},
    params_text=_join_words,
    resources=("wordnet",),
    descriptions=(
        "Join the words of the sentence with {glue} instead of spaces.",
        "Replace every space with {one}.",
        "Write the sentence {style}.",
        "Example: 'He slammed the door shut' becomes '{example}' ({glue}). Do the same here.",
        "Could you reformat the text? Spaces should become {glue}.",
        "The model rewrites a sentence {style}.",
        "Swap the spaces for {glue}.",
        "Glue the words together using {one} between each pair.",
        "Could you turn this sentence into one token, {style}?",
        "Same words, same order, but separated by {glue}.",
        "Spaces out, {glue} in.",
        "Return the words glued by {one}, same order, nothing else.",
        "Convert it so that {glue} sits between the words.",
        "Take a sentence and put {one} wherever there was a space.",
        "Format the text {style}, please.",
        "Rejoin the words with {glue}.",
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


# --- letters and lengths of the words ---------------------------------------------------------------------

def _letters(text: str, what: str) -> str | None:
    words = _words(text)
    if words is None:
        return None
    if what == "initials":
        return "".join(w[0] for w in words).lower()
    if what == "finals":
        return "".join(w[-1] for w in words).lower()
    return " ".join(str(len(w.replace("'", ""))) for w in words)


def _letters_oracle(text: str, what: str) -> str | None:
    if "," in text:
        return None
    if what == "initials":
        return "".join(re.findall(r"(?:^| )(\S)", text)).lower()
    if what == "finals":
        return "".join(re.findall(r"(\S)(?= |$)", text)).lower()
    return " ".join(str(len(re.findall(r"[A-Za-z]", w))) for w in re.findall(r"\S+", text))


_LETTERS_TEXT = {
    "initials": ("the first letter of each word", "an acronym made of the words' first letters",
                 "initial letters", "hstds"),
    "finals": ("the last letter of each word", "a string made of the words' final letters",
               "final letters", "edert"),
    "lengths": ("the number of letters in each word", "the length of every word, as numbers separated by spaces",
                "word lengths", "2 7 3 4 4"),
}


def _letters_words(what: str) -> dict:
    each, made, short, example = _LETTERS_TEXT[what]
    return {"each": each, "made": made, "short": short, "example": example}


SENTENCE_WORD_LETTERS = Family(
    name="sentence_word_letters",
    inputs="sentence",
    answer=_letters,
    oracle=_letters_oracle,
    variants={"sentence_acronym": {"what": "initials"}, "sentence_final_letters": {"what": "finals"},
              "sentence_word_lengths": {"what": "lengths"}},
    params_text=_letters_words,
    resources=("wordnet",),
    descriptions=(
        "Write down {each} of the sentence, in order.",
        "Give {made}.",
        "List {each}.",
        "What are the {short} of this sentence?",
        "The model reads a sentence and outputs {made}.",
        "Go word by word and note {each}; reply with the sequence and no extra words.",
        "I need the {short} of the words, left to right.",
        "For 'He slammed the door shut' the answer would be '{example}'. Now do this sentence.",
        "{short}, please.",
        "Take {each} and put them together in order.",
        "Could you work out {each} here?",
        "Sentence in, {short} out.",
        "Produce {made}, keeping the words' order.",
        "Your output: {each}, from the first word to the last.",
        "Walk through the words and collect {each}.",
        "Show me the {short}.",
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

FAMILIES = [SENTENCE_WORD_AT, SENTENCE_COUNT, SENTENCE_REARRANGE, SENTENCE_JOIN, SENTENCE_PICK_WORD,
            SENTENCE_WORD_LETTERS, SENTENCE_YES_NO]
