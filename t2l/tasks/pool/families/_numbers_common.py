"""Helpers shared by the numbers families (numbers_*.py): the oracles' schoolbook arithmetic on digit
strings and prime factorisation, reading a number pair, and the phrase tables their descriptions fill in.

Private (the name starts with "_"): the pool build looks for no families here.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------------
# Oracle helpers: schoolbook arithmetic on digit strings (no int() of the whole number)

_DIGIT = {str(d): d for d in range(10)}


def _strip(x: str) -> str:
    return x.lstrip("0") or "0"


def _col_add(x: str, y: str) -> str:
    out, carry = [], 0
    for i in range(max(len(x), len(y))):
        s = carry + (_DIGIT[x[-1 - i]] if i < len(x) else 0) + (_DIGIT[y[-1 - i]] if i < len(y) else 0)
        out.append("0123456789"[s % 10])
        carry = s // 10
    if carry:
        out.append("0123456789"[carry])
    return _strip("".join(reversed(out)))


def _col_less(x: str, y: str) -> bool:
    x, y = _strip(x), _strip(y)
    return (len(x), x) < (len(y), y)


def _col_sub(x: str, y: str) -> str:
    """x - y for x >= y, borrowing column by column."""
    out, borrow = [], 0
    for i in range(len(x)):
        d = _DIGIT[x[-1 - i]] - borrow - (_DIGIT[y[-1 - i]] if i < len(y) else 0)
        borrow = 1 if d < 0 else 0
        out.append("0123456789"[d + 10 * borrow])
    return _strip("".join(reversed(out)))


def _col_signed_sub(x: str, y: str) -> str:
    return "-" + _col_sub(y, x) if _col_less(x, y) else _col_sub(x, y)


def _col_mul(x: str, y: str) -> str:
    total = "0"
    for i, dy in enumerate(reversed(y)):
        row = "0"
        for _ in range(_DIGIT[dy]):      # a row is x added dy times, then shifted
            row = _col_add(row, x)
        total = _col_add(total, row + "0" * i)
    return total


def _long_div(x: str, d: int) -> tuple[str, int]:
    """x // d and x % d, digit by digit as on paper."""
    quotient, rest = [], 0
    for ch in x:
        rest = rest * 10 + _DIGIT[ch]
        quotient.append("0123456789"[rest // d])
        rest -= (rest // d) * d
    return _strip("".join(quotient)), rest


def _factorise(n: int) -> dict[int, int]:
    found, p = {}, 2
    while n > 1:
        while n % p == 0:
            found[p] = found.get(p, 0) + 1
            n //= p
        p += 1
    return found


# --------------------------------------------------------------------------------------------------
# Reading a pair; the words a description fills in

def _pair(text: str) -> tuple[int, int]:
    a, b = text.split()
    return int(a), int(b)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _phrases(table: dict, key: str) -> dict:
    what, how, short = table[key]
    return {"what": what, "how": how, "How": _cap(how), "short": short, "Short": _cap(short)}
