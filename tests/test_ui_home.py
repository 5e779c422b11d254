"""The home page (issue 11): it opens with a question answered, lists the questions by topic in plain words with a
filter for every tag, links its class counts to lists of the things, works from the keyboard (a skip link into the
editor, Esc then Tab out of it, answers announced), works at 390 px, and its static files come compressed and cached
by content hash. Expectations come from the saved queries, the built dataset and the endpoint's own answers.
"""

from __future__ import annotations

import gzip
import json

import lxml.html
import pytest
from minusma_kg.kg.queries import TAGS, load_saved_queries
from minusma_kg.server.assets import IMMUTABLE
from minusma_kg.server.pages import OTHER_TOPIC, TECHNICAL_TAGS, TOPICS, topic_of

from tests.test_browser import ARTIFACTS, browser, page  # noqa: F401 (fixtures: Chromium, a page off the internet)

#: Browser tests run with the slow ones (pytest -m slow, and in CI): a browser per page.
pytestmark = pytest.mark.slow

TIMEOUT = 15000
HTML = {"Accept": "text/html"}


def _rows(client, query: str) -> int:
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}).json
    return len(answer["results"]["bindings"])


def _ready(pg) -> None:
    pg.wait_for_function("() => document.body.dataset.resultsReady", timeout=TIMEOUT)
    pg.wait_for_load_state("networkidle")


def _home(client) -> lxml.html.HtmlElement:
    r = client.get("/", headers=HTML)
    assert r.status_code == 200
    return lxml.html.fromstring(r.text)


# --- the list of questions ----------------------------------------------------------------------------------------


def test_every_tag_is_a_topic_or_says_how_a_query_works():
    """A new tag must be given a topic or be declared technical: no question falls into 'Other questions'."""
    topic_tags = set().union(*(tags for _, tags in TOPICS))
    assert topic_tags | TECHNICAL_TAGS == TAGS
    assert not topic_tags & TECHNICAL_TAGS
    assert all(topic_of(q.tags) != OTHER_TOPIC for q in load_saved_queries())


def test_questions_are_grouped_by_topic_in_plain_words_with_a_filter_for_every_tag(client):
    queries = load_saved_queries()
    doc = _home(client)
    listed = {}
    for section in doc.xpath("//section[@class='questions']//section[contains(@class, 'topic')]"):
        heading = section.xpath("string(h3)").strip()
        assert heading not in TAGS and heading.lower() not in TAGS  # no "ask", "construct" or "property-path"
        for name in section.xpath(".//button[@class='saved-query']/@data-name"):
            assert name not in listed, f"{name} is listed twice"
            listed[name] = heading
    assert listed == {q.name: topic_of(q.tags) for q in queries}
    filters = {b for b in doc.xpath("//div[@class='tag-filter']/button/@data-tag") if b}
    assert filters == {t for q in queries for t in q.tags}


def test_a_tag_filter_hides_the_other_questions_and_the_topics_left_empty(page, live_server):  # noqa: F811
    queries = load_saved_queries()
    tag = "wikidata"
    page.goto(live_server.url + "/")
    page.locator(f".tag-filter button[data-tag='{tag}']").click()
    visible = page.locator(".saved-queries > li:not([hidden]) button.saved-query").evaluate_all(
        "bs => bs.filter(b => b.offsetParent !== null).map(b => b.dataset.name)"
    )
    assert sorted(visible) == sorted(q.name for q in queries if tag in q.tags)
    shown_topics = page.locator(".questions .topic:not([hidden]) h3").all_inner_texts()
    assert sorted(shown_topics) == sorted({topic_of(q.tags) for q in queries if tag in q.tags})
    assert page.outside == []


def test_the_class_counts_open_the_list_of_the_things_counted(client):
    doc = _home(client)
    rows = doc.xpath("//aside[@class='overview']//tbody/tr[th/a]")
    assert rows
    for row in rows:
        href = row.xpath("string(th/a/@href)")
        assert href.startswith("/find?type=")
        count = int(row.xpath("string(td)"))
        listing = client.get(href, headers=HTML)
        assert listing.status_code == 200, href
        items = lxml.html.fromstring(listing.text).xpath("//ol[contains(@class, 'hits')]/li")
        assert len(items) == count, (href, len(items), count)


