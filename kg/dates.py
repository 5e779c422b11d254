"""Resolve the date expressions of news text ("on Friday", "in January", "December 5-6") honestly.

A news article rarely gives a full date. This module turns its words into a :class:`DateResolution`
that keeps the words, the value they resolve to (typed by precision), the first and last day they can
mean, and a note saying how they were resolved and against what reference date. Where the text does not
allow a resolution (a weekday in an undated article), the result says so and carries no value.

Precision comes from the words alone: nothing is filled in from the clock, and a part of a year or month
("late 2021", "earlier this month") keeps the precision of what is named (the year, the month) while its
earliest and latest days say which part is meant.

>>> r = resolve("on Friday", reference=date(2023, 7, 1))
>>> r.value, r.precision, r.note
('2023-06-30', 'day', 'the Friday before the reference date 2023-07-01 (Saturday)')
>>> resolve("December 5-6").value, resolve("December 5-6").precision
('--12-05', 'day')
>>> r = resolve("since late 2021")
>>> r.value, r.precision, r.earliest, r.latest, r.note  # doctest: +NORMALIZE_WHITESPACE
('2021', 'year', datetime.date(2021, 9, 1), datetime.date(2021, 12, 31),
 'late 2021: read as September to December 2021')
>>> today = resolve("today", date(2023, 7, 1), anchor=resolve("on Friday", date(2023, 7, 1)))
>>> today.value, today.note
('2023-06-30', "the day of 'on Friday' (2023-06-30, Friday)")
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ..errors import DateError, DateNotUnderstoodError

Precision = Literal["day", "week", "month", "year"]
Direction = Literal["past", "future"]

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-four": 24,
    "thirty": 30, "thirty-six": 36,
}  # fmt: skip
_FIRST_NINE = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
ORDINALS = {word: i for i, word in enumerate(_FIRST_NINE, start=1)}
ORDINALS.update({
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    "thirty-first": 31,
})  # fmt: skip
ORDINALS.update({f"twenty-{word}": 20 + i for i, word in enumerate(_FIRST_NINE, start=1)})

#: "early 2022" is January to April, "mid-2023" May to August, "late 2021" September to December.
YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
#: "early June" is the 1st to the 10th, "mid-June" the 11th to the 20th, "late June" the 21st to the end.
MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
#: How far "in the coming days / weeks / months" reaches from the day it is said.
COMING = {"days": timedelta(days=7), "weeks": timedelta(weeks=6)}
COMING_MONTHS = 6

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = r"(?P<month>" + _MONTH_NAMES + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_LEAD = r"^(?:(?:on|in|since|by|until|till|from|as of|at|of|during)\s+)?(?:the\s+)?"
_ORDINAL = r"(?P<ord>" + "|".join(w.replace("-", r"[-\s]") for w in sorted(ORDINALS, key=len, reverse=True)) + r")"
_COUNT = r"(?P<n>\d+|an?|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year)s?"


def _month_group(name: str) -> str:
    return rf"(?P<{name}>" + _MONTH_NAMES + r")\.?"


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
    return DateResolution(text, d.isoformat(), "date", end.isoformat() if end else None, "day", d, end or d, note)


def _month(text: str, year: int, month: int, note: str) -> DateResolution:
    return DateResolution(
        text, f"{year:04d}-{month:02d}", "gYearMonth", None, "month", date(year, month, 1),
        _month_end(year, month), note,
    )  # fmt: skip


def _year(text: str, year: int, note: str) -> DateResolution:
    return DateResolution(text, f"{year:04d}", "gYear", None, "year", date(year, 1, 1), date(year, 12, 31), note)


def _span(text: str, first: date, last: date, precision: Precision, note: str) -> DateResolution:
    """A stretch from ``first`` to ``last``, valued at ``precision``: a value_end only when the two differ there."""
    if precision == "year":
        datatype, start, end = "gYear", f"{first.year:04d}", f"{last.year:04d}"
    elif precision == "month":
        datatype, start, end = "gYearMonth", f"{first:%Y-%m}", f"{last:%Y-%m}"
    else:
        datatype, start, end = "date", first.isoformat(), last.isoformat()
    return DateResolution(text, start, datatype, end if end != start else None, precision, first, last, note)


def _year_part(text: str, year: int, part: str, note: str = "") -> DateResolution:
    """ "late 2021": the year, at year precision, with earliest/latest narrowed to the part named."""
    first, last = YEAR_PARTS[part]
    named = f"mid-{year}" if part == "mid" else f"{part} {year}"
    reading = f"{named}: read as {calendar.month_name[first]} to {calendar.month_name[last]} {year}"
    return DateResolution(
        text, f"{year:04d}", "gYear", None, "year", date(year, first, 1), _month_end(year, last),
        f"{note}; {reading}" if note else reading,
    )  # fmt: skip


def _month_part(text: str, year: int, month: int, part: str, note: str = "") -> DateResolution:
    """ "late June 2023": the month, at month precision, with earliest/latest narrowed to the part named."""
    first, last = MONTH_PARTS[part]
    last = min(last, calendar.monthrange(year, month)[1])
    name = calendar.month_name[month]
    named = f"mid-{name}" if part == "mid" else f"{part} {name}"
    reading = f"{named} {year}: read as {name} {first} to {last}, {year}"
    return DateResolution(
        text, f"{year:04d}-{month:02d}", "gYearMonth", None, "month", date(year, month, first),
        date(year, month, last), f"{note}; {reading}" if note else reading,
    )  # fmt: skip


def _unresolved(text: str, note: str) -> DateResolution:
    return DateResolution(text, note=note)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + n
    return total // 12, total % 12 + 1


def _shift_months(d: date, n: int) -> date:
    """The same day ``n`` months on (or back), or the month's last day if it is shorter."""
    year, month = _add_months(d.year, d.month, n)
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


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


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    return 1 if word in ("a", "an", "the") else NUMBERS[word]


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


