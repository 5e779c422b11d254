"""The ontology's SKOS mappings to Wikidata (kg/wikidata/mappings.tsv -> graph wikidata-mappings)."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from minusma_kg.kg import paths
from minusma_kg.kg.namespaces import MKG, ONTOLOGY_GRAPH
from minusma_kg.kg.sources import (
    Inputs,
    Sources,
    read_mappings,
    read_sources,
    read_wikidata_items,
    read_wikidata_properties,
)
from minusma_kg.kg.wikidata_mappings import (
    MAPPINGS_GRAPH,
    RELATIONS,
    add_wikidata_mappings,
    load_mappings,
    ontology_terms,
    verified_classes,
)
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SKOS

from tests.commands import CHECKOUT

WIKIDATA_ENTITY = re.compile(r"http://www\.wikidata\.org/entity/([PQ][1-9][0-9]*)")
SHARED_README = CHECKOUT.parent / "shared" / "wikidata" / "README.md"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(paths.ONTOLOGY)


def allowed_properties() -> dict[str, str]:
    return read_wikidata_properties(Sources().properties_file)[0]


def mappable_classes() -> dict[str, str]:
    return verified_classes(read_wikidata_items(Sources().qids_file)[0])


def mappings_of(ontology: Graph) -> tuple[list, list[str]]:
    sources = Sources()
    rows, items = read_mappings(sources.mappings_file)[0], read_wikidata_items(sources.qids_file)[0]
    return load_mappings(ontology, rows, allowed_properties(), items)


def test_the_mapping_file_is_valid(ontology: Graph) -> None:
    mappings, errors = mappings_of(ontology)
    assert errors == []
    assert sum(m.relation != "none" for m in mappings) >= 30


def test_every_class_and_property_has_a_row(ontology: Graph) -> None:
    classes, properties = ontology_terms(ontology)
    mappings, _ = mappings_of(ontology)
    listed = {m.term for m in mappings}
    missing = sorted((classes | properties) - listed)
    assert not missing, f"add a row to kg/wikidata/mappings.tsv ('none' and why, if no counterpart) for: {missing}"


def test_the_allowed_properties_are_the_shared_list() -> None:
    if not SHARED_README.exists():
        pytest.skip("no shared/ beside the checkout")
    shared = set(re.findall(r"\b(P[1-9][0-9]*) ", SHARED_README.read_text(encoding="utf-8")))
    assert set(allowed_properties()) == shared


def test_class_targets_are_verified_classes() -> None:
    assert set(mappable_classes()) == {"Q45382", "Q877358", "Q3199915", "Q5707594", "Q5"}


def test_the_published_graph(built, dataset: Dataset, ontology: Graph) -> None:
    g = dataset.graph(MAPPINGS_GRAPH)
    classes, properties = ontology_terms(ontology)
    pids, qids = allowed_properties(), mappable_classes()
    relations = set(RELATIONS.values())
    mapped = 0
    for s, p, o in g:
        if p not in relations:
            continue
        mapped += 1
        term = str(s).removeprefix(str(MKG))
        found = WIKIDATA_ENTITY.fullmatch(str(o))
        assert isinstance(o, URIRef) and found, o
        wid = found.group(1)
        if term in properties:
            assert wid in pids, (term, wid)
        else:
            assert term in classes and wid in qids, (term, wid)
    assert mapped >= 30
    assert (MKG.holdsPosition, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/P39")) in g
    assert (MKG.Person, SKOS.closeMatch, URIRef("http://www.wikidata.org/entity/Q5")) in g


def test_mappings_agree_with_the_ontology(dataset: Dataset) -> None:
    """Where the ontology itself maps a term to Wikidata, the mapping graph says the same."""
    onto, maps = dataset.graph(ONTOLOGY_GRAPH), dataset.graph(MAPPINGS_GRAPH)
    for relation in RELATIONS.values():
        for s, o in onto.subject_objects(relation):
            if str(o).startswith("http://www.wikidata.org/entity/"):
                assert (s, relation, o) in maps, (s, relation, o)
                others = {r for r in RELATIONS.values() if r != relation and (s, r, o) in maps}
                assert not others, (s, o, others)


def test_the_mapping_graph_is_not_reasoned_over(dataset: Dataset) -> None:
    inferred = dataset.graph(URIRef("https://w3id.org/minusma-kg/graph/inferred"))
    assert not any(str(o).startswith("http://www.wikidata.org/entity/P") for o in inferred.objects())


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return read_sources()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("holdsPosition\texactMatch\tP108\tnot allowed\n", "P108 is not an allowed property"),
        ("Person\texactMatch\tQ6256\tnot verified\n", "Q6256 is not a verified class"),
        ("Person\texactMatch\tP31\ta property\n", "is a class"),
        ("holdsPosition\texactMatch\tQ5\ta class\n", "is a property"),
        ("holdsPosition\tsameAs\tP39\t\n", "unknown relation"),
        ("noSuchTerm\tcloseMatch\tP39\t\n", "neither a class nor a property"),
        ("quote\tnone\t\t\n", "say why"),
        ("quote\tnone\tP1683\tno\n", "names no target"),
    ],
)
def test_bad_rows_are_refused_with_file_and_line(
    tmp_path: Path, ontology: Graph, inputs: Inputs, row: str, message: str
) -> None:
    wikidata = tmp_path / "wikidata"
    shutil.copytree(paths.WIKIDATA_DIR, wikidata)
    mappings = wikidata / "mappings.tsv"
    mappings.write_text(mappings.read_text(encoding="utf-8") + row, encoding="utf-8")
    lines = mappings.read_text(encoding="utf-8").count("\n")
    ds = Dataset()
    for t in ontology:
        ds.graph(ONTOLOGY_GRAPH).add(t)
    errors = add_wikidata_mappings(ds, replace(inputs, mappings=read_mappings(mappings)[0]))
    assert len(errors) == 1 and f"mappings.tsv:{lines}: " in errors[0] and message in errors[0]
    assert len(ds.graph(MAPPINGS_GRAPH)) == 0  # nothing added
