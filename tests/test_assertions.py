"""Evidence per fact: every triple an annotated fact states has an mkg:Assertion that links to exactly the passage
stating it, and the saved query 31 answers "which article and which sentence state this triple" for any of them."""

from __future__ import annotations

from collections import Counter

import pytest
from minusma_kg.kg.assemble import Vocabulary, _literal, article_iri, short_id
from minusma_kg.kg.extract import normalise
from minusma_kg.kg.namespaces import MKG, RES, article_graph, sparql_prologue
from minusma_kg.kg.queries import find_saved_query
from minusma_kg.kg.sources import load_ontology
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from tests.corpus import Corpus

QUERY = find_saved_query("31")
EXAMPLE = "(res:resolution-termination mkg:terminates res:minusma)"


@pytest.fixture(scope="module")
def corpus(articles, entities) -> Corpus:
    return Corpus(tuple(articles), tuple(entities))


def _term(t) -> str:
    """A term as a string, a typed literal by its value ("PT48H" and "P2D" are the same duration)."""
    return str(t.toPython()) if isinstance(t, Literal) and t.datatype is not None else str(t)


def _expected(corpus: Corpus) -> Counter:
    """(article, subject, predicate, object, passage) for every value an annotation sets: what the graph must assert."""
    vocab = Vocabulary.from_graph(load_ontology())

    def value(key: str, v) -> str:
        if MKG[key] in vocab.object_properties:
            return str(MKG[str(v)] if MKG[str(v)] in vocab.individuals else RES[str(v)])
        return _term(_literal(v, vocab.datatype_ranges[MKG[key]]))

    rows: Counter = Counter()
    for article in corpus.articles:
        for fact in article.facts:
            passage = " … ".join(normalise(p) for p in fact.evidence)
            for key, values in fact.values.items():
                for v in values:
                    rows[str(article_iri(article)), str(RES[fact.about]), str(MKG[key]), value(key, v), passage] += 1
    return rows


def _asserted(dataset) -> Counter:
    q = (
        sparql_prologue()
        + """
    SELECT ?g ?a ?s ?p ?o ?passage ?article WHERE { GRAPH ?g {
      ?a a mkg:Assertion ; mkg:assertedSubject ?s ; mkg:assertedPredicate ?p ; prov:wasDerivedFrom ?article ;
         mkg:evidence ?ev .
      { ?a mkg:assertedObject ?o } UNION { ?a mkg:assertedValue ?o }
      ?ev mkg:evidenceText ?passage ; prov:wasQuotedFrom ?article } }"""
    )
    return Counter(
        (str(article), str(s), str(p), _term(o), str(passage))
        for g, _a, s, p, o, passage, article in dataset.query(q)
        if str(g) == str(article_graph(str(article).rsplit("/", 1)[1]))  # in the graph of the article it cites
    )


def test_every_value_an_annotation_sets_is_asserted_once_with_exactly_its_passage(dataset, corpus):
    asserted = _asserted(dataset)
    expected = _expected(corpus)
    values_only = Counter(
        {k: v for k, v in asserted.items() if not k[3].startswith(str(RES)) or "/" not in k[3][len(str(RES)) :]}
    )
    assert values_only == expected
    assert sum(expected.values()) > 300


def test_every_stated_triple_is_in_its_article_graph_and_every_date_link_has_its_assertion(dataset, corpus):
    for article in corpus.articles:
        g = dataset.graph(article_graph(short_id(article)))
        for a in g.subjects(RDF.type, MKG.Assertion):
            s, p = g.value(a, MKG.assertedSubject), g.value(a, MKG.assertedPredicate)
            o = g.value(a, MKG.assertedObject) or g.value(a, MKG.assertedValue)
            assert (s, p, o) in g, a
            assert len(list(g.objects(a, MKG.evidence))) == 1 and (s, MKG.evidence, g.value(a, MKG.evidence)) in g
        for _s, p, claim in g.triples((None, None, None)):
            if p in (MKG.when, MKG.begins, MKG.ends, MKG.deadline, MKG.originalEnd):
                (a,) = [a for a in g.subjects(MKG.assertedObject, claim) if g.value(a, MKG.assertedPredicate) == p]
                assert g.value(a, MKG.evidence) == g.value(claim, MKG.evidence)  # the passage the date is in


def _run(dataset, values_row: str) -> list[tuple[str, str]]:
    assert EXAMPLE in QUERY.text
    dataset.default_union = True
    rows = dataset.query(QUERY.text.replace(EXAMPLE, values_row))
    return sorted((str(r.article), str(r.passage)) for r in rows)


def test_the_saved_query_gives_the_one_passage_that_states_the_example(dataset, corpus):
    rows = _run(dataset, EXAMPLE)
    stating = sorted(
        (str(article_iri(a)), " … ".join(normalise(p) for p in f.evidence))
        for a, f in corpus.facts("resolution-termination") if "minusma" in f.values.get("terminates", [])
    )  # fmt: skip
    assert rows == stating and len(rows) >= 1
    # article 003's passage is the sentence that says it (a later article may state it in its own words)
    assert all("end the 10-year peacekeeping mission" in p for a, p in rows if a.endswith("/003"))
    # what the question got before: every passage about the subject in that article
    about = {
        o for _, _, o, _ in dataset.quads((RES["resolution-termination"], MKG.evidence, None, article_graph("003")))
    }
    assert len(about) > len([r for r in rows if r[0].endswith("/003")])


@pytest.mark.parametrize("kind", ["entity", "literal", "date"])
def test_the_saved_query_answers_for_any_asserted_triple(dataset, kind):
    q = (
        sparql_prologue() + "SELECT ?a ?s ?p ?o WHERE { GRAPH ?g { ?a a mkg:Assertion ; mkg:assertedSubject ?s ; "
        "mkg:assertedPredicate ?p . { ?a mkg:assertedObject ?o } UNION { ?a mkg:assertedValue ?o } } }"
    )
    dataset.default_union = True
    picked = 0
    for _a, s, p, o in dataset.query(q):
        is_date = p in (MKG.when, MKG.begins, MKG.ends, MKG.deadline, MKG.originalEnd)
        if {"entity": isinstance(o, URIRef) and not is_date, "literal": isinstance(o, Literal), "date": is_date}[kind]:
            row = f"({s.n3()} {p.n3()} {o.n3()})"
            same = [
                x for x in dataset.subjects(MKG.assertedSubject, s)
                if dataset.value(x, MKG.assertedPredicate) == p
                and o in (dataset.value(x, MKG.assertedObject), dataset.value(x, MKG.assertedValue))
            ]  # fmt: skip
            passage = {x: dataset.value(dataset.value(x, MKG.evidence), MKG.evidenceText) for x in same}
            expected = sorted((str(dataset.value(x, PROV.wasDerivedFrom)), str(passage[x])) for x in same)
            assert _run(dataset, row) == expected and expected, row
            picked += 1
            if picked == 15:
                break
    assert picked >= 5
