"""The shapes accept the project's graph and a small valid graph, and reject each kind of broken node."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pytest
from minusma_kg.kg import paths
from minusma_kg.kg.assemble import assemble
from minusma_kg.kg.namespaces import PREFIXES, RES, SH
from minusma_kg.kg.sources import load_ontology, read_sources
from minusma_kg.kg.union import union_graph
from minusma_kg.kg.validate import Violation, targeted_property_shapes, validate_dataset, validate_graph
from pyshacl import validate as shacl_validate
from rdflib import Graph, Node, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

SHAPES_DIR = Path(__file__).parent / "data" / "shapes"
#: The small graph every shape accepts: the positive twin of every case in CASES.
BASE = SHAPES_DIR / "base.ttl"
#: The cases' Turtle is written with the project's prefixes (rdflib binds some of these names elsewhere by default).
TURTLE_PREFIXES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())


@dataclass(frozen=True)
class Case:
    """One broken variant of the base graph (Brick's base + delta) and the one violation it must cause."""

    name: str
    #: The node shape (local name in ontology/shapes.ttl, without "Shape") whose constraint rejects the delta.
    shape: str
    #: A fragment of that constraint's sh:message; every violation the delta causes carries it (or one in ``also``).
    message: str
    #: The base node the violation is about (a local name under res:).
    focus: str = "bad"
    #: A property (prefixed name) whose values the focus node loses.
    drop: str = ""
    #: Turtle added to the base graph (after the drop).
    add: str = ""
    #: Fragments of the other violations the delta cannot help causing (on the same focus node).
    also: tuple[str, ...] = ()


A = r"res:article\/900"
CASES = [
    Case("approximate-on-the-entity", "Approximate", "not the entity counted", "withdrawal",
         add="res:withdrawal mkg:approximate true ."),
    Case("article-bad-digest", "NewsArticle", "SHA-256 of its text", "article/900", "mkg:sha256",
         add=f'{A} mkg:sha256 "abc" .'),
    Case("article-bad-file", "NewsArticle", "its text file", "article/900", "mkg:sourceFile",
         add=f'{A} mkg:sourceFile "/tmp/x.txt" .'),
    Case("article-no-date-note", "NewsArticle", "note on what its text tells of its date", "article/900",
         "mkg:datePublishedNote"),
    Case("article-no-title", "NewsArticle", "exactly one dcterms:title", "article/900", "dcterms:title"),
    Case("article-two-dates", "NewsArticle", "at most one publication date", "article/900",
         add=f'{A} schema:datePublished "2023-07-02"^^xsd:date .'),
    Case("assertion-two-passages", "Assertion", "exactly one evidence passage", "assertion",
         add=f'res:assertion mkg:evidence res:ev2 . res:ev2 a mkg:Evidence ; mkg:evidenceText "another passage" ;'
         f" prov:wasQuotedFrom {A} ; oa:hasTarget res:ev\\/passage-1 ."),
    Case("coordinates-not-a-place", "Coordinates", "Only a place (mkg:Place) has coordinates", "person",
         add='res:person geo:lat "12.65"^^xsd:decimal ; geo:long "-8"^^xsd:decimal .'),
    Case("coordinates-out-of-range", "Coordinates", "exactly one geo:lat, an xsd:decimal between -90 and 90",
         "region", "geo:lat", add='res:region geo:lat "126.5"^^xsd:decimal .'),
    Case("coup-no-date", "Coup", "A coup needs a date claim", "coup", "mkg:when"),
    Case("coup-no-place", "Coup", "needs the country where it happened", "coup", "mkg:occurredIn"),
    Case("coup-overthrew-a-country", "Coup", "must be a mkg:Person", "coup",
         add="res:coup mkg:overthrew res:country ."),
    Case("datatype-date-value-end-not-a-date", "Datatype", "A date range's end is typed as mkg:dateValue is", "date",
         add='res:date mkg:dateValueEnd "December 6" .'),
    Case("datatype-duration-not-a-duration", "Datatype", "A duration is an xsd:duration", "coup",
         add='res:coup mkg:duration "two days" .'),
    Case("datatype-latest-a-month", "Datatype", "mkg:latest is an xsd:date", "date", "mkg:latest",
         add='res:date mkg:latest "2023-06"^^xsd:gYearMonth .'),
    Case("datatype-page-date-not-a-date", "Datatype", "A page date is an xsd:date", "article/900",
         add=f'{A} mkg:pageDate "30 June 2023" .'),
    Case("date-earliest-after-latest", "DateClaim", "not after mkg:latest", "date", "mkg:earliest",
         add='res:date mkg:earliest "2023-07-30"^^xsd:date .'),
    Case("date-no-resolution", "DateClaim", "how it was resolved", "date", "mkg:dateResolution"),
    Case("date-no-source", "DateClaim", "which article makes it", "date", "prov:wasDerivedFrom"),
    Case("date-no-text", "DateClaim", "the article's own words", "date", "mkg:dateText"),
    Case("date-precision-unknown", "DateClaim", "date precision is one of", "date", "mkg:datePrecision",
         add="res:date mkg:datePrecision time:unitHour .", also=("whose description's time:unitType is its",)),
    Case("date-value-not-a-date", "DateClaim", "A date value is an xsd:date", "date", "mkg:dateValue",
         add='res:date mkg:dateValue "June" .'),
    Case("dateposition-no-owl-time", "DatePosition", "also an OWL-Time instant", "date", "time:inDateTime"),
    # on res:date/position, the date claim it describes would fail too: a description of its own
    Case("datetimedescription-no-unit", "DateTimeDescription", "exactly one time:unitType", "bad",
         add='res:bad a time:DateTimeDescription ; time:year "2020"^^xsd:gYear ;'
         " time:hasTRS <http://www.opengis.net/def/uom/ISO-8601/0/Gregorian> ."),
    Case("evidence-no-article", "Evidence", "which one article it is quoted from", "ev", "prov:wasQuotedFrom"),
    Case("evidence-no-text", "Evidence", "Evidence needs exactly one passage", "ev", "mkg:evidenceText"),
    Case("evidence-not-anchored", "Evidence", "Evidence must be anchored in its article", "ev", "oa:hasTarget"),
    Case("expulsion-no-person", "Expulsion", "needs the person expelled", "expulsion", "mkg:expelled"),
    Case("mandate-no-mission", "Mandate", "belongs to exactly one mission", "mandate", "mkg:mandateOf"),
    Case("mandate-no-resolution", "Mandate", "needs the resolution that conferred it", "mandate", "mkg:conferredBy"),
    Case("mission-not-established", "Mission", "needs the event that established it", "bad",
         add='res:bad a mkg:Mission ; rdfs:label "Bad"@en .'),
    Case("names-alias-without-language", "Names", "An alias needs a language tag", "person",
         add='res:person mkg:alias "Goita" .'),
    Case("names-label-without-language", "Names", "A label needs a language tag", "country",
         add='res:country rdfs:label "Mali" .'),
    Case("person-holds-a-country", "Person", "must be a mkg:Position", "person",
         add="res:person mkg:holdsPosition res:country ."),
    Case("person-no-label", "Labelled", "Needs an rdfs:label, and at most one", "person", "rdfs:label",
         also=("Needs an rdfs:label in English",)),
    Case("person-no-english-label", "Labelled", "Needs an rdfs:label in English", "person", "rdfs:label",
         add="res:person rdfs:label \"Quelqu'un\"@fr ."),
    Case("person-two-french-labels", "Labelled", "at most one per language: other names in that language are mkg:alias",
         "person", add='res:person rdfs:label "Quelqu\'un"@fr , "Une autre"@fr .'),
    Case("place-in-a-person", "Place", "can only be located in a mkg:Place", "region",
         add="res:region mkg:locatedIn res:person ."),
    Case("position-in-two-places", "Position", "at most one organisation or state", "position",
         add="res:position mkg:positionIn res:publisher ."),
    Case("proposal-no-author", "Proposal", "A proposal needs its author", "proposal", "mkg:author"),
    Case("proposal-no-option", "Proposal", "at least one mkg:option", "proposal", "mkg:option"),
    Case("provenance-event-derived-from-article", "Provenance", "is not derived from an article", "coup",
         add=f"res:coup prov:wasDerivedFrom {A} ."),
    Case("provenance-no-evidence", "Provenance", "Carries no evidence quote", "coup", "mkg:evidence"),
    Case("provenance-no-source", "Provenance", "Cites no source article", "coup", "mkg:describedIn"),
    Case("provenance-source-not-an-article", "Provenance", "Cites no source article", "coup", "mkg:describedIn",
         add="res:coup mkg:describedIn res:publisher ."),
    Case("provenance-two-labels", "Provenance", "at most one per language, so that", "coup",
         add='res:coup rdfs:label "Another"@en .'),
    Case("report-no-author", "Report", "A report needs its author", "report", "mkg:author"),
    Case("reportedcount-no-number", "ReportedCount", "needs its number", "count", "schema:value"),
    Case("request-no-requester", "WithdrawalRequest", "needs who made it", "request", "mkg:requestedBy"),
    Case("resolution-no-adopter", "Resolution", "exactly one adopting body", "resolution", "mkg:adoptedBy"),
    Case("resolution-no-date", "Resolution", "A resolution needs a date claim", "resolution", "mkg:when"),
    Case("resolution-no-decision", "Resolution", "at least one mkg:decision", "resolution", "mkg:decision"),
    Case("resolution-number-not-integer", "Resolution", "at most one number, an integer", "resolution",
         "mkg:resolutionNumber", add='res:resolution mkg:resolutionNumber "2690" .'),
    Case("statement-no-speaker", "Statement", "A statement needs a speaker", "statement", "mkg:speaker"),
    Case("statement-nothing-said", "Statement", "A statement needs what was said", "statement", "mkg:quote"),
    Case("statement-role-not-a-position", "Statement", "The speaker's role must be a mkg:Position", "statement",
         "mkg:speakerRole", add="res:statement mkg:speakerRole res:country ."),
    Case("status-on-a-liquidation", "Status", "Only a withdrawal has a mkg:status", "bad",
         add=f'res:bad a mkg:Liquidation ; rdfs:label "Bad"@en ; mkg:describedIn {A} ; mkg:evidence res:ev ;'
         " mkg:status mkg:Completed ."),
    Case("withdrawal-from-a-person", "Withdrawal", "needs what is left", "withdrawal", "mkg:withdrawsFrom",
         add="res:withdrawal mkg:withdrawsFrom res:person ."),
    Case("withdrawal-no-party", "Withdrawal", "exactly one withdrawing party", "withdrawal", "mkg:withdrawingParty"),
    Case("withdrawal-unknown-status", "Withdrawal", "A withdrawal needs a status", "withdrawal", "mkg:status",
         add="res:withdrawal mkg:status mkg:Finished ."),
    Case("withdrawal-zero-troops", "Withdrawal", "positive integer", "withdrawal", "mkg:personnelCount",
         add="res:withdrawal mkg:personnelCount 0 ."),
]  # fmt: skip


@cache
def _hierarchy() -> Graph:
    """The ontology's class and property hierarchy: what the shapes' targets and sh:class need of it (its labels and
    comments would only give the shapes more nodes to check, three times the time per case)."""
    ontology = load_ontology()
    g = Graph()
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for t in ontology.triples((None, p, None)):
            g.add(t)
    return g


def _base() -> Graph:
    """The base graph over the ontology's hierarchy, a fresh copy for one test to change."""
    g = Graph()
    g += _hierarchy()
    return g.parse(BASE, format="turtle")


def _variant(case: Case) -> Graph:
    """The base graph with the case's delta applied: its property dropped from the focus node, its Turtle added."""
    g = _base()
    if case.drop:
        prefix, local = case.drop.split(":")
        dropped = (RES[case.focus], URIRef(PREFIXES[prefix] + local), None)
        assert dropped in g, f"{case.name}: the base graph has no {case.drop} on res:{case.focus} to drop"
        g.remove(dropped)
    return g.parse(data=TURTLE_PREFIXES + case.add, format="turtle")


def _shape_messages(shapes: Graph, name: str) -> list[str]:
    """Every sh:message of a node shape and of its property shapes."""
    shape = URIRef(f"https://w3id.org/minusma-kg/shapes#{name}Shape")
    nodes = [shape, *shapes.objects(shape, SH.property)]
    return [str(m) for n in nodes for m in shapes.objects(n, SH.message)]


@pytest.mark.slow  # validates the shapes against SHACL's own shapes
def test_the_shapes_file_is_itself_valid_shacl() -> None:
    from pyshacl import validate

    shapes = Graph().parse(paths.SHAPES)
    conforms, _, text = validate(shapes, shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_the_base_graph_conforms() -> None:
    """The positive twin of every case below: without its delta, the base graph is accepted, over the ontology's
    hierarchy as the cases see it and over the whole ontology as the build sees it."""
    report = validate_graph(_base())
    assert report.conforms, report.text
    whole = _base()
    for t in load_ontology():
        whole.add(t)
    report = validate_graph(whole)
    assert report.conforms, report.text


def test_the_base_graph_exercises_every_shape() -> None:
    """Each shape has a positive instance: some node in base.ttl that it targets and accepts."""
    shapes = Graph().parse(paths.SHAPES)
    data = _base()
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        classes = list(shapes.objects(shape, SH.targetClass))
        properties = list(shapes.objects(shape, SH.targetSubjectsOf))
        assert classes or properties, shape
        assert any(any(data.subjects(RDF.type, t)) for t in classes) or any(
            any(data.subjects(p, None)) for p in properties
        ), f"no instance in base.ttl for {shape}"


def test_every_shape_has_a_case_whose_message_is_its_own() -> None:
    shapes = Graph().parse(paths.SHAPES)
    names = {str(s).rsplit("#", 1)[1].removesuffix("Shape") for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert names - {case.shape for case in CASES} == set(), "shapes with no broken case"
    for case in CASES:
        assert any(case.message in m for m in _shape_messages(shapes, case.shape)), f"{case.name}: not {case.shape}'s"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_delta_fails_with_exactly_its_violation(case: Case) -> None:
    focus = str(RES[case.focus])
    report = validate_graph(_variant(case), origins={focus: case.name})
    assert not report.conforms
    expected = (case.message, *case.also)
    found = [(v.focus, v.message, v.source) for v in report.violations]
    assert all(f == focus and s == case.name and any(x in m for x in expected) for f, m, s in found), found
    assert all(any(x in m for _, m, _ in found) for x in expected), found


def test_a_violation_names_the_node_its_label_and_its_file() -> None:
    (case,) = [c for c in CASES if c.name == "statement-no-speaker"]
    report = validate_graph(_variant(case), origins={str(RES.statement): "kg/articles/900_test.yaml:12"})
    (line,) = [str(v) for v in report.violations]
    assert "<https://w3id.org/minusma-kg/resource/statement> (Statement)" in line
    assert "A statement needs a speaker" in line and "[kg/articles/900_test.yaml:12]" in line


def test_the_project_graph_conforms(built):
    assert built.report is not None and built.report.conforms


@pytest.mark.slow  # assembles and validates the whole corpus twice
def test_the_dataset_validated_in_place_reports_exactly_what_its_union_copy_reports():
    """validate_dataset hands pySHACL the dataset itself, not a copy of its union: the results must not change.

    The project's assembled graph loses the first triple (in IRI order) of every property a shape requires, so that
    the shapes have something to report.
    """
    ds = assemble(read_sources()).dataset
    shapes = Graph().parse(paths.SHAPES)
    required = {shapes.value(prop, SH.path) for prop in shapes.subjects(SH.minCount, None)}
    for prop in sorted(p for p in required if isinstance(p, URIRef)):
        found = sorted(((s, o, g) for s, _, o, g in ds.quads((None, prop, None, None))), key=str)
        if found:
            s, o, graph = found[0]
            ds.graph(graph).remove((s, prop, o))
    in_place = validate_dataset(ds)
    copied = validate_graph(union_graph(ds))
    assert not in_place.conforms and len(in_place.violations) >= len(required) // 2
    assert _comparable(in_place.violations) == _comparable(copied.violations)
    assert isomorphic(in_place.graph, copied.graph)
    assert not ds.default_union  # pySHACL sets it on the dataset it reads; validate_dataset puts it back


def _comparable(violations: list[Violation]) -> list[Violation]:
    """The violations with a complex path's blank node (a fresh label each time the shapes are read) left out."""
    return sorted((replace(v, path=v.path if v.path and ":" in v.path else None) for v in violations), key=str)


def _results(data: Graph, shapes: Graph) -> list[tuple[str, ...]]:
    """Every result pySHACL reports, as comparable text: focus, path, value, component, source shape, message,
    severity (the shapes' blank nodes are the same objects in both forms, so they compare too)."""
    _, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    keys = (SH.focusNode, SH.resultPath, SH.value, SH.sourceConstraintComponent, SH.sourceShape, SH.resultMessage,
            SH.resultSeverity)  # fmt: skip
    return sorted(tuple(str(report.value(r, k)) for k in keys) for r in report.subjects(RDF.type, SH.ValidationResult))


def _with_required_values_dropped(ds: Graph, shapes: Graph) -> Graph:
    """``ds`` without the first triple (in IRI order) of each property a shape requires: something to report."""
    required = {shapes.value(prop, SH.path) for prop in shapes.subjects(SH.minCount, None)}
    for prop in sorted(p for p in required if isinstance(p, URIRef)):
        found: list[tuple[Node, Node]] = sorted(ds.subject_objects(prop), key=str)
        if found:
            ds.remove((found[0][0], prop, found[0][1]))
    return ds


@pytest.mark.slow  # every case twice, and the corpus twice
def test_targeted_property_shapes_report_exactly_what_the_nested_ones_report() -> None:
    nested = Graph().parse(paths.SHAPES)
    targeted = targeted_property_shapes(nested)
    assert len(set(targeted.subjects(SH.property, None))) < len(set(nested.subjects(SH.property, None)))
    for case in CASES:
        variant = _variant(case)
        found = _results(variant, targeted)
        assert found and found == _results(variant, nested), case.name
    corpus = _with_required_values_dropped(union_graph(assemble(read_sources()).dataset), nested)
    found = _results(corpus, targeted)
    assert len(found) > 10 and found == _results(corpus, nested)


SHAPES_TURTLE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:x:> .
ex:Targeted a sh:NodeShape ; sh:targetClass ex:A ; sh:property ex:p .
ex:Used a sh:NodeShape ; sh:targetClass ex:B ; sh:property ex:q .
ex:User a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:Used .
ex:Off a sh:NodeShape ; sh:targetClass ex:D ; sh:deactivated true ; sh:property ex:r .
ex:p sh:path ex:name ; sh:minCount 1 . ex:q sh:path ex:name ; sh:minCount 1 . ex:r sh:path ex:name ; sh:minCount 1 .
"""


def test_only_a_plain_targeted_node_shape_hands_its_targets_to_its_property_shapes() -> None:
    """A node shape used by another one (sh:node) or switched off (sh:deactivated) keeps its property shapes."""
    ex = "urn:x:"
    flat = targeted_property_shapes(Graph().parse(data=SHAPES_TURTLE, format="turtle"))
    assert (URIRef(ex + "p"), SH.targetClass, URIRef(ex + "A")) in flat
    assert (URIRef(ex + "Targeted"), SH.property, None) not in flat
    for shape, prop in (("Used", "q"), ("Off", "r")):
        assert (URIRef(ex + shape), SH.property, URIRef(ex + prop)) in flat
        assert (URIRef(ex + prop), SH.targetClass, None) not in flat
