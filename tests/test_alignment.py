"""The ontology's alignments hold: the built data with the official axioms of PROV-O, OWL-Time, SKOS, ORG, SEM and the
schema.org terms it uses, and the Web Annotation vocabulary (tests/data/vocab/, see its README) is consistent under
OWL 2 RL, and no resource falls in
two classes that those vocabularies declare disjoint (prov:Activity and prov:Entity above all)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import owlrl
import pytest
from minusma_kg.kg.namespaces import GRAPH, INFERRED_GRAPH, LINKS_GRAPH, MKG, RES, SEM, TIME
from minusma_kg.kg.union import union_graph
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF

VOCAB = Path(__file__).parent / "data" / "vocab"
VOCAB_FILES = {"prov.nq": "nquads", "skos.nq": "nquads", "time.nq": "nquads", "org.nq": "nquads", "oa.nq": "nquads",
               "sem.nq": "nquads", "schema-excerpt.ttl": "turtle"}  # fmt: skip


def _vocabularies() -> Graph:
    g = Graph()
    for name, fmt in VOCAB_FILES.items():
        if fmt == "nquads":
            ds = Dataset()
            ds.parse(VOCAB / name, format="nquads")
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
        else:
            g.parse(VOCAB / name, format=fmt)
    return g


def _closure(g: Graph) -> Graph:
    closure = Graph()
    for t in g:
        closure.add(t)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False,
        improved_datatypes=False,
    ).expand(closure)  # fmt: skip
    return closure


def _disjoint_pairs(g: Graph) -> set[frozenset]:
    pairs = {frozenset((a, b)) for a, b in g.subject_objects(OWL.disjointWith) if a != b}
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in g.objects(node, OWL.members):
            pairs |= {frozenset(p) for p in combinations(list(Collection(g, members)), 2)}
    return pairs


def _clashes(closure: Graph) -> list[tuple]:
    """(resource, class, class) for every resource, ours or a graph's, typed by two disjoint classes."""
    found = []
    for pair in _disjoint_pairs(closure):
        a, b = tuple(pair)
        for x in set(closure.subjects(RDF.type, a)) & set(closure.subjects(RDF.type, b)):
            if isinstance(x, URIRef) and not isinstance(x, BNode) and str(x).startswith((str(RES), str(GRAPH))):
                found.append((x, a, b))
    return sorted(found)


@pytest.fixture(scope="module")
def data_with_vocabularies(dataset) -> Graph:
    union = union_graph(dataset, exclude=(INFERRED_GRAPH, LINKS_GRAPH))
    for t in _vocabularies():
        union.add(t)
    return union


@pytest.fixture(scope="module")
def closure(data_with_vocabularies) -> Graph:
    return _closure(data_with_vocabularies)


