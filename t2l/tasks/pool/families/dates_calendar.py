"""Dates on the calendar: shifted by days, calendar facts (day of the year, days in the month, decade,
days left), the quarter or season, and yes/no questions about a date.

Input kind: `date` (ISO yyyy-mm-dd between 1950 and 2049). Answers come from Python's `datetime` and
`calendar`; oracles parse the text with a regular expression and compute by hand (_dates_common.py):
a days-from-civil count (H. Hinnant's algorithm) for date arithmetic, Zeller's congruence for the
weekday, their own month tables and leap-year rule.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._dates_common import (_civil_from_days, _days_from_civil, _is_leap, _month_length,
                                                    _parse, _ymd, _zeller)

# --- adding or subtracting days ---------------------------------------------------------------------------

def _shift(text: str, k: int) -> str | None:
    return (_parse(text) + timedelta(days=k)).isoformat()


def _shift_oracle(text: str, k: int) -> str | None:
    y, m, d = _civil_from_days(_days_from_civil(*_ymd(text)) + k)
    return f"{y:04d}-{m:02d}-{d:02d}"


def _shift_words(k: int) -> dict:
    n = abs(k)
    days = "1 day" if n == 1 else f"{n} days"
    op = "add" if k > 0 else "subtract"
    rel = "after" if k > 0 else "before"
    to_from = f"{op.capitalize()} {days} {'to' if k > 0 else 'from'} the date"
    return {"days": days, "op": op, "Op": op.capitalize(), "rel": rel, "n": n, "to_from": to_from,
            "signed": f"plus {days}" if k > 0 else f"minus {days}", "dir": "forward" if k > 0 else "back"}


DATE_SHIFT = Family(
    name="date_shift",
    inputs="date",
    answer=_shift,
    oracle=_shift_oracle,
    variants={"date_plus_1_day": {"k": 1}, "date_plus_7_days": {"k": 7}, "date_plus_10_days": {"k": 10},
              "date_plus_30_days": {"k": 30}, "date_plus_100_days": {"k": 100}, "date_minus_1_day": {"k": -1},
              "date_minus_7_days": {"k": -7}, "date_minus_30_days": {"k": -30}},
    heldout={"date_plus_3_days": {"k": 3}},
    params_text=_shift_words,
    resources=(),
    descriptions=(
        "{to_from}.",
        "What date is {days} {rel} this one?",
        "Give the date {days} {rel}, in yyyy-mm-dd form.",
        "Move the date {dir} by {days}.",
        "I need the date that falls {days} {rel} the given one.",
        "The model takes an ISO date, computes that date {signed}, and prints the new ISO date.",
        "Date {signed} = ?",
        "Count {days} {dir} in the calendar from this date; answer as year-month-day.",
        "If today were this date, what would the date be {days} {rel}?",
        "{Op} {n} day(s), keeping the yyyy-mm-dd format.",
        "Shift the date: {signed}.",
        "Could you tell me the date {days} {rel} the one below?",
        "Calendar arithmetic: the input date {signed}. Watch month and year boundaries.",
        "Land on the day that lies {days} {rel} the input and name it.",
        "Roll the date {dir} {days} and write the result.",
        "Take the date and {op} exactly {days}; output the ISO date.",
    ),
)


# --- calendar facts ---------------------------------------------------------------------------------------

def _calendar_fact(text: str, fact: str) -> str | None:
    d = _parse(text)
    if fact == "day_of_year":
        return str(d.timetuple().tm_yday)
    if fact == "days_in_month":
        return str(calendar.monthrange(d.year, d.month)[1])
    if fact == "decade":
        return f"{d.year // 10 * 10}s"
    if fact == "days_left":
        return str((date(d.year, 12, 31) - d).days)
    raise ValueError(fact)


def _calendar_fact_oracle(text: str, fact: str) -> str | None:
    y, m, d = _ymd(text)
    day_of_year = sum(_month_length(y, i) for i in range(1, m)) + d
    if fact == "day_of_year":
        return str(day_of_year)
    if fact == "days_in_month":
        return str(_month_length(y, m))
    if fact == "decade":
        return text[:3] + "0s"
    if fact == "days_left":
        return str((366 if _is_leap(y) else 365) - day_of_year)
    raise ValueError(fact)


_CALENDAR_TEXT = {
    "day_of_year": ("day of the year", "which day of its year the date is, counting January 1 as day 1", "64"),
    "days_in_month": ("number of days in the month", "how many days the date's month has that year", "31"),
    "decade": ("decade", "the decade the date falls in, written like 1990s", "1990s"),
    "days_left": ("number of days left in the year", "how many days remain after this date until December 31 inclusive",
                  "301"),
}


def _calendar_words(fact: str) -> dict:
    what, detail, example = _CALENDAR_TEXT[fact]
    return {"what": what, "detail": detail, "example": example}


DATE_CALENDAR = Family(
    name="date_calendar",
    inputs="date",
    answer=_calendar_fact,
    oracle=_calendar_fact_oracle,
    variants={"date_day_of_year": {"fact": "day_of_year"}, "date_days_in_month": {"fact": "days_in_month"},
              "date_decade": {"fact": "decade"}, "date_days_left_in_year": {"fact": "days_left"}},
    params_text=_calendar_words,
    resources=(),
    descriptions=(
        "What is the {what} for this date?",
        "Give the {what}.",
        "Starting from the date given, determine the {what}; a short answer is enough.",
        "For 1998-03-05 the answer is {example}. What is it for this date?",
        "I need the {what} of the date below.",
        "The model computes {detail} for an ISO date.",
        "{what}?",
        "Tell me {detail}.",
        "Given a yyyy-mm-dd date, output the {what}.",
        "Could you figure out the {what} here?",
        "Date in, {what} out.",
        "Calculate the {what}; remember leap years.",
        "Using the Gregorian calendar, report {detail}.",
        "Find the {what} for the given day.",
        "Answer with just the {what}.",
        "Hey, what's the {what} of this one?",
    ),
)


# --- period of the year (multiple choice) -----------------------------------------------------------------

_SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "summer",
            7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


def _period(text: str, kind: str) -> str | None:
    d = _parse(text)
    if kind == "quarter":
        return f"Q{(d.month - 1) // 3 + 1}"
    return _SEASONS[d.month]


def _period_oracle(text: str, kind: str) -> str | None:
    _, m, _ = _ymd(text)
    if kind == "quarter":
        return "Q" + "111222333444"[m - 1]
    return ("winter", "spring", "summer", "autumn")[(m % 12) // 3]


_PERIOD_TEXT = {
    "quarter": ("quarter", "the calendar quarter (Q1 to Q4)", "Q1"),
    "season": ("season", "the meteorological season in the northern hemisphere (winter is December to February)",
               "spring"),
}


def _period_words(kind: str) -> dict:
    what, detail, example = _PERIOD_TEXT[kind]
    return {"what": what, "detail": detail, "example": example}


DATE_PERIOD = Family(
    name="date_period",
    inputs="date",
    answer=_period,
    oracle=_period_oracle,
    variants={"date_quarter": {"kind": "quarter"}, "date_season": {"kind": "season"}},
    params_text=_period_words,
    distractors=3,
    resources=(),
    descriptions=(
        "Which {what} does this date fall in?",
        "Give {detail} of the date.",
        "Choose the {what}.",
        "1998-03-05 is in {example}. Which {what} is this date in?",
        "The model classifies a date by {detail}.",
        "{what}?",
        "I need to know the {what} for the date below.",
        "Pick {detail}.",
        "Tell me which {what} the date belongs to.",
        "Date in, {what} out.",
        "Look at the month and select the matching {what}.",
        "Could you tell me the {what} of this day?",
        "Sort this date into its {what}.",
        "What {what} is it on this date? Use {detail}.",
        "Select the option naming the date's {what}.",
        "Find the {what} that contains the given yyyy-mm-dd date.",
    ),
)


# --- yes/no questions -------------------------------------------------------------------------------------

def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _ask(text: str, test: str) -> str | None:
    d = _parse(text)
    tests = {"leap": lambda: calendar.isleap(d.year), "weekend": lambda: d.weekday() >= 5,
             "first_half": lambda: d.month <= 6, "before_2000": lambda: d < date(2000, 1, 1),
             "odd_day": lambda: d.day % 2 == 1}
    return _yes(tests[test]())


def _ask_oracle(text: str, test: str) -> str | None:
    y, m, d = _ymd(text)
    return _yes({"leap": _is_leap(y), "weekend": _zeller(y, m, d) in (6, 7), "first_half": text[5:7] <= "06",
                 "before_2000": text < "2000", "odd_day": text[-1] in "13579"}[test])


_ASK_TEXT = {
    "leap": ("Is the date in a leap year?", "the date's year is a leap year", "the year has a February 29"),
    "weekend": ("Does the date fall on a weekend?", "the date is a Saturday or a Sunday", "it is a weekend day"),
    "first_half": ("Is the date in the first half of the year?", "the date falls between January and June",
                   "it is in January to June"),
    "before_2000": ("Is the date before the year 2000?", "the date comes before January 1, 2000",
                    "it is earlier than 2000"),
    "odd_day": ("Is the day of the month an odd number?", "the day-of-month number is odd", "the day number is odd"),
}


def _ask_words(test: str) -> dict:
    q, cond, short = _ASK_TEXT[test]
    return {"q": q, "cond": cond, "short": short}


DATE_YES_NO = Family(
    name="date_yes_no",
    inputs="date",
    answer=_ask,
    oracle=_ask_oracle,
    variants={"date_is_leap_year": {"test": "leap"}, "date_is_weekend": {"test": "weekend"},
              "date_in_first_half": {"test": "first_half"}, "date_before_2000": {"test": "before_2000"},
              "date_odd_day": {"test": "odd_day"}},
    params_text=_ask_words,
    labels=("yes", "no"),
    resources=(),
    descriptions=(
        "{q}",
        "Yes when {short}; no in every other case.",
        "Say yes if {cond}, otherwise no.",
        "Check whether {cond}.",
        "The model answers yes when {cond} and no otherwise.",
        "Yes or no: {short}?",
        "I'd like to know if {cond}. Reply with one word.",
        "Given the yyyy-mm-dd date shown, is this true: {short}? yes/no",
        "Decide if {cond}; answer yes or no.",
        "Reply 'yes' when {short}, 'no' when not.",
        "Date check - {short}? Reply yes/no.",
        "Is it true that {cond}?",
        "Classify the date: yes means {cond}.",
        "Tell me whether {short}, with a plain yes or no.",
        "Given an ISO date, output yes if {cond}, else no.",
        "Look at the date. Does this hold: {short}?",
    ),
)

FAMILIES = [DATE_SHIFT, DATE_CALENDAR, DATE_PERIOD, DATE_YES_NO]
