"""Every date the articles give is readable with OWL-Time alone: a consumer who knows OWL-Time and nothing of ``mkg:``
finds, from each dated resource, the time (``time:hasTime``), its precision (``time:unitType``) and its value
(``time:inXSD*`` and the ``time:year``/``time:month``/``time:day`` of its description), and they agree with the
date claim the build made from the article's words. The dated facts come from the annotations (tests/corpus.py)."""

from __future__ import annotations

from datetime import date

import pytest
from minusma_kg.kg.assemble import DATE_PROPERTIES, short_id
from minusma_kg.kg.dates import resolve
from minusma_kg.kg.namespaces import GREG, MKG, RES, TIME, article_graph, sparql_prologue
from minusma_kg.kg.owl_time import describe_claim
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from tests.corpus import Corpus

#: The annotation keys that give the time of what they date; a deadline or an original end does not.
TIMING_KEYS = ("when", "begins", "ends")

#: What a consumer who knows only OWL-Time asks: from a resource, its times, each instant's unit and position.
OWL_TIME_ONLY = (
    sparql_prologue()
    + """
SELECT ?instant ?unit ?xsd ?year ?month ?monthOfYear ?day ?week WHERE {
  GRAPH ?g {
    ?subject time:hasTime/(time:hasBeginning|time:hasEnd)? ?instant .
    ?instant time:inDateTime ?d .
    ?d time:unitType ?unit .
    OPTIONAL { ?instant time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?xsd }
    OPTIONAL { ?d time:year ?year } OPTIONAL { ?d time:month ?month } OPTIONAL { ?d time:monthOfYear ?monthOfYear }
    OPTIONAL { ?d time:day ?day } OPTIONAL { ?d time:week ?week }
  } }"""
)


@pytest.fixture(scope="module")
def corpus(articles, entities) -> Corpus:
    return Corpus(tuple(articles), tuple(entities))


def _claims(dataset, corpus: Corpus, keys=TIMING_KEYS) -> list[tuple[str, URIRef, str, URIRef]]:
    """(article number, subject, key, claim) for every date an annotation gives, found by its words."""
    found = []
    for article, fact in corpus.facts():
        n = short_id(article)
        g = dataset.graph(article_graph(n))
        for key, spec in fact.dates.items():
            if key not in keys:
                continue
            subject = RES[fact.about]
            words = " ".join(spec.text.split())
            claims = [c for c in g.objects(subject, DATE_PROPERTIES[key]) if str(g.value(c, MKG.dateText)) == words]
            assert claims, f"{n}: no {key} claim {spec.text!r} for {fact.about}"
            found += [(n, subject, key, c) for c in claims]
    return found


def _reading(dataset, n: str, subject: URIRef) -> dict[URIRef, list]:
    """The OWL-Time-only answers for ``subject`` in article ``n``'s graph, by instant."""
    rows: dict[URIRef, list] = {}
    q = OWL_TIME_ONLY.replace("GRAPH ?g", f"GRAPH <{article_graph(n)}>").replace("?subject", subject.n3())
    for row in dataset.query(q):
        rows.setdefault(row.instant, []).append(row)
    return rows


def _value_from_fields(row) -> str:
    """The XSD value the description's fields spell (2020-08, --12-05, 2023-06-30), as OWL-Time gives them."""
    year = str(row.year) if row.year is not None else None
    month = str(row.month).removeprefix("--") if row.month is not None else None
    day = str(row.day).removeprefix("---") if row.day is not None else None
    if year is None:
        return "--" + "-".join(p for p in (month, day) if p)
    return "-".join(p for p in (year, month, day) if p)


def test_every_dated_fact_reads_in_owl_time_alone_as_its_claim_says(dataset, corpus):
    claims = _claims(dataset, corpus)
    assert claims
    read = 0
    for n, subject, key, claim in claims:
        g = dataset.graph(article_graph(n))
        value, unit, end = (g.value(claim, p) for p in (MKG.dateValue, MKG.datePrecision, MKG.dateValueEnd))
        rows = _reading(dataset, n, subject)
        if value is None:  # unresolved: the words only, no OWL-Time position is claimed
            assert not [i for i in rows if i == claim or str(i).startswith(f"{claim}/")], claim
            continue
        first = claim if end is None else URIRef(f"{claim}/beginning")
        last = claim if end is None else URIRef(f"{claim}/end")
        expected = {"when": {first: value, last: end or value}, "begins": {first: value}, "ends": {last: end or value}}
        for instant, v in expected[key].items():
            assert instant in rows, f"{n}: {subject} {key} {claim} is not reached by time:hasTime"
            for row in rows[instant]:
                assert row.unit == unit, (claim, row.unit, unit)
                if unit == TIME.unitWeek:  # a week: its ISO week, not a day the words do not give
                    d = date.fromisoformat(str(v))
                    assert (int(str(row.year)), int(row.week)) == d.isocalendar()[:2] and row.xsd is None
                    continue
                assert _value_from_fields(row) == str(v), (claim, _value_from_fields(row), v)
                if row.year is not None:  # the year is known: the XSD shortcut, typed as the claim's value
                    assert row.xsd == v and row.xsd.datatype == v.datatype, claim
                else:
                    assert row.xsd is None
                if row.month is not None:
                    month = int(str(row.month).removeprefix("--"))
                    assert row.monthOfYear == GREG[date(2000, month, 1).strftime("%B")]
                read += 1
    assert read


