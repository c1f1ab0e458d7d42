"""Helpers shared by the sentence families (sentences_*.py): a sentence's words, read by `str.split`
for the answers and by a regular expression for the oracles; None for a sentence with a comma (is
"street," a word?).

Private (the name starts with "_"): the pool build looks for no families here.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z']+")


def _words(text: str) -> list[str] | None:
    return None if "," in text else text.split()


def _words_oracle(text: str) -> list[str] | None:
    return None if re.search(r",", text) else _TOKEN.findall(text)
