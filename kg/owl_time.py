"""Every date claim also in OWL-Time, so that a consumer who knows OWL-Time and nothing of ``mkg:`` reads the dates.

A resolved claim (an ``mkg:DateClaim``, already a ``time:TemporalEntity``) becomes a ``time:Instant`` placed by a
``time:DateTimeDescription`` whose ``time:unitType`` is the precision the words give, with the ``time:year``,
``time:month``/``time:monthOfYear`` and ``time:day`` the text gives (so "in January" keeps its month without a
year), and, where the year is known and the precision is a day, a month or a year, the ``time:inXSDDate`` /
``time:inXSDgYearMonth`` / ``time:inXSDgYear`` shortcut. A range ("December 5-6") is a ``time:ProperInterval``
whose beginning and end are such instants. The subject of a claim reaches it by ``time:hasTime``: directly for
``when``, and through one ``time:Interval`` per subject and article whose ``time:hasBeginning``/``time:hasEnd`` are
the ``begins``/``ends`` claims. A deadline and an original end are not the time of their subject: their claims are
described but not linked.

These triples say nothing the claim does not: they re-express it in the same article graph, with no assertion of
their own (the claim's link, ``mkg:when`` and the rest, has one).

>>> from minusma_kg.kg.dates import resolve
>>> g = Graph()
>>> describe_claim(g, URIRef("urn:x:coup"), resolve("August 2020"))
>>> g.value(URIRef("urn:x:coup"), TIME.inXSDgYearMonth)
rdflib.term.Literal('2020-08', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYearMonth'))
>>> g.value(URIRef("urn:x:coup/position"), TIME.monthOfYear)
rdflib.term.URIRef('http://www.w3.org/ns/time/gregorian#August')
"""

from __future__ import annotations

import calendar
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from .dates import DateResolution
from .namespaces import GREG, TIME, A

#: The temporal reference system a time:DateTimeDescription is in (OWL-Time fixes it for that class).
GREGORIAN = URIRef("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian")
UNITS = {"day": TIME.unitDay, "week": TIME.unitWeek, "month": TIME.unitMonth, "year": TIME.unitYear}
#: The XSD shortcut for an instant known to this precision, when the value has this datatype (a year is known).
XSD_POSITIONS = {
    ("day", "date"): TIME.inXSDDate,
    ("month", "gYearMonth"): TIME.inXSDgYearMonth,
    ("year", "gYear"): TIME.inXSDgYear,
}


def _fields(value: str, datatype: str) -> tuple[int | None, int | None, int | None]:
    """Year, month and day of an XSD date value (``2020-08``, ``--12-05``, ``2023``), those it gives."""
    if datatype == "date":
        d = date.fromisoformat(value)
        return d.year, d.month, d.day
    if datatype == "gYearMonth":
        year, month = value.split("-")
        return int(year), int(month), None
    if datatype == "gYear":
        return int(value), None, None
    if datatype == "gMonth":
        return None, int(value.removeprefix("--")), None
    if datatype == "gMonthDay":
        month, day = value.removeprefix("--").split("-")
        return None, int(month), int(day)
    raise ValueError(f"not a date datatype the resolver gives: {datatype}")


def _instant(g: Graph, node: URIRef, value: str, datatype: str, precision: str) -> None:
    """``node`` as a time:Instant placed by a description at the precision the words give."""
    g.add((node, A, TIME.Instant))
    shortcut = XSD_POSITIONS.get((precision, datatype))
    if shortcut is not None:
        g.add((node, shortcut, Literal(value, datatype=XSD[datatype])))
    position = URIRef(f"{node}/position")
    g.add((node, TIME.inDateTime, position))
    g.add((position, A, TIME.DateTimeDescription))
    g.add((position, TIME.hasTRS, GREGORIAN))
    g.add((position, TIME.unitType, UNITS[precision]))
    year, month, day = _fields(value, datatype)
    if precision == "week" and year is not None and month is not None and day is not None:
        iso_year, week, _ = date(year, month, day).isocalendar()  # the week, not a day the words do not give
        g.add((position, TIME.year, Literal(str(iso_year), datatype=XSD.gYear)))
        g.add((position, TIME.week, Literal(week, datatype=XSD.nonNegativeInteger)))
        return
    if year is not None:
        g.add((position, TIME.year, Literal(f"{year:04d}", datatype=XSD.gYear)))
    if month is not None and precision in ("month", "day"):
        g.add((position, TIME.month, Literal(f"--{month:02d}", datatype=XSD.gMonth)))
        g.add((position, TIME.monthOfYear, GREG[calendar.month_name[month]]))
    if day is not None and precision == "day":
        g.add((position, TIME.day, Literal(f"---{day:02d}", datatype=XSD.gDay)))


def describe_claim(g: Graph, node: URIRef, r: DateResolution) -> None:
    """Add the OWL-Time reading of the date claim ``node``; an unresolved claim stays a bare time:TemporalEntity."""
    if r.value is None or r.datatype is None or r.precision is None:
        return
    if r.value_end is None:
        _instant(g, node, r.value, r.datatype, r.precision)
        return
    g.add((node, A, TIME.ProperInterval))
    g.add((node, TIME.hasBeginning, beginning(node, r)))
    g.add((node, TIME.hasEnd, end(node, r)))
    _instant(g, beginning(node, r), r.value, r.datatype, r.precision)
    _instant(g, end(node, r), r.value_end, r.datatype, r.precision)


def beginning(node: URIRef, r: DateResolution) -> URIRef:
    """The instant a claim begins at: the claim itself, or the first day of a range."""
    return URIRef(f"{node}/beginning") if r.value_end is not None else node


def end(node: URIRef, r: DateResolution) -> URIRef:
    """The instant a claim ends at: the claim itself, or the last day of a range."""
    return URIRef(f"{node}/end") if r.value_end is not None else node


def link_time(g: Graph, subject: URIRef, key: str, node: URIRef, r: DateResolution, span: URIRef) -> None:
    """Link ``subject`` to the claim ``node`` by OWL-Time terms, as the claim's key (``when``, ``begins``...) means.

    ``span`` is the subject's time:Interval in this article: ``begins`` and ``ends`` claims are its beginning and end.
    It has no provenance of its own: it is made of claims that have theirs, in the graph of the article they cite.
    """
    if key == "when":
        g.add((subject, TIME.hasTime, node))
    elif key in ("begins", "ends"):
        g.add((subject, TIME.hasTime, span))
        g.add((span, A, TIME.Interval))
        if key == "begins":
            g.add((span, TIME.hasBeginning, beginning(node, r)))
        else:
            g.add((span, TIME.hasEnd, end(node, r)))
