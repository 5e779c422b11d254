"""A real external store: publish to `oxigraph serve` on a loopback port, then serve queries answered by it."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest
from minusma_kg.kg.namespaces import RES

from minusma_kg.cli import main
from tests.commands import console_script, free_port
from tests.comparison import COMPARISON_QUERIES, COUP_LEADERS, both_answers, leaders_from_the_articles_alone


@pytest.fixture(scope="module")
def oxigraph_server():
    try:
        exe = console_script("oxigraph")  # the test extra installs it beside this interpreter
    except FileNotFoundError as missing:
        pytest.fail(str(missing))
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--bind", f"127.0.0.1:{port}"],  # noqa: S603 (the installed oxigraph)
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1)  # noqa: S310 (loopback)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("oxigraph serve did not start: " + proc.stderr.read().decode())
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def published(oxigraph_server, built):
    assert main(["publish", "--to", f"{oxigraph_server}/store", "--data", str(built.out)]) == 0
    return oxigraph_server


@pytest.fixture(scope="module")
def store_client(published, built):
    from minusma_kg.server.app import create_app
    from minusma_kg.server.config import Config

    app = create_app(Config(data=built.out, store=f"{published}/query", timeout=3.0, result_limit=500))
    return app.test_client()


def test_every_graph_arrives_in_the_store(published, built):
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(f"{published}/query?" + urllib.parse.urlencode({"query": q}),  # noqa: S310
                                     headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    with urllib.request.urlopen(request) as resp:  # noqa: S310 (loopback)
        counts = {b["g"]["value"]: int(b["n"]["value"]) for b in json.load(resp)["results"]["bindings"]}
    info = json.loads((built.out / "build-info.json").read_text())
    assert counts == info["stats"]["triples_per_graph"]


@pytest.mark.parametrize("name", sorted(COMPARISON_QUERIES))
def test_the_store_and_the_built_in_engine_give_the_same_answers(name, client, store_client):
    ours, theirs = both_answers(name, client, store_client)
    assert theirs == ours


def test_the_store_backend_keeps_the_safety_rules(store_client):
    assert store_client.get("/sparql", query_string={"query": "CLEAR ALL"}).status_code == 400
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    r = store_client.get("/sparql", query_string={"query": service})
    assert r.status_code == 403
    r = store_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.headers["X-Result-Truncated"] == "true; limit=500"
    r = store_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400 and "store" in r.text


def test_asserted_only_selection_works_through_the_store(store_client, client):
    answered, stated = leaders_from_the_articles_alone(store_client)
    assert answered == stated  # no article names him outright
    q = COUP_LEADERS
    r = store_client.get("/sparql", query_string={"query": q})
    inferred = {b["l"]["value"] for b in r.json["results"]["bindings"]}
    assert str(RES["assimi-goita"]) in inferred - stated
    local = client.get("/sparql", query_string={"query": q}).json["results"]["bindings"]
    assert inferred == {b["l"]["value"] for b in local}
