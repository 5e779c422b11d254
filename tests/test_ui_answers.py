"""The query page's answer area (issue 11): one answer at a time, dates in words, downloads that work, local
completion and readable errors, checked in Debian's Chromium on the running server with the network cut off."""

from __future__ import annotations

import calendar
import re

import pytest
from minusma_kg.kg.formats import BOOLEAN_FORMATS, GRAPH_FORMATS, SOLUTION_FORMATS
from minusma_kg.kg.namespaces import MKG, PREFIXES
from minusma_kg.kg.queries import SavedQuery, load_saved_queries
from minusma_kg.server.saved import result_formats
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef

from tests import test_browser

#: Browser tests run with the slow ones (pytest -m slow, and in CI): a browser per answer.
pytestmark = pytest.mark.slow

browser, page = test_browser.browser, test_browser.page  # the real browser and its cut-off page, shared

XSD = Namespace(PREFIXES["xsd"])  # a plain namespace: pytest's collection probes rdflib's closed XSD with a warning
TIMEOUT = 15000
EN_DASH = "\N{EN DASH}"  # a range of days, as the page writes it


def _saved(title_part: str) -> SavedQuery:
    return next(q for q in load_saved_queries() if title_part in q.title)


def _ready(page) -> None:
    """Wait for the next answer (or error) to be drawn."""
    page.wait_for_function("() => document.body.dataset.resultsReady", timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")


def _run(page, query: str) -> None:
    """Type-free: put a query of one's own into the editor and run it as the run button does."""
    page.evaluate("(q) => { const t = window.minusmaYasgui.getTab(); t.setQuery(q); }", query)
    page.locator(".yasqe_queryButton").first.click()
    _ready(page)


def _is_date(term: dict | None) -> bool:
    kinds = ("date", "dateTime", "gYear", "gYearMonth", "gMonth", "gMonthDay")
    return bool(term) and term.get("datatype") in {str(XSD[k]) for k in kinds}


def _iris(links) -> set[str]:
    """The IRIs the links stand for: a table shows labels and keeps the IRI for hovering."""
    return set(links.evaluate_all("links => links.map(a => a.title)"))


def _coups(dataset) -> set[str]:
    return {str(s) for s in dataset.subjects(RDF.type, MKG.Coup)}


def test_table_then_timeline_then_own_query_shows_one_answer_with_its_heading(page, live_server, client, dataset):
    table_q, timeline_q = _saved("Who led the coups"), _saved("The 2020 and 2021 coups")
    assert table_q.view == "table" and timeline_q.view == "timeline"
    answer = client.post("/sparql", data={"query": timeline_q.text}, headers={"Accept": "application/json"}).json
    rows = answer["results"]["bindings"]
    date_var = next(v for v in answer["head"]["vars"] if any(_is_date(b.get(v)) for b in rows))  # as the page picks
    dated_rows = [b for b in rows if _is_date(b.get(date_var))]
    page.goto(live_server.url + "/")

    # a table, then a timeline: only the second answer may be on screen, whether the first was drawn or not
    page.get_by_role("button", name=table_q.title).click()
    page.locator(".yasr_results table.results tbody tr").first.wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name=timeline_q.title).click()
    page.get_by_role("button", name=table_q.title).click()
    page.get_by_role("button", name=timeline_q.title).click()  # before the table's answer came back
    page.locator("ol.timeline > li").first.wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.locator(".yasr_results table.results").count() == 0
    assert page.locator(".yasr_results ol.timeline").count() == 1
    assert page.locator("ol.timeline > li").count() == len(dated_rows)
    assert page.locator("#current-query").inner_text() == "Showing: " + timeline_q.title
    assert page.url.endswith("?question=" + timeline_q.name)

    # a query of one's own: the table (a timeline cannot show it), no warning, no old rows, its own heading
    _run(page, f"PREFIX mkg: <{PREFIXES['mkg']}>\nSELECT ?coup WHERE {{ ?coup a mkg:Coup }}")
    table = page.locator(".yasr_results table.results")
    table.wait_for(timeout=TIMEOUT)
    assert page.locator(".yasr_results ol.timeline").count() == 0 and table.count() == 1
    assert _iris(table.locator("tbody a")) == _coups(dataset)
    assert "Could not render" not in page.locator(".yasr").inner_text()
    assert page.locator("#current-query").inner_text() == "Showing: Your own query"
    assert "question=" not in page.url
    _shot(page, "own-query")
    assert page.outside == [] and page.errors == []


def test_a_question_in_the_address_survives_a_reload(page, live_server):
    q = _saved("The 2020 and 2021 coups")
    page.goto(f"{live_server.url}/?question={q.name}")
    page.locator("ol.timeline > li").first.wait_for(timeout=TIMEOUT)
    assert page.locator("#current-query").inner_text() == "Showing: " + q.title
    assert page.evaluate("() => window.minusmaYasgui.getTab().getQuery()").strip() == q.text.strip()
    page.reload()
    page.locator("ol.timeline > li").first.wait_for(timeout=TIMEOUT)
    assert page.locator("#current-query").inner_text() == "Showing: " + q.title
    assert page.outside == [] and page.errors == []