def _plain(s: str) -> str:
    """Ordinals as numbers and the day after its month, so one pattern reads every order.

    >>> _plain("since the first of july"), _plain("5th may, 2023"), _plain("july the 1st"), _plain("7 nov. 2024")
    ('since july 1', 'may 5, 2023', 'july 1', 'nov 7 2024')
    """
    month_ahead = r"(?=\s+(?:of\s+)?(?:" + _MONTH_NAMES + r")\b)"
    s = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", s)
    s = re.sub(r"\b" + _ORDINAL + month_ahead, lambda m: str(ORDINALS["-".join(m["ord"].split())]), s)
    s = re.sub(
        r"\b(?P<m>" + _MONTH_NAMES + r")\.?\s+(?:the\s+)?" + _ORDINAL + r"\b",
        lambda m: f"{m['m']} {ORDINALS['-'.join(m['ord'].split())]}", s,
    )  # fmt: skip
    s = re.sub(r"\b(" + _MONTH_NAMES + r")\.?\s+the\s+(\d{1,2})\b", r"\1 \2", s)
    s = re.sub(r"\b(?:the\s+)?(\d{1,2})\s+(?:of\s+)?(" + _MONTH_NAMES + r")\b\.?", r"\2 \1", s)
    return re.sub(r"\b(" + _MONTH_NAMES + r")\.(?=\s)", r"\1", s)


@dataclass(frozen=True)
class _Now:
    """The time that relative words ("today", "last year", "in the coming weeks") count from.

    The reference date; or, when the annotation gives an anchor, the anchor's date: "today" in a quotation
    is the day the statement was made, which the article gives elsewhere ("..., he said on Friday").
    """

    first: date | None
    last: date | None
    name: str
    why: str = ""

    @classmethod
    def of(cls, reference: date | None, anchor: DateResolution | None, ref: str) -> _Now:
        if anchor is None:
            if reference is None:
                return cls(None, None, "", "relative to the publication date, which the article does not give")
            return cls(reference, reference, ref)
        if anchor.earliest is None or anchor.latest is None:
            why = f"counted from {anchor.text!r}, which is not dated ({anchor.note})"
            return cls(None, None, repr(anchor.text), why)
        if anchor.earliest == anchor.latest:
            d = anchor.earliest
            return cls(d, d, f"{anchor.text!r} ({d.isoformat()}, {d.strftime('%A')})")
        return cls(anchor.earliest, anchor.latest, f"{anchor.text!r} ({anchor.value})")

    def known_to(self, unit: Literal["day", "month", "year"]) -> date | None:
        """The day counted from, if it is known to ``unit`` (for "last year" only its year matters)."""
        a, b = self.first, self.last
        if a is None or b is None:
            return None
        if unit == "day":
            return a if a == b else None
        if unit == "month":
            return a if (a.year, a.month) == (b.year, b.month) else None
        return a if a.year == b.year else None

    def unresolved(self, text: str, unit: str) -> DateResolution:
        return _unresolved(text, self.why or f"counted from {self.name}, which is not known to the {unit}")


