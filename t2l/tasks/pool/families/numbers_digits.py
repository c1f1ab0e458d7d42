"""Numbers, digit by digit: the digit sum, product, largest and smallest digit, first and last digit,
the digits reversed, the digital root; and rounding to tens and hundreds (multiple choice).

Input kind: `number` ("1".."999"). Answers read the digit string with Python; oracles take another
route: the digits by repeated division by 10, the digital root by the mod-9 formula, rounding by
Decimal's rounding modes.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._numbers_common import _cap, _phrases

# --------------------------------------------------------------------------------------------------
# digits: one digit-level fact about a number

def _digits_answer(text: str, op: str) -> str | None:
    digits = [int(c) for c in text]
    if op == "sum":
        return str(sum(digits))
    if op == "product":
        return str(math.prod(digits))
    if op == "reversed":
        return text[::-1] if not text.endswith("0") else None   # 120 -> "21" or "021": doubtful, skipped
    if op == "first":
        return text[0]
    if op == "last":
        return text[-1]
    if op == "largest":
        return max(text)
    if op == "smallest":
        return min(text)
    if op == "root":
        while len(text) > 1:
            text = str(sum(int(c) for c in text))
        return text
    raise ValueError(op)


def _digits_oracle(text: str, op: str) -> str | None:
    n, found = int(text), []
    while n:
        n, d = divmod(n, 10)
        found.insert(0, d)
    if op == "sum":
        total = 0
        for d in found:
            total += d
        return str(total)
    if op == "product":
        value = 1
        for d in found:
            value *= d
        return str(value)
    if op == "reversed":
        value = 0
        for d in reversed(found):
            value = value * 10 + d
        return str(value)
    if op == "first":
        return str(found[0])
    if op == "last":
        return str(int(text) % 10)
    if op == "largest":
        return str(sorted(found)[-1])
    if op == "smallest":
        return str(sorted(found)[0])
    if op == "root":
        return str(1 + (int(text) - 1) % 9)
    raise ValueError(op)


_DIGIT_OPS = {
    "sum": ("the sum of the number's digits", "add up all the digits of the number", "digit sum"),
    "product": ("the product of the number's digits", "multiply all the digits of the number together",
                "digit product"),
    "reversed": ("the number with its digits in reverse order", "write the number's digits backwards",
                 "reversed digits"),
    "first": ("the number's first, leftmost digit", "take the leftmost digit of the number", "leading digit"),
    "last": ("the number's last, rightmost digit", "take the rightmost digit of the number", "units digit"),
    "largest": ("the largest digit in the number", "find the biggest of the number's digits", "largest digit"),
    "smallest": ("the smallest digit in the number", "find the smallest of the number's digits", "smallest digit"),
    "root": ("the number's digital root (sum the digits, repeatedly, until one digit is left)",
             "keep adding up the number's digits until a single digit remains", "digital root"),
}

DIGITS = Family(
    name="digits",
    inputs="number",
    answer=_digits_answer,
    oracle=_digits_oracle,
    variants={"digit_sum": {"op": "sum"}, "digit_product": {"op": "product"}, "digits_reversed": {"op": "reversed"},
              "first_digit": {"op": "first"}, "last_digit": {"op": "last"}, "largest_digit": {"op": "largest"},
              "smallest_digit": {"op": "smallest"}, "digital_root": {"op": "root"}},
    params_text=lambda op: _phrases(_DIGIT_OPS, op),
    descriptions=(
        "Give {what}.",
        "Look at the digits of the number one by one; the {short} is what I'm after.",
        "What is {what}?",
        "{How}, and answer with that number alone.",
        "I want {what}.",
        "Digits task - {short}.",
        "The model is shown a number from 1 to 999 and should reply with {what}.",
        "Please {how}. Reply in numerals.",
        "{Short}?",
        "Write down {what}; no explanation needed.",
        "Treat the input as a string of digits. Wanted: its {short}.",
        "Numbers from 1 to 999 come in; for each one, report the {short}.",
        "Can you {how}? Only the result, please.",
        "Input: a whole number. Output: {what}.",
        "Hey, {how} real quick.",
        "Find {what} and write it as digits.",
        "A little digit puzzle for each number: {short}. Just the answer.",
    ),
)


# --------------------------------------------------------------------------------------------------
# rounding (multiple choice: the answer and three other inputs' answers)

def _round(text: str, step: int, mode: str) -> str | None:
    n = int(text)
    if mode == "nearest":
        return str((n + step // 2) // step * step)
    if mode == "down":
        return str(n // step * step)
    return str(-(-n // step) * step)


_DECIMAL_MODES = {"nearest": ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def _round_oracle(text: str, step: int, mode: str) -> str | None:
    exponent = Decimal(f"1E{len(str(step)) - 1}")
    return str(int(Decimal(text).quantize(exponent, rounding=_DECIMAL_MODES[mode])))


def _round_words(step: int, mode: str) -> dict:
    unit = {10: "ten", 100: "hundred"}[step]
    how = {"nearest": f"round the number to the nearest {unit}, with halves going up",
           "down": f"round the number down to a multiple of {step}",
           "up": f"round the number up to a multiple of {step}"}[mode]
    what = {"nearest": f"the number rounded to the nearest {unit}",
            "down": f"the number rounded down to the {unit}s (the largest multiple of {step} not above it)",
            "up": f"the number rounded up to the {unit}s (the smallest multiple of {step} not below it)"}[mode]
    short = {"nearest": f"nearest {unit}", "down": f"floor to the {unit}", "up": f"ceiling to the {unit}"}[mode]
    return {"what": what, "how": how, "How": _cap(how), "short": short, "Short": _cap(short)}


ROUNDING = Family(
    name="rounding",
    inputs="number",
    answer=_round,
    oracle=_round_oracle,
    variants={"round_to_ten": {"step": 10, "mode": "nearest"}, "round_to_hundred": {"step": 100, "mode": "nearest"},
              "round_down_ten": {"step": 10, "mode": "down"}, "round_up_ten": {"step": 10, "mode": "up"},
              "round_down_hundred": {"step": 100, "mode": "down"}, "round_up_hundred": {"step": 100, "mode": "up"}},
    params_text=_round_words,
    distractors=3,
    descriptions=(
        "Choose {what}.",
        "{How}.",
        "Which option is {what}?",
        "Pick the choice you get when you {how}.",
        "Rounding: {short}.",
        "The model must select {what} from the options.",
        "I need to {how}; which answer is right?",
        "{Short} - pick one.",
        "Given a whole number and four candidates, choose {what}.",
        "Please {how} and tick the matching option.",
        "Out of the four numbers offered, which equals the input after rounding ({short})?",
        "Here is a number between 1 and 999. {How}, and choose the option that equals the result.",
        "Which of these is the input after you {how}?",
        "Multiple choice, rounding rule '{short}': pick the correct value.",
        "Could you find {what} among the choices?",
        "Round it: {short}. Answer with one of the options.",
    ),
)

FAMILIES = [DIGITS, ROUNDING]
