"""Dates: fields, weekdays, shifted dates, formats, calendar facts and yes/no questions about a date.

Input kind: `date` (ISO yyyy-mm-dd between 1950 and 2049). Answers come from Python's `datetime` and
`calendar`; oracles parse the text with a regular expression and compute by hand: Zeller's congruence
for the weekday, a days-from-civil count (H. Hinnant's algorithm) for date arithmetic, their own month
tables and leap-year rule. Month and weekday names are English.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from t2l.tasks.pool.core import Family

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _parse(text: str) -> date:
    return date.fromisoformat(text)


def _ymd(text: str) -> tuple[int, int, int]:
    """The oracles' own reading of the date: a regular expression, no datetime."""
    y, m, d = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text).groups()
    return int(y), int(m), int(d)


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _month_length(y: int, m: int) -> int:
    return 29 if m == 2 and _is_leap(y) else _MONTH_DAYS[m - 1]


def _zeller(y: int, m: int, d: int) -> int:
    """ISO weekday (1 = Monday ... 7 = Sunday) by Zeller's congruence."""
    if m < 3:
        m, y = m + 12, y - 1
    k, j = y % 100, y // 100
    h = (d + 13 * (m + 1) // 5 + k + k // 4 + j // 4 + 5 * j) % 7   # 0 = Saturday
    return (h + 5) % 7 + 1


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


# --- fields of the date -----------------------------------------------------------------------------------

def _field(text: str, field: str) -> str | None:
    d = _parse(text)
    if field in ("month_name", "month_abbr"):
        return d.strftime("%B" if field == "month_name" else "%b")
    return str(getattr(d, field))


def _field_oracle(text: str, field: str) -> str | None:
    y, m, d = _ymd(text)
    return {"year": str(y), "month": str(m), "day": str(d), "month_name": _MONTHS[m - 1],
            "month_abbr": _MONTHS[m - 1][:3]}[field]


_FIELD_TEXT = {
    "year": ("year", "the four-digit year", "1998"),
    "month": ("month number", "the month as a number from 1 to 12, no leading zero", "3"),
    "day": ("day of the month", "the day of the month as a number, no leading zero", "5"),
    "month_name": ("month name", "the full English name of the month", "March"),
    "month_abbr": ("abbreviated month name", "the month's three-letter English abbreviation", "Mar"),
}


def _field_words(field: str) -> dict:
    what, detail, example = _FIELD_TEXT[field]
    return {"what": what, "detail": detail, "example": example}


DATE_FIELD = Family(
    name="date_field",
    inputs="date",
    answer=_field,
    oracle=_field_oracle,
    variants={"date_year": {"field": "year"}, "date_month_number": {"field": "month"},
              "date_day_of_month": {"field": "day"}, "date_month_name": {"field": "month_name"},
              "date_month_abbreviation": {"field": "month_abbr"}},
    params_text=_field_words,
    resources=(),
    descriptions=(
        "What is the {what} of this date?",
        "State the {what} found in this date.",
        "Extract {detail}.",
        "From 1998-03-05 you would answer {example}. Do the same for this date.",
        "I need the {what} of the date below.",
        "The model reads an ISO date (yyyy-mm-dd) and returns {detail}.",
        "{what}?",
        "Pull out the {what} from the date and reply with it alone.",
        "Here is a date. Tell me its {what}.",
        "Answer with {detail}.",
        "Isolate the {what} component of the yyyy-mm-dd string.",
        "Could you read the {what} off this date for me?",
        "Date in, {what} out.",
        "Report {detail} for the given yyyy-mm-dd date.",
        "Look at the date and write down its {what}; nothing more.",
        "Just the {what}, please.",
    ),
)


# --- the day of the week ----------------------------------------------------------------------------------

def _weekday(text: str, form: str) -> str | None:
    d = _parse(text)
    return {"name": d.strftime("%A"), "abbr": d.strftime("%a"), "number": str(d.isoweekday())}[form]


def _weekday_oracle(text: str, form: str) -> str | None:
    n = _zeller(*_ymd(text))
    return {"name": _WEEKDAYS[n - 1], "abbr": _WEEKDAYS[n - 1][:3], "number": str(n)}[form]


_WEEKDAY_TEXT = {
    "name": ("day of the week", "the weekday's full English name", "Thursday"),
    "abbr": ("abbreviated weekday", "the weekday's three-letter abbreviation", "Thu"),
    "number": ("ISO weekday number", "the weekday as a number, 1 for Monday up to 7 for Sunday", "4"),
}


def _weekday_words(form: str) -> dict:
    what, detail, example = _WEEKDAY_TEXT[form]
    return {"what": what, "detail": detail, "example": example}


DATE_WEEKDAY = Family(
    name="date_weekday",
    inputs="date",
    answer=_weekday,
    oracle=_weekday_oracle,
    variants={"date_weekday_name": {"form": "name"}, "date_weekday_abbreviation": {"form": "abbr"},
              "date_weekday_number": {"form": "number"}},
    params_text=_weekday_words,
    distractors=3,
    resources=(),
    descriptions=(
        "Which day of the week was this? Give {detail}.",
        "What is the {what} for this date?",
        "Choose {detail} of the date.",
        "1998-03-05 was a Thursday, so the answer there is '{example}'. What is it for this date?",
        "The model determines the {what} on which a given calendar date falls.",
        "{what}?",
        "Calendar question: give the {what} of the date shown.",
        "Work out which weekday this date fell or falls on and answer with {detail}.",
        "Select the {what}.",
        "Tell me the {what} for this day.",
        "Date in, {what} out.",
        "Find the weekday of this yyyy-mm-dd date; reply as {detail}.",
        "Hey, what {what} is that?",
        "Pick the option giving the {what} of the date.",
        "Figure out the {what} of the given Gregorian date.",
        "Report {detail}.",
    ),
)


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


# --- writing the date another way -------------------------------------------------------------------------

def _format(text: str, style: str) -> str | None:
    d = _parse(text)
    pattern = {"us": "%m/%d/%Y", "european": "%d.%m.%Y", "dmy_slash": "%d/%m/%Y", "compact": "%Y%m%d",
               "written": f"%B {d.day}, %Y", "written_day_first": f"{d.day} %B %Y"}[style]
    return d.strftime(pattern)


def _format_oracle(text: str, style: str) -> str | None:
    y, m, d = _ymd(text)
    name = _MONTHS[m - 1]
    return {"us": "%02d/%02d/%04d" % (m, d, y), "european": "%02d.%02d.%04d" % (d, m, y),
            "dmy_slash": "%02d/%02d/%04d" % (d, m, y), "compact": text.replace("-", ""),
            "written": "%s %d, %d" % (name, d, y), "written_day_first": "%d %s %d" % (d, name, y)}[style]


_FORMAT_TEXT = {
    "us": ("US style", "mm/dd/yyyy", "03/05/1998", "month, day and year separated by slashes, month first"),
    "european": ("European dotted style", "dd.mm.yyyy with dots", "05.03.1998 (dots)",
                 "day, month and year separated by dots"),
    "dmy_slash": ("British style", "dd/mm/yyyy with slashes", "05/03/1998 (slashes)",
                  "day first, then month and year, with slashes"),
    "compact": ("compact form", "yyyymmdd", "19980305", "eight digits with no separators"),
    "written": ("written-out American form", "Month D, YYYY", "March 5, 1998",
                "the month's name, the day without a leading zero, a comma, then the year"),
    "written_day_first": ("written-out day-first form", "D Month YYYY", "5 March 1998",
                          "the day, the month's name and the year"),
}


def _format_words(style: str) -> dict:
    name, pattern, example, detail = _FORMAT_TEXT[style]
    return {"name": name, "pattern": pattern, "example": example, "detail": detail}


DATE_FORMAT = Family(
    name="date_format",
    inputs="date",
    answer=_format,
    oracle=_format_oracle,
    variants={"date_us_format": {"style": "us"}, "date_european_format": {"style": "european"},
              "date_dmy_slash_format": {"style": "dmy_slash"}, "date_compact_format": {"style": "compact"},
              "date_written_format": {"style": "written"}},
    heldout={"date_written_day_first": {"style": "written_day_first"}},
    params_text=_format_words,
    resources=(),
    descriptions=(
        "Rewrite the date in {name} ({pattern}).",
        "Convert this ISO date to {pattern}.",
        "Example: 1998-03-05 becomes {example}. Convert the date the same way.",
        "Write the date as {detail}.",
        "I need this date in {name}.",
        "The model reformats a yyyy-mm-dd date into {pattern}.",
        "{pattern}, please.",
        "Could you put the date into {name}?",
        "Same date, written {pattern}.",
        "Reformat: {detail}.",
        "Change the date's format to {name}; give only the date.",
        "Turn yyyy-mm-dd into {pattern}.",
        "How would this date look in {name}?",
        "Output the date in the form {example} - that one is the 5th of March 1998.",
        "Date in ISO form -> same date in {name}.",
        "The day stays the same and only the notation changes: {detail}.",
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

FAMILIES = [DATE_FIELD, DATE_WEEKDAY, DATE_SHIFT, DATE_FORMAT, DATE_CALENDAR, DATE_PERIOD, DATE_YES_NO]
