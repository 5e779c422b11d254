"""The compiled OWL 2 RL engine (kg.rules) infers what owlrl infers, rule family by rule family and on the articles.

Each small case is a base vocabulary plus one delta (Brick's style): the engine must derive the expected triple, or
report the expected inconsistency naming the offending node, without falling back to owlrl, and its answer must
equal owlrl's on the same graph. The slow test proves the same on the real articles.
"""

from __future__ import annotations

import pytest
from minusma_kg.kg import rules
from minusma_kg.kg.assemble import assemble
from minusma_kg.kg.build import reason_into
from minusma_kg.kg.namespaces import INFERRED_GRAPH, LINKS_GRAPH, RES
from minusma_kg.kg.reason import Inference, infer, infer_owlrl
from minusma_kg.kg.sources import read_sources
from minusma_kg.kg.union import union_graph, union_triples
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from minusma_kg.errors import UnsupportedRuleError

EX = "http://example.org/voc#"
PREFIXES = f"""
@prefix ex: <{EX}> .
@prefix res: <{RES}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
BASE = """
ex:A a owl:Class . ex:B a owl:Class . ex:C a owl:Class .
ex:p a owl:ObjectProperty . ex:q a owl:ObjectProperty . ex:r a owl:ObjectProperty .
res:x a ex:Thing .
"""


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def _graph(delta: str) -> Graph:
    return Graph().parse(data=PREFIXES + BASE + delta, format="turtle")


def _both(g: Graph) -> tuple[Inference, Inference]:
    """The engine's answer, checked to come from the engine itself (no fallback), and owlrl's."""
    rules.run(iter(g))  # raises UnsupportedRuleError if the engine would hand the graph to owlrl
    return infer(g), infer_owlrl(g)


INFERENCES = {
    "cax-sco": ("ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C . res:x a ex:A .", (RES.x, RDF.type, ex("C"))),
    "cax-eqc": ("ex:A owl:equivalentClass ex:B . res:x a ex:B .", (RES.x, RDF.type, ex("A"))),
    "prp-dom": ("ex:p rdfs:domain ex:A . res:x ex:p res:y .", (RES.x, RDF.type, ex("A"))),
    "prp-rng": ("ex:p rdfs:range ex:A . res:x ex:p res:y .", (RES.y, RDF.type, ex("A"))),
    "prp-dom-inherited": (
        "ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:domain ex:A . ex:A rdfs:subClassOf ex:B . res:x ex:p res:y .",
        (RES.x, RDF.type, ex("B")),
    ),
    "prp-spo1": ("ex:p rdfs:subPropertyOf ex:q . res:x ex:p res:y .", (RES.x, ex("q"), RES.y)),
    "prp-spo1-datatype": (
        "ex:p rdfs:subPropertyOf ex:q . res:x ex:p 'Bamako'@fr .",
        (RES.x, ex("q"), Literal("Bamako", lang="fr")),
    ),
    "prp-eqp": ("ex:p owl:equivalentProperty ex:q . res:x ex:q res:y .", (RES.x, ex("p"), RES.y)),
    "prp-inv1": ("ex:p owl:inverseOf ex:q . res:x ex:p res:y .", (RES.y, ex("q"), RES.x)),
    "prp-inv2": ("ex:p owl:inverseOf ex:q . res:x ex:q res:y .", (RES.y, ex("p"), RES.x)),
    "prp-symp": ("ex:p a owl:SymmetricProperty . res:x ex:p res:y .", (RES.y, ex("p"), RES.x)),
    "prp-trp": (
        "ex:p a owl:TransitiveProperty . res:x ex:p res:y . res:y ex:p res:z . res:z ex:p res:w .",
        (RES.x, ex("p"), RES.w),
    ),
    "prp-spo2": (
        "ex:r owl:propertyChainAxiom (ex:p ex:q) . res:x ex:p res:y . res:y ex:q res:z .",
        (RES.x, ex("r"), RES.z),
    ),
    "prp-spo2-long": (
        "ex:r owl:propertyChainAxiom (ex:p ex:q ex:p) . res:x ex:p res:y . res:y ex:q res:z . res:z ex:p res:w .",
        (RES.x, ex("r"), RES.w),
    ),
    "prp-spo1-of-rdf:type": ("rdf:type rdfs:subPropertyOf ex:q . res:x a ex:A .", (RES.x, ex("q"), ex("A"))),
    "cax-sco-through-a-subproperty-of-rdf:type": (
        "ex:kind rdfs:subPropertyOf rdf:type . ex:A rdfs:subClassOf ex:B . res:x ex:kind ex:A .",
        (RES.x, RDF.type, ex("B")),
    ),
    "rules-feed-each-other": (  # a chain over an inverse, its result's range typed, the type's superclass: 4 rounds
        """ex:q owl:inverseOf ex:s . ex:r owl:propertyChainAxiom (ex:p ex:q) . ex:r rdfs:range ex:A .
        ex:A rdfs:subClassOf ex:B . res:x ex:p res:y . res:z ex:s res:y .""",
        (RES.z, RDF.type, ex("B")),
    ),
}


@pytest.mark.parametrize("rule", INFERENCES)
def test_each_rule_family_infers_what_owlrl_infers(rule: str) -> None:
    delta, expected = INFERENCES[rule]
    fast, reference = _both(_graph(delta))
    assert expected in fast.graph
    assert set(fast.graph) == set(reference.graph)
    assert fast.inconsistencies == reference.inconsistencies == []
    assert expected not in infer(_graph("")).graph  # the delta is what makes it


INCONSISTENCIES = {
    "cax-dw": ("ex:A owl:disjointWith ex:B . res:x a ex:A . res:x a ex:B .", "Disjoint classes", RES.x),
    "cax-dw-inferred": (
        "ex:A owl:disjointWith ex:B . ex:p rdfs:domain ex:B . res:x a ex:A . res:x ex:p res:y .",
        "Disjoint classes",
        RES.x,
    ),
    "cls-nothing2": ("ex:A rdfs:subClassOf owl:Nothing . res:x a ex:A .", "Nothing", RES.x),
    "prp-irp": ("ex:p a owl:IrreflexiveProperty . res:x ex:p res:x .", "Irreflexive", RES.x),
    "prp-asyp": ("ex:p a owl:AsymmetricProperty . res:x ex:p res:y . res:y ex:p res:x .", "asymmetric", RES.x),
    "prp-pdw": (
        "ex:p owl:propertyDisjointWith ex:q . res:x ex:p res:y . res:x ex:q res:y .",
        "disjoint properties",
        RES.x,
    ),
    "dt-not-type": ("res:x ex:count 'many'^^xsd:integer .", "does not match its datatype", "many"),
    "dt-disjoint": (  # the range makes an integer a string too: owlrl's datatype disjointness catches it
        "ex:p rdfs:range xsd:string . res:x ex:p '1'^^xsd:integer . res:y ex:name 'one'^^xsd:string .",
        "Disjoint classes",
        "1",
    ),
}


@pytest.mark.parametrize("rule", INCONSISTENCIES)
def test_each_inconsistency_is_reported_as_owlrl_reports_it(rule: str) -> None:
    delta, fragment, offender = INCONSISTENCIES[rule]
    fast, reference = _both(_graph(delta))
    assert fast.inconsistencies, "the engine found the contradiction"
    assert any(fragment.lower() in m.lower() and str(offender) in m for m in fast.inconsistencies)
    assert fast.inconsistencies == reference.inconsistencies
    assert set(fast.graph) == set(reference.graph)
    assert infer(_graph("")).inconsistencies == []


FALLBACKS = {
    "cls-svf1": (
        "ex:R owl:onProperty ex:p ; owl:someValuesFrom ex:A . res:x ex:p res:y . res:y a ex:A .",
        (RES.x, RDF.type, None),
    ),
    "eq-rep-s": ("res:x owl:sameAs res:w . res:x ex:p res:y .", (RES.w, ex("p"), RES.y)),
    "prp-fp": (
        "ex:p a owl:FunctionalProperty . res:x ex:p res:y . res:x ex:p res:z . res:y ex:q res:v .",
        (RES.z, ex("q"), RES.v),
    ),
    "schema-from-data": (
        "ex:p rdfs:subPropertyOf rdfs:subClassOf . ex:A ex:p ex:B . res:x a ex:A .",
        (RES.x, RDF.type, ex("B")),
    ),
}


@pytest.mark.parametrize("case", FALLBACKS)
def test_what_the_engine_does_not_compile_goes_to_owlrl(case: str) -> None:
    """A construct without compiled rules is refused by the engine, and infer() answers as owlrl does."""
    delta, expected = FALLBACKS[case]
    g = _graph(delta)
    with pytest.raises(UnsupportedRuleError):
        rules.run(iter(g))
    fast, reference = infer(g), infer_owlrl(g)
    assert set(fast.graph) == set(reference.graph)
    assert any(fast.graph.triples(expected))


def test_the_compiled_schema_is_reused_not_recompiled() -> None:
    cache = rules.RulesCache()
    g = _graph("ex:A rdfs:subClassOf ex:B . res:x a ex:A .")
    first = rules.run(iter(g), cache)
    g.add((RES.y, RDF.type, ex("A")))  # data only: the same schema
    second = rules.run(iter(g), cache)
    assert len(cache._cache) == 1
    assert (RES.y, RDF.type, ex("B")) in second.derived and (RES.y, RDF.type, ex("B")) not in first.derived


def test_the_reasoner_reads_the_union_without_the_excluded_graphs() -> None:
    """A triple only in an excluded graph (the Wikidata links) stays out; one also stated elsewhere stays in."""
    ds = Dataset()
    kept, links, article = URIRef("urn:g:kept"), URIRef("urn:g:links"), URIRef("urn:g:article")
    ds.add((RES.x, RDF.type, ex("A")))  # the default graph
    ds.graph(article).add((RES.x, ex("p"), RES.y))
    ds.graph(links).add((RES.x, ex("p"), RES.y))  # also in the article: kept
    ds.graph(links).add((RES.x, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q1")))  # only here: left out
    ds.graph(kept).add((RES.y, ex("q"), RES.z))
    triples = list(union_triples(ds, (links,)))
    assert sorted(triples) == sorted({(RES.x, RDF.type, ex("A")), (RES.x, ex("p"), RES.y), (RES.y, ex("q"), RES.z)})


@pytest.mark.slow
def test_the_build_infers_exactly_what_owlrl_infers_on_the_articles() -> None:
    """reason_into (the build's reasoning) on the real articles equals owlrl's closure, filtered the same way.

    Literals are compared as they are (lexical form, datatype, language): no normalisation is needed, as the
    engine never rewrites a literal.
    """
    from rdflib.namespace import XSD  # imported here: pytest's collection trips over the closed namespace

    ds = assemble(read_sources()).dataset
    asserted = union_graph(ds, exclude=(INFERRED_GRAPH, LINKS_GRAPH))
    rules.run(iter(asserted))  # the articles need no fallback: the engine itself answers
    reference = infer_owlrl(asserted)
    assert reason_into(ds) == [f"inconsistent: {m}" for m in reference.inconsistencies] == []
    fast = set(ds.graph(INFERRED_GRAPH))
    expected = set(reference.graph)
    assert expected  # owlrl inferred something, so the comparison compares something
    assert fast == expected, (sorted(expected - fast)[:5], sorted(fast - expected)[:5])
    wikidata = "http://www.wikidata.org/entity/"
    assert not any(str(o).startswith(wikidata) for _, _, o in fast)  # the Wikidata links stayed out of reasoning
    assert any(isinstance(o, Literal) and o.datatype == XSD.date for _, _, o in fast)  # literals went through
