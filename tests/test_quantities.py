"""Numbers carry what they mean: every count an annotation sets is a schema:QuantitativeValue with its qualifier on
the number itself ("about 1,000", "at least 500"), the article's words, what is counted, the article and the date it
holds for; no entity carries mkg:approximate. Expectations come from the annotations (tests/corpus.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from minusma_kg.kg.annotations import SCHEMA_FILE
from minusma_kg.kg.assemble import article_iri, assemble, short_id
from minusma_kg.kg.extract import normalise
from minusma_kg.kg.namespaces import MKG, RES, SDO, article_graph, sparql_prologue
from minusma_kg.kg.quantities import COUNTS, HEDGED, quantities, says_number
from minusma_kg.kg.queries import find_saved_query
from minusma_kg.kg.sources import Sources, read_sources
from rdflib import Literal
from rdflib.namespace import PROV, RDF, XSD

from minusma_kg.errors import AnnotationErrors
from tests.corpus import Corpus

#: What a consumer who knows schema.org asks of a resource: its quantities, their numbers and unit.
SCHEMA_ONLY = (
    sparql_prologue()
    + """
SELECT ?q ?value ?min ?max ?unit WHERE { GRAPH ?g {
  ?subject ?link ?q . ?q a schema:QuantitativeValue .
  OPTIONAL { ?q schema:value ?value } OPTIONAL { ?q schema:minValue ?min } OPTIONAL { ?q schema:maxValue ?max }
  OPTIONAL { ?q schema:unitText ?unit } } }"""
)


@pytest.fixture(scope="module")
def corpus(articles, entities) -> Corpus:
    return Corpus(tuple(articles), tuple(entities))


def _expected(corpus: Corpus) -> list[tuple]:
    """(article number, subject, property, number, qualifier, words, unit, fact) for every count annotated."""
    rows = []
    for article, fact in corpus.facts():
        spec = fact.quantity
        for key, values in fact.values.items():
            if key not in COUNTS:
                continue
            described = spec is not None and spec.of in (None, key)
            qualifier = (spec.qualifier if described and spec.qualifier else None) or (
                "approximate" if fact.approximate else COUNTS[key]
            )
            words = spec.text if described else None
            unit = spec.unit if described else None
            for v in values:
                rows.append((short_id(article), RES[fact.about], key, v, qualifier, words, unit, fact))
    return rows


def test_every_count_annotated_is_a_quantity_with_its_qualifier_words_unit_article_and_date(dataset, corpus):
    expected = _expected(corpus)
    assert expected, "no count in the annotations: nothing to check"
    for n, subject, key, number, qualifier, words, unit, fact in expected:
        g = dataset.graph(article_graph(n))
        article = corpus.article(n)
        found = [q for q in g.objects(subject, MKG.hasCount) if g.value(q, MKG.countOf) == MKG[key]]
        assert len(found) == 1, f"{n}: {subject} has {len(found)} quantities for {key}"
        q = found[0]
        assert (q, RDF.type, MKG.ReportedCount) in g and (q, RDF.type, SDO.QuantitativeValue) in g
        n_lit = Literal(number, datatype=XSD.integer)
        where = {"at-least": SDO.minValue, "at-most": SDO.maxValue, "nearly": SDO.maxValue}.get(qualifier, SDO.value)
        assert list(g.objects(q, where)) == [n_lit], (q, qualifier)
        assert {SDO.value, SDO.minValue, SDO.maxValue} & set(g.predicates(q, None)) == {where}
        assert g.value(q, MKG.approximate) == (Literal(True) if qualifier in HEDGED else None), q
        assert g.value(q, MKG.numberText) == (Literal(words) if words else None)
        assert g.value(q, SDO.unitText) == (Literal(unit) if unit else None)
        if words:  # the article's own words, within the passage that gives the number, and writing it
            assert normalise(words) in normalise(" ".join(fact.evidence)) and says_number(words, number)
        assert g.value(q, PROV.wasDerivedFrom) == article_iri(article)
        assert g.value(q, MKG.evidence) in set(g.objects(subject, MKG.evidence))
        as_of = Literal(article.published.isoformat(), datatype=XSD.date) if article.published else None
        assert g.value(q, MKG.asOf) == as_of
        # the plain count stays, as the saved queries read it
        assert (subject, MKG[key], n_lit) in g


def test_about_1000_wagner_fighters_is_an_approximate_value_not_an_approximate_group(dataset, corpus):
    """The issue's example: the qualifier sits on the quantity."""
    (hedged,) = [r for r in _expected(corpus) if r[1] == RES["wagner-group"] and r[4] == "approximate"]
    rows = list(dataset.query(SCHEMA_ONLY.replace("?subject", RES["wagner-group"].n3())))
    assert {(r.value, r.min, r.max) for r in rows} == {(Literal(hedged[3], datatype=XSD.integer), None, None)}
    (q,) = {r.q for r in rows}
    assert dataset.value(q, MKG.approximate) == Literal(True)
    assert dataset.value(RES["wagner-group"], MKG.approximate) is None