def test_the_vocabulary_copies_hold_the_axioms_that_matter():
    v = _vocabularies()
    assert (PROV.Activity, OWL.disjointWith, PROV.Entity) in v
    assert (PROV.wasDerivedFrom, URIRef(str(RDF) + "type"), OWL.ObjectProperty) in v
    assert v.value(PROV.wasDerivedFrom, URIRef("http://www.w3.org/2000/01/rdf-schema#domain")) == PROV.Entity
    assert v.value(
        URIRef("http://www.w3.org/ns/org#postIn"), URIRef("http://www.w3.org/2000/01/rdf-schema#range")
    ) == URIRef("http://www.w3.org/ns/org#Organization")
    assert (URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), RDF.type, OWL.AnnotationProperty) in v
    assert (URIRef("http://www.w3.org/2006/time#TemporalEntity"), RDF.type, OWL.Class) in v
    assert (URIRef("https://schema.org/Event"), RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in v
    assert (SEM.accordingTo, URIRef("http://www.w3.org/2000/01/rdf-schema#domain"), SEM.View) in v
    for name in VOCAB_FILES:
        assert name in (VOCAB / "README.md").read_text(encoding="utf-8"), f"{name} has no provenance note"


@pytest.mark.slow  # the closure fixture: owlrl over the data and six vocabularies, about 25 s
def test_owl_2_rl_finds_no_inconsistency_with_the_aligned_vocabularies(closure):
    errors = sorted(
        str(m) for n in closure.subjects(RDF.type, ERRNS.ErrorMessage) for m in closure.objects(n, ERRNS.error)
    )
    assert errors == []
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []


@pytest.mark.slow  # the closure fixture: owlrl over the data and six vocabularies, about 25 s
def test_no_resource_is_in_two_disjoint_classes(closure):
    assert _clashes(closure) == []
    # what the test is about: events are activities, their descriptions are entities
    assert (RES["coup-2020"], RDF.type, PROV.Activity) in closure
    assert (GRAPH["article/000"], RDF.type, PROV.Entity) in closure


@pytest.mark.slow  # the closure fixture: owlrl over the data and six vocabularies, about 25 s
def test_no_country_is_made_an_organisation_and_no_data_property_an_annotation(closure):
    org = URIRef("http://www.w3.org/ns/org#Organization")
    countries = set(closure.subjects(RDF.type, URIRef("https://w3id.org/minusma-kg/ontology#Country")))
    assert countries and not countries & set(closure.subjects(RDF.type, org))  # positionIn is no org:postIn
    annotation = set(closure.subjects(RDF.type, OWL.AnnotationProperty))
    mkg = "https://w3id.org/minusma-kg/ontology#"
    for kind in (OWL.DatatypeProperty, OWL.ObjectProperty):
        for p in closure.subjects(RDF.type, kind):
            if str(p).startswith(mkg):
                assert p not in annotation, f"{p} is punned as an annotation property"


@pytest.mark.slow  # a second OWL 2 RL closure of the whole data
def test_the_check_catches_an_event_derived_from_an_article(data_with_vocabularies):
    """The old modelling (``res:coup-2020 prov:wasDerivedFrom`` its article) puts the coup in both classes."""
    g = Graph()
    for t in data_with_vocabularies:
        g.add(t)
    g.add((RES["coup-2020"], PROV.wasDerivedFrom, RES["article/004"]))
    clashes = _clashes(_closure(g))
    assert (RES["coup-2020"], PROV.Activity, PROV.Entity) in clashes or (
        RES["coup-2020"],
        PROV.Entity,
        PROV.Activity,
    ) in clashes


@pytest.mark.slow  # the closure fixture: owlrl over the data and six vocabularies, about 25 s
def test_a_consumer_of_sem_alone_reads_events_actors_places_times_and_views(closure):
    """SEM's own terms, after OWL 2 RL over the alignment, answer who, where and when, and according to whom."""
    coup = RES["coup-2020"]
    assert (coup, RDF.type, SEM.Event) in closure
    places = set(closure.objects(coup, SEM.hasPlace))
    assert RES["mali"] in places and all((p, RDF.type, SEM.Place) in closure for p in places)
    assert set(closure.objects(coup, SEM.hasActor)) >= set(closure.objects(coup, MKG.perpetratedBy)) != set()
    times = set(closure.objects(coup, SEM.hasTime))
    assert times == set(closure.objects(coup, MKG.when)) and all((t, RDF.type, SEM.Time) in closure for t in times)
    for t in times:  # the uncertain time's bounds are SEM's own timestamps
        assert closure.value(t, SEM.hasEarliestBeginTimeStamp) == closure.value(t, MKG.earliest)
        assert closure.value(t, SEM.hasLatestEndTimeStamp) == closure.value(t, MKG.latest)
    # every assertion is a view, according to the one article it is derived from (an authority)
    assertions = set(closure.subjects(RDF.type, MKG.Assertion))
    assert assertions and assertions <= set(closure.subjects(RDF.type, SEM.View))
    for a in assertions:
        assert set(closure.objects(a, SEM.accordingTo)) == set(closure.objects(a, PROV.wasDerivedFrom))
    assert (RES["article/004"], RDF.type, SEM.Authority) in closure


@pytest.mark.slow  # a second OWL 2 RL closure of the whole data
def test_the_check_catches_a_date_range_linked_as_an_instant(data_with_vocabularies):
    """OWL-Time makes a proper interval and an instant disjoint: a range claim used as a beginning is a clash."""
    g = Graph()
    for t in data_with_vocabularies:
        g.add(t)
    ranges = list(g.subjects(RDF.type, TIME.ProperInterval))
    assert ranges, "no date range in the data: the check has nothing to catch"
    g.add((RES["coup-2020"], TIME.hasBeginning, ranges[0]))  # hasBeginning's range is time:Instant
    assert any(x == ranges[0] for x, _, _ in _clashes(_closure(g)))
