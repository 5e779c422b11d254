"""The pages a person opens: the query page, resource pages (HTML or RDF), the ontology and the dumps."""

from __future__ import annotations

import base64
import hashlib
import re
import socket

import pytest
from minusma_kg.kg.namespaces import MKG, RES
from minusma_kg.kg.queries import load_saved_queries
from rdflib import RDFS, Dataset, Graph, Literal, URIRef


def test_the_home_page_lists_every_saved_question_by_tag(client):
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.text
    for q in load_saved_queries():
        assert q.title.replace("'", "&#39;") in html
    assert 'data-tag="reasoning"' in html and 'aria-pressed="true"' in html
    assert re.search(r"<h1>.*MINUSMA.*</h1>", html) and html.count("<h2") >= 3


def test_the_home_page_loads_nothing_from_elsewhere(client):
    html = client.get("/").text
    sources = re.findall(r'(?:src|href)="([^"#]+)"', html)
    scripts_and_styles = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert scripts_and_styles and all(s.startswith("/") for s in scripts_and_styles)
    assert any(s.split("?v=")[0] == "/vendor/yasgui/yasgui.min.js" for s in sources)  # with its content hash
    assert client.get("/vendor/yasgui/yasgui.min.js").status_code == 200, "run: npm ci --prefix server/ui"


def test_the_overview_counts_classes_and_lists_the_articles(client, entities, articles):
    html = " ".join(client.get("/").text.split())
    statements = sum(e.type == "Statement" for e in entities)
    assert statements >= 30 and f"Statement</a></th><td>{statements}<" in html
    listed = re.findall(r'<li><a href="/resource/article/(\d+)">', html)
    assert listed == [a.id.split("-")[0] for a in articles]  # every article, in order
    assert "DW (Deutsche Welle), undated (page date 2024-04-21)" in html
    assert "published 2023-07-01" in html
    for link in ("/ontology", "/dumps/minusma-kg.trig", "/dumps/minusma-kg.nq", "/sparql", "/queries"):
        assert f'href="{link}"' in html


def test_a_resource_page_shows_label_types_evidence_and_inferences(client):
    r = client.get("/resource/coup-2020")
    assert r.status_code == 200
    html = r.text
    assert "<h1>2020 Malian coup d&#39;état</h1>" in html
    assert "Frustration over growing insecurity prompted two coups in Mali in 2020 and 2021." in html
    assert 'href="/resource/article/003"' in html
    assert 'href="/resource/assimi-goita">Assimi Goïta</a>' in html  # the inferred coup leader, labelled
    assert re.search(r'class="inferred">\s*<a href="/resource/assimi-goita"', html)
    assert 'href="/resource/ibrahim-boubacar-keita">Ibrahim Boubacar Keïta</a>' in html


def test_a_resource_page_links_wikidata_and_lists_incoming_links(client):
    html = client.get("/resource/assimi-goita").text
    assert 'href="http://www.wikidata.org/entity/Q98497406"' in html
    assert "Linked from" in html and 'href="/resource/goita-change-of-strategy"' in html


def test_a_resource_dereferences_to_rdf_by_content_negotiation(client):
    r = client.get("/resource/coup-2021", headers={"Accept": "text/turtle"})
    assert r.mimetype == "text/turtle" and "Accept" in r.headers["Vary"]
    g = Graph().parse(data=r.data, format="turtle")
    assert (RES["coup-2021"], URIRef(MKG.occurredIn), RES.mali) in g
    r = client.get("/resource/coup-2021?format=jsonld")
    assert r.mimetype == "application/ld+json"
    assert len(Graph().parse(data=r.data, format="json-ld")) == len(g)


def test_an_unknown_resource_is_404(client):
    assert client.get("/resource/no-such-thing").status_code == 404


