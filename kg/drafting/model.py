"""What a draft is made of: new entities, facts, and the shared reading context the drafting steps use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..extract import Mention
from .known import Knowledge
from .text import Folded, Sentence, normalise, sentence_at


@dataclass
class NewEntity:
    """An entity the draft declares: a new name, a statement, a position, an event."""

    id: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    comment: str | None = None
    notes: list[str] = field(default_factory=list)  # YAML comments written above it
    start: int = 0  # first occurrence in the text
    kind: str = "name"  # name / statement / position / publisher / event / unnamed
    key: str = ""  # what it stands for, to find it again (a position's role and organisation)


@dataclass
class DraftFact:
    """One drafted fact: a passage of the text, the entity it is about, and what it says."""

    about: str
    evidence: list[str]
    values: dict[str, list[Any]]
    kind: str  # position / statement / number / place / meta
    start: int
    end: int
    dates: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # what the benchmark reads (cue, speaker surface, ...)


@dataclass
class Context:
    """The text and what has been read off it so far, shared by the drafting steps."""

    text: str
    folded: Folded
    knowledge: Knowledge
    sents: list[Sentence]
    mentions: list[Mention] = field(default_factory=list)
    new_entities: dict[str, NewEntity] = field(default_factory=dict)
    main_country: str | None = None
    published: date | None = None
    skip: list[tuple[int, int]] = field(default_factory=list)  # page furniture: no facts from there
    furniture: list[tuple[int, int]] = field(default_factory=list)  # a dateline: no dates or names from there
    #: person id -> {position id: (role key, org id)} known from other articles and drafted here
    held: dict[str, dict[str, tuple[str, str | None]]] = field(default_factory=dict)

    def type_of(self, entity: str) -> str | None:
        if entity in self.new_entities:
            return self.new_entities[entity].type
        return self.knowledge.type_of(entity)

    def label_of(self, entity: str) -> str:
        if entity in self.new_entities:
            return self.new_entities[entity].label
        e = self.knowledge.entities.get(entity)
        return e.label if e else entity

    def exists(self, entity: str) -> bool:
        return entity in self.new_entities or entity in self.knowledge.entities

    def unique_id(self, base: str) -> str:
        base = base or "item"
        candidate, n = base, 2
        while self.exists(candidate):
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def add(self, entity: NewEntity) -> NewEntity:
        self.new_entities[entity.id] = entity
        return entity

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def mentions_before(self, offset: int) -> list[Mention]:
        return [m for m in self.mentions if m.end <= offset]

    def possessive(self, m: Mention) -> bool:
        return self.text[m.end : m.end + 2] in ("\u2019s", "'s") or self.text[m.end : m.end + 1] in ("\u2019", "'")

    def sentence_index(self, offset: int) -> int:
        return sentence_at(self.sents, offset)

    def sentence_span(self, offset: int) -> tuple[int, int]:
        s = self.sents[self.sentence_index(offset)]
        return s.start, s.end

    def passage(self, start: int, end: int) -> str:
        return normalise(self.text[start:end])

    def in_skip(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.skip)

    def content_start(self, start: int) -> int:
        """``start``, or the end of the dateline that covers it."""
        for a, b in self.furniture:
            if a <= start < b:
                start = b
        return start


@dataclass
class Draft:
    """Everything drafted for one article, ready to be written as its annotation file."""

    source: str
    text: str
    meta: Any  # kg.drafting.meta.Meta
    entities: list[NewEntity]
    facts: list[DraftFact]
    mentions: list[Mention]  # of known entities
    fuzzy: list[Mention]  # mentions the build's exact matching would miss
    dates: list[Any]  # kg.drafting.dates.FoundDate
    notes: dict[str, list[str]] = field(default_factory=dict)  # comment sections at the end
    links: list[str] = field(default_factory=list)  # candidate links to known events
