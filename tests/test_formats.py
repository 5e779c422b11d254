"""One registry of formats: every serialisation is described once, and every writer it names exists."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from minusma_kg.kg.formats import BOOLEAN_FORMATS, BY_KIND, GRAPH_FORMATS, SOLUTION_FORMATS, Format, format_named
from minusma_kg.kg.layout import DUMPS
from minusma_kg.kg.sparql import QueryJob, execute
from rdflib.plugin import get as rdflib_plugin
from rdflib.query import ResultSerializer
from rdflib.serializer import Serializer

ALL = (*SOLUTION_FORMATS, *GRAPH_FORMATS)


def test_names_media_types_aliases_and_extensions_are_unique():
    for field in ("key", "media_type", "extension", "label", "w3c"):
        values = [getattr(f, field) for f in ALL]
        assert len(set(values)) == len(values), field
    aliases = [a for f in ALL for a in f.aliases]
    assert len(set(aliases)) == len(aliases)
    assert all(format_named(f.key) is f for f in ALL)
    with pytest.raises(KeyError):
        format_named("yaml")


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.key)
def test_every_graph_format_names_writers_that_exist_in_both_engines(fmt: Format):
    assert isinstance(getattr(ox.RdfFormat, fmt.oxigraph), ox.RdfFormat)
    assert getattr(ox.RdfFormat, fmt.oxigraph).media_type == fmt.media_type
    assert rdflib_plugin(fmt.rdflib, Serializer)
    assert fmt.quads == (fmt.key in {"trig", "nquads"})


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS, ids=lambda f: f.key)
def test_every_result_format_names_writers_that_exist_in_both_engines(fmt: Format):
    # pyoxigraph's CSV and TSV media types carry their charset: compare the types alone
    assert getattr(ox.QueryResultsFormat, fmt.oxigraph).media_type.split(";")[0] == fmt.media_type
    if fmt in BOOLEAN_FORMATS:  # rdflib writes the ASK answers
        assert rdflib_plugin(fmt.rdflib, ResultSerializer)


@pytest.mark.parametrize("kind", sorted(BY_KIND))
def test_an_answer_is_written_in_the_format_its_job_carries(kind: str):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"), ox.DefaultGraph()))
    query = {"solutions": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "boolean": "ASK { ?s ?p ?o }",
             "graph": "CONSTRUCT WHERE { ?s ?p ?o }"}[kind]  # fmt: skip
    for fmt in BY_KIND[kind]:  # type: ignore[index]
        job = QueryJob(query, solution_format=fmt, boolean_format=fmt, graph_format=fmt)
        outcome = execute(store, job)
        assert outcome.kind == kind and outcome.format is fmt and outcome.error is None
        if kind == "graph":  # read back with the parser of the format it names: the one triple
            parsed = list(ox.parse(outcome.body, format=getattr(ox.RdfFormat, fmt.oxigraph)))
            assert [(q.subject.value, q.object.value) for q in parsed] == [("urn:x:s", "o")]
        elif fmt.key == "csv":  # lossy by design (SPARQL 1.1 CSV): no parser reads it back
            assert outcome.body.decode().splitlines() == ["s,p,o", "urn:x:s,urn:x:p,o"]
        else:  # the other result formats: pyoxigraph reads back what it or rdflib wrote
            parsed_results = ox.parse_query_results(outcome.body, format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
            assert bool(parsed_results) if kind == "boolean" else len(list(parsed_results)) == 1


def test_the_dumps_are_registry_formats():
    assert {name.rsplit(".", 1)[-1] for name in DUMPS} == {f.extension for f in DUMPS.values()}