@dataclass(frozen=True)
class _Words:
    """One expression being resolved, and what it may be resolved against."""

    raw: str  # the article's words, whitespace collapsed
    s: str  # the same, lower case, ordinals as numbers, the day after its month
    reference: date | None
    ref: str  # how notes name the reference date
    direction: Direction
    anchor: DateResolution | None
    now: _Now


def _full_date(w: _Words) -> DateResolution | None:
    """ "December 31, 2023", "Saturday July 1, 2023", "7 Nov 2024", "5th May, 2023", "01/07/2023"."""
    s, raw = w.s, w.raw
    m = re.match(_LEAD + r"(?:" + _WEEKDAY + r",?\s+)?" + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$", s)
    if m:
        d = date(int(m["year"]), MONTHS[m["month"]], int(m["day"]))
        if m["weekday"] and d.weekday() != WEEKDAYS[m["weekday"]]:
            raise DateError(f"{raw!r}: {m['weekday']} does not fall on {d.isoformat()}")
        return _day(raw, d, "stated in full")
    m = re.match(_LEAD + r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})$", s)
    if m:
        d = date(int(m["year"]), int(m["month"]), int(m["day"]))
        return _day(raw, d, "stated in full, read day-first (dd/mm/yyyy) as the publisher writes dates")
    m = re.match(_LEAD + r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$", s)
    if m:
        return _day(raw, date(int(m["year"]), int(m["month"]), int(m["day"])), "stated in full")
    return None


def _months_and_years(w: _Words) -> DateResolution | None:
    """ "September 2022", "by the end of August 2023", "since late 2021", "mid-June 2023", "in 2020"."""
    s, raw = w.s, w.raw
    m = re.match(
        r"^(?:(?:by|at|until|till|before|towards?|to|in)\s+)?(?:the\s+)?(?:very\s+)?end\s+of\s+" + _MONTH
        + r"(?:,?\s+(?P<year>\d{4}))?$", s,
    )  # fmt: skip
    if m:
        month, name = MONTHS[m["month"]], calendar.month_name[MONTHS[m["month"]]]
        if m["year"]:
            year, how = int(m["year"]), "stated"
        elif w.reference is None:
            return DateResolution(
                raw, f"--{month:02d}", "gMonth", None, "month",
                note="the end of a month; the year is not stated, and the article carries no date to infer it from",
            )  # fmt: skip
        else:
            year = _year_for(month, None, w.reference, w.direction)
            how = f"taken as that of the {'latest' if w.direction == 'past' else 'next'} {name} as seen from {w.ref}"
        note = (f"the end of {name} {year} (year {how}): the month is stated, not the day; "
                f"at the latest {_month_end(year, month).isoformat()}")  # fmt: skip
        return _month(raw, year, month, note)

    m = re.match(_LEAD + _MONTH + r",?\s+(?P<year>\d{4})$", s)
    if m:
        return _month(raw, int(m["year"]), MONTHS[m["month"]], "stated as month and year")

    m = re.match(_LEAD + r"(?P<part>early|mid|late)(?:-|\s+)(?P<year>\d{4})$", s)
    if m:
        return _year_part(raw, int(m["year"]), m["part"])

    m = re.match(_LEAD + r"(?P<part>early|mid|late)(?:-|\s+)" + _MONTH + r"(?:,?\s+(?P<year>\d{4}))?$", s)
    if m:
        month = MONTHS[m["month"]]
        if m["year"]:
            return _month_part(raw, int(m["year"]), month, m["part"])
        if w.reference is None:
            return DateResolution(
                raw, f"--{month:02d}", "gMonth", None, "month",
                note=f"{m['part']} in the month; the year is not stated, and the article carries no date to infer it",
            )  # fmt: skip
        year = _year_for(month, None, w.reference, w.direction)
        word = "latest" if w.direction == "past" else "next"
        note = f"the {word} {calendar.month_name[month]} as seen from {w.ref}"
        return _month_part(raw, year, month, m["part"], note)

    # A year: "2013", "in 2020", "by the end of 2024".
    m = re.match(_LEAD + r"(?:(?:the\s+)?end of\s+)?(?P<year>\d{4})$", s)
    if m:
        return _year(raw, int(m["year"]), "stated as a year")
    return None


def _range(w: _Words) -> DateResolution | None:
    """ "between June and August 2023", "from June to August", "between 2020 and 2022"."""
    s, raw = w.s, w.raw
    joint = r"\s+(?:and|to|until|till|through)\s+"
    m = re.match(r"^(?:between|from)\s+(?P<y1>\d{4})" + joint + r"(?P<y2>\d{4})$", s)
    if m and int(m["y1"]) <= int(m["y2"]):
        y1, y2 = int(m["y1"]), int(m["y2"])
        return _span(raw, date(y1, 1, 1), date(y2, 12, 31), "year", f"the years {y1} to {y2}, stated")
    m = re.match(
        r"^(?:between|from)\s+" + _month_group("m1") + r"(?:,?\s+(?P<y1>\d{4}))?" + joint + _month_group("m2")
        + r"(?:,?\s+(?P<y2>\d{4}))?$", s,
    )  # fmt: skip
    if not m:
        return None
    m1, m2 = MONTHS[m["m1"]], MONTHS[m["m2"]]
    wraps = m2 < m1  # "between November and January"
    if m["y2"]:
        y2 = int(m["y2"])
        y1 = int(m["y1"]) if m["y1"] else y2 - wraps
        how = "stated"
    elif m["y1"]:
        y1 = int(m["y1"])
        y2, how = y1 + wraps, "stated"
    elif w.reference is None:
        return DateResolution(
            raw, f"--{m1:02d}", "gMonth", f"--{m2:02d}", "month",
            note="a stretch of months; the year is not stated, and the article carries no date to infer it from",
        )  # fmt: skip
    else:
        y1 = _year_for(m1, None, w.reference, w.direction)
        y2 = y1 + wraps
        word = "latest" if w.direction == "past" else "next"
        how = f"taken from the {word} {calendar.month_name[m1]} as seen from {w.ref}"
    if (y2, m2) < (y1, m1):
        raise DateError(f"{raw!r}: the stretch ends before it begins")
    note = (f"{calendar.month_name[m1]} {y1} to {calendar.month_name[m2]} {y2} (year {how}), "
            "read as the whole of both months and those between")  # fmt: skip
    return _span(raw, date(y1, m1, 1), _month_end(y2, m2), "month", note)


def _without_year(w: _Words) -> DateResolution | None:
    """ "December 5-6", "June 30", "since first of July", "In January", "this past June"."""
    s, raw, reference = w.s, w.raw, w.reference
    m = re.match(
        _LEAD + r"(?:" + _WEEKDAY + r",?\s+)?" + _MONTH
        + r"\s+(?P<day>\d{1,2})(?:\s*[-\u2013]\s*(?P<day2>\d{1,2}))?$", s,
    )  # fmt: skip
    if m:
        month, day = MONTHS[m["month"]], int(m["day"])
        day2 = int(m["day2"]) if m["day2"] else None
        if reference is None:
            return DateResolution(
                raw, f"--{month:02d}-{day:02d}", "gMonthDay", f"--{month:02d}-{day2:02d}" if day2 else None, "day",
                note="day and month stated; the year is not, and the article carries no date to infer it from",
            )  # fmt: skip
        year = _year_for(month, day, reference, w.direction)
        if m["weekday"] and date(year, month, day).weekday() != WEEKDAYS[m["weekday"]]:
            raise DateError(f"{raw!r}: {m['weekday']} does not fall on {m['month']} {day} in {year}")
        side = "on or before" if w.direction == "past" else "on or after"
        note = f"year taken as that of the first {calendar.month_name[month]} {day} {side} {w.ref}"
        return _day(raw, date(year, month, day), note, date(year, month, day2) if day2 else None)

    m = re.match(
        r"^(?:(?P<rel>this past|earlier this year in|in|by|until)\s+)?" + _MONTH + r"(?P<last>\s+last year)?$", s
    )
    if m and (m["rel"] or m["last"]):
        month = MONTHS[m["month"]]
        name = calendar.month_name[month]
        if reference is None:
            return DateResolution(
                raw, f"--{month:02d}", "gMonth", None, "month",
                note="month stated; the year is not, and the article carries no date to infer it from",
            )  # fmt: skip
        if m["last"]:
            return _month(raw, reference.year - 1, month, f"'last year' counted from {w.ref}")
        if m["rel"] == "earlier this year in":
            return _month(raw, reference.year, month, f"'this year' is the year of {w.ref}")
        year = _year_for(month, None, reference, w.direction)
        word = "latest" if w.direction == "past" else "next"
        return _month(raw, year, month, f"the {word} {name} as seen from {w.ref}")
    return None


def _relative_to_now(w: _Words) -> DateResolution | None:
    """Words that count from the time they are said: "today", "last weekend", "later this year", "within 18 months"."""
    s, raw, now = w.s, w.raw, w.now

    m = re.match(r"^(?P<word>today|yesterday|tomorrow)$", s)
    if m:
        d = now.known_to("day")
        if d is None and m["word"] == "today" and w.anchor is not None and w.anchor.precision is not None:
            a = w.anchor
            return DateResolution(
                raw, a.value, a.datatype, a.value_end, a.precision, a.earliest, a.latest,
                f"the day of {a.text!r}: {a.note}",
            )  # fmt: skip
        if d is None:
            return now.unresolved(raw, "day")
        if m["word"] == "today":
            return _day(raw, d, f"the day of {now.name}")
        if m["word"] == "yesterday":
            return _day(raw, d - timedelta(days=1), f"the day before {now.name}")
        return _day(raw, d + timedelta(days=1), f"the day after {now.name}")

    if re.match(r"^(?:over\s+)?last\s+weekend$", s):
        d = now.known_to("day")
        if d is None:
            return now.unresolved(raw, "day")
        sunday = d - timedelta(days=(d.weekday() - 6) % 7 or 7)
        note = f"the weekend (Saturday and Sunday) before {now.name}"
        return _span(raw, sunday - timedelta(days=1), sunday, "day", note)

    m = re.match(r"^(?:(?:in|during|over)\s+)?(?P<which>last|this|next)\s+week$", s)
    if m:
        d = now.known_to("day")
        if d is None:
            return now.unresolved(raw, "day")
        monday = d - timedelta(days=d.weekday()) + timedelta(weeks={"last": -1, "this": 0, "next": 1}[m["which"]])
        whose = {"last": "before that of", "this": "of", "next": "after that of"}[m["which"]]
        return _span(raw, monday, monday + timedelta(days=6), "week", f"the week (Monday to Sunday) {whose} {now.name}")

    m = re.match(
        r"^(?:(?:in|since|by|until|during|of)\s+)?(?:(?P<part>late|early|mid|earlier|later)(?:-|\s+))?"
        r"(?P<which>last|this|next)\s+(?P<unit>year|month)$", s,
    )  # fmt: skip
    if m:
        return _this_last_next(w, m["part"], m["which"], m["unit"])

    m = re.match(
        r"^(?:(?:by|at|until|till|before|towards?|to)\s+)?the\s+end\s+of\s+(?:the|this)\s+(?P<unit>year|month)$", s
    )
    if m:
        d = now.known_to("year" if m["unit"] == "year" else "month")
        if d is None:
            return now.unresolved(raw, m["unit"])
        if m["unit"] == "year":
            note = f"the end of the year of {now.name}: the day is not stated; at the latest {d.year}-12-31"
            return _year(raw, d.year, note)
        last_day = _month_end(d.year, d.month).isoformat()
        note = f"the end of the month of {now.name}: the day is not stated; at the latest {last_day}"
        return _month(raw, d.year, d.month, note)

    m = re.match(
        r"^(?:(?:in|over|during|within)\s+)?the\s+(?:coming|next\s+few|upcoming)\s+(?P<unit>days|weeks|months)$", s
    )
    if m:
        d = now.known_to("day")
        if d is None:
            return now.unresolved(raw, "day")
        if m["unit"] == "months":
            end = _shift_months(d, COMING_MONTHS)
            note = f"read as the {COMING_MONTHS} months from {now.name}, to {end.isoformat()}"
            return _span(raw, d, end, "month", note)
        end = d + COMING[m["unit"]]
        precision: Precision = "week" if m["unit"] == "weeks" else "day"
        reach = f"{COMING[m['unit']].days // 7} weeks" if m["unit"] == "weeks" else f"{COMING[m['unit']].days} days"
        return _span(raw, d, end, precision, f"read as the {reach} from {now.name}, to {end.isoformat()}")

    m = re.match(r"^within\s+(?:the\s+next\s+)?" + _COUNT + r"\s+" + _UNIT + r"$", s)
    if m:
        n, unit = _count(m["n"]), m["unit"]
        d = now.known_to("day")
        if d is None:
            return now.unresolved(raw, "day")
        if unit in ("day", "week"):
            end = d + timedelta(days=n * (7 if unit == "week" else 1))
        else:
            end = _shift_months(d, n * (12 if unit == "year" else 1))
        note = f"within {_plural(n, unit)} of {now.name}: from that day to {end.isoformat()}"
        return _span(raw, d, end, unit, note)  # type: ignore[arg-type]

    # "two weeks ago", "10 days ago", "a week ago".
    m = re.match(r"^" + _COUNT + r"\s+" + _UNIT + r"\s+ago$", s)
    if m:
        n, unit = _count(m["n"]), m["unit"]
        if unit in ("day", "week"):
            d = now.known_to("day")
            if d is None:
                return now.unresolved(raw, "day")
            days = n * (7 if unit == "week" else 1)
            d -= timedelta(days=days)
            precision = "week" if unit == "week" else "day"
            lo, hi = (d - timedelta(days=3), d + timedelta(days=3)) if precision == "week" else (d, d)
            return DateResolution(
                raw, d.isoformat(), "date", None, precision, lo, hi,
                f"{days} days before {now.name}; approximate to the {precision}",
            )  # fmt: skip
        d = now.known_to("month" if unit == "month" else "year")  # day and week were answered above
        if d is None:
            return now.unresolved(raw, unit)
        if unit == "month":
            y, mo = _add_months(d.year, d.month, -n)
            return _month(raw, y, mo, f"{_plural(n, 'month')} before {now.name}")
        return _year(raw, d.year - n, f"{_plural(n, 'year')} before {now.name}")
    return None


def _this_last_next(w: _Words, part: str | None, which: str, unit: str) -> DateResolution:
    """ "last year", "next month", "late last year", "earlier this month", "later this year"."""
    raw, now = w.raw, w.now
    step = {"last": -1, "this": 0, "next": 1}[which]
    if part in ("earlier", "later") and which == "this":
        d = now.known_to("day")
        if d is None:
            return now.unresolved(raw, "day")
        if unit == "year":
            first, last = date(d.year, 1, 1), date(d.year, 12, 31)
        else:
            first, last = date(d.year, d.month, 1), _month_end(d.year, d.month)
        if part == "earlier" and d == first:
            if unit == "year":
                note = f"{now.name} is the first of its year, so nothing in it is 'earlier'; read as the year before"
                return _year(raw, d.year - 1, note)
            y, mo = _add_months(d.year, d.month, -1)
            note = (f"{now.name} is the first of its month, so nothing in it is 'earlier'; read as the month before "
                    "(the text was likely written then)")  # fmt: skip
            return _month(raw, y, mo, note)
        if part == "later" and d == last:
            return _unresolved(raw, f"{now.name} is the last day of its {unit}, so nothing in it is 'later'")
        if part == "earlier":
            note = f"from the start of the {unit} of {now.name} to the day before it"
            return _span(raw, first, d - timedelta(days=1), unit, note)  # type: ignore[arg-type]
        note = f"from the day after {now.name} to the end of its {unit}"
        return _span(raw, d + timedelta(days=1), last, unit, note)  # type: ignore[arg-type]

    d = now.known_to(unit)  # type: ignore[arg-type]
    if d is None:
        return now.unresolved(raw, unit)
    counted = f"'{which} {unit}' counted from {now.name}"
    if unit == "year":
        year = d.year + step
        if part in YEAR_PARTS:
            return _year_part(raw, year, part, f"{counted} is {year}")
        return _year(raw, year, counted)
    y, mo = _add_months(d.year, d.month, step)
    if part in MONTH_PARTS:
        return _month_part(raw, y, mo, part, f"{counted} is {y}-{mo:02d}")
    return _month(raw, y, mo, counted)


def _weekday(w: _Words) -> DateResolution | None:
    """ "on Friday", "Friday's meeting", "at the beginning of the week"."""
    s, raw, reference = w.s, w.raw, w.reference
    m = re.match(r"^(?:on\s+)?" + _WEEKDAY + r"(?:['\u2019]s)?$", s)
    if m:
        if reference is None:
            return _unresolved(raw, "a weekday, relative to a publication date that the article does not give")
        back = (reference.weekday() - WEEKDAYS[m["weekday"]]) % 7
        d = reference - timedelta(days=back)
        if back == 0:
            return _day(raw, d, f"the same day as {w.ref}")
        return _day(raw, d, f"the {m['weekday'].title()} before {w.ref}")

    if re.match(r"^(?:at\s+)?(?:the\s+)?(?:beginning|start) of the week$", s):
        if reference is None:
            return _unresolved(raw, "relative to a publication date that the article does not give")
        monday = reference - timedelta(days=reference.weekday())
        return DateResolution(
            raw, monday.isoformat(), "date", None, "week", monday, monday + timedelta(days=2),
            f"the first days (Monday to Wednesday) of the week of {w.ref}",
        )  # fmt: skip
    return None


def _relative_to_anchor(w: _Words) -> DateResolution | None:
    """Counted from an earlier event the annotation names: "nine months later", "the day before", "the next year"."""
    s, raw, anchor = w.s, w.raw, w.anchor
    count = _COUNT.replace(r"an?|", r"an?|the|")  # "the day before"
    m = re.match(r"^" + count + r"\s+" + _UNIT + r"\s+(?P<dir>later|after|before|earlier)$", s)
    if m:
        n, unit, sign = _count(m["n"]), m["unit"], 1 if m["dir"] in ("later", "after") else -1
    else:
        m = re.match(r"^the\s+(?P<dir>following|next|previous|preceding)\s+" + _UNIT + r"$", s)
        if not m:
            return None
        n, unit, sign = 1, m["unit"], 1 if m["dir"] in ("following", "next") else -1
    side = "after" if sign > 0 else "before"
    if anchor is None:
        return _unresolved(raw, "counted from an earlier event, and the annotation names none (give an anchor)")
    if anchor.precision is None or anchor.earliest is None or anchor.latest is None:
        return _unresolved(raw, "counted from an earlier event whose date is not known precisely enough")
    counted = f"{_plural(n, unit)} {side} {anchor.text!r} ({anchor.value})"
    if unit == "year":
        return _year(raw, anchor.earliest.year + sign * n, counted)
    if anchor.precision == "year" or (unit in ("day", "week") and anchor.precision == "month"):
        note = f"{_plural(n, unit)} {side} {anchor.text!r}, known only to the {anchor.precision} ({anchor.value})"
        return _unresolved(raw, note)
    if unit == "month":
        y, mo = _add_months(anchor.earliest.year, anchor.earliest.month, sign * n)
        return _month(raw, y, mo, counted)
    shift = timedelta(days=sign * n * (7 if unit == "week" else 1))
    first, last = anchor.earliest + shift, anchor.latest + shift
    if unit == "day" and anchor.precision == "day":
        return _day(raw, first, counted, last if last != first else None)
    # Weeks, or days from a date known to the week: as approximate as "two weeks ago".
    first, last = first - timedelta(days=3), last + timedelta(days=3)
    middle = first + (last - first) / 2
    note = f"{counted}; approximate to the week"
    return DateResolution(raw, middle.isoformat(), "date", None, "week", first, last, note)


_READERS: tuple[Callable[[_Words], DateResolution | None], ...] = (
    _full_date, _months_and_years, _range, _without_year, _relative_to_now, _weekday, _relative_to_anchor,
)  # fmt: skip


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
        anchor: The date relative words count from instead of the reference: the earlier event of "nine months
            later" or "the day before", or the day a quoted statement was made, for its "today" or "last year".
        reference_note: How to name the reference in the note ("the publication date", ...).

    Raises:
        DateNotUnderstoodError: The words are not a date expression this module reads.
        DateError: They are, but contradict themselves ("Sunday July 1" in a year where it is a Saturday).
    """
    raw = " ".join(text.split())
    s = _plain(raw.lower().rstrip(".,"))
    if direction is None:
        direction = "future" if re.match(r"^(by|until|till)\b", s) else "past"
    ref = f"{reference_note} {reference.isoformat()} ({reference.strftime('%A')})" if reference else ""
    words = _Words(raw, s, reference, ref, direction, anchor, _Now.of(reference, anchor, ref))
    for read in _READERS:
        try:
            result = read(words)
        except DateError:
            raise
        except ValueError as exc:  # a day that does not exist: "February 30, 2023", "31/02/2023"
            raise DateError(f"no such date: {raw!r} ({exc})") from None
        if result is not None:
            return result
    raise DateNotUnderstoodError(f"date expression not understood: {raw!r}")
