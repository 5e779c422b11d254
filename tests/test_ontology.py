"""The ontology is readable (labels, definitions), aligned, inside OWL 2 RL, and consistent."""

from __future__ import annotations

from minusma_kg.kg import paths
from minusma_kg.kg.namespaces import MKG, ORG, PROV, SDO, TIME
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS


def _ontology() -> Graph:
    return Graph().parse(paths.ONTOLOGY)


def test_every_term_has_a_label_and_a_definition():
    g = _ontology()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, MKG.WithdrawalStatus)
    terms = {t for k in kinds for t in g.subjects(RDF.type, k) if str(t).startswith(str(MKG))}
    assert len(terms) > 100
    lacking = [
        t for t in terms
        if g.value(t, RDFS.label) is None
        or (g.value(t, SKOS.definition) is None and g.value(t, RDFS.comment) is None)
        or g.value(t, RDFS.isDefinedBy) is None
    ]  # fmt: skip
    assert lacking == []


def test_header_carries_version_licence_and_dates():
    from datetime import date

    from rdflib.namespace import DCTERMS

    g = _ontology()
    onto = URIRef("https://w3id.org/minusma-kg/ontology")
    assert g.value(onto, OWL.versionIRI) is not None
    assert str(g.value(onto, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    created = g.value(onto, DCTERMS.created)  # a plain W3CDTF date: xsd:date is outside OWL 2 (test_owl_profile.py)
    assert created.datatype is None and date.fromisoformat(str(created))
    assert g.value(onto, DCTERMS.title) is not None and g.value(onto, DCTERMS.description) is not None


def test_core_classes_are_events_aligned_to_prov_and_schema():
    g = _ontology()
    for cls in ("Coup", "Withdrawal", "Resolution", "Statement"):
        assert (MKG[cls], RDFS.subClassOf, MKG.Event) in g
    assert (MKG.Event, RDFS.subClassOf, PROV.Activity) in g and (MKG.Event, RDFS.subClassOf, SDO.Event) in g
    assert (MKG.Person, RDFS.subClassOf, PROV.Person) in g
    assert (MKG.Position, RDFS.subClassOf, ORG.Post) in g
    assert (MKG.when, RDFS.subPropertyOf, TIME.hasTime) in g
    assert (MKG.conferredBy, RDFS.subPropertyOf, PROV.wasGeneratedBy) in g


def test_only_owl_2_rl_constructs_are_used():
    """OWL 2 RL forbids, among others, these on the right of subclass axioms; the ontology uses none of them."""
    forbidden = (OWL.oneOf, OWL.unionOf, OWL.someValuesFrom, OWL.minCardinality, OWL.cardinality, OWL.complementOf)
    g = _ontology()
    used = {p for p in g.predicates() if p in forbidden}
    assert used == set()
    assert set(g.objects(None, RDF.type)) <= {
        OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
        OWL.TransitiveProperty, MKG.WithdrawalStatus,
    }  # fmt: skip


def test_every_mkg_term_used_in_the_data_is_declared(dataset):
    declared = set(_ontology().subjects())
    used = set()
    for _s, p, o, _ in dataset.quads((None, None, None, None)):
        for term in (p, o):
            if isinstance(term, URIRef) and str(term).startswith(str(MKG)):
                used.add(term)
    assert used - declared == set()


def test_skos_is_used_for_closematches_not_sameas():
    g = _ontology()
    assert not list(g.triples((None, OWL.sameAs, None)))
    assert len(list(g.triples((None, SKOS.closeMatch, None)))) >= 4


def test_no_alignment_makes_a_resource_what_it_is_not():
    """Each of these sub-property or domain axioms typed the data wrongly once PROV-O, ORG or SKOS was loaded."""
    g = _ontology()
    assert (MKG.author, RDFS.subPropertyOf, PROV.wasAttributedTo) not in g  # a proposal (activity) became an entity
    assert (MKG.participant, RDFS.subPropertyOf, MKG.agent) not in g  # an opponent became a responsible agent
    assert (MKG.positionIn, RDFS.subPropertyOf, ORG.postIn) not in g  # Mali became an org:Organization
    assert g.value(MKG.status, RDFS.domain) is None  # anything with a status became a withdrawal
    assert (MKG.alias, RDFS.subPropertyOf, SKOS.altLabel) not in g  # a data property under an annotation property
    assert (MKG.agent, RDFS.subPropertyOf, PROV.wasAssociatedWith) in g
    assert (MKG.Event, RDFS.subClassOf, PROV.Activity) in g
    assert g.value(MKG.describedIn, RDFS.range) == MKG.NewsArticle
    assert (MKG.describedIn, RDFS.subPropertyOf, PROV.wasDerivedFrom) not in g


def test_no_property_of_an_event_is_one_of_an_entity():
    """prov:wasDerivedFrom and prov:wasAttributedTo have domain prov:Entity: no mkg property of events is below them."""
    g = _ontology()
    entity_only = {PROV.wasDerivedFrom, PROV.wasAttributedTo, PROV.wasQuotedFrom, PROV.wasGeneratedBy}
    for prop in g.subjects(RDF.type, OWL.ObjectProperty):
        domain = g.value(prop, RDFS.domain)
        if domain is not None and MKG.Event in set(g.transitive_objects(domain, RDFS.subClassOf)):
            assert not set(g.transitive_objects(prop, RDFS.subPropertyOf)) & entity_only, prop
