"""The SPARQL 1.1 Protocol at /sparql, through the Flask test client and over real HTTP on a loopback port."""

from __future__ import annotations

import io
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from minusma_kg.kg.namespaces import GRAPH, INFERRED_GRAPH, RES, sparql_prologue
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from werkzeug.datastructures import MultiDict

from tests.corpus import Corpus

COUP_LEADER = sparql_prologue() + "SELECT ?coup ?leader WHERE { ?coup mkg:coupLeader ?leader }"
PEOPLE = sparql_prologue() + (  # English labels: names in other languages live in their own graphs
    "SELECT ?p ?label WHERE { ?p a mkg:Person ; rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), 'en')) } "
    "ORDER BY ?label"
)
CONSTRUCT = sparql_prologue() + (
    "CONSTRUCT { res:coup-2020 ?p ?o } WHERE { GRAPH mkgg:entities { res:coup-2020 ?p ?o } }"
)
ASK = sparql_prologue() + "ASK { res:minusma a mkg:Mission }"


@pytest.fixture(scope="module")
def corpus(articles, entities) -> Corpus:
    """The annotations: how many graphs, people and asserted facts to expect."""
    return Corpus(tuple(articles), tuple(entities))


@pytest.fixture(scope="module")
def coup_leaders(dataset) -> list[tuple[str, str]]:
    """The answer to COUP_LEADER, as rdflib finds it in the published dataset."""
    dataset.default_union = True
    return sorted((str(c), str(leader)) for c, leader in dataset.query(COUP_LEADER))


def _ways(query: str, **params: str):
    """The three ways the protocol allows to send a query."""
    return [
        ("GET", {"query_string": {"query": query, **params}}),
        ("POST", {"data": {"query": query, **params}, "content_type": "application/x-www-form-urlencoded"}),
        ("POST", {"data": query, "content_type": "application/sparql-query", "query_string": params}),
    ]


@pytest.mark.parametrize("way", range(3), ids=["get", "post-form", "post-direct"])
def test_select_by_each_way_of_asking(client, coup_leaders, way):
    method, kwargs = _ways(COUP_LEADER)[way]
    r = client.open("/sparql", method=method, headers={"Accept": "application/sparql-results+json"}, **kwargs)
    assert r.status_code == 200, r.text
    assert r.mimetype == "application/sparql-results+json"
    rows = json.loads(r.data)["results"]["bindings"]
    answer = sorted((b["coup"]["value"], b["leader"]["value"]) for b in rows)
    assert (str(RES["coup-2020"]), str(RES["assimi-goita"])) in answer
    assert answer == coup_leaders


@pytest.mark.parametrize("way", range(3), ids=["get", "post-form", "post-direct"])
def test_default_graph_uri_selects_the_asserted_facts_only(client, corpus, way):
    method, kwargs = _ways(COUP_LEADER)[way]
    for key in ("query_string", "data"):
        if isinstance(kwargs.get(key), dict):
            kwargs[key] = MultiDict([*kwargs[key].items(), *(("default-graph-uri", g) for g in corpus.asserted_graphs)])
    r = client.open("/sparql", method=method, **kwargs)
    assert r.status_code == 200, r.text
    rows = json.loads(r.data)["results"]["bindings"]
    stated = {(str(RES[c]), str(RES[v])) for c in corpus.of_class("Coup") for v in corpus.values(c, "coupLeader")}
    assert (str(RES["coup-2020"]), str(RES["assimi-goita"])) not in stated  # only inferred: no article says it
    assert {(b["coup"]["value"], b["leader"]["value"]) for b in rows} == stated  # none today


def test_named_graph_uri_limits_what_graph_can_see(client, corpus):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", query_string=[("query", q), ("named-graph-uri", str(GRAPH["article/003"]))])
    assert [b["g"]["value"] for b in r.json["results"]["bindings"]] == [str(GRAPH["article/003"])]
    r = client.get("/sparql", query_string={"query": q})
    # every named graph by default: one per article, and the five others
    assert sorted(b["g"]["value"] for b in r.json["results"]["bindings"]) == sorted(corpus.named_graphs)


def test_from_selects_among_the_datasets_own_graphs(client, built):
    q = f"SELECT (COUNT(*) AS ?n) FROM <{INFERRED_GRAPH}> WHERE {{ ?s ?p ?o }}"  # noqa: S608 (SPARQL, not SQL)
    n = int(client.get("/sparql", query_string={"query": q}).json["results"]["bindings"][0]["n"]["value"])
    assert n == built.stats.inferred_triples > 500  # the inferred graph alone, not the union


SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


