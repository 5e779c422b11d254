"""Candidate links between a new article's passages and the events other articles already describe.

Each known event (any entity that is not a person, organisation, place or position) is described by its
label and the evidence passages of its facts, and by its participants (the entities its facts name). A
passage of the new article is compared with each by tf-idf cosine over content words, plus the overlap of
the entities it mentions with the event's participants. The drafter writes the best candidates as comments
for the curator; it reuses an existing event as a fact's subject only where a number needs one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .. import paths
from .known import NAMED_TYPES, KnownFact
from .model import Context, NewEntity
from .text import STOPWORDS, content_words, normalise, slugify


@dataclass(frozen=True)
class KnownEvent:
    id: str
    type: str
    label: str
    words: Counter[str]
    participants: frozenset[str]
    articles: tuple[str, ...]
    sample: str


@dataclass(frozen=True)
class Link:
    id: str
    type: str
    score: float
    articles: tuple[str, ...]
    sample: str


class Linker:
    """tf-idf over the known events' words; built once per draft."""

    def __init__(self, ctx: Context) -> None:
        k = ctx.knowledge
        by_event: dict[str, list[KnownFact]] = {}
        for f in k.facts:
            e = k.entities.get(f.about)
            if e is None or e.type in NAMED_TYPES:
                continue
            by_event.setdefault(f.about, []).append(f)
        self.events: list[KnownEvent] = []
        for eid, e in k.entities.items():
            if e.type in NAMED_TYPES:
                continue
            facts = by_event.get(eid, [])
            words = Counter(content_words(e.label))
            participants: set[str] = set()
            for f in facts:
                for passage in f.evidence:
                    words.update(content_words(passage))
                for values in f.values.values():
                    participants.update(str(v) for v in values if str(v) in k.entities)
            sample = normalise(facts[0].evidence[0]) if facts and facts[0].evidence else e.label
            articles = tuple(sorted({f.article for f in facts}))
            self.events.append(KnownEvent(eid, e.type, e.label, words, frozenset(participants), articles, sample))
        df: Counter[str] = Counter()
        for ev in self.events:
            df.update(set(ev.words))
        n = max(1, len(self.events))
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
        self.vectors = [self._vector(ev.words) for ev in self.events]

    def _vector(self, words: Counter[str]) -> dict[str, float]:
        vec = {w: (1 + math.log(c)) * self.idf.get(w, math.log(len(self.events) + 1)) for w, c in words.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def links(self, ctx: Context, start: int, end: int, types: set[str] | None = None, top: int = 2) -> list[Link]:
        words = Counter(content_words(ctx.text[start:end]))
        if not words or not self.events:
            return []
        vec = self._vector(words)
        mentioned = {m.entity for m in ctx.mentions_in(start, end)}
        out = []
        for ev, evec in zip(self.events, self.vectors, strict=True):
            if types and ev.type not in types:
                continue
            cos = sum(v * evec.get(w, 0.0) for w, v in vec.items())
            shared = len(mentioned & ev.participants) / len(mentioned | ev.participants) if ev.participants else 0.0
            score = 0.75 * cos + 0.25 * shared
            if score > 0:
                out.append(Link(ev.id, ev.type, round(score, 2), ev.articles, ev.sample))
        out.sort(key=lambda link: -link.score)
        return out[:top]


def describe(link: Link) -> str:
    where = f"articles {', '.join(link.articles)}" if link.articles else "entities.yaml"
    sample = link.sample if len(link.sample) <= 110 else link.sample[:107] + "..."
    return f"{link.id} ({link.type}, {where}; similarity {link.score:.2f}): {sample}"


#: sentence keywords -> the event class they suggest, most specific first
EVENT_CLASSES = [
    (r"persona non grata|expel|expuls", "Expulsion"),
    (r"liquidat", "Liquidation"),
    (r"\bvisit", "Visit"),
    (r"\bmandate", "Mandate"),
    (r"\b(?:options?|amendments?|proposals?|recommend)", "Proposal"),
    (r"\bcoups?\b", "Coup"),
    (r"\bresolution", "Resolution"),
    (r"\breport\b", "Report"),
    (r"\b(?:talks|meeting|session|summit)\b", "Meeting"),
    (r"\b(?:withdraw|pull(?:ing|ed)? out|leave|departure)", "Withdrawal"),
    (r"\b(?:operation|offensive|raid|attack|massacre|execut)", "MilitaryOperation"),
    (r"\b(?:protest|demonstrat)", "Protest"),
    (r"\b(?:established|set up|founded|deployed)\b", "Establishment"),
    (r"\b(?:restrict|suspen|denied|ban)", "Restriction"),
    (r"\b(?:conflict|insurgency|war|crisis)\b", "ArmedConflict"),
]


def event_class(passage: str) -> str:
    for pattern, cls in EVENT_CLASSES:
        if re.search(pattern, passage, re.IGNORECASE):
            return cls
    return "Event"


def event_for(ctx: Context, linker: Linker, start: int, end: int, cls: str | None = None) -> tuple[str, list[str]]:
    """An event to hang a fact on: a known one the passage clearly describes, or a new one of the guessed class."""
    passage = ctx.text[start:end]
    cls = cls or event_class(passage)
    links = linker.links(ctx, start, end, {cls})
    if links and links[0].score >= 0.35:
        return links[0].id, [f"about: linked by similarity to {describe(links[0])}"]
    for e in ctx.new_entities.values():
        if e.kind == "event" and e.type == cls and e.key == f"{ctx.sentence_index(start)}":
            return e.id, []
    words = normalise(ctx.text[ctx.content_start(start) : end]).split()
    short = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    words_for_id = [w for w in re.findall(r"[a-z0-9]+", passage.lower()) if w not in STOPWORDS and len(w) > 2][:3]
    eid = ctx.unique_id(slugify(f"{cls} {' '.join(words_for_id)}"))
    notes = ["a new event: give it a proper id and label"]
    if links:
        notes.append(f"or the same as {describe(links[0])}?")
    notes.extend(f"still to state: {message}" for message in required(cls))
    ctx.add(
        NewEntity(
            eid, cls, f"{cls}: {short}", start=start, kind="event", key=f"{ctx.sentence_index(start)}", notes=notes
        )
    )
    return eid, []


@lru_cache(maxsize=1)
def _requirements() -> dict[str, list[str]]:
    """Class local name -> the shapes' messages for the mkg: properties it must have (sh:minCount >= 1)."""
    from rdflib import Graph, Literal
    from rdflib.namespace import RDF

    from ..namespaces import MKG, SH

    sh = SH
    mkg = str(MKG)
    g = Graph().parse(paths.SHAPES, format="turtle")
    out: dict[str, list[str]] = {}
    for shape in g.subjects(RDF.type, sh.NodeShape):
        targets = [str(t)[len(mkg) :] for t in g.objects(shape, sh.targetClass) if str(t).startswith(mkg)]
        for prop in g.objects(shape, sh.property):
            path, count = g.value(prop, sh.path), g.value(prop, sh.minCount)
            if path is None or not str(path).startswith(mkg) or not isinstance(count, Literal) or int(count) < 1:
                continue
            if str(path)[len(mkg) :] in ("evidence", "sourceLine"):  # the build adds these
                continue
            message = str(g.value(prop, sh.message) or f"mkg:{str(path)[len(mkg) :]}")
            for t in targets:
                out.setdefault(t, []).append(message)
    return out


def required(cls: str) -> list[str]:
    """What the shapes require of an instance of ``cls`` (besides the label, source and evidence the build adds)."""
    try:
        return list(_requirements().get(cls, []))
    except Exception:  # a note for the curator must never stop a draft
        return []
