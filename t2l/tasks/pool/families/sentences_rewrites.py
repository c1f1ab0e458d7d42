"""Sentences, rewritten: words rearranged (reversed, sorted, moved, dropped), rejoined with hyphens,
underscores or nothing, and reduced to their initials, final letters or lengths, in WordNet's usage
sentences.

Input kind: `sentence` ("The young horse was prancing in the meadow"). A word is a whitespace-separated
token; the tasks skip the few sentences with a comma (_sentences_common.py). Every answer differs from
the input by more than case or a final punctuation mark (scoring ignores both), so no task here is "copy
the input". Oracles reach the words by a regular expression instead of `str.split`, and reorder by their
own loops.
"""

from __future__ import annotations

import re

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._sentences_common import _words, _words_oracle

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

FAMILIES = [SENTENCE_REARRANGE, SENTENCE_JOIN, SENTENCE_WORD_LETTERS]
