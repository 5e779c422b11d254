"""A real browser (Debian's Chromium, driven by Playwright) on the running server, with the network cut off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def offline_page(context, server_url: str):
    """A page of ``context`` whose every request off the loopback server is recorded and aborted ('no internet'),
    and whose script errors are recorded: ``page.outside`` and ``page.errors``."""
    pg = context.new_page()
    pg.outside = []  # type: ignore[attr-defined]
    pg.errors = []  # type: ignore[attr-defined]

    def route(r):
        if r.request.url.startswith(server_url) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            pg.outside.append(r.request.url)  # type: ignore[attr-defined]
            r.abort()

    pg.route("**/*", route)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    return pg


@pytest.fixture
def page(browser, live_server):
    """A page whose every request off the loopback server is recorded and aborted: 'no internet'."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield offline_page(context, live_server.url)
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_a_student_picks_a_question_and_reads_the_table(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Who led the coups (inferred)").click()
    table = page.locator("table.results")
    table.get_by_text("Assimi Goïta").first.wait_for(timeout=15000)
    link = table.locator("a[href='/resource/assimi-goita']").first
    assert link.inner_text().startswith("Assimi Goïta")
    assert "Who led the coups" in page.locator("#current-query").inner_text()
    assert "format=csv" in page.locator("#downloads a[data-format='csv']").get_attribute("href")
    _shot(page, "table")
    assert page.outside == [] and page.errors == []


@pytest.mark.slow  # a browser walk (a student picking a question stays in the default run)
def test_a_dated_question_opens_as_a_timeline(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Timeline of every dated event").click()
    timeline = page.locator("ol.timeline")
    timeline.get_by_text("Security Council resolution ending MINUSMA").first.wait_for(timeout=15000)
    items = timeline.locator("li > time").all_inner_texts()
    assert "30 June 2023" in items and "2012" in items  # a day in words; a year-precision date shows as a year
    assert items.index("2012") < items.index("30 June 2023")
    _shot(page, "timeline")
    assert page.outside == [] and page.errors == []


@pytest.mark.slow  # a browser walk (a student picking a question stays in the default run)
def test_questions_can_be_filtered_by_tag_and_run_from_the_keyboard(page, live_server):
    page.goto(live_server.url + "/")
    page.locator(".tag-filter button[data-tag='reasoning']").click()
    visible = [t for t in page.locator(".saved-queries > li:not([hidden]) button.saved-query").all_inner_texts()]
    assert visible and all("inferred" in t for t in visible)
    page.get_by_role("button", name="Events in the Sahel (inferred)").focus()
    page.keyboard.press("Enter")
    page.locator("table.results").get_by_text("Handover of MINUSMA's Bamako camp").first.wait_for(timeout=15000)
    assert page.outside == []


@pytest.mark.slow  # a browser walk (a student picking a question stays in the default run)
def test_a_resource_page_shows_its_evidence(page, live_server):
    page.goto(live_server.url + "/resource/minusma-liquidation")
    assert page.locator("h1").inner_text() == "Liquidation of MINUSMA"
    quote = page.locator(".evidence blockquote").first.inner_text()
    assert "The liquidation period was originally set to end in 18 months, on December 31, 2024." in quote
    page.get_by_role("link", name="Mali Announces MINUSMA Withdrawal by November 15").first.click()
    page.wait_for_url("**/resource/article/004")
    assert "Al Mayadeen English" in page.content()
    _shot(page, "resource")
    assert page.outside == [] and page.errors == []


@pytest.mark.slow  # a browser walk (a student picking a question stays in the default run)
def test_the_editor_completes_the_endpoints_prefixes(page, live_server):
    page.goto(live_server.url + "/")
    editor = page.locator(".CodeMirror").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX mk")
    page.keyboard.press("Control+Space")
    hint = page.locator(".CodeMirror-hints").first
    hint.wait_for(timeout=5000)
    assert "mkg: <https://w3id.org/minusma-kg/ontology#>" in hint.inner_text()
    assert page.outside == []


#: Turns every CSP violation the page reports into a console error, so that one listener sees them across pages.
CSP_PROBE = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "Content Security Policy violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline")
  + " at " + (e.sourceFile || document.URL) + ":" + e.lineNumber));
