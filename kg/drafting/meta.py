"""An article's metadata read off its text: title, publisher, publication date, page date, wire credit, dateline.

Patterns of the news pages the project holds:

* "Published on 01/07/2023 at 12:42" -- a publication date, numeric dates read day-first;
* "By Al Mayadeen English" then "7 Nov 2024 19:24" -- a byline naming the outlet, and the time-stamped date under it;
* "| 21 April 2024, Sunday |" or "Tuesday, November 12, 2024" above the headline -- the date the page was shown
  (a page date), not the publication date; a date line under the headline is the publication date;
* "Source: AFP", "(Reuters)" -- a wire credit: the agency the story comes from, not the publisher;
* "BAMAKO (Agency - 5th May, 2023) -" -- a dateline: place, agency and date of filing;
* a line that is just a known outlet's name ("Sputnik", "• DW") -- the publisher.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from .known import ORG_TYPES, Knowledge, folded_key
from .text import find_mentions_folded, is_heading, paragraphs, slugify

_MONTH_NAMES = sorted(
    [m for m in calendar.month_name if m] + [m for m in calendar.month_abbr if m] + ["Sept"], key=len, reverse=True
)
_MONTH = "(?:" + "|".join(_MONTH_NAMES) + r")\.?"
_WEEKDAY = "(?:" + "|".join(calendar.day_name) + "|" + "|".join(calendar.day_abbr) + r")\.?"
_ORD = r"(?:st|nd|rd|th)?"
DATE_PHRASE = re.compile(
    r"(?:(?P<wd1>" + _WEEKDAY + r"),?\s+)?"
    r"(?:(?P<d1>\d{1,2})" + _ORD + r"\s+(?P<m1>" + _MONTH + r"),?\s+(?P<y1>\d{4})"
    r"|(?P<m2>" + _MONTH + r")\s+(?P<d2>\d{1,2})" + _ORD + r",?\s+(?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2})[/.](?P<m3>\d{1,2})[/.](?P<y3>\d{4})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2}))"
    r"(?:,?\s+(?P<wd2>" + _WEEKDAY + r")(?![\w]))?"
    r"(?:,?\s+(?:at\s+)?(?P<time>\d{1,2}[:h]\d{2}(?:\s*(?:[ap]\.?m\.?|GMT|UTC|CET|WAT|EST|EDT))?))?",
    re.IGNORECASE,
)
_MONTH_NUMBER = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH_NUMBER.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTH_NUMBER["sept"] = 9
_FURNITURE = "|•·*\u2013\u2014-_ \t"
_OUTLET_WORDS = re.compile(
    r"\b(?:English|News|Agency|Press|Times|Post|Media|TV|Television|Radio|Daily|Journal|Tribune|Network|Herald|"
    r"Gazette|Observer|Review|Monitor|Wire|Online|Magazine|Redefined|Channel|Broadcasting|Today|Weekly)\b"
)
_WIRES = {
    "afp",
    "reuters",
    "ap",
    "associated press",
    "agence france-presse",
    "agence france presse",
    "xinhua",
    "anadolu",
    "dpa",
    "efe",
    "ansa",
    "tass",
    "ria novosti",
    "upi",
    "bloomberg",
    "apa",
    "pana",
}


@dataclass
class DateFound:
    value: date
    evidence: str  # the phrase as it stands in the text
    start: int
    end: int
    has_time: bool
    ambiguous: bool  # a numeric date that could also be read month-first


def parse_date_phrase(m: re.Match[str]) -> date | None:
    try:
        if m["y1"]:
            return date(int(m["y1"]), _MONTH_NUMBER[m["m1"].lower().rstrip(".")], int(m["d1"]))
        if m["y2"]:
            return date(int(m["y2"]), _MONTH_NUMBER[m["m2"].lower().rstrip(".")], int(m["d2"]))
        if m["y3"]:  # day-first, as the publishers of the project's articles write numeric dates
            return date(int(m["y3"]), int(m["m3"]), int(m["d3"]))
        return date(int(m["y4"]), int(m["m4"]), int(m["d4"]))
    except (ValueError, KeyError):
        return None


def find_date_phrases(text: str, start: int = 0, end: int | None = None) -> list[DateFound]:
    out = []
    for m in DATE_PHRASE.finditer(text, start, len(text) if end is None else end):
        d = parse_date_phrase(m)
        if d is None:
            continue
        ambiguous = bool(m["y3"]) and int(m["m3"]) <= 12 and int(m["d3"]) <= 12 and m["m3"] != m["d3"]
        out.append(DateFound(d, m.group(0).strip(), m.start(), m.end(), bool(m["time"]), ambiguous))
    return out


@dataclass
class Meta:
    """What the text (and the options) say about the article itself."""

    title: str = ""
    title_from: str = "text"
    publisher: str | None = None  # an entity id
    publisher_name: str | None = None
    publisher_new: bool = False  # the publisher is not a known entity: the draft declares it
    publisher_from: str = ""
    published: date | None = None
    published_evidence: str | None = None
    page_date: date | None = None
    page_date_evidence: str | None = None
    url: str | None = None
    language: str = "en"
    author: str | None = None
    wires: list[tuple[str, str | None, str]] = field(default_factory=list)  # (name, entity id, evidence)
    dateline: tuple[str, str | None, str] | None = None  # (place name, entity id, evidence)
    dateline_span: tuple[int, int] | None = None  # the dateline opening the body: no dates or names from it
    notes: list[str] = field(default_factory=list)  # comments for the curator
    date_note: str = ""
    meta_spans: list[tuple[int, int]] = field(default_factory=list)  # lines that are page furniture
    title_span: tuple[int, int] | None = None
    body_start: int = 0


def _strip_furniture(s: str) -> str:
    return s.strip(_FURNITURE)


def _known_org(k: Knowledge, name: str) -> str | None:
    key = folded_key(name)
    for e in k.entities.values():
        if e.type in ORG_TYPES and any(folded_key(n) == key for n in (e.label, *e.aliases)):
            return e.id
    return None


def _is_date_line(line: str) -> DateFound | None:
    core = _strip_furniture(line)
    found = find_date_phrases(core)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(core):
        d = found[0]
        offset = line.index(core)
        return DateFound(d.value, d.evidence, d.start + offset, d.end + offset, d.has_time, d.ambiguous)
    return None


def _wire_names(s: str) -> list[str]:
    return [p.strip(" .()") for p in re.split(r"\s*(?:/|,|\band\b|&)\s*", s) if p.strip(" .()")]


def read_meta(
    text: str,
    knowledge: Knowledge,
    *,
    title: str | None = None,
    publisher: str | None = None,
    published: date | None = None,
    url: str | None = None,
) -> Meta:
    """The metadata, from the options where given (they win) and from the text."""
    meta = Meta(url=url)
    lines = paragraphs(text)
    texts = [text[s:e] for s, e in lines]

    # The body starts at the first line of running text.
    body = next((i for i, t in enumerate(texts) if not is_heading(t) and len(t.split()) >= 12), len(lines))
    meta.body_start = lines[body][0] if body < len(lines) else len(text)

    # Title: the first line of three words or more that is no date, byline or publication line.
    title_index = None
    for i, t in enumerate(texts[: max(body, 1)]):
        core = _strip_furniture(t)
        if _is_date_line(t) or re.match(r"(?i)^(by|published|updated|posted|source|credit)\b", core):
            continue
        if len(core.split()) >= 3:
            title_index = i
            break
    if title:
        meta.title, meta.title_from = title, "option"
    elif title_index is not None:
        meta.title = _strip_furniture(texts[title_index]).strip()
    else:
        meta.title = _strip_furniture(texts[0]) if texts else "(untitled)"
        meta.notes.append("no headline found: the title is the first line; correct it")
    if title_index is not None:
        meta.title_span = lines[title_index]

    byline_index = None
    published_found: DateFound | None = None
    published_how = ""
    page_found: DateFound | None = None
    page_how = ""

    for i, ((ls, le), t) in enumerate(zip(lines, texts, strict=True)):
        core = _strip_furniture(t)
        # "Published on 01/07/2023 at 12:42"
        m = re.search(r"(?i)\b(?:published|posted|first published)\b(?:\s+(?:on|at))?\s*:?\s*", t)
        if m:
            dates = find_date_phrases(t, m.end())
            if dates and dates[0].start == m.end():
                d = dates[0]
                if published_found is None or published_how != "label":
                    published_found = DateFound(
                        d.value, t[m.start() : d.end].strip(), ls + m.start(), ls + d.end, d.has_time, d.ambiguous
                    )
                    published_how = "label"
                meta.meta_spans.append((ls, le))
                continue
        if re.match(r"(?i)^(?:updated|last updated|modified)\b", core) and find_date_phrases(t):
            meta.meta_spans.append((ls, le))
            meta.notes.append(f"the text gives an update date ({core!r}): not the publication date")
            continue
        # "By Al Mayadeen English"
        m = re.match(r"^By\s+(?P<name>[^\d|•,]{2,80}?)\s*(?:[|•,-]\s*(?P<rest>.*))?$", core)
        if m and i < max(body, 1) + 3 and len(m["name"].split()) <= 6:
            byline_index = i
            meta.meta_spans.append((ls, le))
            name = m["name"].strip()
            known = _known_org(knowledge, name)
            person = any(
                knowledge.type_of(x.entity) == "Person"
                for x in find_mentions_folded(name, knowledge.names(frozenset({"Person"})))
            )
            if known:
                meta.publisher, meta.publisher_name, meta.publisher_from = known, name, f"the byline {core!r}"
            elif person or (not _OUTLET_WORDS.search(name) and 2 <= len(name.split()) <= 3):
                meta.author = name
                meta.notes.append(f"the byline {core!r} names a person (the author), not the outlet")
            else:
                meta.publisher, meta.publisher_name, meta.publisher_new = slugify(name), name, True
                meta.publisher_from = f"the byline {core!r}"
            rest_dates = [d for d in find_date_phrases(t) if m["rest"] and d.start >= t.index(m["rest"])]
            if rest_dates:
                d = rest_dates[0]
                published_found = published_found or DateFound(
                    d.value, d.evidence, ls + d.start, ls + d.end, d.has_time, d.ambiguous
                )
                published_how = published_how or "byline"
            continue
        # "Source: AFP"
        m = re.match(r"(?i)^(?:source|sources|credit|credits|via|with)\s*:\s*(?P<names>.{2,80})$", core)
        if m:
            meta.meta_spans.append((ls, le))
            for name in _wire_names(m["names"]):
                meta.wires.append((name, _known_org(knowledge, name), core))
            continue
        # A standalone date line.
        on_line = _is_date_line(t)
        if on_line is not None:
            meta.meta_spans.append((ls, le))
            d = DateFound(
                on_line.value,
                on_line.evidence,
                ls + on_line.start,
                ls + on_line.end,
                on_line.has_time,
                on_line.ambiguous,
            )
            near_byline = byline_index is not None and 0 < i - byline_index <= 2
            above_title = title_index is not None and i < title_index
            if d.has_time or near_byline:
                if published_how not in ("label",):
                    published_found, published_how = d, "byline" if near_byline else "timestamp"
            elif above_title:
                page_found, page_how = d, "above the headline"
            elif i < max(body, 1) + 1 and published_found is None:
                published_found, published_how = d, "under the headline"
            elif page_found is None:
                page_found, page_how = d, "on the page"
            continue
        # A line that is a known outlet's name: "Sputnik", "• DW".
        if len(core.split()) <= 5:
            known = _known_org(knowledge, core)
            if known and knowledge.type_of(known) == "Organisation" and meta.publisher is None:
                meta.publisher, meta.publisher_name, meta.publisher_from = known, core, f"the line {core!r}"
                meta.meta_spans.append((ls, le))
                continue
            if core.lower().strip("() ") in _WIRES:
                meta.wires.append((core.strip("() "), _known_org(knowledge, core.strip("() ")), core))
                meta.meta_spans.append((ls, le))
                continue

    # A dateline opening the body: "BAMAKO (Agency - 5th May, 2023) -" or "BAMAKO, May 5 (Reuters) -".
    # It may also stand on a line of its own just above the body.
    m = None
    for candidate in range(max(0, body - 2), min(len(lines), body + 1)):
        bs, be = lines[candidate]
        m = re.match(
            r"^(?P<place>[A-Z][A-Z'\u2019. -]{2,40}?)(?:,\s*(?P<when>[A-Z][a-z]+\.? \d{1,2}))?"
            r"\s*\((?P<inner>[^)]{2,80})\)"
            r"\s*[-\u2013\u2014:]?\s*",
            text[bs:be],
        )
        if m:
            break
    if m:
        place = m["place"].strip()
        place_id = None
        for x in find_mentions_folded(place.title(), knowledge.names(frozenset({"Place", "Country"}))):
            place_id = x.entity
        meta.dateline = (place.title(), place_id, m.group(0).strip(" -\u2013\u2014:"))
        meta.dateline_span = (bs, bs + m.end())
        inner = m["inner"]
        inner_start = bs + m.start("inner")
        dates = find_date_phrases(inner)
        if dates and published_found is None:
            d = dates[0]
            published_found = DateFound(
                d.value, d.evidence, inner_start + d.start, inner_start + d.end, d.has_time, d.ambiguous
            )
            published_how = "dateline"
        rest = inner
        for d in dates:
            rest = rest.replace(inner[d.start : d.end], " ")
        for name in re.split(r"\s*[-\u2013\u2014,/]\s*", rest):
            if name.strip() and re.search(r"[A-Za-z]", name):
                meta.wires.append(
                    (name.strip(), _known_org(knowledge, name.strip()), m.group(0).strip(" -\u2013\u2014:"))
                )
        if m["when"] and published_found is None:
            meta.notes.append(f"the dateline gives {m['when']!r} without a year: no publication date taken from it")

    # Options win over what the text says.
    if publisher:
        known = publisher if publisher in knowledge.entities else _known_org(knowledge, publisher)
        if known:
            meta.publisher, meta.publisher_name, meta.publisher_new = known, publisher, False
        else:
            meta.publisher, meta.publisher_name, meta.publisher_new = slugify(publisher), publisher, True
        meta.publisher_from = "--publisher"
    if meta.publisher is None and meta.wires:
        names = ", ".join(f"{n} ({i or 'not a known entity'})" for n, i, _ in meta.wires)
        meta.notes.append(
            f"publisher: the text names no outlet; the wire credit names {names}: the agency the story comes from. "
            "Set publisher to it only if the article is the agency's own."
        )
    elif meta.wires:
        names = ", ".join(n for n, _, _ in meta.wires)
        meta.notes.append(f"wire credit: {names} (the agency the story comes from; the publisher is {meta.publisher})")
    if meta.dateline:
        place, pid, ev = meta.dateline
        meta.notes.append(f"dateline {ev!r}: filed from {place}" + (f" ({pid})" if pid else " (not a known place)"))

    notes: list[str] = []
    if published is not None:
        meta.published = published
        shown = [d for d in find_date_phrases(text) if d.value == published]
        if published_found is not None and published_found.value == published:
            meta.published_evidence = published_found.evidence
        elif shown:
            meta.published_evidence = shown[0].evidence
        if meta.published_evidence:
            notes.append(
                f"Published {published.isoformat()} (given by the curator; the text shows it: "
                f"{meta.published_evidence!r})."
            )
        else:
            notes.append(f"Published {published.isoformat()} (given by the curator; the text does not show it).")
            meta.notes.append(
                "published: the text does not show this date, and the build needs a passage of the text that does "
                "(published_evidence): check the date or remove it"
            )
        if published_found is not None and published_found.value != published:
            meta.notes.append(f"the text's own date {published_found.evidence!r} differs from --published")
    elif published_found is not None:
        meta.published, meta.published_evidence = published_found.value, published_found.evidence
        how = {
            "label": "labelled as the publication date",
            "byline": "under the byline",
            "timestamp": "a time-stamped date line",
            "under the headline": "the date line under the headline",
            "dateline": "the dateline",
        }[published_how]
        reading = " Read day-first, as the publisher writes numeric dates." if published_found.ambiguous else ""
        evidence = published_found.evidence
        lead = "" if re.match(r"(?i)(?:first )?(?:published|posted)", evidence) else "Published "
        notes.append(f"{lead}{evidence} ({how}): {meta.published.day} {meta.published:%B %Y}.{reading}")
    else:
        notes.append("The text gives no publication date; relative dates in it are left unresolved.")
    if page_found is not None and page_found.value != meta.published:
        meta.page_date, meta.page_date_evidence = page_found.value, page_found.evidence
        notes.append(
            f'"{page_found.evidence}" ({page_how}) is the date the page was shown, not the publication date'
            + ("; relative dates are not resolved against it." if meta.published is None else ".")
        )
    meta.date_note = " ".join(notes)
    return meta
