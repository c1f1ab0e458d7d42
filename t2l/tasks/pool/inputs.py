"""The shared kinds of input: many pool tasks read the same inputs and differ only in the mapping.

A kind is a deterministic, sorted list of input texts. Families name one (`Family.inputs`); every task
then draws its own seeded sample from it, keeping the inputs its mapping is defined on. So the word
`place` is an input of first-letter, plural, antonym and Spanish tasks alike, and only the task - which
a description names - says what to do with it.

    from t2l.tasks.pool.inputs import items
    items("word")[:3]          # common English words (WordNet 3.0, by tagged-sense count)
    items("number_pair")[:2]   # ['10 3', '10 47']

A family file may add a kind with `@kind("name")` over a function that returns the list.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable

from t2l.errors import T2LError

KINDS: dict[str, Callable[[], list[str]]] = {}
KIND_SEED = 2026   # part of the pool's identity: the sampled pairs, lists and dates depend on it


def kind(name: str):
    def register(fn: Callable[[], list[str]]):
        if name in KINDS:
            raise T2LError(f"input kind '{name}' is defined twice ({fn.__module__}); rename one")
        KINDS[name] = lru_cache(maxsize=1)(fn)
        return fn
    return register


def items(name: str) -> list[str]:
    if name not in KINDS:
        raise T2LError(f"unknown input kind '{name}'; choose one of {sorted(KINDS)} (t2l/tasks/pool/inputs.py)")
    return KINDS[name]()


_WORD = re.compile(r"(?=.*[aeiouy])[a-z]{3,10}")   # a vowel: no abbreviations such as "pbs"


def common_words(pos: str, n: int) -> list[str]:
    """The n commonest single lowercase words of a part of speech (WordNet's tagged-sense counts)."""
    from t2l.tasks.pool.resources import wordnet

    net = wordnet()
    words = {lemma for (lemma, p) in net.index if p == pos and _WORD.fullmatch(lemma)}
    ranked = sorted(words, key=lambda w: (-net.counts.get(w, 0), w))
    return sorted(ranked[:n])


@kind("noun")
def _nouns() -> list[str]:
    return common_words("n", 2500)


@kind("verb")
def _verbs() -> list[str]:
    return common_words("v", 1200)


@kind("adjective")
def _adjectives() -> list[str]:
    return common_words("a", 1200)


@kind("word")
def _words() -> list[str]:
    """Common nouns, verbs and adjectives together: the input most families share."""
    return sorted(set(items("noun")) | set(items("verb")) | set(items("adjective")))


@kind("number")
def _numbers() -> list[str]:
    return [str(i) for i in range(1, 1000)]


@kind("number_pair")
def _number_pairs() -> list[str]:
    rng = random.Random(f"{KIND_SEED}:number_pair")
    pairs = {(rng.randint(2, 99), rng.randint(2, 99)) for _ in range(4000)}
    return sorted(f"{a} {b}" for a, b in pairs if a != b)


@kind("sentence")
def _sentences() -> list[str]:
    """WordNet's usage examples that read as a whole sentence: 4-12 plain words, a capital first."""
    from t2l.tasks.pool.resources import wordnet

    found = set()
    for synset in wordnet().synsets.values():
        for text in synset.examples():
            words = text.split()
            if 4 <= len(words) <= 12 and re.fullmatch(r"[A-Z][A-Za-z' ,]*[a-z]", text) and "  " not in text:
                found.add(text)
    return sorted(found)


@kind("word_list")
def _word_lists() -> list[str]:
    rng = random.Random(f"{KIND_SEED}:word_list")
    nouns = items("noun")
    lists = {" ".join(rng.sample(nouns, rng.randint(3, 6))) for _ in range(3000)}
    return sorted(lists)


@kind("date")
def _dates() -> list[str]:
    rng = random.Random(f"{KIND_SEED}:date")
    start = date(1950, 1, 1)
    days = sorted(set(rng.randrange(0, 100 * 365) for _ in range(3000)))
    return [(start + timedelta(days=d)).isoformat() for d in days]
