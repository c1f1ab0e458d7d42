"""Numbers, arithmetic: one number from a pair (sum, difference, product, quotient, remainder, gcd,
lcm, mean, ...) and one number from one number (doubled, halved, squared, plus or minus k).

Input kinds: `number` ("1".."999") and `number_pair` ("47 12", both 2..99, never equal). Every answer
is computed with Python's integers; every oracle takes another route: schoolbook column arithmetic on
the digit strings (_numbers_common.py), gcd and lcm by prime factorisations.
"""

from __future__ import annotations

import math
import re

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._numbers_common import (_col_add, _col_less, _col_mul, _col_signed_sub, _col_sub,
                                                      _factorise, _long_div, _pair, _phrases)

# --------------------------------------------------------------------------------------------------
# pair_op: one number from a pair

def _pair_op(text: str, op: str) -> str | None:
    a, b = _pair(text)
    if op == "sum":
        return str(a + b)
    if op == "difference":
        return str(a - b)
    if op == "product":
        return str(a * b)
    if op == "larger":
        return str(max(a, b))
    if op == "smaller":
        return str(min(a, b))
    if op == "abs_difference":
        return str(abs(a - b))
    if op == "quotient":
        return str(a // b) if a > b else None
    if op == "remainder":
        return str(a % b) if a > b else None
    if op == "gcd":
        return str(math.gcd(a, b))
    if op == "lcm":
        return str(math.lcm(a, b))
    if op == "mean":
        return str((a + b) // 2) if (a + b) % 2 == 0 else None
    if op == "concat":
        return f"{a}{b}"
    if op == "first":
        return str(a)
    if op == "second":
        return str(b)
    if op == "swap":
        return f"{b} {a}"
    if op == "twice_first_plus_second":
        return str(2 * a + b)
    raise ValueError(op)


def _pair_op_oracle(text: str, op: str) -> str | None:
    x, y = re.fullmatch(r"(\d+) (\d+)", text).groups()
    if op == "sum":
        return _col_add(x, y)
    if op == "difference":
        return _col_signed_sub(x, y)
    if op == "product":
        return _col_mul(x, y)
    if op == "larger":
        return y if _col_less(x, y) else x
    if op == "smaller":
        return x if _col_less(x, y) else y
    if op == "abs_difference":
        return _col_sub(y, x) if _col_less(x, y) else _col_sub(x, y)
    if op in ("quotient", "remainder"):
        q, r = _long_div(x, int(y))
        return q if op == "quotient" else str(r)
    if op in ("gcd", "lcm"):
        fx, fy = _factorise(int(x)), _factorise(int(y))
        pick = min if op == "gcd" else max
        value = 1
        for p in set(fx) | set(fy):
            value *= p ** pick(fx.get(p, 0), fy.get(p, 0))
        return str(value)
    if op == "mean":
        q, r = _long_div(_col_add(x, y), 2)
        return q if r == 0 else f"{q}.5"
    if op == "concat":
        return _col_add(x + "0" * len(y), y)
    if op == "first":
        return re.match(r"\d+", text).group()
    if op == "second":
        return re.search(r"\d+$", text).group()
    if op == "swap":
        return " ".join(reversed(text.split(" ")))
    if op == "twice_first_plus_second":
        return _col_add(_col_add(x, x), y)
    raise ValueError(op)


_PAIR_OPS = {
    "sum": ("the sum of the two numbers", "add the two numbers together", "sum"),
    "difference": ("the first number minus the second", "subtract the second number from the first, even when "
                   "that makes the result negative", "first minus second"),
    "product": ("the product of the two numbers", "multiply the two numbers", "product"),
    "larger": ("the larger of the two numbers", "pick whichever of the two numbers is bigger", "the bigger one"),
    "smaller": ("the smaller of the two numbers", "pick whichever of the two numbers is smaller", "the smaller one"),
    "abs_difference": ("the absolute difference between the two numbers", "subtract the smaller number from the "
                       "larger one", "distance between them"),
    "quotient": ("the whole-number quotient of the first number divided by the second",
                 "divide the first number by the second and drop the remainder", "integer division, first by second"),
    "remainder": ("the remainder left when the first number is divided by the second",
                  "divide the first number by the second and keep only the remainder", "first mod second"),
    "gcd": ("the greatest common divisor of the two numbers", "find the largest number that divides both of them",
            "greatest common divisor"),
    "lcm": ("the least common multiple of the two numbers", "find the smallest number that is a multiple of both",
            "least common multiple"),
    "mean": ("the average of the two numbers", "add the two numbers and halve the total", "mean of the pair"),
    "concat": ("the two numbers glued together into one number", "write the second number straight after the first "
               "with no space, making one number", "concatenation"),
    "first": ("the first of the two numbers", "copy out only the first number", "first number only"),
    "second": ("the second of the two numbers", "copy out only the second number", "second number only"),
    "swap": ("the same two numbers in the opposite order", "swap the two numbers around, keeping a space between "
             "them", "swap the order"),
}

PAIR_OP = Family(
    name="pair_op",
    inputs="number_pair",
    answer=_pair_op,
    oracle=_pair_op_oracle,
    variants={f"pair_{op}": {"op": op} for op in _PAIR_OPS},
    heldout={"pair_twice_first_plus_second": {"op": "twice_first_plus_second"}},
    params_text=lambda op: _phrases(_PAIR_OPS, op),
    descriptions=(
        "Work it out for each pair: {short}.",
        "You get two numbers separated by a space. Return {what}.",
        "{How}.",
        "What is {what}?",
        "I need {what}; answer in numerals only.",
        "Two numbers in, one answer out: {short}.",
        "The model reads a pair such as 47 12 and must output {what}.",
        "Please {how} and tell me the result.",
        "Here are two whole numbers. {How}, then write only the result.",
        "Output {what}, nothing else.",
        "Quick one - {short}?",
        "Given a and b on one line, respond with {what}. No words, no working shown.",
        "Hey, can you {how}? Just the answer please.",
        "For each input pair, {how}.",
        "Read both numbers and report {what}.",
        "{Short}, please.",
        "Treat the input as two integers; the expected answer is {what}, written with digits.",
        "Pair of numbers -> {short}.",
        "My homework gives me two numbers at a time and asks for {what}. Can you do it for me?",
    ),
)


# --------------------------------------------------------------------------------------------------
# number_arith: one number from one number

def _arith(text: str, op: str, k: int = 0) -> str | None:
    n = int(text)
    if op == "times":
        return str(n * k)
    if op == "half":
        return str(n // 2) if n % 2 == 0 else None
    if op == "square":
        return str(n * n)
    if op == "plus":
        return str(n + k)
    if op == "minus":
        return str(n - k) if n - k >= 0 else None
    if op == "from":
        return str(k - n)
    raise ValueError(op)


def _arith_oracle(text: str, op: str, k: int = 0) -> str | None:
    if op == "times":
        return _col_mul(text, str(k))
    if op == "half":
        q, r = _long_div(text, 2)
        return q if r == 0 else None
    if op == "square":
        return _col_mul(text, text)
    if op == "plus":
        return _col_add(text, str(k))
    if op in ("minus", "from"):
        return _col_signed_sub(text, str(k)) if op == "minus" else _col_signed_sub(str(k), text)
    raise ValueError(op)


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 5: "five", 7: "seven", 10: "ten", 100: "a hundred", 1000: "1000"}


def _arith_words(op: str, k: int = 0) -> dict:
    kw = _NUMBER_WORDS.get(k, str(k))
    table = {
        ("times", 2): ("the number doubled", "multiply the number by two", "double it"),
        ("times", 3): ("the number tripled", "multiply the number by three", "triple it"),
        ("times", 10): ("ten times the number", "multiply the number by ten", "times ten"),
        ("half", 0): ("half of the number", "divide the number by two", "halve it"),
        ("square", 0): ("the square of the number", "multiply the number by itself", "square it"),
        ("plus", k): (f"the number plus {kw}", f"add {kw} to the number", f"add {k}"),
        ("minus", k): (f"the number minus {kw}", f"subtract {kw} from the number", f"take away {k}"),
        ("from", k): (f"the difference between {k} and the number", f"subtract the number from {k}",
                      f"distance up to {k}"),
    }
    return _phrases({None: table[(op, k)]}, None)


NUMBER_ARITH = Family(
    name="number_arith",
    inputs="number",
    answer=_arith,
    oracle=_arith_oracle,
    variants={
        "number_double": {"op": "times", "k": 2},
        "number_triple": {"op": "times", "k": 3},
        "number_times_10": {"op": "times", "k": 10},
        "number_half": {"op": "half"},
        "number_square": {"op": "square"},
        "number_plus_1": {"op": "plus", "k": 1},
        "number_plus_2": {"op": "plus", "k": 2},
        "number_plus_10": {"op": "plus", "k": 10},
        "number_plus_100": {"op": "plus", "k": 100},
        "number_minus_1": {"op": "minus", "k": 1},
        "number_minus_10": {"op": "minus", "k": 10},
        "number_gap_to_1000": {"op": "from", "k": 1000},
    },
    heldout={"number_plus_7": {"op": "plus", "k": 7}},
    params_text=_arith_words,
    descriptions=(
        "Give {what}.",
        "{How}.",
        "What is {what}?",
        "Take the input and {how}; write the result in digits.",
        "I need {what}.",
        "Number in, number out: {short}.",
        "The model sees a whole number and answers with {what}.",
        "Please {how} and reply with only the result.",
        "{Short}.",
        "Output {what}, as a numeral.",
        "Here's a number. {How}, then tell me what you get.",
        "Quick arithmetic drill ({short}) - go.",
        "Return {what}. Digits only, no explanation.",
        "Could you {how} for me?",
        "Rule: {short}. Apply it to the input number.",
        "For every input number between 1 and 999, respond with {what}.",
        "Work out {what} and answer with just that number.",
        "Mental maths time - {how}!",
    ),
)

FAMILIES = [PAIR_OP, NUMBER_ARITH]