@pytest.mark.parametrize("media_type", SOLUTION_TYPES)
def test_every_select_format_parses_back(client, corpus, media_type):
    r = client.get("/sparql", query_string={"query": PEOPLE}, headers={"Accept": media_type})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(media_type) and "charset=utf-8" in r.headers["Content-Type"]
    result = Result.parse(io.BytesIO(r.data), format=SOLUTION_TYPES[media_type])
    labels = [str(row[1]) for row in result]
    assert "Abdoulaye Diop" in labels and "Vassily Nebenzia" in labels
    assert labels == sorted(corpus.label(p) for p in corpus.of_class("Person"))  # every person, in label order
    if media_type != "text/csv":  # CSV drops term types by design
        assert URIRef(RES["abdoulaye-diop"]) in {row[0] for row in result}


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_answers_true_and_false(client, media_type):
    fmt = SOLUTION_TYPES[media_type]
    yes = client.get("/sparql", query_string={"query": ASK}, headers={"Accept": media_type})
    no = client.get("/sparql", query_string={"query": ASK.replace("Mission", "Coup")}, headers={"Accept": media_type})
    assert Result.parse(io.BytesIO(yes.data), format=fmt).askAnswer is True
    assert Result.parse(io.BytesIO(no.data), format=fmt).askAnswer is False


GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
def test_every_construct_format_parses_back(client, media_type):
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media_type})
    assert r.status_code == 200, r.text
    assert r.mimetype == media_type
    if GRAPH_TYPES[media_type] in ("trig", "nquads"):
        ds = Dataset()
        ds.parse(data=r.data, format=GRAPH_TYPES[media_type])
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
    else:
        g = Graph().parse(data=r.data, format=GRAPH_TYPES[media_type])
    label = Literal("2020 Malian coup d'état", lang="en")
    assert (RES["coup-2020"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), label) in g


def test_describe_returns_rdf(client):
    r = client.get("/sparql", query_string={"query": f"DESCRIBE <{RES['coup-2021']}>"},
                   headers={"Accept": "text/turtle"})  # fmt: skip
    g = Graph().parse(data=r.data, format="turtle")
    assert len(g) > 3 and (RES["coup-2021"], None, None) in g


def test_accept_q_values_choose_the_format(client):
    r = client.get(
        "/sparql", query_string={"query": PEOPLE},
        headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"},
    )  # fmt: skip
    assert r.mimetype == "application/sparql-results+xml"


def test_the_format_parameter_wins_over_accept(client):
    r = client.get("/sparql", query_string={"query": PEOPLE, "format": "tsv"}, headers={"Accept": "text/csv"})
    assert r.mimetype == "text/tab-separated-values"
    assert r.data.decode().splitlines()[0] == "?p\t?label"


def test_nothing_acceptable_is_406(client):
    r = client.get("/sparql", query_string={"query": PEOPLE}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert r.status_code == 406 and "text/turtle" in r.text


def test_service_description_without_a_query(client, corpus):
    from minusma_kg.server.service_description import SD

    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = Graph().parse(data=r.data, format="turtle")
    (service,) = g.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SD.Service)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
    names = set(g.objects(None, SD.name))
    assert URIRef(GRAPH["article/002"]) in names and URIRef(INFERRED_GRAPH) in names
    assert names == {URIRef(n) for n in corpus.named_graphs}
    assert (service, SD.feature, SD.BasicFederatedQuery) not in g  # no SERVICE allowed by default
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and len(Graph().parse(data=jsonld.data, format="json-ld")) == len(g)


