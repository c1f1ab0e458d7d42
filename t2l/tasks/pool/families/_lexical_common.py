"""Helpers shared by the WordNet families (lexical_*.py, morphology_*.py): the WordNet directory, a lemma
as an answer, the canonical pick among words, the first sense and the pointers read either way from it,
the independent readings of WordNet that the oracles take (index files read backwards, data files scanned or
read at a synset's byte offset), and the part-of-speech words the descriptions fill in.

Private (the name starts with "_"): the pool build looks for no families here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from t2l.tasks.pool.inputs import items
from t2l.tasks.pool.resources import POS, WORDNET_DIR_ENV, _dir, wordnet

POS_WORD = {"n": "noun", "v": "verb", "a": "adjective", "r": "adverb"}
_SINGLE = re.compile(r"[a-z]+(?:[ -][a-z]+)?")


def _root():
    return _dir(WORDNET_DIR_ENV, "/usr/share/wordnet", "data.noun", "WordNet 3.0 (Debian wordnet-base)")


def _text(lemma: str) -> str | None:
    """A lemma as an answer: underscores read as spaces, at most two plain words."""
    text = lemma.replace("_", " ")
    return text if _SINGLE.fullmatch(text) else None


def _rank(words) -> str | None:
    """The canonical pick among several words: the commonest (tagged count), then alphabetical."""
    net = wordnet()
    found = sorted({w for w in words if w}, key=lambda w: (-net.counts.get(w.replace(" ", "_"), 0), w))
    return found[0] if found else None


# --- independent readings of WordNet (the oracles' routes) ---------------------------------------------

@lru_cache(maxsize=1)
def _index_tagged() -> dict[tuple[str, str], int]:
    """(lemma, pos) -> how many of its senses are tagged (the index files' tagsense_cnt field)."""
    found = {}
    for pos, name in POS.items():
        for line in (_root() / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            parts = line.split()
            n_ptr = int(parts[3])
            found[(parts[0].lower(), pos)] = int(parts[5 + n_ptr])
    return found


def _tagged(word: str, pos: str) -> bool:
    return _index_tagged().get((word, pos), 0) > 0


@lru_cache(maxsize=1)
def _offset_lemmas() -> dict[tuple[str, int], list[str]]:
    """(pos, synset offset) -> every lemma whose index entry lists that synset (the index read backwards)."""
    found = defaultdict(list)
    for (lemma, pos), offsets in wordnet().index.items():
        for offset in offsets:
            found[(pos, offset)].append(lemma)
    return found


@lru_cache(maxsize=1)
def _lemma_synsets() -> dict[tuple[str, str], int]:
    """(lemma, pos) -> how many synsets of the data files hold it (the data files scanned, not the index)."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    wanted = set(items("word"))
    for (pos, _), synset in wordnet().synsets.items():
        for lemma in wanted.intersection(synset.lemmas):
            found[(lemma, pos)] += 1
    return found


_READ_BACK = {"!", "~", "@", "#p", "%p", "&", "=", "+", "\\"}


@lru_cache(maxsize=1)
def _incoming() -> dict[tuple[str, str, int], list[tuple[str, int, int, int]]]:
    """(symbol, pos, offset) -> pointers that point AT that synset: (source pos, source offset, source word
    no., target word no.). Reading a relation the other way round."""
    found = defaultdict(list)
    for (pos, offset), synset in wordnet().synsets.items():
        for sym, t_off, t_pos, src, tgt in synset.pointers:
            if sym in _READ_BACK:
                found[(sym, t_pos, t_off)].append((pos, offset, src, tgt))
    return found


@lru_cache(maxsize=4)
def _data_bytes(pos: str) -> bytes:
    return (_root() / f"data.{POS[pos]}").read_bytes()


def _raw_line(pos: str, offset: int) -> bytes:
    """A data file's line read at its byte offset (WordNet's synset offsets are byte offsets)."""
    data = _data_bytes(pos)
    return data[offset:data.index(b"\n", offset)]


@lru_cache(maxsize=None)
def _first(word: str, pos: str):
    net = wordnet()
    offsets = net.index.get((word, pos))
    return net.synsets.get((pos, offsets[0])) if offsets else None


def _word_no(synset, word: str) -> int | None:
    return next((i + 1 for i, w in enumerate(synset.lemmas) if w == word), None)


def _pointed(word: str, pos: str, sym: str, to_pos: str | None = None, lexical: bool = False):
    """Targets of the first sense's `sym` pointers: (target synset, target word no.)."""
    synset = _first(word, pos)
    if synset is None:
        return []
    net, no = wordnet(), _word_no(synset, word)
    return [(net.synsets[(p, o)], t) for s, o, p, src, t in synset.pointers
            if s == sym and (to_pos is None or p == to_pos) and (p, o) in net.synsets
            and (not lexical or src == no)]


def _pointing(word: str, pos: str, sym: str, from_pos: str | None = None, lexical: bool = False):
    """Sources of `sym` pointers that point at the first sense: (source synset, source word no.)."""
    synset = _first(word, pos)
    if synset is None:
        return []
    net, no = wordnet(), _word_no(synset, word)
    return [(net.synsets[(p, o)], src) for p, o, src, t in _incoming().get((sym, pos, synset.offset), [])
            if (from_pos is None or p == from_pos) and (not lexical or t == no)]


def _pos_text(pos: str) -> dict:
    return {"pos": POS_WORD[pos], "pos_plural": POS_WORD[pos] + "s"}


_POS_VARIANTS = {"noun": "n", "verb": "v", "adjective": "a"}
