"""Helpers of the word-form families (morphology_*.py): WordNet's exception lists read backwards and
lemminflect's single form (the inflections' sources and oracles, morphology_forms.py), and the spelling
helpers both modules use (the vowels; a consonant before a final y).

Private (the name starts with "_"): the pool build looks for no families here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from t2l.tasks.pool.families._lexical_common import _root

_VOWEL = "aeiou"


@lru_cache(maxsize=4)
def _exceptions(pos: str) -> dict[str, list[str]]:
    """WordNet's exception list read backwards: base form -> its irregular (or doubled) inflected forms."""
    found = defaultdict(list)
    for line in (_root() / f"{pos}.exc").read_text(encoding="latin-1").splitlines():
        form, *bases = line.split()
        for base in bases:
            found[base].append(form)
    return found


@lru_cache(maxsize=None)
def _lemminflect(text: str, tag: str, oov: bool = True) -> str | None:
    from lemminflect import getInflection

    forms = getInflection(text, tag, inflect_oov=oov)
    return forms[0] if len(forms) == 1 and re.fullmatch(r"[a-z]+", forms[0]) else None


def _consonant_y(text: str) -> bool:
    return len(text) > 1 and text.endswith("y") and text[-2] not in _VOWEL
