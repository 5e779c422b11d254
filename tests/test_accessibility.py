"""axe-core (Deque's accessibility engine, installed in server/ui for the tests only, never served) on every kind of
page: the home page with its opening answer, a result table, a timeline, a resource page, a class's list, the 404 and
the ontology. No critical or serious violation may remain; each violation found is printed with its nodes.

axe is injected with Playwright's ``add_script_tag``, which an inline script would need the page's CSP to allow: the
context bypasses CSP for that (tests/test_browser.py checks the policy itself, with the CSP in force).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from minusma_kg.kg.queries import VIEWS, SavedQuery, load_saved_queries

from tests.test_browser import browser, offline_page  # noqa: F401 (fixture: Debian's Chromium)

#: Browser tests run with the slow ones (pytest -m slow, and in CI): axe on every page: seconds each.
pytestmark = pytest.mark.slow

AXE = Path(__file__).parent.parent / "server" / "ui" / "node_modules" / "axe-core" / "axe.min.js"
#: Impacts that fail the test (axe's "moderate" and "minor" are printed only).
BLOCKING = ("critical", "serious")
#: CSS selectors axe must skip, each with the reason it cannot be met. Empty: YASGUI's gaps are mended in app.js.
EXCLUDED: tuple[str, ...] = ()
TIMEOUT = 15000


def _saved(view: str) -> SavedQuery | None:
    """The first saved query that asks for ``view`` and runs offline (the page shows it in that view)."""
    offline = (q for q in load_saved_queries() if "needs-internet" not in q.tags)
    return next((q for q in offline if q.view == view), None)


@pytest.fixture
def axe_page(browser, live_server):  # noqa: F811
    """A page off the internet (requests off the loopback server are refused), with axe injectable."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: npm ci --prefix server/ui")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield offline_page(context, live_server.url)
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now; print every violation (id, impact, targets) and return the blocking ones."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (excluded) => {
            const context = excluded.length ? { exclude: excluded.map((s) => [s]) } : document;
            const result = await axe.run(context, { resultTypes: ["violations"] });
            return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")) }));
        }""",
        list(EXCLUDED),
    )
    for v in found:
        print(f"{v['impact']:>9} {v['id']}: {v['help']}")
        for target in v["targets"][:10]:
            print("          ", target)
    return [v for v in found if v["impact"] in BLOCKING]


def _answered(page) -> None:
    """Wait until the page's answer is drawn (and its labels and time axis fetched)."""
    page.wait_for_function("() => document.body.dataset.resultsReady", timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")


PAGES = {
    "home": ("/", _answered),
    # each view of an answer a saved question asks for: the table, the timeline, the chart, the graph, the map
    **{view: (f"/?question={q.name}", _answered) for view in sorted(VIEWS) if (q := _saved(view)) is not None},
    "resource": ("/resource/minusma", None),
    "class list": ("/find?type=Coup", None),
    "search": ("/find?q=bamako", None),
    "404": ("/resource/no-such-thing-here", None),
    "ontology": ("/ontology", None),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_critical_or_serious_violation(axe_page, live_server, name):
    path, ready = PAGES[name]
    axe_page.goto(live_server.url + path)
    if ready:
        ready(axe_page)
    if name == "timeline":
        axe_page.locator(".time-axis .vis-timeline").wait_for(timeout=TIMEOUT)
    blocking = axe_violations(axe_page)
    assert blocking == [], [(v["id"], v["impact"], v["targets"][:5]) for v in blocking]
    assert axe_page.outside == [] and axe_page.errors == []


def test_axe_on_a_phone_finds_no_critical_or_serious_violation(browser, live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, has_touch=True)
    pg = context.new_page()
    pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_server.url) else r.abort())
    pg.goto(live_server.url + "/")
    _answered(pg)
    assert axe_violations(pg) == []
    context.close()


def test_the_check_does_fail_on_an_unlabelled_field_and_low_contrast(axe_page, live_server):
    """The same check on a page given two faults of the kind YASGUI had: both are reported as blocking."""
    axe_page.goto(live_server.url + "/resource/minusma")
    axe_page.evaluate("""() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<input type="text"><p style="color: #bbb; background: #fff">faint text</p>')""")
    found = {v["id"] for v in axe_violations(axe_page)}
    assert {"label", "color-contrast"} <= found
