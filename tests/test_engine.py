"""The query engine: answers capped in bytes, crashed and dead workers replaced, one version per engine."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from minusma_kg.kg.formats import format_named
from minusma_kg.kg.sparql import QueryJob, execute
from minusma_kg.kg.store import load_in_memory
from minusma_kg.server.engine import Engine, WorkerSettings

from minusma_kg.errors import EngineBusyError, QueryTimeoutError, WorkerCrashedError

BIG = ("PREFIX mkg: <https://w3id.org/minusma-kg/ontology#> SELECT ?t (CONCAT(?t, ?t, ?t, ?t) AS ?x) "
       "WHERE { ?e mkg:evidenceText ?t . ?a ?b ?c } LIMIT 100000")  # fmt: skip


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    return load_in_memory(built.out / "minusma-kg.nq")


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_a_long_answer_is_cut_at_a_row_within_the_byte_cap(store, fmt):
    outcome = execute(store, QueryJob(BIG, solution_format=format_named(fmt), limit=1_000_000, max_bytes=200_000))
    assert outcome.truncated and outcome.truncated_by == "bytes"
    assert 0 < len(outcome.body) <= 200_000
    assert outcome.count > 0
    if fmt == "json":  # still a whole document
        assert len(json.loads(outcome.body)["results"]["bindings"]) == outcome.count


def test_a_long_graph_answer_is_cut_within_the_byte_cap(store):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    outcome = execute(store, QueryJob(query, graph_format=format_named("ntriples"), limit=1_000_000, max_bytes=100_000))
    assert outcome.truncated_by == "bytes" and len(outcome.body) <= 100_000
    assert len(outcome.body.splitlines()) == outcome.count


def test_rows_still_cap_before_bytes(store):
    outcome = execute(store, QueryJob("SELECT * WHERE { ?s ?p ?o }", limit=10))
    assert outcome.truncated_by == "rows" and outcome.count == 10


def test_bindings_are_terms_not_text(store):
    iri = "https://w3id.org/minusma-kg/resource/coup-2020"
    job = QueryJob("ASK { ?iri ?p ?o }", bindings=(("iri", iri),))
    assert json.loads(execute(store, job).body)["boolean"] is True
    sneaky = QueryJob("ASK { ?iri ?p ?o }", bindings=(("iri", iri + "> ?p ?o } #"),))
    assert "Not an IRI" in (execute(store, sneaky).error or "")  # refused by pyoxigraph, never spliced into text


@pytest.fixture
def engine(built):
    eng = Engine(built.out / "minusma-kg.nq", workers=1, reserved=1,
                 settings=WorkerSettings(deny_network=True, max_memory=1024 * 1024 * 1024))  # fmt: skip
    yield eng
    eng.close()


def test_a_query_past_the_worker_memory_cap_gets_worker_crashed_and_a_new_worker(engine):
    # sorting every pair of quads holds tens of millions of rows at once: gigabytes, past the 1 GiB cap
    huge = "SELECT (COUNT(*) AS ?n) WHERE { { SELECT * WHERE { ?a ?p ?b . ?c ?q ?d } ORDER BY ?a ?b ?c ?d } }"
    with pytest.raises(WorkerCrashedError):
        engine.run(QueryJob(huge), 60.0)
    for _ in range(100):  # the replacement starts in the background
        try:
            assert json.loads(engine.run(QueryJob("ASK {}"), 10.0).body)["boolean"] is True
            return
        except EngineBusyError:
            import time

            time.sleep(0.2)
    pytest.fail("no worker replaced the crashed one")


def test_a_dead_idle_worker_is_noticed_before_a_query_is_sent_to_it(engine):
    general = engine._lanes["general"]
    worker = general.idle.queue[0]
    worker.process.kill()
    worker.process.join(5)
    # the reserved lane is used for pages; the general lane's dead worker is found and skipped, not sent a job
    with pytest.raises(EngineBusyError):
        engine.run(QueryJob("ASK {}"), 5.0)
    assert json.loads(engine.run(QueryJob("ASK {}"), 5.0, reserved=True).body)["boolean"] is True


def test_ad_hoc_queries_cannot_take_the_reserved_workers(engine):
    import threading

    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

    def run_away() -> None:
        with pytest.raises(QueryTimeoutError):
            engine.run(QueryJob(runaway), 2.0)

    t = threading.Thread(target=run_away)
    t.start()
    import time

    time.sleep(0.3)
    with pytest.raises(EngineBusyError):  # the one general worker is busy: an ad hoc query is refused at once
        engine.run(QueryJob("ASK {}"), 5.0)
    assert json.loads(engine.run(QueryJob("ASK {}"), 5.0, reserved=True).body)["boolean"] is True
    t.join(10)