def test_the_coups_read_in_words_at_the_precision_of_their_dates(page, live_server, dataset):
    """The month-precise coup dates read "August 2020" (the precision comes from the graph's date claims, not from
    a column of the query), and no date shows as the first day of its month or year."""
    months = {
        f"{calendar.month_name[int(v[5:7])]} {v[:4]}"
        for coup in _coups(dataset)
        for claim in dataset.objects(URIRef(coup), MKG.when)
        for v in map(str, dataset.objects(claim, MKG.dateValue))
        if re.fullmatch(r"\d{4}-\d\d", v)
    }
    assert "August 2020" in months  # the articles date the 2020 coup to the month
    page.goto(live_server.url + "/")
    page.get_by_role("button", name=_saved("The 2020 and 2021 coups").title).click()
    page.locator("ol.timeline > li").first.wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    shown = page.locator("ol.timeline > li > time").all_inner_texts()
    assert months <= set(shown)
    assert not [t for t in shown if re.search(r"\d{4}-\d\d", t)]
    _shot(page, "coups")
    assert page.outside == [] and page.errors == []


def _without_year(value: Literal, end: Literal | None) -> str:
    """The words a date without its year should read as: "June (year not stated)", "5\N{EN DASH}6 December (...)"."""
    month = calendar.month_name[int(value[2:4])]
    if value.datatype == XSD.gMonth:
        return f"{month} (year not stated)"
    if end is not None and end[:4] == value[:4] and end != value:
        return f"{int(value[5:7])}{EN_DASH}{int(end[5:7])} {month} (year not stated)"
    return f"{int(value[5:7])} {month} (year not stated)"


def test_dates_without_their_year_read_as_month_or_days_with_their_range(page, live_server, client, dataset):
    q = _saved("Dates the text does not allow to resolve")
    answer = client.post("/sparql", data={"query": q.text}, headers={"Accept": "application/json"}).json
    partial = {XSD.gMonth, XSD.gMonthDay}
    expected = set()
    for row in answer["results"]["bindings"]:
        for term in row.values():
            if term.get("datatype") in {str(t) for t in partial}:
                value = Literal(term["value"], datatype=URIRef(term["datatype"]))
                claims = [c for c in dataset.subjects(MKG.dateValue, value) if (None, None, c) in dataset]
                ends = {dataset.value(c, MKG.dateValueEnd) for c in claims}
                expected.add(_without_year(value, ends.pop() if len(ends) == 1 else None))
    assert expected
    if any(dataset.triples((None, MKG.dateValueEnd, None))):
        assert any(EN_DASH in e for e in expected)  # "December 5-6" reads as a range
    page.goto(live_server.url + "/")
    page.get_by_role("button", name=q.title).click()
    page.locator(".yasr_results table.results tbody tr").first.wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    shown = set(page.locator(".yasr_results table.results time").all_inner_texts())
    assert expected <= shown, expected - shown
    assert page.outside == [] and page.errors == []


def test_the_timeline_is_a_zoomable_time_axis_with_each_precision_as_a_span(page, live_server):
    """vis-timeline, served by the app: a year-precise date spans its year, a day is a point, Ctrl + wheel zooms,
    and the library runs under the page's CSP without a single violation."""
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.add_init_script(test_browser.CSP_PROBE)
    page.goto(live_server.url + "/")
    _ready(page)  # the opening answer is drawn before the click, so the axis below is the click's
    page.get_by_role("button", name=_saved("Timeline of every dated event").title).click()
    axis = page.locator(".time-axis")
    axis.locator(".vis-timeline").wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    listed = page.locator("ol.timeline > li > time")
    precisions = listed.evaluate_all("ts => ts.map(t => (/known to the (\\w+)/.exec(t.title) || [])[1])")
    assert int(axis.get_attribute("data-items")) == listed.count()
    assert axis.locator(".vis-item.vis-point").count() == precisions.count("day")
    assert axis.locator(".vis-item.vis-range").count() == len(precisions) - precisions.count("day")
    ranges = axis.locator(".vis-item.vis-range")
    widths = ranges.evaluate_all("items => items.map(i => i.getBoundingClientRect().width)")
    assert max(widths) > 5 * min(widths)  # a year is drawn wider than a month
    axis.scroll_into_view_if_needed()  # the wheel reaches only what is on screen
    box = axis.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    for _ in range(5):
        page.mouse.wheel(0, -400)
    page.keyboard.up("Control")
    page.wait_for_timeout(500)
    zoomed = ranges.evaluate_all("items => items.map(i => i.getBoundingClientRect().width)")
    assert max(zoomed) > 2 * max(widths)  # zoomed in: the same year takes more room
    _shot(page, "time-axis")
    page.wait_for_timeout(200)
    assert violations == [] and page.outside == [] and page.errors == []


