"""Numbers: arithmetic on pairs, single-number transforms, digits, rounding, number words, ordinals,
bases, Roman numerals, and yes/no properties of numbers and pairs.

Input kinds: `number` ("1".."999") and `number_pair` ("47 12", both 2..99, never equal). Every answer
is computed with Python's integers (or a package); every oracle takes another route: schoolbook column
arithmetic on the digit strings, prime factorisations, Decimal rounding modes, repeated division for
bases, hand-written number-word converters (Spanish, French, German, Italian 1-999) against num2words,
inflect against num2words for English, additive-then-subtractive Roman numerals against the greedy
table, and the classic divisibility rules (digit sums, last digits, "subtract twice the last digit").
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

from t2l.tasks.pool.core import Family

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


def _pair(text: str) -> tuple[int, int]:
    a, b = text.split()
    return int(a), int(b)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _phrases(table: dict, key: str) -> dict:
    what, how, short = table[key]
    return {"what": what, "how": how, "How": _cap(how), "short": short, "Short": _cap(short)}


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


# --------------------------------------------------------------------------------------------------
# number_words: the number written out in a language (num2words vs inflect / hand-written converters)

@lru_cache(maxsize=1)
def _inflect():
    import inflect

    return inflect.engine()


def _number_words(text: str, lang: str) -> str | None:
    from num2words import num2words

    n = int(text)
    if lang == "it" and ((n > 20 and n % 10 == 3) or (n > 100 and n % 100 == 18)):
        # doubtful in num2words 0.5.14: it accents a final -tré in "ventitré", "centotré" but not in
        # "centoventitre", and writes "centodicotto" for centodiciotto; those inputs are skipped
        return None
    return num2words(n, lang=lang)


_ES_LOW = ("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
           "diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco "
           "veintiséis veintisiete veintiocho veintinueve").split()
_ES_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}
_ES_HUNDREDS = {1: "ciento", 2: "doscientos", 3: "trescientos", 4: "cuatrocientos", 5: "quinientos",
                6: "seiscientos", 7: "setecientos", 8: "ochocientos", 9: "novecientos"}


def _spanish(n: int) -> str:
    if n == 100:
        return "cien"
    if n > 100:
        h, r = divmod(n, 100)
        return _ES_HUNDREDS[h] + (" " + _spanish(r) if r else "")
    if n < 30:
        return _ES_LOW[n]
    t, u = divmod(n, 10)
    return _ES_TENS[t] + (" y " + _ES_LOW[u] if u else "")


_FR_LOW = ("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
           "seize").split()
_FR_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _french(n: int) -> str:
    if n >= 100:
        h, r = divmod(n, 100)
        head = "cent" if h == 1 else _FR_LOW[h] + " cent"
        return head + (" " + _french(r) if r else ("s" if h > 1 else ""))
    if n <= 16:
        return _FR_LOW[n]
    if n < 20:
        return "dix-" + _FR_LOW[n - 10]
    t, u = divmod(n, 10)
    if t <= 6:
        return _FR_TENS[t] + ("" if u == 0 else " et un" if u == 1 else "-" + _FR_LOW[u])
    if t == 7:
        return "soixante" + (" et onze" if u == 1 else "-" + _french(10 + u))
    if t == 8:
        return "quatre-vingts" if u == 0 else "quatre-vingt-" + _FR_LOW[u]
    return "quatre-vingt-" + _french(10 + u)


_DE_LOW = ("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
           "sechzehn siebzehn achtzehn neunzehn").split()
_DE_TENS = {2: "zwanzig", 3: "dreißig", 4: "vierzig", 5: "fünfzig", 6: "sechzig", 7: "siebzig", 8: "achtzig",
            9: "neunzig"}


def _german(n: int) -> str:
    if n >= 100:
        h, r = divmod(n, 100)
        return ("ein" if h == 1 else _DE_LOW[h]) + "hundert" + (_german(r) if r else "")
    if n < 20:
        return _DE_LOW[n]
    t, u = divmod(n, 10)
    return _DE_TENS[t] if u == 0 else ("ein" if u == 1 else _DE_LOW[u]) + "und" + _DE_TENS[t]


_IT_LOW = ("zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
           "sedici diciassette diciotto diciannove").split()
_IT_TENS = {2: "venti", 3: "trenta", 4: "quaranta", 5: "cinquanta", 6: "sessanta", 7: "settanta", 8: "ottanta",
            9: "novanta"}


def _italian(n: int) -> str:
    if n >= 100:
        h, r = divmod(n, 100)
        head = "cento" if h == 1 else _IT_LOW[h] + "cento"
        if r == 0:
            return head
        tail = _italian(r)
        return (head[:-1] if tail.startswith("o") else head) + tail   # cento + otto -> centotto
    if n < 20:
        return _IT_LOW[n]
    t, u = divmod(n, 10)
    if u == 0:
        return _IT_TENS[t]
    if u in (1, 8):
        return _IT_TENS[t][:-1] + _IT_LOW[u]                          # venti + uno -> ventuno
    return _IT_TENS[t] + ("tré" if u == 3 else _IT_LOW[u])


def _english_canonical(text: str) -> str:
    """The agreed form: lowercase, British 'and' after hundred, a hyphen inside 21-99, single spaces."""
    text = re.sub(r"\s*-\s*", "-", text.lower().replace(",", " "))
    return " ".join(text.split())


def _number_words_oracle(text: str, lang: str) -> str | None:
    n = int(text)
    if lang == "en":
        return _english_canonical(_inflect().number_to_words(n, andword="and"))
    return {"es": _spanish, "fr": _french, "de": _german, "it": _italian}[lang](n)


_LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian"}

NUMBER_WORDS = Family(
    name="number_words",
    inputs="number",
    answer=_number_words,
    oracle=_number_words_oracle,
    variants={"number_to_english": {"lang": "en"}, "number_to_spanish": {"lang": "es"},
              "number_to_french": {"lang": "fr"}, "number_to_german": {"lang": "de"}},
    heldout={"number_to_italian": {"lang": "it"}},
    params_text=lambda lang: {"language": _LANGUAGES[lang]},
    resources=("num2words", "inflect"),
    descriptions=(
        "Write the number out in {language} words.",
        "Spell this number in {language}.",
        "How do you say this number in {language}? Answer in words, not digits.",
        "Convert the numeral to {language} number words.",
        "I need the {language} words for this number.",
        "The model turns digits into the number's name in {language}.",
        "{language}, in words, please.",
        "Digits to {language} words.",
        "Read the number aloud in {language} and write down exactly what you would say, in lowercase.",
        "Give the {language} spelling of the number.",
        "Translate the number into written-out {language}.",
        "What is this number called in {language}?",
        "No digits in the answer: spell the number the way a {language} speaker writes it.",
        "Please express the given number in {language} words, lowercase, as one would write it on a cheque.",
        "Hey, how would you write this number in {language}?",
        "Number name in {language}.",
        "Each input is a whole number from 1 to 999; reply with its {language} name spelled out in full.",
    ),
)


# --------------------------------------------------------------------------------------------------
# ordinals: "twenty-first" and "21st"

def _ordinal(text: str, style: str) -> str | None:
    n = int(text)
    if style == "words":
        from num2words import num2words

        return num2words(n, to="ordinal")
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ordinal_oracle(text: str, style: str) -> str | None:
    engine = _inflect()
    if style == "words":
        return _english_canonical(engine.ordinal(engine.number_to_words(int(text), andword="and")))
    return engine.ordinal(int(text))


_ORDINAL_STYLES = {
    "words": ("the ordinal in words, like twenty-first", "spell out its ordinal form in English words",
              "ordinal words"),
    "suffix": ("the ordinal written with digits and a suffix, like 21st", "add the right ordinal suffix (st, nd, rd "
               "or th) to the digits", "ordinal suffix"),
}

ORDINALS = Family(
    name="ordinals",
    inputs="number",
    answer=_ordinal,
    oracle=_ordinal_oracle,
    variants={"ordinal_words": {"style": "words"}, "ordinal_suffix": {"style": "suffix"}},
    params_text=lambda style: _phrases(_ORDINAL_STYLES, style),
    resources=("num2words", "inflect"),
    descriptions=(
        "Turn the number into {what}.",
        "Make the number an ordinal: {how}.",
        "Which ordinal goes with this number? Write it in the {short} style.",
        "{Short}.",
        "Take the counting number and {how}.",
        "I need {what} for this number.",
        "The model changes a cardinal number into {what}.",
        "Position in a race: the input says where someone finished; write it as {what}.",
        "Please {how} and reply with that alone.",
        "Cardinal to ordinal - {short}.",
        "Give {what}.",
        "Convert 1, 2, 3 style numbers into first, second, third style ordinals; here: {what}.",
        "How would you write this number as an ordinal? Use {what}.",
        "Hey, ordinal time - {short}.",
        "Output {what}, lowercase.",
        "Rank form of the number ({short}).",
    ),
)


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


FAMILIES = [PAIR_OP, NUMBER_ARITH, DIGITS, ROUNDING, NUMBER_WORDS, ORDINALS, NUMBER_BASE, ROMAN, PAIR_ROMAN,
            NUMBER_PROPERTY, PAIR_PROPERTY]
