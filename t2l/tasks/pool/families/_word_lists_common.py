"""Helpers shared by the word-list families (word_lists_*.py): a list's items, read by `str.split` for
the answers and by a regular expression for the oracles, and the oracles' own insertion sort.

Private (the name starts with "_"): the pool build looks for no families here.
"""

from __future__ import annotations

import re

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