def test_the_dumps_and_the_ontology_are_served(client, built):
    r = client.get("/dumps/minusma-kg.nq")
    assert r.mimetype == "application/n-quads"
    ds = Dataset()
    ds.parse(data=r.data, format="nquads")
    assert sum(1 for _ in ds.quads()) == built.stats.total_quads
    assert client.get("/dumps/../build-info.json").status_code == 404
    onto = client.get("/ontology", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=onto.data, format="turtle")
    assert (MKG.Coup, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Coup", lang="en")) in g
    assert client.get("/ontology", headers={"Accept": "application/ld+json"}).mimetype == "application/ld+json"


def test_the_ontology_served_is_the_one_the_build_published_whatever_the_sources_say_now(
    client, built, tmp_path, monkeypatch
):
    from minusma_kg.kg import paths

    edited = tmp_path / "minusma.ttl"
    edited.write_text(paths.ONTOLOGY.read_text(encoding="utf-8").replace('"Coup"@en', '"Putsch"@en'), encoding="utf-8")
    monkeypatch.setattr(paths, "ONTOLOGY", edited)  # the sources changed after the build
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert turtle.data == (built.out / "ontology.ttl").read_bytes()
    label = Graph().parse(data=turtle.data, format="turtle").value(MKG.Coup, RDFS.label)
    assert label == Literal("Coup", lang="en") and ">Coup<" in html and "Putsch" not in html


def test_the_saved_questions_are_those_the_build_published_whatever_the_sources_say_now(built, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    from minusma_kg.kg import paths
    from minusma_kg.server.app import create_app
    from minusma_kg.server.config import Config

    published = sorted(p.name for p in (built.out / "queries").glob("*.rq"))
    assert published == sorted(p.name for p in paths.QUERIES_DIR.glob("*.rq"))  # the build copied every one
    data = shutil.copytree(built.out, tmp_path / "build")
    first = data / "queries" / published[0]
    first.write_text(first.read_text(encoding="utf-8").replace("# title:", "# title: (as built)", 1), encoding="utf-8")
    monkeypatch.setattr(paths, "QUERIES_DIR", tmp_path / "nothing")  # the sources changed after the build
    app = create_app(Config(data=data, workers=1, reserved_workers=0))
    try:
        client = app.test_client()
        listed = client.get("/queries").get_json()["queries"]
        assert [q["name"] for q in listed] == [Path(name).stem for name in published]
        assert listed[0]["title"].startswith("(as built)")
        assert client.get(f"/queries/{Path(published[0]).stem}.rq").data == first.read_bytes()
        assert "(as built)" in client.get("/").text
    finally:
        app.extensions["minusma-kg"].engine.close()


def test_the_void_description_is_served_where_clients_look(client):
    r = client.get("/.well-known/void")
    assert r.mimetype == "text/turtle"
    g = Graph().parse(data=r.data, format="turtle")
    assert (RES["dataset"], URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) in g


def test_the_ontology_reads_as_a_document_in_a_browser(client):
    r = client.get("/ontology", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.mimetype == "text/html"
    html = r.text
    assert 'id="Coup"' in html and "An unconstitutional seizure of state power" in html
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://', html)  # nothing loaded from elsewhere


# --- security headers, CORS and the service description's endpoint IRI --------------------------------------------

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
#: The policy every HTML page starts from: this server's own scripts and styles, nothing inline, no framing.
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request.path}: no Content-Security-Policy"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice in {header}"
        directives[name] = sources
    return directives


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _assert_hardened(response) -> None:
    assert response.headers.get("X-Content-Type-Options") == "nosniff", response.request.path
    assert response.headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer")
    assert response.headers.get("X-Frame-Options") == "DENY", response.request.path


@pytest.mark.parametrize(
    ("path", "status"),
    [("/", 200), ("/resource/coup-2020", 200), ("/ontology", 200), ("/resource/no-such-thing", 404), ("/nowhere", 404)],
)
def test_html_pages_allow_only_the_servers_own_scripts_and_styles(client, path, status):
    r = client.get(path, headers=HTML)
    assert r.status_code == status and r.mimetype == "text/html"
    csp = _csp(r)
    for name, sources in STRICT.items():
        # the ontology page adds the hashes of its inline blocks (checked below), nothing else
        assert [s for s in csp[name] if not s.startswith("'sha256-")] == sources, (path, name, csp[name])
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & {s for sources in csp.values() for s in sources}
    _assert_hardened(r)


def test_every_response_is_nosniff_and_unframeable(client):
    responses = [
        client.get("/sparql", headers={"Accept": "text/turtle"}),
        client.get("/sparql", query_string={"query": "ASK {}"}),
        client.post("/sparql", data="ASK {}", content_type="text/plain"),  # 415
        client.get("/queries"),
        client.get("/static/app.css"),
        client.get("/vendor/yasgui/yasgui.min.js"),
        client.get("/dumps/minusma-kg.ttl"),
        client.get("/ontology", headers={"Accept": "text/turtle"}),
        client.get("/resource/coup-2020?format=ttl"),
        client.options("/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "GET"}),
    ]
    for r in responses:
        _assert_hardened(r)


def test_the_query_page_allows_yasgui_s_one_inline_style_attribute_by_its_hash(client):
    """YASQE's syntax-error tooltip writes <strong style='text-decoration:underline'>: that value and no other."""
    csp = _csp(client.get("/"))
    assert csp["style-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["style-src-attr"] == ["'unsafe-hashes'", _sha256("text-decoration:underline")]
    bundle = client.get("/vendor/yasgui/yasgui.min.js").text
    # a newer YASGUI with other inline styles in its markup needs this list (and the policy) updated
    assert re.findall(r"""\sstyle=['"]([^'"]*)['"]""", bundle) == ["text-decoration:underline"]


def test_the_ontology_page_allows_exactly_its_inline_blocks_by_hash(client, built):
    html = (built.out / "ontology.html").read_text(encoding="utf-8")
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert styles, "pyLODE's page has its CSS inline"
    csp = _csp(client.get("/ontology", headers=HTML))
    assert csp["style-src"] == ["'self'", *dict.fromkeys(_sha256(s) for s in styles)]
    executable = [body for attrs, body in scripts if "src=" not in attrs and "application/ld+json" not in attrs]
    assert csp["script-src"] == ["'self'", *dict.fromkeys(_sha256(s) for s in executable)]
    assert all(_sha256(body) not in csp["script-src"] for attrs, body in scripts if "ld+json" in attrs)  # data, not run


def test_inline_hashes_follow_the_browsers_rules(tmp_path):
    from minusma_kg.server.headers import file_hashes, inline_hashes

    page = ('<style>\r\nb { color: red }\r\n</style><script>run()</script><script src="/x.js"></script>'
            '<script type="application/ld+json">{"@id": "x"}</script><script type="module">go()</script>')  # fmt: skip
    scripts, styles = inline_hashes(page)
    assert styles == (_sha256("\nb { color: red }\n")[1:-1],)  # CR LF is hashed as LF, as the browser parses it
    assert scripts == (_sha256("run()")[1:-1], _sha256("go()")[1:-1])
    doc = tmp_path / "ontology.html"
    doc.write_text("<style>a{}</style>", encoding="utf-8")
    assert file_hashes(doc) == ((), (_sha256("a{}")[1:-1],))
    doc.write_text("<style>a{} b{}</style>", encoding="utf-8")  # a rebuilt page is hashed again
    assert file_hashes(doc) == ((), (_sha256("a{} b{}")[1:-1],))


def test_a_cors_preflight_offers_only_the_methods_the_endpoint_accepts(client):
    def offered(method: str) -> set[str]:
        pre = client.options(
            "/sparql",
            headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": method,
                     "Access-Control-Request-Headers": "Content-Type"},
        )  # fmt: skip
        return {m.strip() for m in pre.headers.get("Access-Control-Allow-Methods", "").split(",") if m.strip()}

    assert {"GET", "POST"} <= offered("POST") <= {"GET", "POST", "HEAD", "OPTIONS"}
    for method in ("PUT", "DELETE", "PATCH"):
        assert not offered(method) & {"PUT", "DELETE", "PATCH"}  # not offered, whatever the client asks for


@pytest.fixture(scope="module")
def public_app(built):
    """The app as deployed behind a proxy at https://kg.example.org/ (MINUSMA_KG_BASE_URL)."""
    from minusma_kg.server.app import create_app
    from minusma_kg.server.config import Config

    app = create_app(Config(data=built.out, workers=1, timeout=5, base_url="https://kg.example.org/"))
    yield app
    app.extensions["minusma-kg"].engine.close()


def test_with_a_base_url_the_service_description_ignores_a_forged_host(public_app):
    from minusma_kg.server.service_description import SD

    r = public_app.test_client().get("/sparql", headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert r.status_code == 200 and "evil.example" not in r.text
    g = Graph().parse(data=r.data, format="turtle")
    endpoint = URIRef("https://kg.example.org/sparql")
    assert (endpoint, SD.endpoint, endpoint) in g
    assert "public" in r.headers["Cache-Control"]  # the same answer for every client: shared caches may keep it


def test_without_a_base_url_the_host_derived_description_is_not_shared(client):
    r = client.get("/sparql", headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert r.status_code == 200 and "http://evil.example/sparql" in r.text  # the request's own host, for it alone
    cache_control = {d.strip() for d in r.headers["Cache-Control"].split(",")}
    assert "private" in cache_control and {"no-store", "no-cache"} & cache_control and "public" not in cache_control


def test_the_base_url_comes_from_the_environment_or_the_serve_option(built, monkeypatch):
    from minusma_kg.server.config import Config

    from minusma_kg.cli import main

    assert Config.from_env({}).base_url is None
    assert Config.from_env({"MINUSMA_KG_BASE_URL": "https://kg.example.org"}).base_url == "https://kg.example.org"
    seen = []
    monkeypatch.setattr("minusma_kg.server.wsgi.serve", lambda config, *args, **kwargs: seen.append(config))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = ["serve", "--data", str(built.out), "--port", str(port), "--base-url", "https://kg.example.org"]
    assert main(argv) == 0
    assert seen and seen[0].base_url == "https://kg.example.org"
