"""/reconcile (Reconciliation Service API v0.2, as OpenRefine speaks it) and /search.

Every response is validated against the specification's JSON Schemas, transcribed under
tests/data/reconciliation/ (see its README). OpenRefine's requests are replayed as it sends them: a form POST of
``queries=`` or ``extend=``, GETs for the manifest, suggest, preview and property proposals, over a real HTTP
server on the loopback interface. (``py-reconciliation-service-api``, the one client library on PyPI that speaks
the protocol, pins httpx<0.27 and pydantic<2.6, which the project's environment cannot take.)
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from minusma_kg.server.matching import Entity, Index, normalise

SCHEMAS = Path(__file__).parent / "data" / "reconciliation"


def validate(name: str, instance: object) -> None:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def reconcile(client, queries: dict, method: str = "post") -> dict:
    validate("reconciliation-query-batch.json", queries)
    payload = {"queries": json.dumps(queries)}
    r = client.post("/reconcile", data=payload) if method == "post" else client.get("/reconcile", query_string=payload)
    assert r.status_code == 200, r.data
    assert r.mimetype == "application/json"
    validate("reconciliation-result-batch.json", r.json)
    assert set(r.json) == set(queries)
    return r.json


def top(result: dict) -> dict:
    assert result["result"], "no candidate"
    return result["result"][0]


def features(candidate: dict) -> dict:
    return {f["id"]: f["value"] for f in candidate["features"]}


# ---------------------------------------------------------------------------------------------------------------
# the manifest


def test_manifest_is_valid_and_describes_the_service(client) -> None:
    r = client.get("/reconcile")
    assert r.status_code == 200 and r.mimetype == "application/json"
    m = r.json
    validate("manifest.json", m)
    assert "0.2" in m["versions"]
    assert m["identifierSpace"] == "https://w3id.org/minusma-kg/resource/"
    assert m["schemaSpace"] == "https://w3id.org/minusma-kg/ontology#"
    assert m["view"]["url"].endswith("/resource/{{id}}")
    types = {t["id"]: t["name"] for t in m["defaultTypes"]}
    assert {"Person", "Country", "Organisation", "Mission", "Coup", "Resolution"} <= set(types)
    assert "Evidence" not in types and "DateClaim" not in types  # passages and date claims are not entities
    assert "{{id}}" in m["preview"]["url"]
    for kind in ("entity", "type", "property"):
        assert m["suggest"][kind]["service_path"].startswith("/suggest/")
    assert m["extend"]["propose_properties"]["service_path"] == "/extend/propose"


def test_manifest_urls_resolve(client) -> None:
    m = client.get("/reconcile").json
    view = urllib.parse.urlsplit(m["view"]["url"].replace("{{id}}", "assimi-goita"))
    assert client.get(view.path).status_code == 200
    preview = urllib.parse.urlsplit(m["preview"]["url"].replace("{{id}}", "assimi-goita"))
    assert client.get(preview.path, query_string=preview.query).status_code == 200
    suggest = m["suggest"]["entity"]
    path = urllib.parse.urlsplit(suggest["service_url"] + suggest["service_path"]).path
    assert client.get(path, query_string={"prefix": "mal"}).status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# reconciling


def test_accents_case_and_punctuation_do_not_matter(client) -> None:
    res = reconcile(
        client,
        {
            "a": {"query": "Assimi Goita"},
            "b": {"query": "Assimi Goïta"},
            "c": {"query": "ASSIMI GOÏTA"},
            "d": {"query": "U.N. Security Council"},
            "e": {"query": "UN Security Council"},
            "f": {"query": "un security council"},
            "g": {"query": "El Ghassim Wane"},
            "h": {"query": "El-Ghassim Wane"},
        },
    )
    assert {top(res[k])["id"] for k in "abc"} == {"assimi-goita"}
    assert top(res["a"])["score"] == top(res["b"])["score"] == top(res["c"])["score"]
    assert {top(res[k])["id"] for k in "def"} == {"unsc"}
    assert top(res["d"])["score"] == top(res["e"])["score"] == top(res["f"])["score"]
    assert {top(res[k])["id"] for k in "gh"} == {"el-ghassim-wane"}
    for key in res:
        assert top(res[key])["match"] is True, key


def test_scores_rank_label_over_alias_over_tokens_over_fuzzy(client) -> None:
    res = reconcile(
        client,
        {
            "label": {"query": "Assimi Goïta"},
            "alias": {"query": "Goita"},
            "tokens": {"query": "Goïta the colonel"},
            "fuzzy": {"query": "Gutteres"},
        },
    )
    label, alias, tokens, fuzzy = (top(res[k]) for k in ("label", "alias", "tokens", "fuzzy"))
    assert features(label)["label_exact"] is True and label["score"] == 100
    assert features(alias)["alias_exact"] is True and features(alias)["label_exact"] is False and alias["score"] == 90
    assert tokens["id"] == "assimi-goita" and 0 < features(tokens)["token_overlap"] < 1 and tokens["match"] is False
    assert fuzzy["id"] == "antonio-guterres" and features(fuzzy)["fuzzy"] > 0.6 and fuzzy["match"] is False
    assert label["score"] > alias["score"] > tokens["score"] and alias["score"] > fuzzy["score"]
    for candidate in (label, alias, tokens, fuzzy):
        assert {"label_exact", "alias_exact", "token_overlap", "fuzzy"} <= set(features(candidate))


def test_labels_of_every_kind_are_names(client) -> None:
    res = reconcile(
        client,
        {
            "alias": {"query": "Vassili Nebenzia"},
            "long": {"query": "United Nations Multidimensional Integrated Stabilization Mission in Mali"},
        },
    )
    assert top(res["alias"])["id"] == "vassily-nebenzia"
    assert top(res["long"])["id"] == "minusma" and top(res["long"])["match"] is True


def test_type_constraint(client) -> None:
    res = reconcile(
        client,
        {
            "country": {"query": "Mali", "type": "Country"},
            "person": {"query": "Mali", "type": "Person"},
            "iri": {"query": "Mali", "type": "https://w3id.org/minusma-kg/ontology#Country"},
            "list": {"query": "Diop", "type": ["Country", "Person"]},
            "super": {"query": "MINUSMA", "type": "Organisation"},  # a Mission is an Organisation (inferred)
        },
    )
    assert top(res["country"])["id"] == "mali" and top(res["country"])["type"] == [{"id": "Country", "name": "Country"}]
    assert all("Person" in [t["id"] for t in c["type"]] for c in res["person"]["result"])
    assert "mali" not in [c["id"] for c in res["person"]["result"]]
    assert top(res["iri"])["id"] == "mali"
    assert top(res["list"])["id"] == "abdoulaye-diop"
    assert top(res["super"])["id"] == "minusma"


def test_property_constraints(client) -> None:
    res = reconcile(
        client,
        {
            "right": {
                "query": "Diop",
                "properties": [{"pid": "holdsPosition", "v": {"id": "foreign-minister-of-mali"}}],
            },
            "by-name": {
                "query": "Diop",
                "properties": [{"pid": "holdsPosition", "v": "Minister of Foreign Affairs of Mali"}],
            },
            "wrong": {"query": "Diop", "properties": [{"pid": "holdsPosition", "v": "Prime Minister of Mali"}]},
            "alone": {
                "properties": [
                    {"pid": "mkg:holdsPosition", "v": ["President of Mali", "Transitional President of Mali"]}
                ]
            },
        },
    )
    right, by_name, wrong = top(res["right"]), top(res["by-name"]), top(res["wrong"])
    assert right["id"] == by_name["id"] == wrong["id"] == "abdoulaye-diop"
    assert features(right)["property:holdsPosition"] is True and right["match"] is True
    assert features(by_name)["property:holdsPosition"] is True
    assert features(wrong)["property:holdsPosition"] is False and wrong["match"] is False
    assert right["score"] > wrong["score"]
    assert "assimi-goita" in [c["id"] for c in res["alone"]["result"]]


def test_limit(client) -> None:
    res = reconcile(
        client, {"one": {"query": "United Nations", "limit": 1}, "many": {"query": "United Nations", "limit": 8}}
    )
    assert len(res["one"]["result"]) == 1
    assert 1 < len(res["many"]["result"]) <= 8
    assert [c["score"] for c in res["many"]["result"]] == sorted(
        (c["score"] for c in res["many"]["result"]), reverse=True
    )


def test_get_and_single_query_forms(client) -> None:
    assert top(reconcile(client, {"q0": {"query": "Bamako"}}, method="get")["q0"])["id"] == "bamako"
    r = client.get("/reconcile", query_string={"query": "Bamako"})
    assert r.status_code == 200 and top(r.json)["id"] == "bamako"
    r = client.post("/reconcile", data={"query": json.dumps({"query": "Guterres", "type": "Person"})})
    assert r.status_code == 200 and top(r.json)["id"] == "antonio-guterres"


def test_nothing_matches_nonsense(client) -> None:
    res = reconcile(client, {"q": {"query": "zzqx wvvk"}, "empty": {"query": ""}})
    assert res["q"]["result"] == [] and res["empty"]["result"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"queries": "not json"},
        {"queries": json.dumps(["a list"])},
        {"queries": json.dumps({"q0": "not an object"})},
        {"queries": json.dumps({"q0": {"query": "Mali", "limit": 0}})},
        {"queries": json.dumps({"q0": {"query": 5}})},
        {"queries": json.dumps({"q0": {"query": "Mali", "properties": [{"v": "x"}]}})},
        {"queries": json.dumps({f"q{i}": {"query": "Mali"} for i in range(101)})},
        {"queries": json.dumps({"q0": {"query": "Mali " * 300}})},
        {"extend": json.dumps({"ids": "assimi-goita", "properties": []})},
    ],
)
def test_bad_requests_are_400_with_a_reason(client, payload) -> None:
    r = client.post("/reconcile", data=payload)
    assert r.status_code == 400
    assert r.json["status"] == "error" and r.json["message"]


def test_query_text_never_reaches_sparql(client) -> None:
    hostile = '"} } DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    res = reconcile(client, {"q": {"query": hostile, "type": hostile}})
    assert res["q"]["result"] == []
    assert client.get("/search", query_string={"q": hostile}).status_code == 200


def test_index_is_loaded_once(app, client) -> None:
    client.get("/reconcile")
    first = app.extensions["minusma-kg-reconcile"]
    client.post("/reconcile", data={"queries": json.dumps({"q": {"query": "Mali"}})})
    client.get("/search", query_string={"q": "Mali"})
    assert app.extensions["minusma-kg-reconcile"] is first
    assert len(first.index.entities) >= 100
    assert not any("/evidence/" in e.id or "/when/" in e.id for e in first.index.entities.values())


# ---------------------------------------------------------------------------------------------------------------
# the matcher on its own: ambiguity and ranking, on made-up entities


def _entity(id_: str, label: str, *aliases: str) -> Entity:
    return Entity(
        id=id_,
        iri="urn:x:" + id_,
        labels=[(label, "en")],
        aliases=[(a, None) for a in aliases],
        types={"urn:t"},
        asserted_types={"urn:t"},
    )


def test_match_only_when_unambiguous() -> None:
    index = Index(
        [_entity("a", "Abdoulaye Maïga", "Maiga"), _entity("b", "Choguel Maïga", "Maïga"), _entity("c", "Mali")]
    )
    shared = index.search("Maiga")
    assert {c.entity.id for c in shared[:2]} == {"a", "b"} and not index.is_unambiguous(shared)
    assert index.is_unambiguous(index.search("Abdoulaye Maiga"))
    assert index.is_unambiguous(index.search("mali"))
    assert not index.is_unambiguous(index.search("Abdoulaye"))  # a token hit is never a sure match


def test_normalise() -> None:
    assert normalise("U.N. Security Council") == normalise("UN Security Council") == "un security council"
    assert normalise("Goïta") == normalise("GOITA") == "goita"
    assert normalise("El-Ghassim  Wane") == "el ghassim wane"
    assert normalise("C\u00f4te d\u2019Ivoire") == normalise("Cote d'Ivoire")
    assert normalise("...") == ""


def test_prefix_search_ranks_names_before_words() -> None:
    index = Index(
        [_entity("x", "Mali's break with France"), _entity("m", "Mali"), _entity("b", "Bamako", "capital of Mali")]
    )
    assert [e.id for e in index.prefix("mal")] == ["m", "x", "b"]
    assert index.prefix("") == []


# ---------------------------------------------------------------------------------------------------------------
# suggest, preview, extend


def test_suggest_entity(client) -> None:
    r = client.get("/reconcile/suggest/entity", query_string={"prefix": "goï"})
    validate("suggest-entities-response.json", r.json)
    assert r.json["result"][0]["id"] == "assimi-goita"
    assert r.json["result"][0]["notable"] == ["Person"]
    r = client.get("/reconcile/suggest/entity", query_string={"prefix": "Guter", "type": "Person"})
    assert [x["id"] for x in r.json["result"]] == ["antonio-guterres"]
    r = client.get("/reconcile/suggest/entity", query_string={"prefix": "mali", "type": "Country"})
    assert [x["id"] for x in r.json["result"]] == ["mali"]
    page1 = client.get("/reconcile/suggest/entity", query_string={"prefix": "mali"}).json["result"]
    page2 = client.get("/reconcile/suggest/entity", query_string={"prefix": "mali", "cursor": 1}).json["result"]
    assert len(page1) > 1 and page2[0] == page1[1]


def test_suggest_type_and_property(client) -> None:
    r = client.get("/reconcile/suggest/type", query_string={"prefix": "pers"})
    validate("suggest-types-response.json", r.json)
    assert {"id": "Person", "name": "Person"} in r.json["result"]
    r = client.get("/reconcile/suggest/property", query_string={"prefix": "occ"})
    validate("suggest-properties-response.json", r.json)
    assert "occurredIn" in [p["id"] for p in r.json["result"]]
    r = client.get("/reconcile/suggest/property", query_string={"prefix": "label"})
    assert "rdfs:label" in [p["id"] for p in r.json["result"]]


def test_preview_is_a_small_safe_card(client) -> None:
    r = client.get("/reconcile/preview", query_string={"id": "assimi-goita"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "Assimi Goïta" in html and "Person" in html and "/resource/assimi-goita" in html
    assert "<script" not in html and "style=" not in html and "<style" not in html  # the CSP allows neither
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert client.get("/reconcile/preview", query_string={"id": "<b>nobody</b>"}).status_code == 404


def test_extend(client) -> None:
    query = {
        "ids": ["assimi-goita", "coup-2020", "no-such-entity"],
        "properties": [{"id": "holdsPosition"}, {"id": "owl:sameAs"}, {"id": "rdfs:label"}, {"id": "perpetratedBy"}],
    }
    validate("data-extension-query.json", query)
    r = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert r.status_code == 200
    validate("data-extension-response.json", r.json)
    assert [m["id"] for m in r.json["meta"]] == ["holdsPosition", "owl:sameAs", "rdfs:label", "perpetratedBy"]
    goita = r.json["rows"]["assimi-goita"]
    assert {"id": "transitional-president-of-mali", "name": "Transitional President of Mali"} in goita["holdsPosition"]
    assert {"str": "http://www.wikidata.org/entity/Q98497406"} in goita["owl:sameAs"]
    assert {"str": "Assimi Goïta"} in goita["rdfs:label"]
    assert r.json["rows"]["coup-2020"]["perpetratedBy"]
    assert all(v == [] for v in r.json["rows"]["no-such-entity"].values())


def test_extend_typed_values(client) -> None:
    query = {
        "ids": ["resolution-termination", "unsc"],
        "properties": [{"id": "resolutionNumber"}, {"id": "memberCount"}],
    }
    r = client.get("/reconcile", query_string={"extend": json.dumps(query)})
    validate("data-extension-response.json", r.json)
    numbers = r.json["rows"]["resolution-termination"]["resolutionNumber"]
    assert numbers and all(isinstance(v["int"], int) for v in numbers)


def test_propose_properties(client) -> None:
    r = client.get("/reconcile/extend/propose", query_string={"type": "Person"})
    validate("propose-properties-response.json", r.json)
    ids = [p["id"] for p in r.json["properties"]]
    assert r.json["type"] == "Person" and "holdsPosition" in ids and "rdfs:label" in ids
    assert "resolutionNumber" not in ids
    r = client.get("/reconcile/extend/propose", query_string={"type": "Resolution", "limit": 3})
    assert len(r.json["properties"]) == 3


# ---------------------------------------------------------------------------------------------------------------
# /search


def test_search_json(client) -> None:
    r = client.get("/search", query_string={"q": "goita"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    best = r.json["results"][0]
    assert best["id"] == "assimi-goita" and best["match"] is True
    assert (
        best["iri"] == "https://w3id.org/minusma-kg/resource/assimi-goita" and best["href"] == "/resource/assimi-goita"
    )
    people = client.get("/search", query_string={"q": "Mali", "type": "Person"}).json["results"]
    assert all("Person" in [t["id"] for t in p["types"]] for p in people)
    assert len(client.get("/search", query_string={"q": "United Nations", "limit": 2}).json["results"]) == 2


def test_search_html_when_asked_is_the_sites_search_page(client) -> None:
    r = client.get("/search", query_string={"q": "<Goïta>"}, headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["Location"] == "/find?q=%3CGo%C3%AFta%3E"
    page = client.get(r.headers["Location"], headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code in (200, 303)
    if page.status_code == 200:
        assert "/resource/assimi-goita" in html and "<Goïta>" not in html
    else:
        assert page.headers["Location"] == "/resource/assimi-goita"
    r = client.get("/search", query_string={"q": "Mali", "format": "html"})
    assert r.status_code == 303 and r.headers["Location"] == "/find?q=Mali"


# ---------------------------------------------------------------------------------------------------------------
# OpenRefine's requests, replayed over HTTP


@pytest.mark.slow
def test_openrefine_session_over_http(live_server) -> None:
    base = live_server.url + "/reconcile"

    def get(url: str) -> dict:
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 (loopback)
            assert r.headers.get_content_type() == "application/json"
            return json.loads(r.read())

    def post(form: dict) -> dict:
        body = urllib.parse.urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        req = urllib.request.Request(base, body, headers)  # noqa: S310 (loopback)
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 (loopback)
            return json.loads(r.read())

    manifest = get(base)
    validate("manifest.json", manifest)
    # OpenRefine's first guess at a column's type: the column's first values, no type, limit 3
    guess = {f"q{i}": {"query": name, "limit": 3} for i, name in enumerate(["Mali", "France", "Niger"])}
    validate("reconciliation-query-batch.json", guess)
    res = post({"queries": json.dumps(guess)})
    validate("reconciliation-result-batch.json", res)
    assert [top(res[f"q{i}"])["id"] for i in range(3)] == ["mali", "france", "niger"]
    # then the batches, with the chosen type, type_strict and a property column
    batch = {
        "q0": {"query": "Goita", "type": "Person", "type_strict": "should", "limit": 3},
        "q1": {
            "query": "Abdoulaye Diop",
            "type": "Person",
            "type_strict": "should",
            "properties": [{"pid": "holdsPosition", "v": "Minister of Foreign Affairs of Mali"}],
        },
    }
    validate("reconciliation-query-batch.json", batch)
    res = post({"queries": json.dumps(batch)})
    validate("reconciliation-result-batch.json", res)
    assert top(res["q0"])["id"] == "assimi-goita" and top(res["q0"])["match"] is True
    assert top(res["q1"])["id"] == "abdoulaye-diop"
    suggest = manifest["suggest"]["entity"]
    found = get(suggest["service_url"] + suggest["service_path"] + "?" + urllib.parse.urlencode({"prefix": "lacr"}))
    validate("suggest-entities-response.json", found)
    assert found["result"][0]["id"] == "jean-pierre-lacroix"
    propose = manifest["extend"]["propose_properties"]
    proposed = get(propose["service_url"] + propose["service_path"] + "?type=Person&limit=10")
    validate("propose-properties-response.json", proposed)
    extension = post(
        {
            "extend": json.dumps(
                {"ids": ["assimi-goita"], "properties": [{"id": p["id"]} for p in proposed["properties"]]}
            )
        }
    )
    validate("data-extension-response.json", extension)
    assert set(extension["rows"]["assimi-goita"]) == {p["id"] for p in proposed["properties"]}


def test_the_preview_card_may_be_framed_by_openrefine_and_nothing_else_may(client):
    card = client.get("/reconcile/preview", query_string={"id": "coup-2020"})
    assert card.status_code == 200
    assert "frame-ancestors *" in card.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in card.headers
    page = client.get("/resource/coup-2020")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


# ---------------------------------------------------------------------------------------------------------------
# a real client: the `reconciler` package (PyPI), which reconciles a pandas column as OpenRefine does


def _reconcile_column(live_server, values: list[str], type_id: str | None = None):
    """Reconcile a pandas column with the `reconciler` package against the running endpoint, as a user would."""
    import pandas as pd
    from reconciler import reconcile as client_reconcile

    endpoint = f"{live_server.url}/reconcile"
    return client_reconcile(pd.Series(values), type_id=type_id, top_res=1, reconciliation_endpoint=endpoint)


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside reconciler, with pandas 3
def test_a_real_reconciliation_client_matches_a_spreadsheet_column(live_server) -> None:
    """`reconciler` sends the batched form-encoded ``queries`` OpenRefine sends, and reads the answers back."""
    expected = {
        "Assimi Goita": "assimi-goita",
        "Abdelaziz Diop": "abdoulaye-diop",
        "António Guterres": "antonio-guterres",
        "Nicolas de Riviere": "nicolas-de-riviere",
    }
    result = _reconcile_column(live_server, list(expected), type_id="Person")
    assert dict(zip(result["input_value"], result["id"], strict=True)) == expected
    assert set(result["type_id"]) == {"Person"}
    assert result["match"].all()  # each an unambiguous exact label or alias


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_a_real_client_finds_french_names_across_types(live_server) -> None:
    expected = {
        "Conseil de sécurité des Nations unies": "unsc",
        "Forces armees maliennes": "malian-armed-forces",
        "Cote d'Ivoire": "ivory-coast",
        "Russie": "russia",
    }
    result = _reconcile_column(live_server, list(expected))
    assert dict(zip(result["input_value"], result["id"], strict=True)) == expected
