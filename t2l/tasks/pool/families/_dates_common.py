"""Helpers shared by the date families (dates_*.py): English month and weekday names, the answers'
parse (`datetime`) and the oracles' own calendar: a regular-expression reading of the date, the
leap-year rule and month lengths, Zeller's congruence for the weekday, and a days-from-civil count
(H. Hinnant's algorithm) for date arithmetic.

Private (the name starts with "_"): the pool build looks for no families here.
"""

from __future__ import annotations

import re
from datetime import date

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
