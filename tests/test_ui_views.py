"""The query page's pictures (issue 11): a bar chart for counting questions, a node-link graph for CONSTRUCT results
and a map of places with coordinates, drawn in Debian's Chromium with every request kept on the loopback server.

Expectations come from the saved queries' headers, the endpoint's own answers and kg/places/coordinates.tsv."""

from __future__ import annotations

import json

import pytest
from minusma_kg.kg.coordinates import read_coordinates
from minusma_kg.kg.namespaces import INFERRED_GRAPH, RES
from minusma_kg.kg.queries import VIEWS, SavedQuery, load_saved_queries, parse_saved_query
from rdflib import RDFS, Graph, Literal, URIRef

from minusma_kg.errors import QueryFileError
from tests import test_accessibility, test_browser
from tests.test_accessibility import axe_violations
from tests.test_ui_answers import TIMEOUT, _ready

#: Browser tests run with the slow ones (pytest -m slow, and in CI): a browser per view.
pytestmark = pytest.mark.slow

browser, page = test_browser.browser, test_browser.page  # the real browser and its cut-off page, shared
axe_page = test_accessibility.axe_page  # the same, with axe-core injectable
PICTURES = {"chart": "svg.chart", "graph": "svg.node-link", "map": "svg.place-map"}  # each view's drawing

CHARTS = [q for q in load_saved_queries() if q.view == "chart"]
GRAPHS = [q for q in load_saved_queries() if q.view == "graph"]
MAPS = [q for q in load_saved_queries() if q.view == "map"]


def _answer(client, query: str) -> dict:
    return client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}).json


def _open(page, live_server, query: SavedQuery) -> list[str]:
    """Open the page at a saved question's address (it runs at once, alone); returns the list every request of the
    page is recorded into (and every CSP violation the page reports is recorded in ``page.violations``)."""
    requests: list[str] = []
    page.violations = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.violations.append(m.text))
    page.add_init_script(test_browser.CSP_PROBE)
    page.goto(f"{live_server.url}/?question={query.name}")
    _ready(page)
    assert page.locator("#current-query").inner_text() == "Showing: " + query.title
    return requests


def _stayed_home(page, live_server, requests: list[str]) -> None:
    page.wait_for_timeout(200)  # violation events arrive as tasks
    assert page.violations == []
    assert requests and all(u.startswith(live_server.url) or u.startswith("data:") for u in requests), requests
    assert page.outside == [] and page.errors == []


def _numeric(term: dict | None) -> bool:
    return bool(term) and term.get("datatype", "").rsplit("#", 1)[-1] in {"integer", "decimal", "double", "float"}


def test_every_picture_view_has_questions_that_ask_for_it():
    assert CHARTS and GRAPHS and MAPS
    assert all(q.form == "CONSTRUCT" for q in GRAPHS)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_a_header_names_one_of_the_views_the_page_draws(tmp_path, view):
    path = tmp_path / "99-a-question.rq"
    path.write_text(f"# title: A question\n# description: Why.\n# tags: places\n# view: {view}\nASK {{}}\n")
    assert parse_saved_query(path).view == view
    path.write_text(path.read_text().replace(f"# view: {view}", f"# view: {view}s"))
    with pytest.raises(QueryFileError, match="view must be one of"):
        parse_saved_query(path)


def test_the_page_has_a_view_for_every_view_a_header_may_name(page, live_server):
    _open(page, live_server, CHARTS[0])
    plugins = page.evaluate("() => Object.keys(window.minusmaYasgui.getTab().getYasr().plugins)")
    assert set(VIEWS) <= set(plugins)


@pytest.mark.parametrize("query", CHARTS, ids=lambda q: q.name)
def test_a_counting_question_draws_one_bar_per_row(page, live_server, client, query):
    answer = _answer(client, query.text)
    rows, variables = answer["results"]["bindings"], answer["head"]["vars"]
    measure = next(v for v in variables if any(_numeric(b.get(v)) for b in rows))  # the first numeric column
    assert rows
    requests = _open(page, live_server, query)
    chart = page.locator(".yasr_results svg.chart")
    chart.wait_for(timeout=TIMEOUT)
    bars = chart.locator("g.bar")
    assert bars.count() == len(rows)
    assert [float(v) for v in bars.evaluate_all("bs => bs.map(b => b.dataset.value)")] == [
        float(b[measure]["value"]) if measure in b else 0 for b in rows
    ]
    widths = bars.locator("rect").evaluate_all("rs => rs.map(r => r.getBBox().width)")
    values = [float(b[measure]["value"]) if measure in b else 0 for b in rows]
    top = values.index(max(values))
    assert widths[top] == max(widths)  # the largest number has the longest bar
    assert page.locator(".yasr_results table.results").count() == 0
    chart.scroll_into_view_if_needed()
    _shot(page, "chart-" + query.name)
    _stayed_home(page, live_server, requests)


