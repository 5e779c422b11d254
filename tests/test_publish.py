"""The published files: every form, every graph, byte-identical N-Quads from two builds."""

from __future__ import annotations

import json

from rdflib import Dataset, Graph

from kg.build import build
from kg.namespaces import ENTITIES_GRAPH, EXTERNAL_GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, article_graph


def test_every_form_is_written_and_parses(built):
    out = built.out
    trig = Dataset()
    trig.parse(out / "minusma-kg.trig", format="trig")
    names = {str(g.identifier) for g in trig.graphs() if len(g)}
    expected = {ONTOLOGY_GRAPH, ENTITIES_GRAPH, LINKS_GRAPH, EXTERNAL_GRAPH, INFERRED_GRAPH}
    expected |= {article_graph(n) for n in ("000", "001", "002", "003", "004")}
    assert names == {str(g) for g in expected}
    union = Graph().parse(out / "minusma-kg.ttl", format="turtle")
    assert len(union) == len({(s, p, o) for s, p, o, _ in trig.quads((None, None, None, None))})
    report = Graph().parse(out / "validation-report.ttl", format="turtle")
    assert len(report) > 0
    info = json.loads((out / "build-info.json").read_text())
    assert info["stats"]["inferred_triples"] == len(trig.graph(INFERRED_GRAPH))


def test_two_builds_give_byte_identical_nquads(built, tmp_path):
    again = build(tmp_path / "again")
    assert again.ok
    first = (built.out / "minusma-kg.nq").read_bytes()
    assert first == (again.out / "minusma-kg.nq").read_bytes()
    lines = first.decode().splitlines()
    assert lines == sorted(lines)


def test_rebuilding_replaces_the_output_whole(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("from an older build")
    assert build(out).ok
    assert not (out / "stale.txt").exists()
    assert (out / "minusma-kg.nq").stat().st_size > 0


def test_every_core_class_has_instances(built):
    counts = built.stats.instances_per_class
    for cls, least in {
        "mkg:Mission": 1, "mkg:Mandate": 3, "mkg:Resolution": 2, "mkg:Coup": 2, "mkg:Withdrawal": 7,
        "mkg:Statement": 25, "mkg:Person": 10, "mkg:Country": 10, "mkg:NewsArticle": 5,
    }.items():  # fmt: skip
        assert counts.get(cls, 0) >= least, cls


def test_the_dataset_describes_itself_in_void_and_dcat(built):
    from rdflib import URIRef
    from rdflib.namespace import DCAT, RDF

    from kg.namespaces import RES, VOID

    g = Graph().parse(built.out / "void.ttl", format="turtle")
    dataset = RES["dataset"]
    assert (dataset, RDF.type, VOID.Dataset) in g and (dataset, RDF.type, DCAT.Dataset) in g
    subsets = {str(s): int(g.value(s, VOID.triples)) for s in g.objects(dataset, VOID.subset)}
    assert subsets == built.stats.triples_per_graph
    assert len(list(g.objects(dataset, DCAT.distribution))) == 3
    assert int(g.value(URIRef(LINKS_GRAPH), VOID.triples)) >= 25
    assert len(list(g.objects(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))) == 5
