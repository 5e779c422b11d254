"""Numbers that carry what they mean: each count an article gives becomes a ``schema:QuantitativeValue`` of its own.

"About 1,000 Wagner fighters", "at least 500 people", "nearly 150": the qualifier belongs to the number, not to the
thing counted. A count property set on an entity (``personnelCount: 1000``) keeps its plain triple, which the
saved queries read, and gains an ``mkg:ReportedCount`` node (``res:wagner-group/personnelCount/003``) with

* the number as ``schema:value`` (exact or approximate), ``schema:minValue`` ("at least") or ``schema:maxValue``
  ("at most", "nearly"), and ``mkg:approximate true`` where the article hedges ("about", "nearly");
* what is counted (``schema:unitText``, "fighters") and the article's own words for the number
  (``mkg:numberText``, "about 1,000"), both from the annotation's optional ``quantity:`` key;
* the article it is reported in (``prov:wasDerivedFrom``), its evidence, and the date it holds for
  (``mkg:asOf``: the article's publication date, where the article gives one).

The qualifier is derived without guessing: the annotation's ``quantity: {qualifier: ...}``, else
``approximate: true`` in the fact's ``set`` (the older syntax, still accepted), else what the property itself
means (:data:`COUNTS`: ``minimumVictims`` is "at least").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal as Choice

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, XSD

from .annotations import Fact, QuantitySpec
from .dates import NUMBERS
from .extract import normalise
from .namespaces import MKG, SDO, A

Qualifier = Choice["exact", "approximate", "at-least", "at-most", "nearly"]
QUALIFIERS: tuple[str, ...] = ("exact", "approximate", "at-least", "at-most", "nearly")

#: The properties that count something, and the qualifier each means by itself.
COUNTS: dict[str, Qualifier] = {
    "personnelCount": "exact",
    "memberCount": "exact",
    "optionCount": "exact",
    "votesRequired": "exact",  # "at least nine votes" in favour: nine votes are required, exactly
    "minimumVictims": "at-least",  # "at least 500 people": the number killed is 500 or more
}
#: Qualifiers that hedge the number, so the quantity carries mkg:approximate true.
HEDGED = ("approximate", "nearly")


@dataclass(frozen=True)
class Quantity:
    """One count a fact gives, with everything the annotation says about its number."""

    prop: str
    value: int
    qualifier: Qualifier
    text: str | None
    unit: str | None


def says_number(words: str, value: int) -> bool:
    """Whether ``words`` write ``value``, in digits ("13,000-person") or in words ("three options").

    >>> says_number("about 1,000", 1000), says_number("three", 3), says_number("15-member", 16)
    (True, True, False)
    """
    if any(int(d.replace(",", "")) == value for d in re.findall(r"\d[\d,]*", words)):
        return True
    return any(NUMBERS.get(w) == value for w in re.findall(r"[a-z]+(?:-[a-z]+)?", words.lower()))


def quantities(fact: Fact) -> list[Quantity]:
    """The counts ``fact`` sets, each with its qualifier, words and unit; a contradiction raises ValueError."""
    counts = [(k, v) for k, vs in fact.values.items() if k in COUNTS for v in vs]
    spec = fact.quantity
    if spec is None:
        if fact.approximate is not None and not counts:
            raise ValueError("'approximate' qualifies a number: the fact sets no count (" + ", ".join(COUNTS) + ")")
        spec = QuantitySpec(None, None, None, None, fact.line)
    elif not counts:
        raise ValueError("'quantity' describes a number: the fact sets no count (" + ", ".join(COUNTS) + ")")
    of = spec.of
    qualified = spec.text or spec.unit or spec.qualifier or fact.approximate
    if of is None and len({k for k, _ in counts}) > 1 and qualified:
        raise ValueError("the fact sets several counts: say which one 'quantity' or 'approximate' describes with 'of'")
    if of is not None and of not in {k for k, _ in counts}:
        raise ValueError(f"quantity of {of!r}: the fact does not set {of}")
    out = []
    for key, value in counts:
        if not isinstance(value, int) or isinstance(value, bool):
            continue  # the value check names it (a count is a whole number)
        described = of is None or of == key
        qualifier = _qualifier(key, spec if described else None, fact.approximate if described else None)
        text, unit = (spec.text, spec.unit) if described else (None, None)
        if text is not None:
            if normalise(text) not in normalise(" ".join(fact.evidence)):
                raise ValueError(f"quantity text {text!r} is not within the fact's evidence")
            if not says_number(text, value):
                raise ValueError(f"quantity text {text!r} does not write the number {value} ({key})")
        out.append(Quantity(key, value, qualifier, text, unit))
    return out


def _qualifier(key: str, spec: QuantitySpec | None, approximate: bool | None) -> Qualifier:
    if spec is not None and spec.qualifier is not None:
        if approximate and spec.qualifier not in HEDGED:
            raise ValueError(f"'approximate: true' contradicts 'qualifier: {spec.qualifier}'")
        return spec.qualifier  # type: ignore[return-value]
    if approximate:
        return "approximate"
    return COUNTS[key]


def add_quantity(g: Graph, node: URIRef, q: Quantity, source: URIRef, evidence: URIRef, as_of: date | None) -> None:
    """The count ``q`` as a schema:QuantitativeValue: number and qualifier, words, unit, article and date."""
    g.add((node, A, MKG.ReportedCount))
    g.add((node, A, SDO.QuantitativeValue))  # stated, so that a schema.org reader needs no reasoner
    g.add((node, MKG.countOf, MKG[q.prop]))
    number = Literal(q.value, datatype=XSD.integer)
    if q.qualifier in ("exact", "approximate"):
        g.add((node, SDO.value, number))
    elif q.qualifier == "at-least":
        g.add((node, SDO.minValue, number))
    else:  # at most, nearly: not more than the number
        g.add((node, SDO.maxValue, number))
    if q.qualifier in HEDGED:
        g.add((node, MKG.approximate, Literal(True)))
    if q.text is not None:
        g.add((node, MKG.numberText, Literal(q.text)))
    if q.unit is not None:
        g.add((node, SDO.unitText, Literal(q.unit)))
    g.add((node, PROV.wasDerivedFrom, source))
    g.add((node, MKG.evidence, evidence))
    if as_of is not None:
        g.add((node, MKG.asOf, Literal(as_of.isoformat(), datatype=XSD.date)))
