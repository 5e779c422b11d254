"""Resolve the date expressions of news text ("on Friday", "in January", "December 5-6") honestly.

A news article rarely gives a full date. This module turns its words into a :class:`DateResolution`
that keeps the words, the value they resolve to (typed by precision), the first and last day they can
mean, and a note saying how they were resolved and against what reference date. Where the text does not
allow a resolution (a weekday in an undated article), the result says so and carries no value.

>>> r = resolve("on Friday", reference=date(2023, 7, 1))
>>> r.value, r.precision, r.note
('2023-06-30', 'day', 'the Friday before the reference date 2023-07-01 (Saturday)')
>>> resolve("December 5-6").value, resolve("December 5-6").precision
('--12-05', 'day')
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "week", "month", "year"]
Direction = Literal["past", "future"]

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
}  # fmt: skip

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_LEAD = r"^(?:(?:on|in|since|by|until|till|from|as of|at|of)\s+)?(?:the\s+)?"


class DateError(ValueError):
    """The expression is not one this module understands; the annotation must be fixed."""


@dataclass(frozen=True)
class DateResolution:
    """What a date expression means, as far as the text allows."""

    text: str
    value: str | None = None
    datatype: str | None = None  # XSD local name: date, gYearMonth, gYear, gMonth, gMonthDay
    value_end: str | None = None
    precision: Precision | None = None
    earliest: date | None = None
    latest: date | None = None
    note: str = ""

    @property
    def resolved(self) -> bool:
        """True when the year is known, so the claim has earliest/latest days."""
        return self.earliest is not None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _day(text: str, d: date, note: str, end: date | None = None) -> DateResolution:
    return DateResolution(
        text, d.isoformat(), "date", end.isoformat() if end else None, "day", d, end or d, note
    )


def _month(text: str, year: int, month: int, note: str) -> DateResolution:
    return DateResolution(
        text, f"{year:04d}-{month:02d}", "gYearMonth", None, "month", date(year, month, 1),
        _month_end(year, month), note,
    )  # fmt: skip


def _year(text: str, year: int, note: str) -> DateResolution:
    return DateResolution(text, f"{year:04d}", "gYear", None, "year", date(year, 1, 1), date(year, 12, 31), note)


def _unresolved(text: str, note: str) -> DateResolution:
    return DateResolution(text, note=note)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + n
    return total // 12, total % 12 + 1


def _year_for(month: int, day: int | None, reference: date, direction: Direction) -> int:
    """The year in which a month (and day) given without a year falls, seen from the reference date."""
    if day is None:
        same = month <= reference.month if direction == "past" else month >= reference.month
    else:
        probe = date(reference.year, month, day)
        same = probe <= reference if direction == "past" else probe >= reference
    if same:
        return reference.year
    return reference.year - 1 if direction == "past" else reference.year + 1


def resolve(
    text: str,
    reference: date | None = None,
    *,
    direction: Direction | None = None,
    anchor: DateResolution | None = None,
    reference_note: str = "the reference date",
) -> DateResolution:
    """Resolve ``text`` against ``reference`` (the article's date, if it has one).

    Args:
        text: The article's words, e.g. "on Friday", "In June last year", "December 31, 2023".
        reference: The date the article speaks from; ``None`` for an undated article.
        direction: Whether a month or day given without a year lies before ("past") or after ("future")
            the reference. Default: "future" after "by"/"until", else "past".
        anchor: For "nine months later": the date it counts from.
        reference_note: How to name the reference in the note ("the publication date", ...).
    """
    raw = " ".join(text.split())
    s = raw.lower().rstrip(".,")
    if direction is None:
        direction = "future" if re.match(r"^(by|until|till)\b", s) else "past"
    ref = f"{reference_note} {reference.isoformat()} ({reference.strftime('%A')})" if reference else ""

    # Full dates: "December 31, 2023", "Saturday July 1, 2023", "7 Nov 2024", "21 April 2024", "01/07/2023".
    m = re.match(_LEAD + r"(?:" + _WEEKDAY + r",?\s+)?" + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$", s)
    if m:
        return _day(raw, date(int(m["year"]), MONTHS[m["month"]], int(m["day"])), "stated in full")
    m = re.match(_LEAD + r"(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>\d{4})$", s)
    if m:
        return _day(raw, date(int(m["year"]), MONTHS[m["month"]], int(m["day"])), "stated in full")
    m = re.match(_LEAD + r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})$", s)
    if m:
        d = date(int(m["year"]), int(m["month"]), int(m["day"]))
        return _day(raw, d, "stated in full, read day-first (dd/mm/yyyy) as the publisher writes dates")
    m = re.match(_LEAD + r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$", s)
    if m:
        return _day(raw, date(int(m["year"]), int(m["month"]), int(m["day"])), "stated in full")

    # Month and year: "September 2022", "since April 2013", "at the end of 2024" is handled below.
    m = re.match(_LEAD + _MONTH + r",?\s+(?P<year>\d{4})$", s)
    if m:
        return _month(raw, int(m["year"]), MONTHS[m["month"]], "stated as month and year")

    # A year: "2013", "in 2020", "by the end of 2024".
    m = re.match(_LEAD + r"(?:(?:the\s+)?end of\s+)?(?P<year>\d{4})$", s)
    if m:
        return _year(raw, int(m["year"]), "stated as a year")

    # Month and day without a year, possibly a range: "December 5-6", "June 30", "Saturday July 1".
    m = re.match(
        _LEAD + r"(?:" + _WEEKDAY + r",?\s+)?" + _MONTH + r"\s+(?P<day>\d{1,2})(?:\s*[-–]\s*(?P<day2>\d{1,2}))?$", s
    )
    if m:
        month, day = MONTHS[m["month"]], int(m["day"])
        day2 = int(m["day2"]) if m["day2"] else None
        if reference is None:
            return DateResolution(
                raw, f"--{month:02d}-{day:02d}", "gMonthDay", f"--{month:02d}-{day2:02d}" if day2 else None, "day",
                note="day and month stated; the year is not, and the article carries no date to infer it from",
            )  # fmt: skip
        year = _year_for(month, day, reference, direction)
        if m["weekday"] and date(year, month, day).weekday() != WEEKDAYS[m["weekday"]]:
            raise DateError(f"{raw!r}: {m['weekday']} does not fall on {m['month']} {day} in {year}")
        side = "on or before" if direction == "past" else "on or after"
        note = f"year taken as that of the first {m['month'].title()} {day} {side} {ref}"
        return _day(raw, date(year, month, day), note, date(year, month, day2) if day2 else None)

    # A month without a year: "In January", "this past June", "earlier this year in February".
    m = re.match(r"^(?:(?P<rel>this past|earlier this year in|in|by|until)\s+)?" + _MONTH + r"(?P<last>\s+last year)?$", s)
    if m and (m["rel"] or m["last"]):
        month = MONTHS[m["month"]]
        if reference is None:
            return DateResolution(
                raw, f"--{month:02d}", "gMonth", None, "month",
                note="month stated; the year is not, and the article carries no date to infer it from",
            )  # fmt: skip
        if m["last"]:
            return _month(raw, reference.year - 1, month, f"'last year' counted from {ref}")
        if m["rel"] == "earlier this year in":
            return _month(raw, reference.year, month, f"'this year' is the year of {ref}")
        year = _year_for(month, None, reference, direction)
        word = "latest" if direction == "past" else "next"
        return _month(raw, year, month, f"the {word} {m['month'].title()} as seen from {ref}")

    # "Late last year", "earlier this month".
    m = re.match(r"^(?:(?:late|early|earlier)\s+)?(?P<which>last|this)\s+(?P<unit>year|month)$", s)
    if m:
        if reference is None:
            return _unresolved(raw, "relative to the publication date, which the article does not give")
        if m["unit"] == "year":
            year = reference.year - (1 if m["which"] == "last" else 0)
            return _year(raw, year, f"'{m['which']} year' counted from {ref}")
        if m["which"] == "this" and s.startswith("earlier") and reference.day == 1:
            y, mo = _add_months(reference.year, reference.month, -1)
            note = (f"{ref} is the first of its month, so nothing in it is 'earlier'; read as the month before "
                    "(the text was likely written then)")  # fmt: skip
            return _month(raw, y, mo, note)
        y, mo = (reference.year, reference.month) if m["which"] == "this" else _add_months(
            reference.year, reference.month, -1
        )
        return _month(raw, y, mo, f"'{m['which']} month' counted from {ref}")

    # A weekday: "on Friday", "Friday's meeting", "on Thursday".
    m = re.match(r"^(?:on\s+)?" + _WEEKDAY + r"(?:['’]s)?$", s)
    if m:
        if reference is None:
            return _unresolved(raw, "a weekday, relative to a publication date that the article does not give")
        back = (reference.weekday() - WEEKDAYS[m["weekday"]]) % 7
        d = reference - timedelta(days=back)
        if back == 0:
            return _day(raw, d, f"the same day as {ref}")
        return _day(raw, d, f"the {m['weekday'].title()} before {ref}")

    # "at the beginning of the week": the week of the reference date.
    if re.match(r"^(?:at\s+)?(?:the\s+)?(?:beginning|start) of the week$", s):
        if reference is None:
            return _unresolved(raw, "relative to a publication date that the article does not give")
        monday = reference - timedelta(days=reference.weekday())
        return DateResolution(
            raw, monday.isoformat(), "date", None, "week", monday, monday + timedelta(days=2),
            f"the first days (Monday to Wednesday) of the week of {ref}",
        )  # fmt: skip

    # "two weeks ago", "10 days ago".
    m = re.match(r"^(?P<n>\d+|" + "|".join(NUMBERS) + r")\s+(?P<unit>day|week|month|year)s?\s+ago$", s)
    if m:
        n = int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"]]
        if reference is None:
            return _unresolved(raw, "relative to a publication date that the article does not give")
        if m["unit"] in ("day", "week"):
            days = n * (7 if m["unit"] == "week" else 1)
            d = reference - timedelta(days=days)
            prec: Precision = "week" if m["unit"] == "week" else "day"
            lo, hi = (d - timedelta(days=3), d + timedelta(days=3)) if prec == "week" else (d, d)
            return DateResolution(
                raw, d.isoformat(), "date", None, prec, lo, hi,
                f"{days} days before {ref}; approximate to the {prec}",
            )  # fmt: skip
        if m["unit"] == "month":
            y, mo = _add_months(reference.year, reference.month, -n)
            return _month(raw, y, mo, f"{n} months before {ref}")
        return _year(raw, reference.year - n, f"{n} years before {ref}")

    # "nine months later": counted from an anchor date given by the annotation.
    m = re.match(r"^(?P<n>\d+|" + "|".join(NUMBERS) + r")\s+(?P<unit>month|year)s?\s+later$", s)
    if m:
        n = int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"]]
        if anchor is None or anchor.precision is None or anchor.earliest is None:
            return _unresolved(raw, "counted from an earlier event whose date is not known precisely enough")
        if m["unit"] == "year":
            return _year(raw, anchor.earliest.year + n, f"{n} years after {anchor.text!r} ({anchor.value})")
        if anchor.precision == "year":
            return _unresolved(raw, f"{n} months after {anchor.text!r}, known only to the year ({anchor.value})")
        y, mo = _add_months(anchor.earliest.year, anchor.earliest.month, n)
        return _month(raw, y, mo, f"{n} months after {anchor.text!r} ({anchor.value})")

    raise DateError(f"date expression not understood: {raw!r}")