"""


@pytest.mark.slow  # a browser walk (a student picking a question stays in the default run)
def test_the_pages_work_under_their_content_security_policy(page, live_server):
    """The query page (a saved question, the editor's syntax-error tooltip), a resource page and the ontology
    run under their strict CSP without a single violation report, and the policy is really in force."""
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.add_init_script(CSP_PROBE)

    response = page.goto(live_server.url + "/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.get_by_role("button", name="Who led the coups (inferred)").click()
    page.locator("table.results").get_by_text("Assimi Goïta").first.wait_for(timeout=15000)
    # YASQE's tooltip on an invalid line underlines the expected tokens with its one inline style attribute
    page.evaluate("() => { window.minusmaYasgui.getTab().setQuery('SELECT * WHERE {\\n  ?s ?p ?o ) .\\n}\\n'); }")
    page.locator(".parseErrorIcon").first.hover(timeout=5000)
    expected = page.locator(".yasqe_tooltip strong").first
    expected.wait_for(timeout=5000)
    assert expected.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    page.wait_for_timeout(200)  # violation events are dispatched as tasks: let them arrive before leaving

    response = page.goto(live_server.url + "/resource/coup-2020")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert page.locator("h1").inner_text() == "2020 Malian coup d'état"
    page.wait_for_timeout(200)

    response = page.goto(live_server.url + "/ontology")
    assert "'sha256-" in response.headers["content-security-policy"]
    assert page.locator("#pylode").evaluate("e => getComputedStyle(e).position") == "fixed"  # its inline CSS applies
    page.wait_for_timeout(200)
    assert violations == [] and page.outside == [] and page.errors == []

    # the probe does see a violation: an injected inline <style> is refused
    page.evaluate("() => document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
    page.wait_for_function("() => getComputedStyle(document.body).color !== 'rgb(255, 0, 0)'")
    page.wait_for_timeout(200)
    assert violations and "style-src-elem" in violations[-1]


def _page_shortener() -> str:
    """app.js's table sorting and ``shortIri``, as they stand in the file the page loads."""
    app_js = (Path(__file__).parent.parent / "server" / "static" / "app.js").read_text(encoding="utf-8")
    found = re.search(r"^  const BY_LENGTH = .*?^  function shortIri\(iri\) \{.*?^  \}$", app_js, re.M | re.S)
    assert found, "app.js no longer defines BY_LENGTH and shortIri"
    return found.group(0)


def test_the_page_shortens_iris_exactly_as_the_server_does(page, live_server, dataset, monkeypatch):
    from minusma_kg.kg import namespaces
    from rdflib import URIRef

    page.goto(live_server.url + "/")
    config = page.evaluate("JSON.parse(document.getElementById('minusma-config').textContent)")
    prefixes, minted = config["prefixes"], config["minted"]
    assert prefixes == namespaces.PREFIXES and set(minted) == namespaces.MINTED  # the page's tables are the project's
    # a namespace nested in another: the longer one must win in both, whatever order the table lists them in
    nested = {"ex": "http://example.org/ns", "exv": "http://example.org/ns-v2", **prefixes}
    monkeypatch.setattr(namespaces, "PREFIXES", nested)
    iris = sorted({str(n) for q in dataset.quads() for n in q if isinstance(n, URIRef)})
    iris += [str(namespaces.MKG) + "Goïta", str(namespaces.MKG) + "a/b", str(namespaces.MKG), str(namespaces.RES),
             str(namespaces.GRAPH) + "article/003", str(namespaces.GRAPH) + "names/fr",
             "http://example.org/ns-v2x", "http://example.org/ns-v3", "urn:x-unknown:1"]  # fmt: skip
    shortened = page.evaluate(
        f"([PREFIXES, minted, iris]) => {{ const MINTED = new Set(minted); {_page_shortener()}\n"
        " return iris.map(shortIri); }", [nested, minted, iris]
    )  # fmt: skip
    differ = [(i, s, namespaces.shorten(i)) for i, s in zip(iris, shortened, strict=True) if s != namespaces.shorten(i)]
    assert differ == [] and len(iris) > 100
