"""Write a draft as an annotation file: the exact YAML format the loader reads, with comments for the curator.

The YAML is templated line by line (so the comments stay where they help): every string is written plain
only where YAML reads it back as the same string, long ones as folded blocks, anything else double-quoted.
Every drafted item carries ``review: draft``.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter
from datetime import date
from typing import Any

import yaml

from .dates import describe as describe_date
from .model import Draft, DraftFact, NewEntity

WIDTH = 118
REVIEW = "review: draft"
TIMES = " \u00d7"  # multiplication sign: "Mali x3"
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]")
_SECTIONS = [
    ("position", "Positions: who holds which office, from the titles the text gives them"),
    ("position-org", None),
    ("statement", "Statements: quotations and reported speech, with the speaker the cues name"),
    ("number", "Numbers and quantities"),
    ("place", "Places: what lies where"),
]


def _plain_ok(s: str) -> bool:
    if not s or s != s.strip() or "\n" in s or "  " in s or _NON_PRINTABLE.search(s) or _BREAKS.search(s):
        return False
    if s[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in s or " #" in s or s.endswith(":") or "\t" in s:
        return False
    try:
        return bool(yaml.safe_load(s) == s)
    except yaml.YAMLError:
        return False


def scalar(value: Any) -> str:
    """One YAML scalar that reads back as ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    s = str(value)
    if _plain_ok(s):
        return s
    return json.dumps(s, ensure_ascii=bool(_NON_PRINTABLE.search(s)) or "\x85" in s or "\u2028" in s or "\u2029" in s)


def _block_ok(s: str) -> bool:
    return (
        bool(s)
        and s == " ".join(s.split())
        and not _NON_PRINTABLE.search(s)
        and "\x85" not in s
        and "\u2028" not in s
        and "\u2029" not in s
        and "\ufeff" not in s
    )


