"""SERVICE, updates and over-deep queries: refused before they run, and unable to reach the network if not.

Every way of spelling a SERVICE call that Oxigraph executes must be refused; the proof is a loopback listener
that counts connections, which must stay at zero.
"""

from __future__ import annotations

import time

import pytest
from minusma_kg.kg.queries import load_saved_queries
from minusma_kg.kg.sparql import QueryJob
from minusma_kg.server.safety import Limits, check_query, is_update, service_targets

from minusma_kg.errors import QueryRefusedError


def _bypasses(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/"
    pattern = "{ ?s ?p ?o }"
    return [
        *(
            f"SELECT * WHERE {{ # comment{end} SERVICE <{target}> {pattern} }}"
            for end in ("\n", "\r", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029")
        ),
        f"SELECT * WHERE {{ #\rSERVICE <{target}> {pattern} }}",
        *(
            f"SELECT * WHERE {{ {kw} <{target}> {pattern} }}"
            for kw in ("service", "Service", "sErViCe", "SERVICE SILENT")
        ),
        f"SELECT * WHERE {{ SERV\\u0049CE <{target}> {pattern} }}",
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:\\u003{str(port)[0]}{str(port)[1:]}/> {pattern} }}",
        f"SELECT * WHERE {{ SERVICE <{target[:-1]}\\u002F> {pattern} }}",
        f"PREFIX x: <{target}> SELECT * WHERE {{ SERVICE x:sparql {pattern} }}",
        f"PREFIX x: <{target}> SELECT * WHERE {{ SERVICE x: {pattern} }}",
        f"BASE <{target}> SELECT * WHERE {{ SERVICE <> {pattern} }}",
        f"BASE <{target}> SELECT * WHERE {{ SERVICE <sparql> {pattern} }}",
        f"BASE <{target}> PREFIX x: <a/> SELECT * WHERE {{ SERVICE x:b {pattern} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {pattern} }}",
        f"SELECT * WHERE {{ VALUES $e {{ <{target}> }} SERVICE $e {pattern} }}",
        f"SELECT * WHERE {{ FILTER(1<2)SERVICE<{target}>{pattern} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE <{target}> {pattern} }}",
        f'SELECT * WHERE {{ "x"SERVICE <{target}> {pattern} }}',
        f"SELECT * WHERE {{ SERVICE:x {pattern} }}",
        f"SELECT * WHERE {{ SELECT * {{ SERVICE <{target}> {pattern} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {pattern} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{target}> {pattern} }} }}",
    ]


def test_every_spelling_of_service_is_refused():
    for query in _bypasses(8999):
        with pytest.raises(QueryRefusedError) as refused:
            check_query(query, ())
        assert refused.value.status == 403, query


def test_an_allowed_service_is_allowed_only_as_resolved():
    allowed = ("http://127.0.0.1:8999/sparql",)
    check_query("PREFIX x: <http://127.0.0.1:8999/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }", allowed)
    check_query("BASE <http://127.0.0.1:8999/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", allowed)
    with pytest.raises(QueryRefusedError):
        check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:8999/sparql2> { ?s ?p ?o } }", allowed)
    with pytest.raises(QueryRefusedError):  # one allowed call does not carry another
        check_query(
            "SELECT * WHERE { SERVICE <http://127.0.0.1:8999/sparql> {} # x\r SERVICE <http://e/> {} }", allowed
        )


def test_words_that_merely_contain_service_are_not_refused():
    for query in (
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * WHERE { ?s a sd:Service }",
        'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> {}" }',
        "SELECT ?service WHERE { ?service ?p ?o }",
        "# SERVICE <http://example.org/> {}\nSELECT * WHERE { ?s ?p ?o }",
        "PREFIX schema: <https://schema.org/> SELECT * WHERE { ?s a schema:Service }",
    ):
        assert service_targets(query) == [], query
        check_query(query, ())


def test_every_saved_query_passes_the_checks():
    for saved in load_saved_queries():
        targets = service_targets(saved.text)
        allowed = tuple(t for t in targets or () if not t.startswith("?"))
        check_query(saved.text, allowed)  # the federated example names its service; nothing else is refused


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <http://a/> <http://b/> <http://c/> }",
        "# x\rDELETE WHERE { ?s ?p ?o }",
        "PREFIX e: <http://e/>\nCLEAR ALL",
        "BASE <http://e/> load <http://x/>",
    ],
)
def test_updates_are_recognised_whatever_precedes_them(query):
    assert is_update(query)
    with pytest.raises(QueryRefusedError) as refused:
        check_query(query, ())
    assert refused.value.status == 400


@pytest.mark.parametrize(
    ("query", "what"),
    [
        ("SELECT * WHERE " + "{" * 10_000 + "}" * 10_000, "nested"),
        ("SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", "nested"),
        ("SELECT * WHERE { ?s ?p ?o " + " OPTIONAL { ?s ?p ?o }" * 20_000 + " }", "clauses"),
        ("SELECT * WHERE { BIND(" + "+".join(["1"] * 20_000) + " AS ?x) }", "operators"),
    ],
)
def test_queries_too_deep_for_the_engine_are_refused(query, what):
    with pytest.raises(QueryRefusedError) as refused:
        check_query(query, (), Limits())
    assert refused.value.status == 400 and what in str(refused.value)


def test_deep_queries_get_400_over_http_and_the_server_lives_on(client):
    for query in ("SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
                  "SELECT * WHERE { ?s ?p ?o " + " OPTIONAL { ?s ?p ?o }" * 20_000 + " }"):  # fmt: skip
        r = client.post("/sparql", data={"query": query})
        assert r.status_code == 400 and b"at most" in r.data
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_no_bypass_reaches_the_network_over_http(live_server, listener):
    import urllib.error
    import urllib.parse
    import urllib.request

    for query in _bypasses(listener.port):
        data = urllib.parse.urlencode({"query": query}).encode()
        try:
            with urllib.request.urlopen(f"{live_server.url}/sparql", data=data, timeout=10) as r:  # noqa: S310
                status = r.status
        except urllib.error.HTTPError as err:
            status = err.code
        assert status in (400, 403), (status, query)
    time.sleep(0.3)
    assert listener.connections == []


def test_query_workers_cannot_open_sockets_even_if_a_query_slips_through(app, listener):
    """The second lock: a SERVICE query handed straight to the engine, skipping the check, connects nowhere."""
    engine = app.extensions["minusma-kg"].engine
    assert engine.sandboxed, "query workers run without the network sandbox (libseccomp missing?)"
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
    outcome = engine.run(QueryJob(query), 5.0)
    assert outcome.error and "denied" in outcome.error.lower()
    time.sleep(0.3)
    assert listener.connections == []
