"""The pages a person opens: the query page, resource pages (HTML or RDF), the ontology and the dumps."""

from __future__ import annotations

import re

from rdflib import Dataset, Graph, Literal, URIRef

from kg.namespaces import MKG, RES
from kg.queries import load_saved_queries


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
    assert "/vendor/yasgui/yasgui.min.js" in sources
    assert client.get("/vendor/yasgui/yasgui.min.js").status_code == 200, "run: npm ci --prefix server/ui"


def test_the_overview_counts_classes_and_lists_the_articles(client):
    html = " ".join(client.get("/").text.split())
    assert re.search(r'Statement</a></th><td>30<', html)
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
