"""Linked Data by the book: negotiation headers, named graphs and versions that dereference, compression,
VoID/DCAT counts that equal the data, the SPARQL examples, the home page's schema.org Dataset, the w3id rules."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest
from minusma_kg.kg.namespaces import GRAPH, INFERRED_GRAPH, MKG, RES, VOID
from minusma_kg.kg.queries import load_saved_queries
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's DCAT warns when pytest looks at the module
SDO = Namespace("https://schema.org/")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json", "application/trig",
             "application/n-quads")  # fmt: skip


@pytest.fixture(scope="module")
def quads(built) -> Dataset:
    """The published dataset, graph by graph (no union view, so each quad once)."""
    ds = Dataset()
    ds.parse(built.out / "minusma-kg.nq", format="nquads")
    return ds


def _graph(quads: Dataset, name: str) -> Graph:
    g = Graph()
    for t in quads.graph(URIRef(GRAPH[name])):
        g.add(t)
    return g


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


def _links(response) -> dict[str, str]:
    """type -> href of every rel="alternate" Link header."""
    found = {}
    for header in response.headers.getlist("Link"):
        for href, params in re.findall(r"<([^>]*)>((?:\s*;\s*[^,;]+)*)", header):
            if re.search(r'rel="?alternate"?', params):
                found[re.search(r'type="([^"]+)"', params).group(1)] = href
    return found


# --- 1. Vary, Link, 404s, named graphs, the ontology's version, quads with their graph ---------------------------


@pytest.mark.parametrize("path", ["/resource/coup-2020", "/ontology", "/graph/article/003", "/ontology/0.1.0",
                                  "/graph/inferred", "/resource/no-such-thing", "/graph/no-such-graph"])  # fmt: skip
@pytest.mark.parametrize("accept", [HTML["Accept"], "text/turtle", "application/n-quads"])
def test_every_negotiated_answer_varies_on_accept(client, path, accept):
    r = client.get(path, headers={"Accept": accept})
    assert "accept" in _vary(r), (path, accept, r.headers.get("Vary"))


@pytest.mark.parametrize("path", ["/resource/coup-2020", "/graph/article/003", "/ontology"])
def test_a_page_names_each_rdf_form_in_link_headers_and_in_its_html(client, path):
    r = client.get(path, headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    links = _links(r)
    assert set(RDF_TYPES) <= set(links), links
    for media_type, href in links.items():
        alt = client.get(href)
        assert alt.status_code == 200 and alt.mimetype == media_type, (href, alt.status_code, alt.mimetype)
    if path != "/ontology":  # pyLODE writes that page; the headers say it
        heads = dict(re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)">', r.text))
        assert {t: h.replace("&amp;", "&") for t, h in heads.items()} == {t: links[t] for t in RDF_TYPES}
    rdf = client.get(path, headers={"Accept": "text/turtle"})
    assert _links(rdf).get("text/html") == path  # and the RDF points back to the page


@pytest.mark.parametrize(
    "path",
    [
        "/resource/no-such-thing",
        "/graph/no-such-graph",
        "/graph/article/999",
        "/ontology/9.9.9",
        "/ontology/Coup",
        "/graph/article/003/x",
        "/dumps/nothing.gz",
    ],
)
@pytest.mark.parametrize("accept", [*RDF_TYPES, "text/html", "*/*"])
def test_unknown_iris_are_404_in_every_format(client, path, accept):
    assert client.get(path, headers={"Accept": accept}).status_code == 404


@pytest.mark.parametrize("name", ["article/003", "inferred", "entities", "ontology", "wikidata-links", "examples"])
def test_a_named_graph_dereferences_to_its_triples_with_its_name(client, quads, name):
    from rdflib.compare import isomorphic

    iri = URIRef(GRAPH[name])
    expected = _graph(quads, name)
    assert len(expected)
    r = client.get(f"/graph/{name}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert isomorphic(Graph().parse(data=r.data, format="turtle"), expected)
    for fmt in ("trig", "nquads"):
        r = client.get(
            f"/graph/{name}", headers={"Accept": "application/trig" if fmt == "trig" else "application/n-quads"}
        )
        ds = Dataset()
        ds.parse(data=r.data, format=fmt)
        assert {str(g.identifier) for g in ds.graphs() if len(g)} == {str(iri)}  # the graph keeps its name
        assert isomorphic(ds.graph(iri), expected)


def test_a_graph_page_summarises_the_graph_for_people(client, quads):
    r = client.get("/graph/article/003", headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.text
    size = len(_graph(quads, "article/003"))
    assert f"({size} triples)" in html and "https://w3id.org/minusma-kg/graph/article/003" in html
    assert 'href="/resource/article/003"' in html and 'href="/ontology#Coup"' in html
    assert 'href="/graph/inferred"' in client.get("/graph").text
    page = client.get("/resource/coup-2020", headers=HTML).text  # a value's graphs link to their pages
    assert '<a href="/graph/article/002">article 002</a>' in page and '<a href="/graph/inferred">inferred</a>' in page


def test_the_ontology_version_iri_dereferences(client):
    version = "0.1.0"
    onto = Graph().parse(data=client.get("/ontology", headers={"Accept": "text/turtle"}).data, format="turtle")
    declared = onto.value(
        URIRef("https://w3id.org/minusma-kg/ontology"), URIRef("http://www.w3.org/2002/07/owl#versionIRI")
    )
    assert str(declared) == f"https://w3id.org/minusma-kg/ontology/{version}"
    r = client.get(f"/ontology/{version}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.data == client.get("/ontology", headers={"Accept": "text/turtle"}).data
    assert client.get(f"/ontology/{version}", headers=HTML).mimetype == "text/html"


def _named(quad_set) -> set:
    return {(s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in quad_set}


def test_a_resource_in_trig_and_nquads_says_which_graph_states_each_triple(client, quads):
    iri = RES["coup-2020"]
    expected = _named({*quads.quads((iri, None, None, None)), *quads.quads((None, None, iri, None))})
    for fmt, media_type in (("trig", "application/trig"), ("nquads", "application/n-quads")):
        r = client.get("/resource/coup-2020", headers={"Accept": media_type})
        assert r.mimetype == media_type
        ds = Dataset()
        ds.parse(data=r.data, format=fmt)
        assert _named(ds.quads()) == expected
    graphs = {g for *_, g in expected}
    assert URIRef(GRAPH["article/002"]) in graphs and URIRef(INFERRED_GRAPH) in graphs


# --- 2. compression -------------------------------------------------------------------------------------------------


def test_yasgui_is_sent_gzipped_and_revalidates(client):
    plain = client.get("/vendor/yasgui/yasgui.min.js")
    assert "Content-Encoding" not in plain.headers and len(plain.data) > 500_000
    r = client.get("/vendor/yasgui/yasgui.min.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert r.headers["Content-Encoding"] == "gzip" and "accept-encoding" in _vary(r)
    assert gzip.decompress(r.data) == plain.data and len(r.data) < len(plain.data) / 2
    assert r.headers["ETag"] != plain.headers["ETag"]  # another representation, another validator
    again = client.get(
        "/vendor/yasgui/yasgui.min.js", headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]}
    )
    assert again.status_code == 304 and again.headers["ETag"] == r.headers["ETag"]
    same = client.get("/vendor/yasgui/yasgui.min.js", headers={"If-None-Match": plain.headers["ETag"]})
    assert same.status_code == 304
    # a client holding the plain body keeps its plain tag, whatever it now accepts
    held = client.get(
        "/vendor/yasgui/yasgui.min.js", headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]}
    )
    assert held.status_code == 304 and held.headers["ETag"] == plain.headers["ETag"]
    refused = client.get("/vendor/yasgui/yasgui.min.js", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_sparql_answers_are_gzipped_with_their_headers_and_304s(client):
    query = {"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"}
    plain = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
    r = client.get("/sparql", query_string=query, headers={"Accept": "text/csv", "Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip" and r.mimetype == "text/csv"
    assert gzip.decompress(r.data) == plain.data
    assert r.headers["X-Result-Count"] == plain.headers["X-Result-Count"] == "200"
    assert {"accept", "accept-encoding"} <= _vary(r)
    conditional = {"Accept": "text/csv", "Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]}
    again = client.get("/sparql", query_string=query, headers=conditional)
    assert again.status_code == 304
    small = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # too small to gain anything


@pytest.mark.parametrize("name", ["minusma-kg.nq", "minusma-kg.trig", "minusma-kg.ttl"])
def test_the_dumps_are_also_served_gzip_compressed(client, built, name):
    r = client.get(f"/dumps/{name}.gz")
    assert r.status_code == 200 and r.mimetype == "application/gzip" and "Content-Encoding" not in r.headers
    assert gzip.decompress(r.data) == (built.out / name).read_bytes()
    assert client.get(f"/dumps/{name}.gz", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


def test_the_asgi_front_passes_compressed_answers_through(app):
    import asyncio

    from a2wsgi import WSGIMiddleware
    from minusma_kg.server.asgi import BodyLimit

    front = BodyLimit(WSGIMiddleware(app), max_bytes=1_000_000)
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    path = "/vendor/yasgui/yasgui.min.js"
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": [(b"host", b"test"), (b"accept-encoding", b"gzip")], "scheme": "http",
             "server": ("test", 80), "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": ""}  # fmt: skip
    asyncio.run(front(scope, receive, send))
    headers = dict(sent[0]["headers"])
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert sent[0]["status"] == 200 and headers[b"content-encoding"] == b"gzip"
    assert (
        int(headers[b"content-length"]) == len(body)
        and gzip.decompress(body)
        == (Path(__file__).parent.parent / "server/ui/node_modules/@zazuko/yasgui/build/yasgui.min.js").read_bytes()
    )


# --- 3. VoID / DCAT and the service description ------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(client) -> Graph:
    return Graph().parse(data=client.get("/.well-known/void").data, format="turtle")


def _triples(quads) -> set:
    return {(s, p, o) for s, p, o, _ in quads.quads((None, None, None, None))}


def test_void_counts_distinct_triples_and_partitions_equal_the_data(void, quads, built):
    triples = _triples(quads)
    ds = RES["dataset"]
    total = sum(1 for line in (built.out / "minusma-kg.nq").read_text().splitlines() if line.strip())
    assert int(void.value(ds, VOID.triples)) == len(triples) < total == built.stats.total_quads
    properties = Counter(p for _, p, _ in triples)
    partitions = {
        void.value(n, VOID.property): int(void.value(n, VOID.triples)) for n in void.objects(ds, VOID.propertyPartition)
    }
    assert partitions == dict(properties)
    instances: dict = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef):
            instances.setdefault(o, set()).add(s)
    classes = {
        void.value(n, VOID["class"]): int(void.value(n, VOID.entities)) for n in void.objects(ds, VOID.classPartition)
    }
    assert classes == {c: len(m) for c, m in instances.items()} and classes[MKG.Coup] == 2
    assert int(void.value(ds, VOID.distinctSubjects)) == len({s for s, _, _ in triples})


def test_void_lists_every_vocabulary_used(void, quads):
    from minusma_kg.kg.void import vocabulary

    used = {vocabulary(str(p)) for _, p, _ in _triples(quads)}
    used |= {vocabulary(str(o)) for _, p, o in _triples(quads) if p == RDF.type and isinstance(o, URIRef)}
    listed = {str(v) for v in void.objects(RES["dataset"], VOID.vocabulary)}
    assert used <= listed and {str(MKG), "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/shacl#"} <= listed


def test_void_has_dates_publisher_sources_and_gzipped_dumps(void, articles):
    ds = RES["dataset"]
    assert void.value(ds, DCTERMS.issued) is not None and void.value(ds, DCTERMS.modified) is not None
    publisher = void.value(ds, DCTERMS.publisher)
    assert publisher is not None and void.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name")) is not None
    sources = set(void.objects(ds, DCTERMS.source))
    assert len(sources) == len(articles) and all(str(s).startswith(str(RES["article/"])) for s in sources)
    dumps = {str(d) for d in void.objects(ds, VOID.dataDump)}
    assert {
        "https://w3id.org/minusma-kg/dumps/minusma-kg.nq",
        "https://w3id.org/minusma-kg/dumps/minusma-kg.nq.gz",
    } <= dumps
    gz = [d for d in void.objects(ds, DCAT.distribution) if void.value(d, DCAT.compressFormat) is not None]
    assert len(gz) == 3


def test_the_dataset_description_counts_the_articles_it_was_built_from(void, articles):
    """Regression: the description said "five news articles" whatever the corpus held."""
    text = str(void.value(RES["dataset"], DCTERMS.description))
    assert f" {len(articles)} news article" in text


def test_the_service_description_counts_the_default_graph_and_links_to_the_void(client, quads):
    from minusma_kg.server.service_description import SD

    g = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    (default,) = set(g.objects(None, SD.defaultGraph))
    assert int(g.value(default, VOID.triples)) == len(_triples(quads))
    service = next(g.subjects(RDF.type, SD.Service))
    void_url = g.value(service, RDFS.seeAlso)
    assert str(void_url).endswith("/.well-known/void")
    path = "/" + str(void_url).split("/", 3)[3]
    assert client.get(path).mimetype == "text/turtle"


# --- 4. the saved queries as SPARQL examples -------------------------------------------------------------------------


def test_the_saved_queries_are_published_as_sparql_examples(client, quads):
    r = client.get("/.well-known/sparql-examples", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = Graph().parse(data=r.data, format="turtle")
    queries = load_saved_queries()
    examples = set(g.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(examples) == len(queries) >= 30
    prop = {"SELECT": SH.select, "CONSTRUCT": SH.construct, "ASK": SH.ask, "DESCRIBE": SH.describe}
    kind = {
        "SELECT": SH.SPARQLSelectExecutable,
        "CONSTRUCT": SH.SPARQLConstructExecutable,
        "ASK": SH.SPARQLAskExecutable,
    }
    for q in queries:
        node = URIRef(f"https://w3id.org/minusma-kg/.well-known/sparql-examples#{q.name}")
        assert g.value(node, RDFS.comment) == Literal(q.description, lang="en")
        assert {str(k) for k in g.objects(node, SDO.keywords)} == set(q.tags)
        assert g.value(node, SDO.target) == URIRef("https://w3id.org/minusma-kg/sparql")
        text = str(g.value(node, prop[q.form]))
        assert text.strip() and text.strip() in q.text
        if q.form in kind:
            assert (node, RDF.type, kind[q.form]) in g
    forms = {q.form for q in queries}
    assert {"SELECT", "CONSTRUCT", "ASK"} <= forms
    # the build adds them as their own graph, which the endpoint serves
    ex = URIRef(GRAPH["examples"])
    assert set(quads.graph(ex)) == set(g)
    q = f"SELECT (COUNT(?e) AS ?n) WHERE {{ GRAPH <{ex}> {{ ?e a <http://www.w3.org/ns/shacl#SPARQLExecutable> }} }}"
    assert client.get("/sparql", query_string={"query": q}).json["results"]["bindings"][0]["n"]["value"] == str(
        len(queries)
    )


def test_each_example_runs_and_parses(client):
    import pyoxigraph as ox

    g = Graph().parse(data=client.get("/.well-known/sparql-examples").data, format="turtle")
    for text in [*g.objects(None, SH.select), *g.objects(None, SH.construct), *g.objects(None, SH.ask)]:
        ox.Store().query(str(text)) if "SERVICE" not in str(text) else None  # parses as SPARQL


# --- 5. the home page's schema.org Dataset ------------------------------------------------------------------------


def test_the_home_page_embeds_a_schema_org_dataset_a_metadata_extractor_reads(client):
    import extruct

    r = client.get("/", headers=HTML)
    data = extruct.extract(r.text, base_url="http://127.0.0.1/", syntaxes=["json-ld"], uniform=True)["json-ld"]
    (dataset,) = [d for d in data if d.get("@type") == "Dataset"]
    assert dataset["name"] == "MINUSMA knowledge graph" and "MINUSMA" in dataset["description"]
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["creator"]["name"] and dataset["temporalCoverage"] == "2013/2024"
    assert dataset["spatialCoverage"]["name"] == "Mali"
    urls = {d["contentUrl"] for d in dataset["distribution"]}
    for name in ("minusma-kg.trig", "minusma-kg.nq", "minusma-kg.ttl"):
        assert (
            f"https://w3id.org/minusma-kg/dumps/{name}" in urls
            and f"https://w3id.org/minusma-kg/dumps/{name}.gz" in urls
        )
    assert "https://w3id.org/minusma-kg/sparql" in urls
    # a data block: the page's CSP still forbids inline scripts, and no hash lets it run
    csp = r.headers["Content-Security-Policy"]
    assert (
        "script-src 'self';" in csp
        and "unsafe-inline" not in csp
        and "sha256" not in csp.split("script-src")[1].split(";")[0]
    )


# --- 6. the w3id rules ------------------------------------------------------------------------------------------------

HTACCESS = Path(__file__).parent.parent / "deploy" / "w3id" / ".htaccess"
TURTLE, BROWSER = "text/turtle", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("", BROWSER, "https://minusma-kg.example.org/"),
        ("resource/coup-2020", BROWSER, "https://minusma-kg.example.org/resource/coup-2020"),
        ("resource/coup-2020", TURTLE, "https://minusma-kg.example.org/resource/coup-2020?format=ttl"),
        (
            "resource/coup-2020",
            "application/ld+json",
            "https://minusma-kg.example.org/resource/coup-2020?format=jsonld",
        ),
        (
            "resource/article/003",
            "application/n-quads",
            "https://minusma-kg.example.org/resource/article/003?format=nq",
        ),
        ("graph/article/003", "application/trig", "https://minusma-kg.example.org/graph/article/003?format=trig"),
        ("graph/inferred", BROWSER, "https://minusma-kg.example.org/graph/inferred"),
        ("ontology", BROWSER, "https://minusma-kg.example.org/ontology"),
        ("ontology", TURTLE, "https://minusma-kg.example.org/ontology?format=ttl"),
        ("ontology", "application/rdf+xml", "https://minusma-kg.example.org/ontology?format=rdfxml"),
        ("ontology/0.1.0", TURTLE, "https://minusma-kg.example.org/ontology/0.1.0?format=ttl"),
        ("sparql", BROWSER, "https://minusma-kg.example.org/sparql"),
        ("dumps/minusma-kg.nq.gz", BROWSER, "https://minusma-kg.example.org/dumps/minusma-kg.nq.gz"),
        (".well-known/void", BROWSER, "https://minusma-kg.example.org/.well-known/void"),
    ],
)
def test_the_w3id_rules_redirect_each_iri_to_its_page_or_data(path, accept, expected):
    from tests.rewrite import apply_rules, parse_htaccess

    rules = parse_htaccess(HTACCESS.read_text(encoding="utf-8"))
    status, location = apply_rules(rules, path, {"HTTP_ACCEPT": accept})
    negotiated = path.startswith(("resource/", "graph/", "ontology"))
    assert (status, location) == (303 if negotiated else 302, expected)


def test_the_w3id_rules_keep_a_sparql_query_string():
    from tests.rewrite import apply_rules, parse_htaccess

    rules = parse_htaccess(HTACCESS.read_text(encoding="utf-8"))
    assert apply_rules(rules, "sparql", {"HTTP_ACCEPT": "text/csv"}, query="query=ASK%7B%7D") == (
        302,
        "https://minusma-kg.example.org/sparql?query=ASK%7B%7D",
    )
    # a turtle client of a resource on a browser-like Accept still gets the page (the deployment negotiates)
    assert apply_rules(rules, "resource/mali", {"HTTP_ACCEPT": "*/*"}) == (
        303,
        "https://minusma-kg.example.org/resource/mali",
    )


def test_the_dataset_iri_dereferences_to_its_description(client):
    r = client.get("/resource/dataset", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/.well-known/void")
    r = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert r.mimetype == "application/ld+json" and "accept" in _vary(r)
    g = Graph().parse(data=r.data, format="json-ld")
    assert (RES["dataset"], RDF.type, VOID.Dataset) in g


def test_graph_data_revalidates_by_etag(client):
    r = client.get("/graph/inferred", headers={"Accept": "application/n-quads"})
    assert r.status_code == 200 and r.headers.get("ETag")
    again = client.get("/graph/inferred", headers={"Accept": "application/n-quads", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    other = client.get("/graph/inferred", headers={"Accept": "text/turtle"})
    assert other.headers["ETag"] != r.headers["ETag"]


APACHE = Path("/usr/sbin/apache2")


@pytest.fixture(scope="module")
def apache():
    """Debian's Apache serving deploy/w3id/.htaccess as w3id.org does (skipped where Apache is not installed)."""
    import shutil
    import socket
    import subprocess
    import tempfile
    import time

    if not APACHE.exists():
        pytest.skip("Apache (Debian's apache2) is not installed")
    root = Path(tempfile.mkdtemp(prefix="w3id-"))
    root.chmod(0o755)
    (root / "htdocs" / "minusma-kg").mkdir(parents=True)
    shutil.copy(HTACCESS, root / "htdocs" / "minusma-kg" / ".htaccess")
    for p in (root / "htdocs", root / "htdocs" / "minusma-kg", root / "htdocs" / "minusma-kg" / ".htaccess"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    modules = "/usr/lib/apache2/modules"
    (root / "httpd.conf").write_text(
        f"""ServerRoot {root}
Listen 127.0.0.1:{port}
ServerName localhost
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
User nobody
Group nogroup
DocumentRoot {root}/htdocs
<Directory {root}/htdocs>
  AllowOverride All
  Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    proc = subprocess.Popen(  # noqa: S603 (Debian's apache2, our own config)
        [str(APACHE), "-f", str(root / "httpd.conf"), "-DFOREGROUND"], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"apache2 did not start: {proc.stderr.read().decode()}")
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("resource/coup-2020", BROWSER, "https://minusma-kg.example.org/resource/coup-2020"),
        ("resource/coup-2020", TURTLE, "https://minusma-kg.example.org/resource/coup-2020?format=ttl"),
        ("graph/article/003", "application/trig", "https://minusma-kg.example.org/graph/article/003?format=trig"),
        ("ontology", "application/rdf+xml", "https://minusma-kg.example.org/ontology?format=rdfxml"),
        ("ontology/0.1.0", "application/ld+json", "https://minusma-kg.example.org/ontology/0.1.0?format=jsonld"),
        ("resource/mali", "*/*", "https://minusma-kg.example.org/resource/mali"),
        ("sparql?query=ASK%7B%7D", "text/csv", "https://minusma-kg.example.org/sparql?query=ASK%7B%7D"),
        ("dumps/minusma-kg.nq.gz", BROWSER, "https://minusma-kg.example.org/dumps/minusma-kg.nq.gz"),
        ("", BROWSER, "https://minusma-kg.example.org/"),
    ],
)
def test_a_real_apache_applies_the_w3id_rules_as_the_table_says(apache, path, accept, expected):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", apache, timeout=5)
    conn.request("GET", "/minusma-kg/" + path, headers={"Accept": accept})
    r = conn.getresponse()
    r.read()
    conn.close()
    negotiated = path.startswith(("resource/", "graph/", "ontology"))
    assert (r.status, r.getheader("Location")) == (303 if negotiated else 302, expected)
