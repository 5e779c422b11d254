"""/resource/<name>: whatever the name holds, it is checked, bound as a term, and answered 200 or 404, never 500."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

RDF_AND_HTML = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
HOSTILE = [
    "nope",
    "coup-2020 ",
    "coup 2020",
    'coup-2020"',
    "coup-2020'",
    "coup-2020{",
    "coup-2020}",
    "coup-2020>",
    "coup-2020<",
    "coup-2020\\",
    "coup-2020\x00",
    "coup-2020\n",
    "coup-2020|",
    "coup-2020^",
    "coup-2020`",
]


@pytest.mark.parametrize("accept", RDF_AND_HTML)
def test_a_known_resource_is_served_in_every_format(client, accept):
    r = client.get("/resource/coup-2020", headers={"Accept": accept})
    assert r.status_code == 200 and r.data


@pytest.mark.parametrize("accept", RDF_AND_HTML)
@pytest.mark.parametrize("name", HOSTILE)
def test_unknown_or_malformed_names_get_404_in_every_format(client, name, accept):
    r = client.get("/resource/" + urllib.parse.quote(name, safe=""), headers={"Accept": accept})
    assert r.status_code == 404, (name, accept, r.status_code)


@pytest.mark.parametrize("raw", ["%ff%fe", "%c3%28", "coup-2020%80", "%ed%a0%80"])
def test_names_that_are_not_utf8_get_404(client, raw):
    for accept in RDF_AND_HTML:
        assert client.get("/resource/" + raw, headers={"Accept": accept}).status_code == 404


def test_a_crafted_name_cannot_make_the_server_call_out(live_server, listener):
    target = f"http://127.0.0.1:{listener.port}/"
    names = [
        f"x> ?p ?o }} SERVICE <{target}> {{ ?s ?p ?o }} #",
        f"x> ?p ?o }} UNION {{ SERVICE <{target}> {{ ?s ?p ?o }} }} #",
        f"x>?p ?o}}#\rSERVICE<{target}>{{?s ?p ?o}}#",
        f"coup-2020> ?p ?o }} }} UNION {{ SERVICE <{target}> {{ ?s ?p ?o }} }} #",
    ]
    for name in names:
        for accept in ("text/html", "text/turtle"):
            req = urllib.request.Request(  # noqa: S310 - loopback
                f"{live_server.url}/resource/{urllib.parse.quote(name, safe='')}",
                                         headers={"Accept": accept})  # fmt: skip
            try:
                urllib.request.urlopen(req, timeout=10)  # noqa: S310 - loopback
                status = 200
            except urllib.error.HTTPError as err:
                status = err.code
            assert status == 404, (name, accept, status)
    time.sleep(0.3)
    assert listener.connections == []