def test_an_unknown_class_is_a_404(client):
    assert client.get("/find?type=NoSuchClass", headers=HTML).status_code == 404
    assert client.get("/find?type=%3Cx%3E", headers=HTML).status_code == 404


# --- opening with an answer, announcing answers -------------------------------------------------------------------


def test_the_page_opens_with_the_first_question_answered_and_announced(page, live_server, client):  # noqa: F811
    first = load_saved_queries()[0]
    page.goto(live_server.url + "/")
    _ready(page)
    assert page.locator("#current-query").inner_text() == "Showing: " + first.title
    assert page.locator(".yasr_results").inner_text().strip()  # an answer is on screen, not an empty result area
    status = page.locator("#answer-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"{_rows(client, first.text)} results"
    assert page.outside == [] and page.errors == []


def test_the_address_names_the_question_and_errors_are_announced(page, live_server, client):  # noqa: F811
    q = next(q for q in load_saved_queries()[1:] if q.form == "SELECT" and "needs-internet" not in q.tags)
    page.goto(f"{live_server.url}/?question={q.name}")
    _ready(page)
    assert page.locator("#current-query").inner_text() == "Showing: " + q.title
    n = _rows(client, q.text)
    assert page.locator("#answer-status").inner_text() == f"{n} result{'s' if n != 1 else ''}"
    page.evaluate("() => { window.minusmaYasgui.getTab().setQuery('SELECT * WHERE { ?s ?p }'); }")
    page.locator(".yasqe_queryButton").first.click()
    page.locator("#answer-status:text-matches('^Error: ')").wait_for(timeout=TIMEOUT)
    assert page.outside == [] and page.errors == []


# --- the keyboard -------------------------------------------------------------------------------------------------


def _focus_in_editor(pg) -> bool:
    """Whether the keys typed go into the query text (CodeMirror's input field has the focus)."""
    return pg.evaluate("() => document.activeElement === window.minusmaYasgui.getTab().getYasqe().getInputField()")


def test_a_skip_link_leads_into_the_editor_and_esc_then_tab_leads_out(page, live_server):  # noqa: F811
    page.goto(live_server.url + "/")
    _ready(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to the query editor"
    page.keyboard.press("Enter")
    assert _focus_in_editor(page)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "SPARQL query"
    note = page.locator("#editor-keys")
    assert note.is_visible() and "Esc" in note.inner_text()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-describedby')") == "editor-keys"
    before = page.evaluate("() => window.minusmaYasgui.getTab().getQuery()")
    page.keyboard.press("Tab")  # indents: the editor keeps the focus
    assert _focus_in_editor(page)
    assert page.evaluate("() => window.minusmaYasgui.getTab().getQuery()") != before
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not _focus_in_editor(page)
    assert page.evaluate("() => !document.activeElement.closest('.CodeMirror-scroll')")
    assert page.evaluate("() => document.activeElement.tagName") == "BUTTON"  # the editor's buttons come next
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # on the query's scroll area, Enter goes back into the text
    assert _focus_in_editor(page)
    assert page.outside == [] and page.errors == []


def test_yasgui_s_tab_list_holds_only_tabs_and_its_add_button_still_works(page, live_server):  # noqa: F811
    page.goto(live_server.url + "/")
    _ready(page)
    children = page.locator(".tabsList[role=tablist] > *").evaluate_all(
        "cs => cs.filter(c => c.querySelector('button, input:not([type=text])')).length"
    )
    assert children == 0
    tabs = page.locator("[role=tab]").count()
    page.get_by_role("button", name="Add a new tab").click()
    page.wait_for_function(f"() => document.querySelectorAll('[role=tab]').length === {tabs + 1}")
    assert page.locator("textarea[aria-label='SPARQL query']").count() == tabs + 1
    assert page.errors == []


def test_a_question_far_down_the_list_brings_its_answer_into_view(page, live_server):  # noqa: F811
    last = [q for q in load_saved_queries() if "needs-internet" not in q.tags][-1]
    page.goto(live_server.url + "/")
    _ready(page)
    button = page.locator(f"button.saved-query[data-name='{last.name}']")
    button.scroll_into_view_if_needed()
    assert page.locator(".yasr").first.evaluate("e => e.getBoundingClientRect().bottom") < 0  # the answer is above
    button.click()
    _ready(page)
    top = page.locator(".yasr").first.evaluate("e => e.getBoundingClientRect().top")
    assert -2 <= top < page.viewport_size["height"] / 2, top
    assert page.locator("#current-query").inner_text() == "Showing: " + last.title


# --- a phone ------------------------------------------------------------------------------------------------------


@pytest.fixture
def phone(browser, live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_server.url) else r.abort())
    yield pg
    context.close()


def _sideways(pg) -> int:
    return pg.evaluate("() => document.documentElement.scrollWidth - innerWidth")


def test_at_390_px_nothing_scrolls_sideways_and_a_tapped_question_scrolls_to_its_answer(phone, live_server):
    table_q = next(q for q in load_saved_queries() if "Who said what" in q.title)
    phone.goto(live_server.url + "/")
    _ready(phone)
    assert _sideways(phone) <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "home-390.png"))
    phone.evaluate("() => window.scrollTo(0, 0)")
    button = phone.get_by_role("button", name=table_q.title)
    button.scroll_into_view_if_needed()
    button.tap()
    _ready(phone)
    answer = phone.locator(".yasr").first
    top = answer.evaluate("e => e.getBoundingClientRect().top")
    assert -2 <= top < 844 / 2, top  # the answer is on screen, near the top
    wrapper = phone.locator(".yasr_results .results-wrapper")
    assert wrapper.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert wrapper.evaluate("e => e.getBoundingClientRect().right") <= 390
    assert _sideways(phone) <= 0  # the table scrolls inside its box, not the page
    phone.screenshot(path=str(ARTIFACTS / "home-390-answer.png"))


