"""Numbers, yes/no properties: of one number (even, prime, divisible by k, palindrome, over 500, has a
7, repeated digit) and of a pair (first larger, even sum, coprime, close, sum over 100, both even).

Input kinds: `number` ("1".."999") and `number_pair` ("47 12"). Answers use Python's integers; oracles
take another route: the classic divisibility rules (digit sums, last digits, "subtract twice the last
digit"), a sieve for primes, prime factorisations for coprimality, column arithmetic on the digit strings.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._numbers_common import _DIGIT, _cap, _col_add, _col_less, _col_sub, _factorise, _pair
from t2l.tasks.pool.families.numbers_digits import _digits_oracle

# --------------------------------------------------------------------------------------------------
# number_property: yes/no facts about one number

def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _property(text: str, prop: str, k: int = 0) -> str | None:
    n = int(text)
    if prop == "divisible":
        return _yes(n % k == 0)
    if prop == "even":
        return _yes(n % 2 == 0)
    if prop == "prime":
        return _yes(n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1)))
    if prop == "palindrome":
        return _yes(text == text[::-1])
    if prop == "over":
        return _yes(n > k)
    if prop == "has_digit":
        return _yes(str(k) in text)
    if prop == "repeated_digit":
        return _yes(len(set(text)) < len(text))
    raise ValueError(prop)


@lru_cache(maxsize=1)
def _sieve() -> frozenset[int]:
    marks = [True] * 1000
    marks[0] = marks[1] = False
    for p in range(2, 32):
        for m in range(p * p, 1000, p):
            marks[m] = False
    return frozenset(i for i, m in enumerate(marks) if m)


def _digit_sum_rule(text: str, nine: bool) -> bool:
    while len(text) > 1:
        text = str(sum(_DIGIT[c] for c in text))
    return text in (("9",) if nine else ("3", "6", "9"))


def _seven_rule(n: int) -> bool:
    while n >= 70:
        n = abs(n // 10 - 2 * (n % 10))
    return n in (0, 7, 14, 21, 28, 35, 42, 49, 56, 63)


def _property_oracle(text: str, prop: str, k: int = 0) -> str | None:
    if prop == "divisible":
        rules = {3: lambda: _digit_sum_rule(text, False), 9: lambda: _digit_sum_rule(text, True),
                 4: lambda: int(text[-2:]) in range(0, 100, 4), 5: lambda: text[-1] in "05",
                 6: lambda: text[-1] in "02468" and _digit_sum_rule(text, False), 7: lambda: _seven_rule(int(text))}
        return _yes(rules[k]())
    if prop == "even":
        return _yes(text[-1] in "02468")
    if prop == "prime":
        return _yes(int(text) in _sieve())
    if prop == "palindrome":
        return _yes(_digits_oracle(text, "reversed") == text)
    if prop == "over":
        return _yes(text.zfill(4) > str(k).zfill(4))
    if prop == "has_digit":
        n, found = int(text), set()
        while n:
            n, d = divmod(n, 10)
            found.add(d)
        return _yes(k in found)
    if prop == "repeated_digit":
        return _yes(bool(re.search(r"(\d).*\1", text)))
    raise ValueError(prop)


def _property_words(prop: str, k: int = 0) -> dict:
    pred = {"divisible": f"divisible by {k}", "even": "even", "prime": "a prime number",
            "palindrome": "a palindrome (the same digits read backwards)",
            "over": f"greater than {k}", "has_digit": f"written with at least one {k} among its digits",
            "repeated_digit": "written with some digit appearing more than once"}[prop]
    short = {"divisible": f"divisible by {k}", "even": "even", "prime": "prime", "palindrome": "palindrome",
             "over": f"bigger than {k}", "has_digit": f"contains a {k}", "repeated_digit": "repeated digit"}[prop]
    return {"pred": pred, "short": short, "Short": _cap(short)}


NUMBER_PROPERTY = Family(
    name="number_property",
    inputs="number",
    answer=_property,
    oracle=_property_oracle,
    labels=("yes", "no"),
    variants={"number_is_even": {"prop": "even"}, "number_is_prime": {"prop": "prime"},
              **{f"divisible_by_{k}": {"prop": "divisible", "k": k} for k in (3, 4, 5, 6, 9)},
              "number_is_palindrome": {"prop": "palindrome"}, "number_over_500": {"prop": "over", "k": 500},
              "number_has_digit_7": {"prop": "has_digit", "k": 7},
              "number_has_repeated_digit": {"prop": "repeated_digit"}},
    heldout={"divisible_by_7": {"prop": "divisible", "k": 7}},
    params_text=_property_words,
    descriptions=(
        "Is the number {pred}?",
        "One-word reply (yes/no) about the number: {short}?",
        "Decide whether the number is {pred}.",
        "{Short}? yes/no",
        "Say yes if the number is {pred}, otherwise say no.",
        "I want to know if the given number is {pred}.",
        "The model checks whether a whole number is {pred} and replies yes or no.",
        "True or false, put as yes or no: the number is {pred}.",
        "Check the number: {short} or not?",
        "Could you check the number for me? I want to know if it is {pred}.",
        "Yes when the number is {pred}; no when it isn't.",
        "Test each number for one property - being {pred} - and answer with a single word, yes or no.",
        "Sort numbers into two bins: yes for those that are {pred}, no for the rest.",
        "Property check ({short}): answer yes or no.",
        "Hey! {Short} - yes or no for this one?",
        "Given an integer from 1 to 999, respond yes if it is {pred} and no otherwise.",
    ),
)


# --------------------------------------------------------------------------------------------------
# pair_property: yes/no facts about a pair

def _pair_property(text: str, prop: str) -> str | None:
    a, b = _pair(text)
    if prop == "first_larger":
        return _yes(a > b)
    if prop == "sum_even":
        return _yes((a + b) % 2 == 0)
    if prop == "coprime":
        return _yes(math.gcd(a, b) == 1)
    if prop == "close":
        return _yes(abs(a - b) < 10)
    if prop == "sum_over_100":
        return _yes(a + b > 100)
    if prop == "both_even":
        return _yes(a % 2 == 0 and b % 2 == 0)
    raise ValueError(prop)


def _pair_property_oracle(text: str, prop: str) -> str | None:
    x, y = text.split()
    if prop == "first_larger":
        return _yes(_col_less(y, x))
    if prop == "sum_even":
        return _yes((x[-1] in "02468") == (y[-1] in "02468"))
    if prop == "coprime":
        return _yes(not set(_factorise(int(x))) & set(_factorise(int(y))))
    if prop == "close":
        gap = _col_sub(y, x) if _col_less(x, y) else _col_sub(x, y)
        return _yes(len(gap) == 1)
    if prop == "sum_over_100":
        return _yes(_col_less("100", _col_add(x, y)))
    if prop == "both_even":
        return _yes(x[-1] in "02468" and y[-1] in "02468")
    raise ValueError(prop)


_PAIR_PROPS = {
    "first_larger": ("the first number is bigger than the second", "first bigger than second"),
    "sum_even": ("the two numbers add up to an even number", "even sum"),
    "coprime": ("the two numbers are coprime, sharing no common factor above 1", "coprime"),
    "close": ("the two numbers are less than 10 apart", "within ten of each other"),
    "sum_over_100": ("the two numbers add up to more than 100", "sum above 100"),
    "both_even": ("both numbers are even", "both even"),
}

PAIR_PROPERTY = Family(
    name="pair_property",
    inputs="number_pair",
    answer=_pair_property,
    oracle=_pair_property_oracle,
    labels=("yes", "no"),
    variants={f"pair_{prop}": {"prop": prop} for prop in _PAIR_PROPS},
    params_text=lambda prop: {"claim": _PAIR_PROPS[prop][0], "short": _PAIR_PROPS[prop][1],
                              "Short": _cap(_PAIR_PROPS[prop][1])},
    descriptions=(
        "Is it true that {claim}?",
        "Two numbers are given. Answer yes if {claim}, no otherwise.",
        "Decide whether {claim}.",
        "{Short}? yes or no",
        "I need a yes/no answer: {claim}?",
        "The model reads a pair of numbers and says yes exactly when {claim}.",
        "Check the pair: {short}.",
        "Say yes when {claim}; say no when that fails.",
        "Could you check if {claim}? One word, yes or no.",
        "Here is a claim about the pair: {claim}. Reply yes if it holds.",
        "For the pair on the line, is the statement '{claim}' correct?",
        "Pair test ({short}). Reply yes or no.",
        "Hey, tell me whether {claim}.",
        "Given a and b separated by a space, output yes if {claim}, and no in every other case.",
        "Answer with yes or no only: {short}.",
        "Does the pair pass this test: {claim}?",
    ),
)

FAMILIES = [NUMBER_PROPERTY, PAIR_PROPERTY]
