"""Numbers and quantities with their qualifiers, as facts where the ontology has a property for them.

"about 1,000 Wagner fighters" -> personnelCount 1000, approximate true; "the 15-member Security Council" ->
memberCount 15; "at least nine votes" -> votesRequired 9; "three options" -> optionCount 3; "at least 500
people" killed -> minimumVictims 500; "the 10-year mission", "a two-day visit", "48 hours", "for another year"
-> duration P10Y, P2D, PT48H, P1Y. A quantity no property fits ("more than $50 million", "two coups", "for the
past ten years", which only bounds a duration from below) becomes a comment for the curator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .dates import FoundDate
from .known import ORG_TYPES
from .links import Linker, event_for
from .model import Context, DraftFact

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a dozen": 12,
    "dozen": 12,
    "a hundred": 100,
    "a thousand": 1000,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
APPROX = (
    "about",
    "around",
    "some",
    "approximately",
    "roughly",
    "an estimated",
    "estimated",
    "close to",
    "nearly",
    "almost",
    "only about",
    "an approximate",
    "circa",
)
MINIMUM = ("at least", "more than", "over", "no fewer than", "no less than", "upwards of", "in excess of")
MAXIMUM = ("fewer than", "less than", "up to", "at most", "as many as", "under")
_QUAL = "|".join(re.escape(q) for q in sorted(APPROX + MINIMUM + MAXIMUM, key=len, reverse=True))
_WORDS = "|".join(re.escape(w) for w in sorted(WORD_NUMBERS, key=len, reverse=True))
NUMBER = re.compile(
    r"(?<![\w$€£.,-])(?:(?P<qual>(?i:" + _QUAL + r"))\s+)?(?:(?P<cur>US\$|[$€£])\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?i:" + _WORDS + r"))"
    r"(?:\s+(?P<scale>thousand|million|billion))?"
    r"(?:-(?P<unit>person|member|strong|nation|country|year|month|week|day|hour|minute)s?(?P<long>-long|-old)?)?"
    r"(?![\w,]*\d)(?![\w])"
)
PERSONNEL = (
    r"troops|soldiers|peacekeepers|personnel|fighters|mercenaries|staff|police(?:men)?|officers|blue helmets|"
    r"contractors|servicemen|military personnel|uniformed personnel|civilian personnel|men"
)
DURATION_UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M"}


@dataclass
class Quantity:
    value: int | float
    qualifier: str | None
    currency: str | None
    start: int
    end: int
    unit: str | None
    text: str


def _value(m: re.Match[str]) -> float | None:
    raw = m["num"].lower()
    if raw in WORD_NUMBERS:
        value: float = WORD_NUMBERS[raw]
    else:
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            return None
    if m["scale"]:
        value *= SCALES[m["scale"]]
    return value


def _duration(n: float, unit: str) -> str:  # an int: fractions are noted, not drafted
    code = DURATION_UNITS[unit]
    if unit in ("hour", "minute"):
        return f"PT{n}{code}"
    return f"P{n}{code}"


def _qual_kind(q: str | None) -> str | None:
    if q is None:
        return None
    q = q.lower()
    if q in APPROX:
        return "approximate"
    if q in MINIMUM:
        return "minimum"
    return "maximum"


def draft_numbers(ctx: Context, dates: list[FoundDate], linker: Linker) -> tuple[list[DraftFact], list[str]]:
    """Facts for the quantities a property fits, and comments for the others."""
    facts: list[DraftFact] = []
    notes: list[str] = []
    taken = [(d.start, d.end) for d in dates]
    text = ctx.text
    for m in NUMBER.finditer(text):
        s, e = m.start(), m.end()
        if ctx.in_skip(m.start("num")) or any(a <= m.start("num") < b for a, b in taken):
            continue
        value = _value(m)
        if value is None:
            continue
        raw = m["num"]
        if re.fullmatch(r"(?:19|20)\d{2}", raw) and not m["unit"]:
            continue  # a year
        if re.search(r"(?i)\b(?:resolution|no\.|number|article|chapter|paragraph)\s*$", text[max(0, s - 14) : s]):
            continue
        if raw.lower() in ("one", "a dozen", "dozen") and not m["unit"] and not m["qual"]:
            continue  # "one of the key tasks"
        sent_start, sent_end = ctx.sentence_span(s)
        sentence = text[sent_start:sent_end]
        after = text[e : min(sent_end, e + 60)]
        before = text[max(sent_start, s - 40) : s]
        qual = m["qual"].lower() if m["qual"] else None
        kind = _qual_kind(qual)
        where = f"“{text[s:e]}” in: {ctx.passage(sent_start, sent_end)}"
        n = int(value) if float(value).is_integer() else value
        evidence = ctx.passage(sent_start, sent_end)

        def add(
            about: str,
            values: dict[str, list[Any]],
            note: list[str] | None = None,
            *,
            short: tuple[int, int] | None = None,
            _s: int = s,
            _e: int = e,
            _kind: str | None = kind,
            _qual: str | None = qual,
            _evidence: str = evidence,
        ) -> None:
            if _kind == "approximate":
                values["approximate"] = [True]
            ev = ctx.passage(*short) if short else _evidence
            extra_notes = list(note or [])
            if _kind == "minimum" and "minimumVictims" not in values:
                extra_notes.append(f"{_qual!r}: a lower bound, which no property says")
            if _kind == "maximum":
                extra_notes.append(f"{_qual!r}: an upper bound, which no property says")
            facts.append(
                DraftFact(about, [ev], values, "number", _s, _e, notes=extra_notes, extra={"surface": text[_s:_e]})
            )

        # Money: no property in the ontology.
        if m["cur"] or re.match(r"^\s*(?:dollars|euros|pounds|CFA francs|francs)\b", after):
            cur = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}.get(
                m["cur"] or "", after.split()[0] if after.split() else ""
            )
            notes.append(
                f"an amount of money, {n:,} {cur}" + (f" ({kind})" if kind else "") + f": no property; {where}"
            )
            continue
        # Durations: "10-year", "two-day", "48 hours", "18 months", "decade-long".
        unit = m["unit"]
        plain_unit = re.match(r"^\s+(year|month|week|day|hour|minute)s?\b", after)
        if unit in DURATION_UNITS or plain_unit:
            u = unit if unit in DURATION_UNITS else plain_unit.group(1)  # type: ignore[union-attr]
            end = e if unit else e + plain_unit.end()  # type: ignore[union-attr]
            if not float(value).is_integer():
                notes.append(f"a duration with a fraction: {where}")
                continue
            if kind in ("minimum", "maximum") or re.search(
                r"(?i)\b(?:for|in|over|during) the (?:past|last|next)\s*$", before
            ):
                notes.append(f"a duration so far or a bound ({_duration(n, u)}), which duration does not say: {where}")
                continue
            if re.match(r"^\s*(?:ago|later|earlier)\b", text[end : end + 10]):
                continue  # a date expression
            head = re.match(
                r"^(?:[\s-]+(?:long|old))?\s+((?:[\w\u2019'-]+\s+){0,2}?(?:mission|force|operation|presence|"
                r"mandate|conflict|war|insurgency|visit|period|term|ban|suspension|deployment|campaign))\b",
                text[end : end + 50],
            )
            if head and re.search(r"mission|force|deployment|presence", head.group(1)):
                missions = [x.entity for x in ctx.mentions if ctx.type_of(x.entity) == "Mission"]
                if missions:
                    add(
                        max(set(missions), key=missions.count),
                        {"duration": [_duration(n, u)]},
                        ["the mission the article is about: check"],
                        short=(s, end + head.end()),
                        _e=end,
                    )
                    continue
            about, link_notes = event_for(ctx, linker, sent_start, sent_end)
            add(about, {"duration": [_duration(n, u)]}, link_notes, _e=end)
            continue
        if raw.lower() == "decade" or re.match(r"^\s*decades?\b", after):
            continue
        # Counts.
        noun = re.match(
            r"^\s+((?:[\w\u2019'-]+\s+){0,2}?)(" + PERSONNEL + r"|votes|members|options|amendments|proposals|"
            r"scenarios|people|civilians|persons|victims|countries|nations|states)\b",
            after,
            re.IGNORECASE,
        )
        if unit in ("person", "strong") or (noun and re.fullmatch(PERSONNEL, noun.group(2), re.IGNORECASE)):
            counted = _count_subject(ctx, s, e, sent_start, after if unit else (noun.group(1) if noun else ""))
            if counted:
                add(counted, {"personnelCount": [int(n)]})
                continue
        elif unit == "member" or (noun and noun.group(2).lower() == "members" and not noun.group(1).strip()):
            counted = _count_subject(ctx, s, e, sent_start, after, org_only=True)
            if counted:
                add(counted, {"memberCount": [int(n)]})
                continue
        elif noun and noun.group(2).lower() == "votes":
            counted = _nearby_org(ctx, sent_start, s)
            if counted:
                add(counted, {"votesRequired": [int(n)]}, ["the votes a resolution needs? check"])
                continue
        elif noun and noun.group(2).lower() in ("options", "amendments", "proposals", "scenarios"):
            about, link_notes = event_for(ctx, linker, sent_start, sent_end, "Proposal")
            add(about, {"optionCount": [int(n)]}, link_notes)
            continue
        elif (
            noun
            and noun.group(2).lower() in ("people", "civilians", "persons", "victims")
            and re.search(r"(?i)\b(?:kill|execut|dead|died|massacr|murder|victims)", sentence)
        ):
            if kind == "minimum":
                about, link_notes = event_for(ctx, linker, sent_start, sent_end, "MilitaryOperation")
                add(about, {"minimumVictims": [int(n)]}, link_notes)
                continue
            notes.append(
                f"a number of victims ({n}{', ' + kind if kind else ''}): minimumVictims only says 'at least'; {where}"
            )
            continue
        if raw.lower() in WORD_NUMBERS and raw.lower() in ("one", "two", "three") and not noun and not kind:
            continue  # "two of them", "one of the key tasks": not a quantity worth a note
        notes.append(f"{n:,}" + (f" ({kind})" if kind else "") + f": no property of the ontology fits; {where}")
    # "for another year", "a decade-long": durations without a digit.
    spelled: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (  # (pattern, the duration a match states)
        (r"(?i)\bfor (?:another|a|one|an additional|a further) (year|month|week|day)\b",
         lambda m: _duration(1, m.group(1).lower())),
        (r"(?i)\b(?:a |the )?decade[- ]long\b", lambda m: "P10Y"),
    )  # fmt: skip
    for pattern, duration in spelled:
        for m in re.finditer(pattern, text):
            if ctx.in_skip(m.start()):
                continue
            sent_start, sent_end = ctx.sentence_span(m.start())
            about, link_notes = event_for(ctx, linker, sent_start, sent_end)
            facts.append(
                DraftFact(
                    about,
                    [ctx.passage(sent_start, sent_end)],
                    {"duration": [duration(m)]},
                    "number",
                    m.start(),
                    m.end(),
                    notes=link_notes,
                    extra={"surface": m.group(0)},
                )
            )
    for m in re.finditer(r"(?i)\b(?:(more than|over|nearly|almost|about) )?(?:a|one) decade\b", text):
        if ctx.in_skip(m.start()):
            continue
        sent_start, sent_end = ctx.sentence_span(m.start())
        notes.append(
            f"a decade (P10Y{', ' + m.group(1) if m.group(1) else ''}): a duration so far or a bound? "
            f"“{m.group(0)}” in: {ctx.passage(sent_start, sent_end)}"
        )
    for m in re.finditer(r"(?i)\b(?:hundreds|thousands|dozens|scores|millions) of\b|\bkilled thousands\b", text):
        if ctx.in_skip(m.start()):
            continue
        sent_start, sent_end = ctx.sentence_span(m.start())
        notes.append(f"a vague quantity (“{m.group(0)}”): no number to state; in: {ctx.passage(sent_start, sent_end)}")
    facts.sort(key=lambda f: f.start)
    return facts, notes


def _count_subject(ctx: Context, s: int, e: int, sent_start: int, following: str, org_only: bool = False) -> str | None:
    """What a count is about: the entity named right after it, a possessive before it, or the mission."""
    after = [x for x in ctx.mentions if e <= x.start <= e + 40]
    after = [x for x in after if ctx.text[e : x.start].count(",") == 0]
    if org_only:
        after = [x for x in after if ctx.type_of(x.entity) in ORG_TYPES]
    if after:
        return after[0].entity
    before = ctx.text[max(sent_start, s - 8) : s].lower()
    if re.search(r"\b(?:its|their)\s*$", before):
        agents = [
            x
            for x in ctx.mentions_in(sent_start, s)
            if not ctx.possessive(x) and ctx.type_of(x.entity) not in ("Person", "Position")
        ]
        if agents:
            return agents[-1].entity
    if re.search(r"(?i)\b(?:force|mission|peacekeepers|peacekeeping)\b", following) or re.search(
        r"(?i)\b(?:force|mission)\b", ctx.text[e : e + 40]
    ):
        missions = [x.entity for x in ctx.mentions if ctx.type_of(x.entity) == "Mission"]
        if missions:
            return max(set(missions), key=missions.count)
    return None


def _nearby_org(ctx: Context, sent_start: int, offset: int) -> str | None:
    """The organisation named nearest before ``offset``, in this sentence or the one before."""
    i = ctx.sentence_index(sent_start)
    start = ctx.sents[i - 1].start if i > 0 else sent_start
    for types in (frozenset({"Organisation"}), ORG_TYPES):
        for x in reversed(ctx.mentions_in(start, offset)):
            if ctx.type_of(x.entity) in types and not ctx.possessive(x):
                return x.entity
    return None