@pytest.mark.parametrize(
    ("form", "kind", "formats"),
    [
        ("SELECT", "solutions", SOLUTION_FORMATS),
        ("ASK", "boolean", BOOLEAN_FORMATS),
        ("CONSTRUCT", "graph", GRAPH_FORMATS),
    ],
)
def test_each_kind_of_result_offers_the_downloads_that_exist(page, live_server, form, kind, formats):
    q = next(q for q in load_saved_queries() if q.form == form and "needs-internet" not in q.tags)
    page.goto(live_server.url + "/")
    _ready(page)  # the page opens with its first question answered: the downloads below are the next question's
    page.get_by_role("button", name=q.title).click()
    _ready(page)
    links = page.locator("#downloads a")
    links.first.wait_for(timeout=TIMEOUT)
    offered = links.evaluate_all("links => links.map(a => [a.dataset.format, a.getAttribute('href')])")
    assert [f for f, _ in offered] == [f["format"] for f in result_formats()[kind]]
    assert {f for f, _ in offered} == {f.aliases[0] for f in formats}
    for fmt, href in offered:
        response = page.request.get(live_server.url + href)
        wanted = next(f for f in formats if f.aliases[0] == fmt)
        assert response.status == 200, (fmt, response.text())
        assert response.headers["content-type"].startswith(wanted.media_type)
    assert page.outside == [] and page.errors == []


def test_an_undeclared_prefix_reads_as_one_line_keeps_the_layout_and_can_be_added(page, live_server, dataset):
    page.goto(live_server.url + "/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    _run(page, "SELECT ?coup ?label WHERE {\n  ?coup a mkg:Coup ; rdfs:label ?label .\n}\n")
    error = page.locator(".query-error")
    error.wait_for(timeout=TIMEOUT)
    first_line = error.locator("p").first.inner_text()
    assert first_line.startswith("Prefixes mkg: and rdfs: are not declared")
    assert f"PREFIX mkg: <{PREFIXES['mkg']}>" in first_line and "\\u{" not in error.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") == width  # the page did not widen
    assert page.locator("#downloads").is_hidden()  # nothing to download after an error
    _shot(page, "prefix-error")
    error.get_by_role("button").click()
    table = page.locator(".yasr_results table.results")
    table.locator("tbody tr").first.wait_for(timeout=TIMEOUT)
    assert _iris(table.locator("tbody td:first-child a")) == _coups(dataset)
    assert page.evaluate("() => window.minusmaYasgui.getTab().getQuery()").startswith("PREFIX")
    assert page.outside == [] and page.errors == []


def test_completion_offers_the_graphs_own_classes_and_nothing_leaves_the_machine(page, live_server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/")
    editor = page.locator(".CodeMirror").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT * WHERE {\n?c a mkg:Co")  # the prefix autocompleter declares mkg: on the way
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints").first
    hints.wait_for(timeout=5000)
    offered = hints.locator("li").all_inner_texts()
    assert any(h.startswith("mkg:Coup") for h in offered), offered
    _shot(page, "completion")
    assert any(u.startswith(live_server.url + "/completions.json") for u in requests)
    assert requests and all(u.startswith(live_server.url) or u.startswith("data:") for u in requests), requests
    assert page.outside == [] and page.errors == []


def test_the_table_sorts_keeps_its_header_and_shows_labels_with_the_iri_on_hover(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name=_saved("Who said what").title).click()
    table = page.locator(".yasr_results table.results")
    table.locator("tbody tr").first.wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    assert table.locator("thead th").first.evaluate("e => getComputedStyle(e).position") == "sticky"
    text = table.inner_text()
    assert "@en" not in text and "res:" not in text
    link = table.locator("tbody a[href^='/resource/']").first
    assert link.get_attribute("title").startswith(PREFIXES["res"])
    header = table.locator("thead th").nth(1)  # the speaker
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    speakers = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert speakers == sorted(speakers, key=str.lower)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert table.locator("tbody tr td:nth-child(2)").all_inner_texts() == sorted(speakers, key=str.lower, reverse=True)
    _shot(page, "sorted-table")
    assert page.outside == [] and page.errors == []


def test_completions_list_every_class_and_property_of_the_ontology_with_its_label(client, dataset):
    terms = client.get("/completions.json").json
    classes = {iri: label for iri, label in terms["classes"]}
    properties = {iri: label for iri, label in terms["properties"]}
    for cls in dataset.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(PREFIXES["mkg"]):
            assert classes[str(cls)] in {str(label) for label in dataset.objects(cls, RDFS.label)}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in dataset.subjects(RDF.type, kind):
            assert str(prop) in properties
    resources = {iri for iri, _ in terms["resources"]}
    assert _coups(dataset) <= resources


def test_every_result_format_has_a_name_a_student_knows():
    labels = [f.label for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)]
    assert all(labels) and len(set(labels)) == len(labels)
    offered = result_formats()
    assert {d["label"] for kind in offered.values() for d in kind} == set(labels)


def _shot(page, name: str) -> None:
    test_browser._shot(page, "answers-" + name)
