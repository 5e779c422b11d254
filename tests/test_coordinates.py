"""The places' coordinates (kg/places/coordinates.tsv): read with file:line errors, published in one graph of their
own with the pages that give them, and never mixed into what the articles say."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from minusma_kg.kg.assemble import assemble
from minusma_kg.kg.coordinates import COLUMNS, COORDINATES_FILE, read_coordinates
from minusma_kg.kg.namespaces import COORDINATES_GRAPH, ENTITIES_GRAPH, GEO, MKG, RES
from minusma_kg.kg.sourced_tsv import CONFIDENCES
from minusma_kg.kg.sources import Sources, read_sources
from rdflib import DCTERMS, PROV, RDF, URIRef

from minusma_kg.errors import AnnotationErrors

HEADER = "\t".join(COLUMNS)
GOOD = "bamako\t12.65\t-8.00\thttps://example.org/a https://example.org/b\thigh\ta note"


def _file(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "coordinates.tsv"
    path.write_text("\n".join(["# a comment", header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_projects_file_reads_without_problems_and_every_row_has_its_sources():
    places, errors = read_coordinates()
    assert errors == [] and places
    for p in places:
        assert len(p.sources) >= CONFIDENCES[p.confidence], p
        assert -90 <= p.lat <= 90 and -180 <= p.long <= 180


def test_a_good_row_is_read_with_its_line(tmp_path):
    places, errors = read_coordinates(_file(tmp_path, GOOD))
    assert errors == []
    assert [(p.entity, p.lat, p.long, p.line) for p in places] == [("bamako", Decimal("12.65"), Decimal("-8.00"), 3)]


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("bamako\t12.65\t-8.00\thttps://example.org/a\thigh", "expected 6 tab-separated columns"),
        ("bamako\t112.65\t-8.00\thttps://example.org/a https://example.org/b\thigh\t", "lat must lie between -90"),
        ("bamako\t12.65\t-188\thttps://example.org/a https://example.org/b\thigh\t", "long must lie between -180"),
        ("bamako\t12°39'N\t-8.00\thttps://example.org/a https://example.org/b\thigh\t", "lat must be decimal degrees"),
        ("bamako\t12.65\t-8.00\thttps://example.org/a\thigh\t", "needs at least 2 source(s), got 1"),
        ("bamako\t12.65\t-8.00\twikipedia\tmed-high\t", "sources must be http(s) URLs"),
        ("bamako\t12.65\t-8.00\thttps://example.org/a\tguess\t", "only verified rows are listed"),
        ("Bamako City\t12.65\t-8.00\thttps://example.org/a\tmed-high\t", "must be an id of kg/entities.yaml"),
    ],
)
def test_a_bad_row_is_refused_with_its_file_and_line(tmp_path, row, fragment):
    path = _file(tmp_path, GOOD, row)
    places, errors = read_coordinates(path)
    assert [p.entity for p in places] == ["bamako"]  # the good row is kept
    assert len(errors) == 1 and fragment in str(errors[0])
    assert str(errors[0]).startswith(f"{path}:4:")


def test_a_place_listed_twice_and_a_wrong_header_are_refused(tmp_path):
    _, errors = read_coordinates(_file(tmp_path, GOOD, GOOD))
    assert [str(e).split(": ", 1)[1] for e in errors] == ["'bamako' already has coordinates at line 3"]
    _, errors = read_coordinates(_file(tmp_path, GOOD, header="entity\tlatitude\tlongitude\tsources\tconfidence\tnote"))
    assert len(errors) == 1 and "the header must be" in str(errors[0]) and ":2:" in str(errors[0])


def test_no_file_means_no_coordinates(tmp_path):
    assert read_coordinates(tmp_path / "missing.tsv") == ([], [])


def test_the_build_refuses_coordinates_of_an_undeclared_place(workspace):
    path = workspace / "places" / "coordinates.tsv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("atlantis\t0.00\t0.00\thttps://example.org/a\tmed-high\tnot a place of the graph\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(AnnotationErrors) as caught:
        assemble(read_sources(Sources.in_directory(workspace)))
    assert [str(e) for e in caught.value.errors] == [f"{path}:{line}: 'atlantis' is not a declared entity"]


def test_the_graph_holds_every_row_and_its_sources_and_nothing_else(dataset):
    places, _ = read_coordinates(COORDINATES_FILE)
    g = dataset.graph(COORDINATES_GRAPH)
    source = g.value(COORDINATES_GRAPH, PROV.wasDerivedFrom)
    assert source is not None
    assert set(g.objects(source, DCTERMS.source)) == {URIRef(u) for p in places for u in p.sources}
    points = {
        (s, Decimal(str(lat)), Decimal(str(g.value(s, GEO.long))))
        for s, lat in g.subject_objects(GEO.lat)
    }  # fmt: skip
    assert points == {(RES[p.entity], p.lat, p.long) for p in places}
    for p in places:  # a point for places only, never for a region drawn as an outline
        assert (RES[p.entity], RDF.type, MKG.Place) in dataset.graph(ENTITIES_GRAPH)


def test_no_other_graph_states_coordinates(dataset):
    """The articles never say where a place is: coordinates live in their own graph, and only there."""
    stating = {str(c) for p in (GEO.lat, GEO.long) for _, _, _, c in dataset.quads((None, p, None, None))}
    assert stating == {str(COORDINATES_GRAPH)}