def test_at_least_500_is_a_minimum_value(dataset, corpus):
    minimums = [r for r in _expected(corpus) if r[4] == "at-least"]
    assert minimums, "no 'at least' count in the annotations: nothing to check"
    for n, subject, _key, number, *_ in minimums:
        q = SCHEMA_ONLY.replace("GRAPH ?g", f"GRAPH <{article_graph(n)}>").replace("?subject", subject.n3())
        assert {(r.value, r.min) for r in dataset.query(q)} >= {(None, Literal(number, datatype=XSD.integer))}


def test_no_resource_but_a_quantity_is_approximate(dataset):
    approximate = set(dataset.subjects(MKG.approximate, None))
    assert approximate and approximate <= set(dataset.subjects(RDF.type, MKG.ReportedCount))


def test_each_quantity_link_is_stated_with_the_passage_that_gives_the_number(dataset, corpus):
    for n in corpus.numbers:
        g = dataset.graph(article_graph(n))
        for subject, q in g.subject_objects(MKG.hasCount):
            (a,) = [a for a in g.subjects(MKG.assertedObject, q) if g.value(a, MKG.assertedPredicate) == MKG.hasCount]
            assert g.value(a, MKG.assertedSubject) == subject and g.value(a, MKG.evidence) == g.value(q, MKG.evidence)


def test_the_saved_query_lists_every_count_as_reported(dataset, corpus):
    dataset.default_union = True
    rows = {
        (str(r.subject), str(r.counts), int(r.number), str(r.qualifier), str(r.article))
        for r in dataset.query(find_saved_query("32-counts-as-reported").text)
    }
    words = {"exact": "exactly", "approximate": "about", "at-least": "at least", "at-most": "at most"}
    expected = {
        (str(s), key, number, words.get(qualifier, qualifier), str(RES[f"article/{n}"]))
        for n, s, key, number, qualifier, *_ in _expected(corpus)
    }
    assert rows == expected


# --- the annotation format ----------------------------------------------------------------------------------------


def test_the_schema_and_the_loader_know_the_same_counts():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$defs"]["quantity"]["properties"]["of"]["enum"] == list(COUNTS)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _wagner_yaml(workspace: Path) -> Path:
    (path,) = [p for p in (workspace / "articles").glob("*.yaml") if "personnelCount: 1000, approximate: true" in
               p.read_text(encoding="utf-8")]  # fmt: skip
    return path


def test_the_older_annotation_without_a_quantity_key_still_builds_with_its_qualifier(workspace):
    path = _wagner_yaml(workspace)
    _edit(path, "    quantity: {text: 'about 1,000', unit: fighters}\n", "")
    ds = assemble(read_sources(Sources.in_directory(workspace))).dataset
    ds.default_union = True
    (q,) = ds.objects(RES["wagner-group"], MKG.hasCount)
    assert ds.value(q, SDO.value) == Literal(1000, datatype=XSD.integer)
    assert ds.value(q, MKG.approximate) == Literal(True)
    assert ds.value(q, MKG.numberText) is None and ds.value(RES["wagner-group"], MKG.approximate) is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{text: 'about 1,000', unit: fighters}", "{text: 'about 2,000', unit: fighters}",
         "is not within the fact's evidence"),
        ("{text: 'about 1,000', unit: fighters}", "{text: Wagner fighters}", "does not write the number 1000"),
        ("{text: 'about 1,000', unit: fighters}", "{qualifier: at-least}", "contradicts"),
        ("{text: 'about 1,000', unit: fighters}", "{of: memberCount}", "the fact does not set memberCount"),
        ("{text: 'about 1,000', unit: fighters}", "{qualifier: roughly}", "not allowed"),
    ],
)  # fmt: skip
def test_a_quantity_that_contradicts_its_fact_is_refused_with_its_line(workspace, old, new, message):
    path = _wagner_yaml(workspace)
    _edit(path, old, new)
    line = 1 + path.read_text(encoding="utf-8").split(new)[0].count("\n")
    with pytest.raises(AnnotationErrors) as exc:
        assemble(read_sources(Sources.in_directory(workspace)))
    assert any(message in str(e) and e.line == line and e.file.endswith(path.name) for e in exc.value.errors), [
        str(e) for e in exc.value.errors
    ]


def test_approximate_without_a_number_is_refused(workspace):
    path = _wagner_yaml(workspace)
    _edit(path, "set: {personnelCount: 1000, approximate: true}", "set: {approximate: true}")
    with pytest.raises(AnnotationErrors) as exc:
        assemble(read_sources(Sources.in_directory(workspace)))
    assert any("the fact sets no count" in str(e) for e in exc.value.errors)


def test_words_write_the_number_in_digits_or_in_words():
    assert says_number("the 13,000-person", 13000) and says_number("nine", 9) and not says_number("nineteen", 9)


def test_a_fact_with_two_counts_needs_to_say_which_the_quantity_describes(articles):
    from dataclasses import replace

    from minusma_kg.kg.annotations import QuantitySpec

    fact = next(f for a in articles for f in a.facts if f.quantity and len([k for k in f.values if k in COUNTS]) == 1)
    two = replace(fact, values={**fact.values, "memberCount": [2]}, quantity=replace(fact.quantity, of=None))
    with pytest.raises(ValueError, match="say which one"):
        quantities(two)
    assert isinstance(fact.quantity, QuantitySpec)


def test_the_module_examples_run():
    import doctest

    from minusma_kg.kg import quantities as module

    assert doctest.testmod(module).failed == 0
