"""Numbers in other notations: binary, octal and hexadecimal, and Roman numerals (of a number, and of
the sum of a pair).

Input kinds: `number` ("1".."999") and `number_pair` ("47 12"). Answers use Python's `format` and the
greedy Roman-numeral table; oracles take another route: repeated long division for the bases,
additive-then-subtractive Roman numerals, column addition for the pair's sum (_numbers_common.py).
"""

from __future__ import annotations

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._numbers_common import _col_add, _long_div, _pair

# --------------------------------------------------------------------------------------------------
# number_base: binary, octal, hexadecimal

def _base(text: str, base: int) -> str | None:
    return format(int(text), {2: "b", 8: "o", 16: "x"}[base])


def _base_oracle(text: str, base: int) -> str | None:
    digits, n = [], int(text)
    while n:
        q, r = _long_div(str(n), base)
        digits.append("0123456789abcdef"[r])
        n = int(q)
    return "".join(reversed(digits))


_BASES = {
    2: ("binary", "base 2", "the number in binary, with no 0b prefix", "ones and zeros"),
    8: ("octal", "base 8", "the number in octal, with no prefix", "digits 0 to 7"),
    16: ("hexadecimal", "base 16", "the number in lowercase hexadecimal, with no 0x prefix", "digits 0-9 and a-f"),
}

NUMBER_BASE = Family(
    name="number_base",
    inputs="number",
    answer=_base,
    oracle=_base_oracle,
    variants={"number_to_binary": {"base": 2}, "number_to_octal": {"base": 8}, "number_to_hex": {"base": 16}},
    params_text=lambda base: dict(zip(("name", "basen", "what", "symbols"), _BASES[base])),
    descriptions=(
        "Convert the decimal number to {name}.",
        "Write the number in {basen}.",
        "What is this number in {name}?",
        "Give {what}.",
        "Decimal to {name}.",
        "I need the {name} form of this number, using {symbols}.",
        "The model rewrites a decimal integer in {basen}.",
        "Express the number in {name} ({basen}); reply with the digits only.",
        "In {name}, please.",
        "Change the base: from base 10 to {basen}.",
        "Here is a number between 1 and 999. Write it in {name} notation, no prefix.",
        "Hey, what's this in {name}?",
        "Output {what}.",
        "Rewrite in {basen}, using {symbols}.",
        "Convert to {name} and answer with just the converted number, lowercase.",
        "Think like a computer: show this number in {name}.",
    ),
)


# --------------------------------------------------------------------------------------------------
# roman: Roman numerals (greedy table vs additive-then-subtractive rewriting)

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _to_roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _roman_additive(n: int) -> str:
    """Tally marks, grouped upwards (IIIII -> V, VV -> X, ...), then the subtractive forms."""
    text = "I" * n
    for small, big in (("IIIII", "V"), ("VV", "X"), ("XXXXX", "L"), ("LL", "C"), ("CCCCC", "D"), ("DD", "M")):
        text = text.replace(small, big)
    for long, short in (("DCCCC", "CM"), ("CCCC", "CD"), ("LXXXX", "XC"), ("XXXX", "XL"), ("VIIII", "IX"),
                        ("IIII", "IV")):
        text = text.replace(long, short)
    return text


ROMAN = Family(
    name="roman",
    inputs="number",
    answer=lambda text: _to_roman(int(text)),
    oracle=lambda text: _roman_additive(int(text)),
    variants={"number_to_roman": {}},
    descriptions=(
        "Write the number in Roman numerals.",
        "Convert to Roman numerals.",
        "What is this number as a Roman numeral?",
        "Roman numerals, please.",
        "I need the Roman numeral for this number, in capital letters.",
        "The model rewrites an ordinary number using I, V, X, L, C, D and M.",
        "Give the Roman-numeral form, with subtractive pairs such as IV and XC where they belong.",
        "Arabic digits in, Roman numeral out.",
        "How would the Romans have written this number?",
        "Express the number with Roman letters.",
        "Hey, turn this into a Roman numeral for me.",
        "Please convert the integer (1 to 999) into standard Roman notation and answer with that alone.",
        "Roman numeral?",
        "Spell the number the way a clock face or a movie sequel title would, with Roman numerals.",
        "Translate the digits into uppercase Roman numerals.",
        "Output the number as Roman numerals, no spaces.",
    ),
)


def _pair_sum_roman(text: str) -> str | None:
    a, b = _pair(text)
    return _to_roman(a + b)


PAIR_ROMAN = Family(
    name="pair_roman",
    inputs="number_pair",
    answer=_pair_sum_roman,
    oracle=lambda text: _roman_additive(int(_col_add(*text.split()))),
    variants={},
    heldout={"pair_sum_roman": {}},
)

FAMILIES = [NUMBER_BASE, ROMAN, PAIR_ROMAN]
