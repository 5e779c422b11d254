"""Typed values as a person writes them: "13,000", "10 years", "August 2020", "French", not ``P10Y xsd:duration``.

The resource pages show the graph's literals through :func:`literal_text`; the lexical form stays available to the
page (as ``<data value>`` or ``<time datetime>``) so nothing is lost, only said the way a reader says it. Pure
functions over strings, so the pages, the tests and the doctests below agree:

>>> literal_text("13000", XSD + "integer")
'13,000'
>>> literal_text("P1Y", XSD + "duration"), literal_text("P18M", XSD + "duration")
('1 year', '18 months')
>>> literal_text("2020-08", XSD + "gYearMonth"), literal_text("--12-05", XSD + "gMonthDay")
('August 2020', '5 December')
>>> language_name("fr"), language_name("en-GB"), language_name("xx")
('French', 'English (GB)', 'xx')
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"
_INTEGERS = frozenset(XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                        "positiveInteger", "unsignedInt", "unsignedLong", "unsignedShort"))  # fmt: skip
_DECIMALS = frozenset(XSD + t for t in ("decimal", "double", "float"))
_DURATION = re.compile(
    r"(?P<sign>-?)P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
#: Names of the language tags the graph uses or is likely to (BCP 47 primary subtags); any other shows as its tag.
LANGUAGES = {
    "en": "English", "fr": "French", "ar": "Arabic", "bm": "Bambara", "ff": "Fula", "son": "Songhay",
    "tmh": "Tamasheq", "ber": "Berber", "de": "German", "es": "Spanish", "pt": "Portuguese", "ru": "Russian",
    "zh": "Chinese", "it": "Italian", "nl": "Dutch", "sv": "Swedish", "tr": "Turkish", "wo": "Wolof",
}  # fmt: skip
#: The precision of a date claim (mkg:datePrecision, an OWL-Time unit) in words.
PRECISIONS = {TIME + "unitDay": "day", TIME + "unitMonth": "month", TIME + "unitYear": "year",
              TIME + "unitWeek": "week", TIME + "unitDecade": "decade", TIME + "unitCentury": "century"}  # fmt: skip


def language_name(tag: str | None) -> str | None:
    """The English name of a language tag ("fr" -> "French"); a region is kept in brackets; unknown tags as given."""
    if not tag:
        return None
    primary, _, rest = tag.partition("-")
    name = LANGUAGES.get(primary.lower())
    if name is None:
        return tag
    return f"{name} ({rest})" if rest else name


def number_text(lexical: str) -> str:
    """Digits grouped by thousands, as an English text writes a count ("13000" -> "13,000")."""
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return lexical
    if value == value.to_integral_value() and "e" not in lexical.lower():
        return f"{int(value):,}"
    return f"{value:,}"


def _plural(n: int | str, unit: str) -> str:
    return f"{n} {unit}" if str(n) == "1" else f"{n} {unit}s"


def duration_text(lexical: str) -> str:
    """An xsd:duration in words, as written ("P18M" stays "18 months", not "1 year, 6 months")."""
    m = _DURATION.fullmatch(lexical.strip())
    if not m or lexical.strip() in ("P", "-P") or lexical.strip().endswith("T"):
        return lexical
    parts = [_plural(int(v) if k != "seconds" else v, k[:-1]) for k, v in m.groupdict().items() if k != "sign" and v]
    text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return ("minus " if m["sign"] else "") + text


def _month(number: str) -> str:
    return calendar.month_name[int(number)]


def date_text(lexical: str, datatype: str | None) -> str:
    """A date value (xsd:date, gYearMonth, gYear, gMonth, gMonthDay) in words: "30 June 2023", "August 2020"."""
    kind = (datatype or "").removeprefix(XSD)
    try:
        if kind == "date" and (m := re.fullmatch(r"(-?\d{4,})-(\d\d)-(\d\d)(?:Z|[+-]\d\d:\d\d)?", lexical)):
            return f"{int(m[3])} {_month(m[2])} {m[1]}"
        if kind == "gYearMonth" and (m := re.fullmatch(r"(-?\d{4,})-(\d\d)(?:Z|[+-]\d\d:\d\d)?", lexical)):
            return f"{_month(m[2])} {m[1]}"
        if kind == "gYear" and (m := re.fullmatch(r"(-?\d{4,})(?:Z|[+-]\d\d:\d\d)?", lexical)):
            return m[1]
        if kind == "gMonth" and (m := re.fullmatch(r"--(\d\d)(?:--)?(?:Z|[+-]\d\d:\d\d)?", lexical)):
            return _month(m[1])
        if kind == "gMonthDay" and (m := re.fullmatch(r"--(\d\d)-(\d\d)(?:Z|[+-]\d\d:\d\d)?", lexical)):
            return f"{int(m[2])} {_month(m[1])}"
    except (IndexError, ValueError):  # month 13 and the like: show the value as it is
        return lexical
    return lexical


_DATE_TIME = re.compile(r"(\d{4,}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(.*)")
DATE_TYPES = frozenset(XSD + t for t in ("date", "gYearMonth", "gYear", "gMonth", "gMonthDay"))


def literal_text(lexical: str, datatype: str | None, counts: bool = True) -> str:
    """A literal as a reader writes it. ``counts=False`` leaves numbers that name rather than count ("2100")."""
    if datatype in _INTEGERS or datatype in _DECIMALS:
        return number_text(lexical) if counts else lexical
    if datatype == XSD + "duration":
        return duration_text(lexical)
    if datatype in DATE_TYPES:
        return date_text(lexical, datatype)
    if datatype == XSD + "boolean":
        return {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(lexical.strip(), lexical)
    if datatype == XSD + "dateTime" and (m := _DATE_TIME.fullmatch(lexical)):
        return f"{date_text(m[1], XSD + 'date')}, {m[2]}{' UTC' if m[3] in ('Z', '+00:00') else m[3]}"
    return lexical
