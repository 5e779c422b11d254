"""Where places are, as locatedIn facts: chains ("Moura, in the Mopti region of central Mali"), adjectives ("the
African region of Sahel", "the West African nation", "the landlocked Sahel state", "the Malian capital Bamako"),
and, marked as an inference, towns the article places only by context ("UN facilities in Gao and Bamako" in an
article about Mali). A place fact another article already states is a comment, not a second fact.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ..extract import Mention
from .geo import DEMONYMS
from .known import PLACE_TYPES
from .model import Context, DraftFact
from .text import find_mentions_folded

_DIRECTION = (
    r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|north-eastern|north-western|"
    r"south-eastern|south-western|northeastern|northwestern|southeastern|southwestern|far)\s+)"
)
_REGION_WORD = r"(?:\s+(?:region|province|district|area|cercle|commune|state))"


def _place(ctx: Context, m: Mention) -> bool:
    return ctx.type_of(m.entity) in PLACE_TYPES


def _is_country(ctx: Context, entity: str) -> bool:
    return ctx.type_of(entity) == "Country"


def _named_place(ctx: Context, name: str) -> str | None:
    names = ctx.knowledge.names(PLACE_TYPES)
    names.update({e.id: (e.label, *e.aliases) for e in ctx.new_entities.values() if e.type in PLACE_TYPES})
    found = find_mentions_folded(name, names)
    return found[0].entity if found and found[0].start == 0 and found[0].end == len(name) else None


def draft_places(ctx: Context) -> tuple[list[DraftFact], list[str]]:
    text = ctx.text
    pairs: list[tuple[str, str, int, int, list[str]]] = []
    places = [m for m in ctx.mentions if _place(ctx, m) and not ctx.in_skip(m.start)]

    # Chains: "Moura, in the Mopti region of central Mali", "Gao, northern Mali".
    for i, first in enumerate(places):
        chain = [first]
        j = i + 1
        while j < len(places):
            last, candidate = chain[-1], places[j]
            gap = text[last.end : candidate.start]
            link = r"^(?:" + _REGION_WORD + r")?,?\s+(?:(?:in|near|outside|of)\s+)?(?:the\s+)?" + _DIRECTION + r"?$"
            linked = re.match(link, gap, re.IGNORECASE) and (
                re.search(r"(?i)\b(?:in|of|near|outside)\b", gap)
                or re.search(_DIRECTION, gap, re.IGNORECASE)
                or (gap.strip() == "," and _is_country(ctx, candidate.entity) and not _is_country(ctx, last.entity))
            )
            if not linked:
                break
            chain.append(candidate)
            j += 1
        for inside, around in pairwise(chain):
            if inside.entity == around.entity or (
                _is_country(ctx, inside.entity) and not _is_country(ctx, around.entity)
            ):
                continue
            if _is_country(ctx, inside.entity) and _is_country(ctx, around.entity):
                continue
            pairs.append((inside.entity, around.entity, inside.start, around.end, ["a place chain"]))

    # "the African region of Sahel"
    for m in re.finditer(
        r"\b(?i:the|a)\s+(?P<adj>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)\s+region\s+of\s+(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)",
        text,
    ):
        outer = _named_place(ctx, DEMONYMS.get(m["adj"], m["adj"]))
        inner = _named_place(ctx, m["name"])
        if outer and inner and outer != inner:
            pairs.append((inner, outer, m.start(), m.end(), [f"the adjective {m['adj']!r}"]))

    # "the West African nation", "the landlocked Sahel state", "the Malian capital Bamako"
    for m in re.finditer(
        r"\b(?i:the|a)\s+(?:[a-z-]+\s+)?(?P<adj>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)\s+(?P<noun>nation|country|state|capital)\b(?P<rest>,?\s+(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?))?",
        text,
    ):
        if ctx.in_skip(m.start()):
            continue
        target = _named_place(ctx, DEMONYMS.get(m["adj"], m["adj"]))
        if target is None:
            continue
        if m["noun"] == "capital":
            if m["name"] and _is_country(ctx, target):
                city = _named_place(ctx, m["name"])
                if city and city != target:
                    pairs.append((city, target, m.start(), m.end(), [f"the capital of {target}"]))
            continue
        if ctx.main_country and target != ctx.main_country and not _is_country(ctx, target):
            end = m.start("rest") if m["rest"] else m.end()
            pairs.append(
                (
                    ctx.main_country,
                    target,
                    m.start(),
                    end,
                    [f"'{text[m.start() : end]}' is taken to be {ctx.main_country}, the article's country"],
                )
            )

    # Towns placed by the mission's presence: "UN facilities in Gao and Bamako", "the UN camp in Gao" in an article
    # about the mission in Mali. Other towns the text does not place are listed for the curator.
    located = {a for a, *_ in pairs} | {f.about for f in ctx.knowledge.facts if f.values.get("locatedIn")}
    containing = {b for _, b, *_ in pairs} | {
        str(v) for f in ctx.knowledge.facts for v in f.values.get("locatedIn", [])
    }
    unplaced: dict[str, str] = {}
    if ctx.main_country:
        for m in re.finditer(
            r"\b(?:in|at|near|from)\s+(?P<list>[A-Z][\w\u2019'-]*(?:(?:,\s+|\s+and\s+)[A-Z][\w\u2019'-]*)*)", text
        ):
            if ctx.in_skip(m.start()):
                continue
            facility = re.search(
                r"(?i)\b(?:camps?|bases?|facilit(?:y|ies)|headquarters|compounds?|offices?|stations?)\s*$",
                text[max(0, m.start() - 40) : m.start()],
            )
            listed = [x for x in places if m.start("list") <= x.start < m.end("list")]
            for x in listed:
                if _is_country(ctx, x.entity) or x.entity in located or x.entity in containing:
                    continue
                if re.match(_REGION_WORD, text[x.end : x.end + 12], re.IGNORECASE):
                    continue
                if not facility:
                    unplaced.setdefault(x.entity, ctx.passage(*ctx.sentence_span(m.start())))
                    continue
                located.add(x.entity)
                unplaced.pop(x.entity, None)
                start = max(ctx.sentence_span(m.start())[0], m.start() - len(facility.group(0)) - 40 + facility.start())
                start = text.rfind(" ", 0, start) + 1 if start > 0 else 0
                start = max(start, ctx.sentence_span(m.start())[0])
                inferred = (
                    f"inferred: the mission's {facility.group(0).strip()} in {x.surface}, so in "
                    f"{ctx.main_country}, the country the article is about; the text does not name it"
                )
                pairs.append((x.entity, ctx.main_country, start, m.end(), [inferred]))

    facts: list[DraftFact] = []
    notes: list[str] = []
    seen: set[tuple[str, str]] = set()
    stated = {(f.about, str(v)): f.article for f in ctx.knowledge.facts for v in f.values.get("locatedIn", [])}
    for a, b, s, e, why in sorted(pairs, key=lambda p: p[2]):
        if (a, b) in seen:
            continue
        seen.add((a, b))
        passage = ctx.passage(s, e)
        if (a, b) in stated:
            notes.append(f"{a} locatedIn {b}: already stated by article {stated[(a, b)]} (here: “{passage}”)")
            continue
        facts.append(DraftFact(a, [passage], {"locatedIn": [b]}, "place", s, e, notes=why))
    for place, where in unplaced.items():
        notes.append(
            f"where is {place}? the text does not say (in {ctx.main_country}, the article's country?): {where}"
        )
    return facts, notes