# --- static files ---------------------------------------------------------------------------------------------------


def test_static_files_come_gzipped_and_cached_by_content_hash(client):
    doc = _home(client)
    urls = doc.xpath("//script/@src") + doc.xpath("//link[@rel='stylesheet']/@href")
    lazy = json.loads(doc.xpath("//script[@id='minusma-config']/text()")[0])["assets"]  # loaded on first use
    assert {"views.js", "vis-timeline.min.js"} <= set(lazy)
    urls += list(lazy.values())
    assert any("yasgui.min.js?v=" in u for u in urls)
    for url in urls:
        assert "?v=" in url, url
        r = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200, url
        assert r.headers["Cache-Control"] == IMMUTABLE, url
        assert r.headers["Content-Encoding"] == "gzip", url
        plain = client.get(url.split("?")[0])
        assert gzip.decompress(r.get_data()) == plain.get_data()
        assert "immutable" not in plain.headers.get("Cache-Control", "")  # the bare address may change
        r.close()
        plain.close()
    stale = client.get(urls[0].split("?")[0] + "?v=0000000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")  # not the file's hash: no year-long cache
    stale.close()


def test_the_home_page_transfer_size_is_measured(page, live_server):  # noqa: F811
    """The bytes the home page costs with its opening answer, as Chromium received them (printed for the README)."""
    page.goto(live_server.url + "/")
    _ready(page)
    sizes = page.evaluate("""() => [performance.getEntriesByType('navigation')[0],
        ...performance.getEntriesByType('resource')]
        .map(e => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize])""")
    transferred = sum(s[1] for s in sizes)
    encoded = sum(s[2] for s in sizes)
    decoded = sum(s[3] for s in sizes)
    for name, _, e, d in sorted(sizes, key=lambda s: -s[2])[:8]:
        print(f"{e:>9} {d:>9} {name}")
    print(f"home page: {len(sizes)} requests, {encoded} bytes encoded ({transferred} transferred), {decoded} decoded")
    hashed = ("/vendor/yasgui/", "/vendor/timeline/", "/static/app.")  # the page's own and the time axis's files
    assert all("?v=" in s[0] for s in sizes if any(h in s[0] for h in hashed)), [s[0] for s in sizes]
    yasgui = next(s for s in sizes if "yasgui.min.js" in s[0])
    assert yasgui[2] < yasgui[3] / 2  # sent compressed
    assert encoded < decoded / 2
