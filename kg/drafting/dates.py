"""Date expressions of news text, found in the article and resolved with :func:`kg.dates.resolve`.

Every expression keeps the article's words (with the preposition that gives it its sense: "since 2012",
"by June 30", "on Friday") and is resolved against the publication date only; an expression that
:func:`kg.dates.resolve` does not understand is kept with the reason, for a comment, and never guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ...errors import DateError
from ..dates import NUMBERS, DateResolution, resolve

_MONTHS = [m for m in calendar.month_name if m]
_MONTH = r"(?:" + "|".join(_MONTHS) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.)"
_WEEKDAY = r"(?:" + "|".join(calendar.day_name) + r")"
_NUM = r"(?:\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"

_CORE = "|".join(
    [
        r"(?i:earlier|later)\s+(?i:this)\s+year\s+in\s+" + _MONTH,
        r"(?i:this)\s+past\s+" + _MONTH,
        _MONTH + r"\s+last\s+year",
        r"(?:"
        + _WEEKDAY
        + r",?\s+)?"
        + _MONTH
        + r"\s+"
        + _DAY
        + r"(?:\s*[-\u2013]\s*\d{1,2})?(?:,?\s+"
        + _YEAR
        + r")?",
        r"(?:"
        + _WEEKDAY
        + r",?\s+)?"
        + _DAY
        + r"(?:\s*[-\u2013]\s*\d{1,2})?\s+"
        + _MONTH
        + r"(?:,?\s+"
        + _YEAR
        + r")?",
        _MONTH + r",?\s+" + _YEAR,
        r"\d{1,2}/\d{1,2}/" + _YEAR,
        _YEAR + r"-\d{2}-\d{2}",
        r"(?:the\s+)?(?i:end|beginning|start|middle|turn)\s+of\s+(?:the\s+)?(?:" + _YEAR + r"|year|month|week)",
        r"(?i:late|early|earlier|later|mid)[\s-]+(?:(?i:last|this|next)\s+(?:year|month|week)|" + _YEAR + r")",
        r"(?i:last|this|next)\s+(?:year|month|week)",
        r"(?i:" + _NUM + r")\s+(?:days?|weeks?|months?|years?)\s+(?:ago|later|earlier)",
        r"(?i:yesterday|today|tomorrow)",
        _WEEKDAY + r"(?:['\u2019]s)?",
        r"(?:the\s+)?(?:19|20)\d0s",
        _YEAR,
    ]
)
_LEAD = r"(?:(?P<lead>(?i:on|in|since|by|until|till|from|as of|at|of))\s+)?"
DATE_EXPRESSION = re.compile(r"(?<![\w-])" + _LEAD + r"(?P<core>" + _CORE + r")(?![\w-])")
_BARE_MONTH = re.compile(r"(?<![\w-])(?P<lead>(?i:in|by|until|since|from))\s+(?P<core>" + _MONTH + r")(?![\w-])")
_NOT_YEAR_AFTER = re.compile(r"^[-\u2013](?:person|member|strong|year|month|day)|^\s*(?:troops|people|soldiers|km)\b")


@dataclass
class FoundDate:
    """A date expression in the text, how it resolves, and what it is likely to date (its key)."""

    text: str
    start: int
    end: int
    key: str  # when / begins / ends / deadline / originalEnd
    resolution: DateResolution | None
    error: str | None
    anchor: str | None = None  # for "nine months later": the expression it likely counts from
    used: bool = False  # attached to a drafted fact
    extra_note: str = ""  # for the curator: what the date may belong to

    @property
    def core(self) -> str:
        return core_words(self.text)


def core_words(expression: str) -> str:
    """The expression without its leading preposition, lower case: how two date expressions are compared."""
    s = " ".join(expression.replace("\u2019", "'").split()).lower().strip(" ,.")
    return re.sub(r"^(?:on|in|since|by|until|till|from|as of|at|of)\s+(?:the\s+)?", "", s)


def _key(text: str, start: int, lead: str | None, sentence: str, offset: int) -> str:
    before = sentence[: max(0, start - offset)].lower()
    lead = (lead or "").lower()
    if re.search(r"\boriginally\b[^.]*\bend\b[^.]*$", before):
        return "originalEnd"
    if lead == "since":
        return "begins"
    if re.search(
        r"\b(?:begin|began|begun|begins|start|started|starts|launch(?:ed)?)\b(?:\s+\w+){0,12}\s*$", before
    ) and not re.search(r"\b(?:end|complete|completed)\b", before[-40:]):
        return "begins"
    if lead in ("until", "till"):
        return "ends"
    if lead == "by":
        if re.search(r"\b(?:must|deadline|required|requires|should|present|due|asked|request(?:ed)?)\b", before):
            return "deadline"
        return "ends"
    if re.search(r"\b(?:end|ends|ended|ending|complete|completed|conclude[sd]?)\b(?:\s+\w+){0,3}\s*$", before):
        return "ends"
    return "when"


def find_dates(
    text: str,
    reference: date | None,
    skip: list[tuple[int, int]] = (),  # type: ignore[assignment]
    sentence_bounds: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> list[FoundDate]:
    """Every date expression outside the ``skip`` spans, in text order, resolved against ``reference``."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, str | None]] = []
    for pattern in (DATE_EXPRESSION, _BARE_MONTH):
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if any(a <= s < b for a, b in skip) or any(s < b and a < e for a, b in taken):
                continue
            core = m["core"]
            if re.fullmatch(_YEAR + "s?", core) and _NOT_YEAR_AFTER.search(text[e : e + 12]):
                continue
            if re.fullmatch(r"\d{1,2}/\d{1,2}/" + _YEAR, core) is None and re.search(r"\d[.,]\d", text[s - 2 : e + 2]):
                continue  # part of a number ("1,2020"?)
            taken.append((s, e))
            found.append((s, e, m.group(0), m["lead"]))
    found.sort()
    out: list[FoundDate] = []
    for s, e, words, lead in found:
        sentence_start, sentence_end = next(((a, b) for a, b in sentence_bounds if a <= s < b), (max(0, s - 200), e))
        key = _key(text, s, lead, text[sentence_start:sentence_end], sentence_start)
        try:
            r = resolve(words, reference, reference_note="the publication date")
            error = None
        except ValueError as exc:  # DateError, or an impossible date such as 31/02/2023
            r, error = None, str(exc) if isinstance(exc, DateError) else f"not a valid date: {exc}"
        anchor = None
        if re.search(r"\blater\b", words, re.IGNORECASE):
            earlier = [d for d in out if sentence_start <= d.start < s and d.resolution is not None]
            if earlier:
                anchor = earlier[-1].text
        out.append(FoundDate(words, s, e, key, r, error, anchor))
    return out


def describe(d: FoundDate) -> str:
    """One line for a comment: the words, what they resolve to, and how."""
    if d.resolution is None:
        return f"{d.text!r}: not understood by kg.dates ({d.error}); left for the curator"
    r = d.resolution
    if r.value is None:
        return f"{d.text!r}: unresolved ({r.note})"
    value = r.value + (f"..{r.value_end}" if r.value_end else "")
    return f"{d.text!r} -> {value} ({r.precision}): {r.note}"