def value_lines(key: str, value: Any, indent: int) -> list[str]:
    """``key: value`` (a folded block for long text, a block list for several values)."""
    pad = " " * indent
    if isinstance(value, list):
        if len(value) == 1:
            return value_lines(key, value[0], indent)
        lines = [f"{pad}{key}:"]
        for v in value:
            item = value_lines("", v, indent + 2)
            first = item[0].replace(f"{' ' * (indent + 2)}: ", f"{pad}  - ", 1)
            lines.append(first)
            lines.extend(item[1:])
        return lines
    if isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for k, v in value.items():
            lines.extend(value_lines(k, v, indent + 2))
        return lines
    if isinstance(value, str) and len(value) + indent + len(key) + 2 > WIDTH and _block_ok(value):
        wrapped = textwrap.wrap(value, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
        return [f"{pad}{key}: >-", *(f"{pad}  {line}" for line in wrapped)]
    return [f"{pad}{key}: {scalar(value)}"]


def comment(text: str, indent: int = 0) -> list[str]:
    pad = " " * indent
    text = " ".join(str(text).split())
    return [
        f"{pad}# {line}"
        for line in textwrap.wrap(
            text, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False, subsequent_indent="  "
        )
    ] or [f"{pad}#"]


def _entity_lines(e: NewEntity) -> list[str]:
    lines = []
    for note in e.notes:
        lines.extend(comment(note, 2))
    lines.extend(value_lines("- id", e.id, 2))
    lines.extend(value_lines("type", e.type, 4))
    lines.extend(value_lines("label", e.label, 4))
    if e.aliases:
        lines.append("    aliases:")
        lines.extend(f"      - {scalar(a)}" for a in e.aliases)
    if e.comment:
        lines.extend(value_lines("comment", e.comment, 4))
    lines.append(f"    {REVIEW}")
    return lines


def _fact_lines(f: DraftFact) -> list[str]:
    lines = []
    for note in f.notes:
        lines.extend(comment(note, 2))
    lines.extend(value_lines("- about", f.about, 2))
    lines.extend(value_lines("evidence", f.evidence if len(f.evidence) > 1 else f.evidence[0], 4))
    for key, spec in f.dates.items():
        lines.extend(value_lines(key, spec, 4))
    if f.values:
        lines.append("    set:")
        for key, values in f.values.items():
            lines.extend(value_lines(key, values, 6))
    lines.append(f"    {REVIEW}")
    return lines


def render(draft: Draft) -> str:
    """The annotation file for the draft."""
    meta = draft.meta
    out: list[str] = []
    out.extend(comment(f"DRAFT of the annotation of {draft.source or 'an article'}, written by `minusma-kg draft`."))
    out.extend(
        comment(
            "Every item marked 'review: draft' was read off the text by a program: check it against the text, correct "
            "or complete it (ids, labels, the event a fact is about, occasions), delete what is wrong, then remove its "
            "'review: draft' line. The build refuses marked items."
        )
    )
    for note in meta.notes:
        out.extend(comment(note))
    out.append("article:")
    out.extend(value_lines("title", meta.title, 2))
    out.extend(value_lines("publisher", meta.publisher, 2))
    out.extend(value_lines("language", meta.language, 2))
    out.extend(value_lines("published", meta.published, 2))
    if meta.published is not None:
        out.extend(value_lines("published_evidence", meta.published_evidence, 2))
    if meta.page_date is not None:
        out.extend(value_lines("page_date", meta.page_date, 2))
    if meta.url:
        out.extend(value_lines("url", meta.url, 2))
    out.extend(value_lines("date_note", meta.date_note, 2))
    out.append(f"  {REVIEW}")
    out.append("")

    counts = Counter(m.entity for m in draft.mentions)
    surfaces: dict[str, Counter[str]] = {}
    for m in draft.mentions:
        surfaces.setdefault(m.entity, Counter())[" ".join(m.surface.split())] += 1
    if counts:
        listed = "; ".join(
            f"{e} ({', '.join(f'{s}{TIMES}{n}' if n > 1 else s for s, n in surfaces[e].most_common())})"
            for e, _ in counts.most_common()
        )
        out.extend(comment("Known entities the text mentions (the build finds these itself): " + listed))
    if draft.fuzzy:
        seen: set[tuple[str, str]] = set()
        for m in draft.fuzzy:
            key = (" ".join(m.surface.split()), m.entity)
            if key in seen:
                continue
            seen.add(key)
            out.extend(
                comment(
                    f"{key[0]!r} is {m.entity} only accent-, case- or punctuation-insensitively: add it to the "
                    f"aliases of {m.entity} (kg/entities.yaml or the article that declares it) so the build finds it."
                )
            )
    out.append("")

    out.append("entities:")
    if not draft.entities:
        out.append("  []")
    for e in sorted(draft.entities, key=lambda e: (_KIND_ORDER.get(e.kind, 9), e.start)):
        out.extend(_entity_lines(e))
    out.append("")

    out.append("facts:")
    facts = list(draft.facts)
    if not facts:
        out.append("  []")
    for kind, title in _SECTIONS:
        if title is None:  # the position-org facts, listed with the positions
            continue
        group = [f for f in facts if f.kind == kind]
        if kind == "position":
            group = sorted(group + [f for f in facts if f.kind == "position-org"], key=lambda f: (f.start, f.kind))
        if not group:
            continue
        out.append(f"  #--- {title} " + "-" * max(3, WIDTH - 10 - len(title)))
        for f in group:
            out.extend(_fact_lines(f))
    others = [f for f in facts if f.kind not in {k for k, _ in _SECTIONS}]
    if others:
        out.append("  #--- Other facts " + "-" * (WIDTH - 20))
        for f in others:
            out.extend(_fact_lines(f))
    out.append("")

    unattached = [d for d in draft.dates if not d.used]
    if draft.dates:
        ref = f"the publication date {meta.published.isoformat()}" if meta.published else "no publication date"
        out.extend(
            comment(
                f"Date expressions in the text (resolved against {ref}); '*' marks those a drafted fact "
                "carries, the others belong to facts still to write:"
            )
        )
        for d in draft.dates:
            out.extend(comment(("* " if d.used else "- ") + describe_date(d), 2))
            if not d.used and d in unattached and d.extra_note:
                out.extend(comment("  " + d.extra_note, 2))
        out.append("")
    for heading, section in [
        ("Candidate links to events other articles already describe (by similar words and participants):", "links"),
        ("Quantities no property of the ontology fits:", "numbers"),
        ("Quotations not drafted as statements:", "quotes"),
        ("Place facts not drafted:", "places"),
        ("Capitalised names not declared:", "names"),
    ]:
        lines = draft.links if section == "links" else draft.notes.get(section, [])
        if lines:
            out.extend(comment(heading))
            for line in lines:
                out.extend(comment("- " + line, 2))
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


_KIND_ORDER = {"publisher": 0, "name": 1, "unnamed": 2, "group": 2, "position": 3, "statement": 4, "event": 5}


def strip_review_marks(yaml_text: str) -> str:
    """The draft with every ``review: draft`` line removed: what a curator's accepted file looks like."""
    return "".join(line for line in yaml_text.splitlines(keepends=True) if line.strip() != REVIEW)