@pytest.mark.parametrize("query", GRAPHS, ids=lambda q: q.name)
def test_a_construct_draws_its_triples_as_nodes_and_labelled_edges(page, live_server, client, query):
    turtle = client.post("/sparql", data={"query": query.text}, headers={"Accept": "text/turtle"})
    triples = list(Graph().parse(data=turtle.get_data(as_text=True), format="turtle"))
    assert triples
    edges = [(s, p, o) for s, p, o in triples if not (p == RDFS.label and isinstance(o, Literal))]
    resources = {str(s) for s, _, _ in triples} | {str(o) for _, _, o in edges if not isinstance(o, Literal)}
    literals = sorted(str(o) for _, _, o in edges if isinstance(o, Literal))
    requests = _open(page, live_server, query)
    picture = page.locator(".yasr_results svg.node-link")
    picture.wait_for(timeout=TIMEOUT)
    assert picture.locator("g.edge").count() == len(edges)
    assert sorted(picture.locator("g.edge").evaluate_all("es => es.map(e => e.dataset.predicate)")) == sorted(
        str(p) for _, p, _ in edges
    )
    assert set(picture.locator("g.node:not(.literal)").evaluate_all("ns => ns.map(n => n.dataset.term)")) == resources
    assert sorted(picture.locator("g.node.literal").evaluate_all("ns => ns.map(n => n.dataset.term)")) == literals
    # a node shows its English label from the CONSTRUCT itself, not its IRI
    labelled = {str(s): str(o) for s, p, o in triples if p == RDFS.label and getattr(o, "language", None) == "en"}
    shown = picture.locator("g.node:not(.literal) > title").all_text_contents()
    assert labelled and {t.split("\n")[0] for t in shown} >= set(labelled.values())
    picture.scroll_into_view_if_needed()
    _shot(page, "graph-" + query.name)
    _stayed_home(page, live_server, requests)


@pytest.mark.parametrize("query", MAPS, ids=lambda q: q.name)
def test_the_map_draws_a_point_per_place_with_coordinates_on_the_outlines(page, live_server, client, query):
    places = {str(RES[p.entity]): p for p in read_coordinates()[0]}  # kg/places/coordinates.tsv
    rows = _answer(client, query.text)["results"]["bindings"]
    assert {b["place"]["value"] for b in rows} == set(places)
    requests = _open(page, live_server, query)
    picture = page.locator(".yasr_results svg.place-map")
    picture.wait_for(timeout=TIMEOUT)
    points = picture.locator("g.place")
    assert points.count() == len(places)
    assert set(points.evaluate_all("ps => ps.map(p => p.dataset.iri)")) == set(places)
    assert picture.locator("path.country.mali").count() == 1  # the base map: Natural Earth, served here
    assert picture.locator("path.country").count() > 5  # and its neighbours
    # west is left, north is up: the points are where their coordinates say, relative to each other
    at = "ps => ps.map(p => [p.dataset.iri, p.transform.baseVal[0].matrix.e, p.transform.baseVal[0].matrix.f])"
    xy = {iri: (x, y) for iri, x, y in points.evaluate_all(at)}
    assert sorted(places, key=lambda i: places[i].long) == sorted(xy, key=lambda i: xy[i][0])
    assert sorted(places, key=lambda i: -places[i].lat) == sorted(xy, key=lambda i: xy[i][1])
    events = {b["event"]["value"] for b in rows if "event" in b}
    listed = page.locator("ul.place-list a").evaluate_all("links => links.map(a => a.title)")
    assert events and events <= set(listed)
    picture.scroll_into_view_if_needed()
    _shot(page, "map-" + query.name)
    _stayed_home(page, live_server, requests)


def test_a_resource_page_draws_its_neighbourhood_from_asserted_triples(page, live_server, dataset):
    """The resource page's picture: one edge per link its tables list (to and from it), each a triple of the graph
    outside the inferred one, and every node links to its own page."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.violations.append(m.text))
    page.add_init_script(test_browser.CSP_PROBE)
    iri = RES["minusma"]
    page.goto(live_server.url + "/resource/minusma")
    picture = page.locator("#neighbourhood svg.node-link")
    picture.wait_for(timeout=TIMEOUT)
    model = json.loads(page.locator("#neighbourhood-data").text_content())
    drawn = picture.locator("g.edge").evaluate_all("es => es.map(e => e.dataset.predicate)")
    assert sorted(drawn) == sorted(e["predicate"] for e in model["edges"])
    asserted = {(s, p, o) for s, p, o, g in dataset.quads((None, None, None, None)) if g != INFERRED_GRAPH}
    edges = {(URIRef(e["source"]), URIRef(e["predicate"]), URIRef(e["target"])) for e in model["edges"]}
    assert edges <= asserted
    assert any(s == iri for s, _, _ in edges) and any(o == iri for _, _, o in edges)  # links out and in
    hrefs = picture.locator("g.node a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/resource/minusma" in hrefs and len(hrefs) == picture.locator("g.node").count()
    picture.scroll_into_view_if_needed()
    _shot(page, "neighbourhood-minusma")
    _stayed_home(page, live_server, requests)


@pytest.mark.parametrize("query", [*CHARTS[:1], *GRAPHS[:1], *MAPS[:1]], ids=lambda q: q.view)
def test_axe_finds_no_critical_or_serious_violation_in_a_picture(axe_page, live_server, query):
    axe_page.goto(f"{live_server.url}/?question={query.name}")
    _ready(axe_page)
    axe_page.locator(".yasr_results " + PICTURES[query.view]).wait_for(timeout=TIMEOUT)
    assert axe_violations(axe_page) == []
    assert axe_page.outside == [] and axe_page.errors == []


def _shot(page, name: str) -> None:
    test_browser._shot(page, "views-" + name)
