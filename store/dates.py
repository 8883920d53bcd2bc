"""Dates as the sources give them, turned into ISO dates where the source says enough.

Daily Papers pages show `Mar 24, 2023`, or `Feb 27` for the current year; the API and arXiv
give ISO times. A date without a year becomes ISO only when the page it came from names its
own year; otherwise it is kept as shown, never completed with a guessed year.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_DATE_TEXT = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@lru_cache(maxsize=4096)
def parse_date_text(text: str | None) -> tuple[int | None, int, int] | None:
    """("Mar 24, 2023") -> (2023, 3, 24); ("Feb 27") -> (None, 2, 27); anything else -> None."""
    if not text:
        return None
    match = _DATE_TEXT.match(text)
    if not match or match.group(1).lower() not in MONTHS:
        return None
    year = int(match.group(3)) if match.group(3) else None
    month, day = MONTHS[match.group(1).lower()], int(match.group(2))
    if not 1 <= day <= 31:
        return None
    return year, month, day


def iso_day(value: object) -> str | None:
    """The YYYY-MM-DD of an ISO date or time (`2026-08-20T00:00:00.000Z`), None if it is not one."""
    if not isinstance(value, str):
        return None
    match = _ISO_DAY.match(value.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def page_dates(shown: str | None, page_date: str | None) -> tuple[str | None, str | None, str | None]:
    """A dump paper's dates: (published ISO, published as shown when no year is known, list day
    ISO). The year of a date shown without one comes from the page's own date when that has a
    year (a paper shown as `Dec 30` on a page of Jan 3, 2025 is from 2024)."""
    page = parse_date_text(page_date)
    list_day = _iso(page[0], page[1], page[2]) if page and page[0] else None
    parsed = parse_date_text(shown)
    if parsed is None:
        return None, shown or None, list_day
    year, month, day = parsed
    if year is None and page and page[0]:
        year = page[0] - 1 if (month, day) > (page[1], page[2]) else page[0]
    published = _iso(year, month, day) if year else None
    return published, None if published else shown, list_day


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_key(iso: str | None, shown: str | None = None) -> tuple[int, int, int]:
    """A key that sorts dates oldest first: an ISO date, else a date as shown. A shown date
    without a year (the page's current year) sorts after every dated one; none at all first."""
    if iso:
        return int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    parsed = parse_date_text(shown)
    if parsed is None:
        return (0, 0, 0)
    year, month, day = parsed
    return (year if year is not None else 9999, month, day)


def short_date(iso: str | None, shown: str | None = None) -> str:
    """`Aug 20, 2026` for an ISO date, the shown text otherwise, "" when none."""
    if iso:
        year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
        return f"{_MONTH_NAMES[month - 1]} {day}, {year}"
    return shown or ""


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def days_of(period: str) -> list[str]:
    """The ISO days of `YYYY-MM-DD`, `YYYY-Www` (ISO week, Monday first) or `YYYY-MM`;
    ValueError with a message for anything else."""
    period = period.strip()
    day = iso_day(period)
    if day is not None and len(period) == 10:
        return [day]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        raise ValueError(f"{period!r}: no such day")
    week = _ISO_WEEK.match(period)
    if week:
        try:
            monday = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        except ValueError:
            raise ValueError(f"{period!r}: no such ISO week") from None
        return [(monday + timedelta(days=offset)).isoformat() for offset in range(7)]
    month = _ISO_MONTH.match(period)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        if not 1 <= number <= 12:
            raise ValueError(f"{period!r}: no such month")
        first = date(year, number, 1)
        following = date(year + (number == 12), number % 12 + 1, 1)
        return [(first + timedelta(days=offset)).isoformat() for offset in range((following - first).days)]
    raise ValueError(f"{period!r}: expected a date YYYY-MM-DD, a week YYYY-Www or a month YYYY-MM")


def utc_today() -> str:
    """Today's date in UTC, ISO (Daily Papers lists are per UTC day)."""
    return datetime.now(UTC).date().isoformat()
