"""Matching names against the graph's entities: the index behind /reconcile and /search.

Names are compared folded: accents dropped, case ignored, punctuation removed, the dots of acronyms dropped
("Goita" = "Goïta", "U.N. Security Council" = "UN Security Council", "El Ghassim" = "El-Ghassim"), reusing the
drafting tools' folding (:func:`kg.drafting.text.fold_str`). Every label and alias counts, in every language.

A candidate's score (0-100) is the best of: an exact label (100), an exact alias (90), the overlap of the words
(up to 80), a fuzzy likeness of the whole strings (up to 60). ``match`` is true only for an unambiguous exact hit:
one candidate, and no other entity, carries the folded name as a label or alias. The features behind the score
go back with each candidate.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from ..kg.drafting.text import fold_str

EXACT_LABEL, EXACT_ALIAS, TOKEN_MAX, FUZZY_MAX = 100.0, 90.0, 80.0, 60.0
FUZZY_FLOOR = 0.6  # below this likeness a name is no candidate at all
_NON_WORD = re.compile(r"[^0-9a-z]+")

#: An entity's value for a property: ("iri", iri) or ("literal", text, datatype IRI or None, language or None).
Value = tuple[Literal["iri"], str] | tuple[Literal["literal"], str, str | None, str | None]


def normalise(text: str) -> str:
    """The folded form names are compared in: lower case, ASCII letters and digits, single spaces."""
    folded = fold_str(text).replace("'", "")  # "Mali's" -> "malis", as a reader would search it
    return _NON_WORD.sub(" ", folded.lower()).strip()


def tokens(text: str) -> frozenset[str]:
    return frozenset(normalise(text).split())


@dataclass
class Entity:
    """One resource of the graph as the matcher sees it."""

    id: str  # the local name under the resource namespace (``assimi-goita``, ``article/003``)
    iri: str
    labels: list[tuple[str, str | None]] = field(default_factory=list)  # (text, language tag)
    aliases: list[tuple[str, str | None]] = field(default_factory=list)
    types: set[str] = field(default_factory=set)  # class IRIs, asserted and inferred
    asserted_types: set[str] = field(default_factory=set)
    description: str = ""
    #: property IRI -> values
    values: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))

    @property
    def name(self) -> str:
        english = [t for t, lang in self.labels if lang == "en"]
        return (english or [t for t, _ in self.labels] or [self.id])[0]


@dataclass
class Candidate:
    entity: Entity
    score: float
    features: dict[str, float | bool]
    exact_name: str | None = None  # the normalised name of an exact hit


class Index:
    """Entities with their folded names, built once per app."""

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = {e.id: e for e in entities}
        self.by_iri = {e.iri: e for e in entities}
        self._names: dict[str, list[tuple[str, str, bool]]] = {}  # id -> [(normalised, original, is_label)]
        self._owners: dict[str, set[str]] = defaultdict(set)  # normalised name -> ids carrying it
        for e in entities:
            names = [(normalise(t), t, True) for t, _ in e.labels] + [(normalise(t), t, False) for t, _ in e.aliases]
            names = [n for n in names if n[0]]
            self._names[e.id] = names
            for norm, _, _ in names:
                self._owners[norm].add(e.id)

    def names(self, entity_id: str) -> list[tuple[str, str, bool]]:
        return self._names.get(entity_id, [])

    def score(self, query: str, entity: Entity) -> Candidate | None:
        q = normalise(query)
        if not q:
            return None
        q_tokens = frozenset(q.split())
        label_exact = alias_exact = False
        overlap = likeness = 0.0
        for norm, _, is_label in self._names.get(entity.id, []):
            if norm == q:
                label_exact |= is_label
                alias_exact |= not is_label
            n_tokens = frozenset(norm.split())
            overlap = max(overlap, len(q_tokens & n_tokens) / len(q_tokens | n_tokens))
            likeness = max(likeness, SequenceMatcher(None, q, norm).ratio())
        score = 0.0
        if label_exact:
            score = EXACT_LABEL
        elif alias_exact:
            score = EXACT_ALIAS
        else:
            score = max(TOKEN_MAX * overlap, FUZZY_MAX * likeness if likeness >= FUZZY_FLOOR else 0.0)
        if score <= 0:
            return None
        features: dict[str, float | bool] = {
            "label_exact": label_exact,
            "alias_exact": alias_exact,
            "token_overlap": round(overlap, 3),
            "fuzzy": round(likeness, 3),
        }
        return Candidate(entity, round(score, 2), features, q if (label_exact or alias_exact) else None)

    def search(self, query: str, types: set[str] | None = None, limit: int = 10) -> list[Candidate]:
        """Candidates for ``query`` (only entities of one of ``types`` if given), best first, ``match`` decided."""
        found = []
        for e in self.entities.values():
            if types and not (e.types & types):
                continue
            c = self.score(query, e)
            if c is not None:
                found.append(c)
        found.sort(key=lambda c: (-c.score, c.entity.name.lower(), c.entity.id))
        return found[: max(limit, 0)]

    def is_unambiguous(self, candidates: list[Candidate]) -> bool:
        """True when the first candidate is an exact hit that no other entity shares."""
        if not candidates or candidates[0].exact_name is None:
            return False
        others = [c for c in candidates[1:] if c.exact_name is not None]
        return not others and self._owners.get(candidates[0].exact_name, set()) == {candidates[0].entity.id}

    def closest(self, query: str, limit: int = 5, floor: float = 0.5) -> list[Candidate]:
        """The ``limit`` entities named most like ``query``: the search's candidates, then, below its floor, the
        likest names (at least ``floor``): what a "not found" page offers when the search itself finds too little."""
        found = self.search(query, limit=limit)
        q = normalise(query)
        if len(found) >= limit or not q:
            return found
        seen = {c.entity.id for c in found}
        rest = []
        for e in self.entities.values():
            names = self._names.get(e.id, [])
            likeness = max((SequenceMatcher(None, q, norm).ratio() for norm, _, _ in names), default=0.0)
            if e.id not in seen and likeness >= floor:
                rest.append(Candidate(e, round(FUZZY_MAX * likeness, 2), {"fuzzy": round(likeness, 3)}))
        rest.sort(key=lambda c: (-c.score, c.entity.name.lower(), c.entity.id))
        return found + rest[: limit - len(found)]

    def prefix(self, prefix: str, types: set[str] | None = None, limit: int = 10) -> list[Entity]:
        """Entities with a name, or a word of a name, starting with ``prefix`` (folded), names first."""
        p = normalise(prefix)
        if not p:
            return []
        ranked = []
        for e in self.entities.values():
            if types and not (e.types & types):
                continue
            best = None
            for norm, _, is_label in self._names.get(e.id, []):
                if norm.startswith(p):
                    rank = 0 if is_label else 1
                elif any(w.startswith(p) for w in norm.split()) or (" " in p and f" {p}" in f" {norm}"):
                    rank = 2 if is_label else 3
                else:
                    continue
                best = rank if best is None else min(best, rank)
            if best is not None:
                ranked.append((best, e.name.lower(), e.id, e))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked[: max(limit, 0)]]


def value_matches(index: Index, values: list[Value], wanted: object) -> bool:
    """Whether one of an entity's ``values`` for a property is ``wanted`` (an id, an IRI, a name or a literal)."""
    if isinstance(wanted, dict):
        wanted = wanted.get("id") or wanted.get("name") or ""
    if isinstance(wanted, bool | int | float):
        wanted = str(wanted).lower() if isinstance(wanted, bool) else str(wanted)
    if not isinstance(wanted, str) or not wanted.strip():
        return False
    w = normalise(wanted)
    for value in values:
        if value[0] == "iri":
            iri = value[1]
            target = index.by_iri.get(iri)
            if wanted in (iri, target.id if target else None):
                return True
            if target is not None and any(norm == w for norm, _, _ in index.names(target.id)):
                return True
        elif normalise(value[1]) == w:
            return True
    return False