def test_a_malformed_query_is_400_with_the_parsers_position(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert r.status_code == 400 and r.mimetype == "text/plain"
    assert "syntax error" in r.text and re.search(r"at 3:\d+", r.text)


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("GET", {"query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 400),
        ("GET", {"query_string": {"query": "PREFIX x: <urn:x#> # c\nDELETE WHERE { ?s ?p ?o }"}}, 400),
        ("POST", {"data": {"update": "CLEAR ALL"}, "content_type": "application/x-www-form-urlencoded"}, 403),
        ("POST", {"data": "DROP ALL", "content_type": "application/sparql-update"}, 403),
        (
            "POST",
            {"data": {"query": "LOAD <http://example.org/x>"}, "content_type": "application/x-www-form-urlencoded"},
            400,
        ),
        ("GET", {"query_string": {"update": "CLEAR DEFAULT"}}, 403),
    ],
)
def test_updates_are_refused_and_change_nothing(client, method, kwargs, status):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = client.get("/sparql", query_string={"query": count}).json
    r = client.open("/sparql", method=method, **kwargs)
    assert r.status_code == status and "read-only" in r.text
    assert client.get("/sparql", query_string={"query": count}).json == before


def test_other_content_types_and_methods_are_refused(client):
    r = client.post("/sparql", data="SELECT * WHERE { ?s ?p ?o }", content_type="text/plain")
    assert r.status_code == 415
    for method in ("PUT", "DELETE", "PATCH"):
        r = client.open("/sparql", method=method)
        assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_two_query_parameters_are_400(client):
    r = client.get("/sparql", query_string=[("query", ASK), ("query", ASK)])
    assert r.status_code == 400


def test_an_oversized_request_is_413(client):
    r = client.post("/sparql", data="#" + "x" * 1_100_000 + "\nASK {}", content_type="application/sparql-query")
    assert r.status_code == 413


def test_results_are_capped_and_the_client_is_told(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["X-Result-Truncated"] == "true; limit=500"
    assert len(r.json["results"]["bindings"]) == 500
    small = client.get("/sparql", query_string={"query": PEOPLE})
    assert "X-Result-Truncated" not in small.headers


def test_responses_are_cacheable_and_revalidate(client):
    r = client.get("/sparql", query_string={"query": PEOPLE})
    assert "max-age" in r.headers["Cache-Control"] and r.headers["ETag"]
    again = client.get("/sparql", query_string={"query": PEOPLE}, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    other = client.get("/sparql", query_string={"query": PEOPLE}, headers={"Accept": "text/csv"})
    assert other.headers["ETag"] != r.headers["ETag"]


def test_cors_lets_other_origins_query(client):
    r = client.get("/sparql", query_string={"query": ASK}, headers={"Origin": "https://yasgui.example"})
    assert r.headers["Access-Control-Allow-Origin"] in ("*", "https://yasgui.example")
    pre = client.options(
        "/sparql",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "Content-Type"},
    )  # fmt: skip
    assert pre.status_code == 200 and "POST" in pre.headers["Access-Control-Allow-Methods"]


# --- over real HTTP -------------------------------------------------------------------------------------------


def _http(
    url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 30
) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (the tests' own loopback URLs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def _get(server, query: str, **params: str) -> tuple[int, bytes, dict]:
    return _http(f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query, **params}))


def test_sparqlwrapper_against_the_running_server(live_server, corpus):
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    sw = SPARQLWrapper(f"{live_server.url}/sparql")
    sw.setQuery(PEOPLE)
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == sorted(corpus.label(p) for p in corpus.of_class("Person"))
    assert "Abdoulaye Diop" in {r["label"]["value"] for r in rows}
    sw.setMethod(POST)
    sw.setQuery(CONSTRUCT)
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert (RES["coup-2020"], None, None) in g


def test_service_is_refused_and_opens_no_connection(live_server, listener):
    target = f"http://127.0.0.1:{listener.port}/sparql"
    for q in (
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{listener.port}/> SELECT * WHERE {{ SERVICE SILENT x:sparql {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { BIND(<" + target + "> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    ):
        status, body, _ = _get(live_server, q)
        assert status == 403 and (b"not allowed" in body or b"cannot be checked" in body), body
    status, _, _ = _get(live_server, f"SELECT * FROM <{target}> FROM NAMED <{target}> WHERE {{ ?s ?p ?o }}")  # noqa: S608
    assert status == 200
    status, _, _ = _get(live_server, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": target})
    assert status == 200
    time.sleep(0.5)
    assert listener.connections == []


def test_an_allowed_service_is_called(built, listener):
    """The allow-list is real: the one allowed IRI is contacted (the listener is no SPARQL server)."""
    from minusma_kg.server.app import create_app
    from minusma_kg.server.config import Config

    target = f"http://127.0.0.1:{listener.port}/sparql"
    app = create_app(Config(data=built.out, workers=1, timeout=5, allowed_services=(target,)))
    try:
        query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
        r = app.test_client().get("/sparql", query_string={"query": query})
        assert r.status_code in (400, 503)
        deadline = time.time() + 3
        while not listener.connections and time.time() < deadline:
            time.sleep(0.05)
        assert listener.connections and listener.connections[0].startswith(b"POST /sparql")
    finally:
        app.extensions["minusma-kg"].engine.close()


def test_a_runaway_query_is_stopped_and_others_are_answered(live_server):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    outcome: dict = {}

    def run() -> None:
        start = time.time()
        outcome["status"], outcome["body"], _ = _get(live_server, runaway)
        outcome["seconds"] = time.time() - start

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.5)
    status, body, _ = _get(live_server, ASK)  # answered while the runaway query runs
    assert status == 200 and b"true" in body
    t.join(30)
    assert outcome["status"] == 503 and b"timed out" in outcome["body"]
    assert outcome["seconds"] < 3.0 + 5
    status, body, _ = _get(live_server, COUP_LEADER)  # and after it
    assert status == 200 and b"assimi-goita" in body


def test_http_errors_are_readable_over_the_wire(live_server):
    status, body, headers = _get(live_server, "SELECT ?x WHERE { ?x }")
    assert status == 400 and headers["Content-Type"].startswith("text/plain") and b"syntax error" in body
    status, _, _ = _http(f"{live_server.url}/sparql", data=b"x" * 1_100_000,
                         headers={"Content-Type": "application/sparql-query"})  # fmt: skip
    assert status == 413


@pytest.mark.parametrize("value", ["", "relative", "http://x y", "<http://x>", "http://x/\x00", "urn:a b"])
@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_dataset_parameter_that_is_not_an_iri_gets_400(client, parameter, value):
    r = client.get("/sparql", query_string=[("query", "ASK {}"), (parameter, value)])
    assert r.status_code == 400 and b"not an absolute IRI" in r.data
    r = client.post("/sparql", data=MultiDict([("query", "ASK {}"), (parameter, value)]))
    assert r.status_code == 400
