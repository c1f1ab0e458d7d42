"""Dates read and rewritten: their fields (year, month, day, month name), the day of the week, and the
date in other formats.

Input kind: `date` (ISO yyyy-mm-dd between 1950 and 2049). Answers come from Python's `datetime`;
oracles parse the text with a regular expression and compute by hand (_dates_common.py): Zeller's
congruence for the weekday, their own month tables. Month and weekday names are English.
"""

from __future__ import annotations

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._dates_common import _MONTHS, _WEEKDAYS, _parse, _ymd, _zeller

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

FAMILIES = [DATE_FIELD, DATE_WEEKDAY, DATE_FORMAT]