def test_the_2020_coup_reads_as_august_2020_to_the_month(dataset, corpus):
    """The issue's example: a consumer of OWL-Time alone gets "August 2020" for the 2020 coup."""
    dating = [short_id(a) for a, f in corpus.facts("coup-2020") if "August 2020" in (d.text for d in f.dates.values())]
    assert dating, "no article dates the 2020 coup as 'August 2020' any more"
    for n in dating:
        rows = [r for rs in _reading(dataset, n, RES["coup-2020"]).values() for r in rs]
        assert {(r.unit, r.xsd, r.year, r.month, r.monthOfYear) for r in rows} == {
            (TIME.unitMonth, Literal("2020-08", datatype=XSD.gYearMonth), Literal("2020", datatype=XSD.gYear),
             Literal("--08", datatype=XSD.gMonth), GREG.August)
        }  # fmt: skip


def test_a_date_without_a_year_keeps_its_month_and_claims_no_year(dataset, corpus):
    yearless = [
        (n, c) for n, _s, _k, c in _claims(dataset, corpus, keys=tuple(DATE_PROPERTIES))
        if (v := dataset.value(c, MKG.dateValue)) is not None and v.datatype in (XSD.gMonth, XSD.gMonthDay)
    ]  # fmt: skip
    assert yearless, "no date without a year in the annotations: nothing to check"
    for _n, claim in yearless:
        instant = claim if dataset.value(claim, MKG.dateValueEnd) is None else URIRef(f"{claim}/beginning")
        d = dataset.value(instant, TIME.inDateTime)
        assert dataset.value(d, TIME.month) is not None and dataset.value(d, TIME.monthOfYear) is not None
        assert dataset.value(d, TIME.year) is None
        assert not {TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear} & set(dataset.predicates(instant, None))


def test_a_range_is_a_proper_interval_from_its_first_to_its_last_day(dataset, corpus):
    claims = _claims(dataset, corpus, keys=tuple(DATE_PROPERTIES))
    ranges = [c for *_, c in claims if dataset.value(c, MKG.dateValueEnd) is not None]
    assert ranges, "no date range in the annotations: nothing to check"
    for claim in ranges:
        assert (claim, RDF.type, TIME.ProperInterval) in dataset and (claim, RDF.type, TIME.Instant) not in dataset
        begin, end = dataset.value(claim, TIME.hasBeginning), dataset.value(claim, TIME.hasEnd)
        assert (begin, RDF.type, TIME.Instant) in dataset and (end, RDF.type, TIME.Instant) in dataset
        assert dataset.value(dataset.value(end, TIME.inDateTime), TIME.day) == Literal(
            "---" + str(dataset.value(claim, MKG.dateValueEnd))[-2:], datatype=XSD.gDay
        )


def test_a_deadline_is_described_but_is_not_the_time_of_what_it_dates(dataset, corpus):
    others = [k for k in DATE_PROPERTIES if k not in TIMING_KEYS]
    claims = _claims(dataset, corpus, keys=tuple(others))
    assert claims, "no deadline or original end in the annotations: nothing to check"
    for n, subject, _key, claim in claims:
        g = dataset.graph(article_graph(n))
        if g.value(claim, MKG.dateValue) is not None:
            assert (claim, TIME.inDateTime, None) in g
        reached = set(g.objects(subject, TIME.hasTime))
        reached |= {i for t in set(reached) for p in (TIME.hasBeginning, TIME.hasEnd) for i in g.objects(t, p)}
        assert claim not in reached, f"{n}: {subject} has its {_key} as its time"


def test_owl_time_triples_re_express_claims_and_are_asserted_by_none(dataset, corpus):
    """Every time:hasTime link stands beside an mkg: date link of the same subject in the same article graph; no
    assertion states a time: triple (the claim's own link is the stated one)."""
    for n in corpus.numbers:
        g = dataset.graph(article_graph(n))
        for subject, t in g.subject_objects(TIME.hasTime):
            linked = {c for p in DATE_PROPERTIES.values() for c in g.objects(subject, p)}
            via = {t} | set(g.objects(t, TIME.hasBeginning)) | set(g.objects(t, TIME.hasEnd))
            assert via & linked, f"{n}: {subject} time:hasTime {t} re-expresses no date claim"
        stated = set(g.objects(None, MKG.assertedPredicate))
        assert not {p for p in stated if str(p).startswith(str(TIME))}


@pytest.mark.parametrize(
    ("words", "unit", "fields"),
    [
        ("two weeks ago", TIME.unitWeek, {TIME.year: "2023", TIME.week: "24"}),
        ("in 2013", TIME.unitYear, {TIME.year: "2013"}),
        ("December 5-6", TIME.unitDay, {TIME.month: "--12", TIME.day: "---05"}),
    ],
)
def test_the_description_gives_the_fields_the_words_give_and_no_more(words, unit, fields):
    g = Graph()
    node = URIRef("urn:test:claim")
    r = resolve(words, date(2023, 7, 1) if "ago" in words else None)
    describe_claim(g, node, r)
    instant = node if r.value_end is None else URIRef(f"{node}/beginning")
    d = g.value(instant, TIME.inDateTime)
    assert g.value(d, TIME.unitType) == unit
    given = {p: str(o) for p, o in g.predicate_objects(d) if p in (TIME.year, TIME.month, TIME.day, TIME.week)}
    assert given == fields
    shortcuts = {TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear} & set(g.predicates(instant, None))
    assert len(shortcuts) == (unit != TIME.unitWeek and TIME.year in fields)


def test_the_module_examples_run():
    import doctest

    from minusma_kg.kg import owl_time

    assert doctest.testmod(owl_time).failed == 0
