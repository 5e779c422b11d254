"""Finding one's way and reading a resource: the search box of every page, the info box, folded inferences,
typed values in words, the helpful 404, and narrow screens. Expectations come from the annotations (tests/corpus.py)
and the built dataset, never from today's counts.

The plain HTTP tests read the pages with lxml (XPath); the browser tests drive Debian's Chromium as
tests/test_browser.py does, with every request off the loopback server refused.
"""

from __future__ import annotations

import unicodedata
import urllib.parse

import lxml.html
import pytest
from minusma_kg.kg.assemble import short_id
from minusma_kg.kg.namespaces import INFERRED_GRAPH, LINKS_GRAPH, MKG, RES
from minusma_kg.server.matching import normalise
from minusma_kg.server.readable import duration_text, language_name, number_text
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import OWL

from tests.corpus import Corpus
from tests.test_browser import ARTIFACTS, browser, page  # noqa: F401 (fixtures: Chromium, a page off the internet)

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
WIKIDATA = "http://www.wikidata.org/entity/"
#: Resources that are bookkeeping, not things a reader looks up by name.
NOT_ENTITIES = (MKG.Evidence, MKG.DateClaim, MKG.Assertion)
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.load()


def unaccented(text: str) -> str:
    """The name as typed on a keyboard without accents ("Goïta" -> "Goita")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def html(client, path: str, status: int = 200) -> lxml.html.HtmlElement:
    r = client.get(path, headers=HTML)
    assert r.status_code == status, (path, r.status_code)
    assert r.mimetype == "text/html"
    return lxml.html.fromstring(r.text)


def text_of(node) -> str:
    return " ".join(node.text_content().split())


def hrefs(node) -> set[str]:
    return {urllib.parse.unquote(h) for h in node.xpath(".//a/@href")}


def entity_with_alias(corpus: Corpus, alias: str) -> str:
    (found,) = [e.id for e in corpus.entities if alias in e.aliases]
    return found


def local(iri: object) -> str:
    return str(iri).removeprefix(str(RES))


# --- typed values in words ---------------------------------------------------------------------------------------


def test_the_wording_module_s_examples_hold():
    import doctest

    from minusma_kg.server import readable

    result = doctest.testmod(readable)
    assert result.attempted >= 4 and result.failed == 0


@pytest.mark.parametrize(
    ("lexical", "datatype", "counts", "expected"),
    [("13000", "integer", True, "13,000"), ("2100", "integer", False, "2100"), ("P1Y", "duration", True, "1 year"),
     ("P18M", "duration", True, "18 months"), ("P2Y6M", "duration", True, "2 years and 6 months"),
     ("2023-06-30", "date", True, "30 June 2023"), ("2020-08", "gYearMonth", True, "August 2020"),
     ("--06", "gMonth", True, "June"), ("true", "boolean", True, "yes"), ("--13", "gMonth", True, "--13")],
)  # fmt: skip
def test_typed_values_read_as_a_person_writes_them(lexical, datatype, counts, expected):
    from minusma_kg.server.readable import XSD, literal_text

    assert literal_text(lexical, XSD + datatype, counts=counts) == expected


# --- the search box ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/resource/minusma", "/graph/entities", "/find?q=coup", "/no/such/page"])
def test_every_page_has_a_labelled_search_box(client, path):
    doc = html(client, path, 404 if path.startswith("/no/") else 200)
    (box,) = doc.xpath("//header//form[@action='/find']//input[@type='search' and @name='q']")
    assert doc.xpath(f"//label[@for='{box.get('id')}']"), "the box has a label for screen readers"


@pytest.mark.parametrize("alias", ["Goita", "Diop"])
def test_a_name_typed_without_accents_leads_to_its_page(client, corpus, alias):
    expected = entity_with_alias(corpus, alias)
    r = client.get("/find", query_string={"q": alias}, headers=HTML)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/resource/{expected}")
    doc = html(client, f"/resource/{expected}")
    assert text_of(doc.xpath("//h1")[0]) == corpus.label(expected)


def test_every_name_that_only_one_entity_carries_leads_to_it(client, dataset):
    """Labels and aliases in every language, typed without accents, in lower case: one hop to the page."""
    owners: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    excluded = {s for t in NOT_ENTITIES for s in dataset.subjects(RDF.type, t)}
    for p in (RDFS.label, MKG.alias):
        for s, name in dataset.subject_objects(p):
            if str(s).startswith(str(RES)) and s not in excluded:
                owners.setdefault(normalise(str(name)), set()).add(local(s))
                names.setdefault(normalise(str(name)), str(name))
    unique = {n: next(iter(o)) for n, o in owners.items() if len(o) == 1 and n}
    people = {local(s) for s in dataset.subjects(RDF.type, MKG.Person)}
    checked = 0
    for folded, owner in sorted(unique.items()):
        if owner not in people:  # people and their aliases: the names readers type most; one request each
            continue
        typed = unaccented(names[folded]).lower()
        r = client.get("/find", query_string={"q": typed}, headers=HTML)
        assert r.status_code == 303, (typed, r.status_code)
        assert urllib.parse.unquote(r.headers["Location"]).endswith(f"/resource/{owner}"), typed
        checked += 1
    assert checked >= len(people)


def test_a_name_several_entities_share_lists_them_all(client, corpus):
    first_names = {}
    for e in corpus.entities:
        if e.type == "Person":
            first_names.setdefault(normalise(e.label).split()[0], set()).add(e.id)
    shared, ids = next((n, i) for n, i in sorted(first_names.items()) if len(i) > 1)  # e.g. two Abdoulayes
    doc = html(client, f"/find?q={shared}")
    listed = hrefs(doc.xpath("//ol[contains(@class, 'hits')]")[0])
    assert {f"/resource/{i}" for i in ids} <= listed


def test_a_name_nothing_resembles_says_so(client):
    doc = html(client, "/find?q=qqqxxzzq")
    assert doc.xpath("//p[@class='none']") and not doc.xpath("//ol[contains(@class, 'hits')]/li")


# --- the info box -----------------------------------------------------------------------------------------------


def info(doc, part: str):
    found = doc.xpath(f"//section[contains(@class, 'infobox')]//div[contains(@class, 'info-{part}')]")
    return found[0] if found else None


def test_the_info_box_says_when_with_each_article_and_its_words(client, corpus):
    """The 2020 coup: "August 2020" (article 004) beside the articles that only say "2020", each with its words."""
    doc = html(client, "/resource/coup-2020")
    when = info(doc, "when")
    assert when is not None
    items = when.xpath(".//ul[contains(@class, 'dates')]/li")
    dated = [(short_id(a), f.dates["when"].text) for a, f in corpus.facts("coup-2020") if "when" in f.dates]
    assert dated
    for number, words in dated:
        cited = [text_of(li).lower() for li in items if f"/resource/article/{number}" in hrefs(li)]
        assert any(words.lower() in item for item in cited), (number, words, cited)
    (august,) = [li for li in items if li.xpath(".//time[text()='August 2020']")]
    assert "/resource/article/004" in hrefs(august) and august.xpath(".//time/@datetime") == ["2020-08"]
    if len(items) > 1:
        assert when.xpath(".//p[@class='disagree']"), "the dates are side by side, said to differ"


def test_the_info_box_says_what_where_and_who(client, corpus):
    doc = html(client, "/resource/coup-2020")
    assert text_of(info(doc, "what")) == "What Coup"
    where = {f"/resource/{v}" for v in corpus.values("coup-2020", "occurredIn")}
    assert where and where <= hrefs(info(doc, "where"))
    who = {f"/resource/{v}" for p in ("overthrew", "perpetratedBy") for v in corpus.values("coup-2020", p)}
    assert who and who <= hrefs(info(doc, "who"))
    coup_leader = info(doc, "who").xpath(".//span[@class='inferred']/a[@href='/resource/assimi-goita']")
    assert coup_leader, "the leader is inferred (OWL 2 RL) and said to be"


def test_the_info_box_links_wikidata_exactly_where_the_graph_has_owl_same_as(client, dataset):
    links = {local(s): str(o) for s, o in dataset.get_context(LINKS_GRAPH).subject_objects(OWL.sameAs)}
    assert links
    for name, qid in sorted(links.items()):
        box = info(html(client, f"/resource/{name}"), "wikidata")
        assert box is not None and qid in hrefs(box), name
    without = next(s for s in sorted(dataset.subjects(RDF.type, MKG.Person)) if local(s) not in links)
    assert info(html(client, f"/resource/{local(without)}"), "wikidata") is None


def test_the_info_box_names_every_label_and_alias_with_its_language(client, dataset):
    names: dict[str, set[tuple[str, str | None]]] = {}
    for p in (RDFS.label, MKG.alias):
        for s, name in dataset.subject_objects(p):
            if str(s).startswith(str(RES)) and isinstance(name, Literal):
                names.setdefault(local(s), set()).add((str(name), name.language))
    tagged = sorted(n for n, ns in names.items() if any(lang and lang != "en" for _, lang in ns))
    for name in [*tagged, "minusma", "assimi-goita"]:
        listed = {
            text_of(li.xpath("span[@class='name']")[0]): li.xpath("span[@class='lang']/text()")
            for li in info(html(client, f"/resource/{name}"), "names").xpath(".//li")
        }
        for text, lang in names[name]:  # "Minusma English French alias": the name, each of its languages, its kind
            assert text in listed and (not lang or language_name(lang) in listed[text]), (name, text, lang, listed)


def test_counts_and_durations_read_as_a_person_writes_them(client, dataset):
    typed = [(s, p, o) for s, p, o in dataset.triples((None, None, None))
             if isinstance(o, Literal) and o.datatype in (XSD_INTEGER, XSD_DURATION) and str(s).startswith(str(RES))
             and p in (MKG.personnelCount, MKG.duration, MKG.memberCount, MKG.minimumVictims)]  # fmt: skip
    assert typed
    for s, _, o in typed:
        page_text = text_of(html(client, f"/resource/{local(s)}"))
        words = number_text(str(o)) if o.datatype == XSD_INTEGER else duration_text(str(o))
        assert words in page_text and "xsd:integer" not in page_text and "xsd:duration" not in page_text, (s, words)
    assert "13,000" in text_of(html(client, "/resource/minusma"))


def test_reported_counts_read_with_their_qualifier_and_unit(client, dataset):
    """A count the build states as a quantity (mkg:hasCount): the number as written, its unit, "about" if hedged."""
    quantities = list(dataset.subject_objects(MKG.hasCount))
    if not quantities:
        pytest.skip("this build states no quantity nodes (mkg:hasCount)")
    for s, q in quantities:
        figures = text_of(info(html(client, f"/resource/{local(s)}"), "counts"))
        number = (
            dataset.value(q, URIRef("https://schema.org/value"))
            or dataset.value(q, URIRef("https://schema.org/minValue"))
            or dataset.value(q, URIRef("https://schema.org/maxValue"))
        )
        unit = dataset.value(q, URIRef("https://schema.org/unitText"))
        assert number_text(str(number)) in figures and (unit is None or str(unit) in figures), (s, figures)
        if dataset.value(q, MKG.approximate) == Literal(True) and dataset.value(q, URIRef("https://schema.org/value")):
            assert f"about {number_text(str(number))}" in figures, (s, figures)


def test_date_claims_show_as_dates_not_as_iris(client, dataset):
    for s in sorted(set(dataset.subjects(MKG.when, None)))[:20]:
        doc = html(client, f"/resource/{local(s)}")
        table = doc.xpath("//table[contains(@class, 'properties')]")[0]
        assert not [h for h in hrefs(table) if "/when/" in h], s
        claims = list(dataset.objects(s, MKG.when))
        values = {str(v) for c in claims for v in dataset.objects(c, MKG.dateValue)}
        assert values <= set(table.xpath(".//time/@datetime")), s
        for c in claims:  # a date the build could not resolve still reads as the article's words
            assert all(" ".join(str(w).split()) in text_of(table) for w in dataset.objects(c, MKG.dateText)), s


def test_inferred_values_that_repeat_a_sub_property_are_folded_away(client, dataset):
    """The 2020 coup: prov:atLocation and schema:location only repeat mkg:occurredIn; the leader is new."""
    from minusma_kg.kg import paths
    from rdflib import Graph

    ontology = Graph().parse(paths.ONTOLOGY)
    coup = RES["coup-2020"]
    inferred = dataset.get_context(INFERRED_GRAPH)
    graphs = [g for g in dataset.graphs() if g.identifier != INFERRED_GRAPH]
    asserted = {(p, o) for g in graphs for p, o in g.predicate_objects(coup)}
    repeats, new = set(), set()
    for p, o in inferred.predicate_objects(coup):
        if (p, o) in asserted:
            continue
        subs = set(ontology.transitive_subjects(RDFS.subPropertyOf, p)) - {p}
        (repeats if any((q, o) in asserted for q in subs) else new).add((p, o))
    doc = html(client, "/resource/coup-2020")
    main_table = doc.xpath("//table[contains(@class, 'properties') and not(contains(@class, 'repeats'))]")[0]
    folded = doc.xpath("//details[@class='folded']//table")[0]
    assert repeats and len(folded.xpath(".//tbody/tr")) >= len(repeats)
    for p, o in repeats:
        if isinstance(o, URIRef) and str(o).startswith(str(RES)) and "/when/" not in str(o):
            row = main_table.xpath(f".//tr[th//a[@href='{p}'] or th[normalize-space()='{p}']]")
            assert not row or f"/resource/{local(o)}" not in hrefs(row[0]), (p, o)
    leader = [(p, o) for p, o in new if p == MKG.coupLeader]
    assert leader and main_table.xpath(".//li[@class='inferred']/a[@href='/resource/assimi-goita']")


def test_minusma_s_page_has_every_fact_about_the_mission(client, dataset):
    """Everything an article (or the curated graphs) states with MINUSMA as subject or object is on its page."""
    minusma = RES["minusma"]
    skip = {MKG.evidence, MKG.assertedSubject, MKG.assertedObject}
    doc = html(client, "/resource/minusma")
    page_text, links = text_of(doc), hrefs(doc)
    for g in dataset.graphs():
        if g.identifier == INFERRED_GRAPH:
            continue
        for p, o in g.predicate_objects(minusma):
            if p in skip:
                continue
            if (o, RDF.type, MKG.DateClaim) in dataset:  # a date claim reads as the article's words
                assert all(" ".join(str(w).split()) in page_text for w in dataset.objects(o, MKG.dateText)), (p, o)
            elif (o, RDF.type, MKG.ReportedCount) in dataset:  # a reported count reads as its number
                value = dataset.value(o, URIRef("https://schema.org/value"))
                assert value is None or number_text(str(value)) in page_text, (p, o)
            elif isinstance(o, URIRef):
                assert f"/resource/{local(o)}" in links or str(o) in links or "/ontology#" in str(links), (p, o)
            elif o.datatype not in (XSD_INTEGER, XSD_DURATION):
                assert " ".join(str(o).split()) in page_text, (p, o)
        for s, p in g.subject_predicates(minusma):
            if p not in skip and str(s).startswith(str(RES)):
                assert f"/resource/{local(s)}" in links, (s, p)


# --- the 404 page -----------------------------------------------------------------------------------------------


def test_a_mistyped_person_leads_to_the_closest_names(client, corpus):
    people = sorted(corpus.of_class("Person"))
    assert people
    for person in people:
        mistyped = person[:-1]  # a letter short
        doc = html(client, f"/resource/{mistyped}", 404)
        closest = doc.xpath("//ol[contains(@class, 'closest')]")
        assert closest and f"/resource/{person}" in hrefs(closest[0]), person
        assert doc.xpath("//main//form[@action='/find']//input[@name='q']/@value") == [mistyped.replace("-", " ")]


def test_an_accented_address_finds_the_page_it_meant(client, corpus):
    expected = entity_with_alias(corpus, "Goita")
    doc = html(client, "/resource/Go%C3%AFta", 404)
    first = doc.xpath("//ol[contains(@class, 'closest')]/li[1]/a/@href")
    assert first == [f"/resource/{expected}"]


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/json"])
def test_a_404_for_a_program_is_one_line_of_text(client, accept):
    r = client.get("/resource/no-such-thing", headers={"Accept": accept})
    assert r.status_code == 404 and r.mimetype == "text/plain" and "no-such-thing" in r.text


# --- in a browser -----------------------------------------------------------------------------------------------


@pytest.mark.slow  # a browser walk (the info boxes are checked over the test client in the default run)
@pytest.mark.parametrize("alias", ["Goita", "Diop"])
def test_the_search_box_takes_a_reader_to_the_person(page, live_server, corpus, alias):  # noqa: F811
    expected = entity_with_alias(corpus, alias)
    page.goto(live_server.url + "/resource/minusma")
    box = page.get_by_role("searchbox", name="Search by name")
    box.fill(alias)
    box.press("Enter")
    page.wait_for_url(f"**/resource/{expected}")
    assert page.locator("h1").inner_text() == corpus.label(expected)
    assert page.outside == [] and page.errors == []


@pytest.mark.slow  # a browser walk (the info boxes are checked over the test client in the default run)
def test_the_2020_coup_s_info_box_in_a_browser(page, live_server, corpus):  # noqa: F811
    page.goto(live_server.url + "/resource/coup-2020")
    box = page.locator("section.infobox")
    assert box.locator(".info-what a").first.inner_text() == "Coup"
    august = box.locator(".info-when li:has(time:text-is('August 2020'))")
    assert august.count() == 1 and august.get_by_role("link", name="article 004").count() == 1
    assert box.locator(".info-where").get_by_role("link", name=corpus.label("mali")).count() == 1
    assert box.locator(".info-who").get_by_role("link", name=corpus.label("ibrahim-boubacar-keita")).count() == 1
    page.screenshot(path=str(ARTIFACTS / "resource-coup-2020.png"), full_page=True)
    # the folded inferences open on demand
    summary = page.locator("details.folded summary")
    assert not page.locator("details.folded table").is_visible()
    summary.click()
    assert page.locator("details.folded table").is_visible()
    assert page.outside == [] and page.errors == []


@pytest.mark.slow  # a browser walk (the info boxes are checked over the test client in the default run)
def test_a_person_s_info_box_links_wikidata(page, live_server, dataset):  # noqa: F811
    (qid,) = [str(o) for o in dataset.get_context(LINKS_GRAPH).objects(RES["assimi-goita"], OWL.sameAs)]
    page.goto(live_server.url + "/resource/assimi-goita")
    link = page.locator("section.infobox .info-wikidata a")
    assert link.get_attribute("href") == qid and link.inner_text() == qid.removeprefix(WIKIDATA)
    assert page.outside == []


@pytest.mark.slow  # a browser walk (the info boxes are checked over the test client in the default run)
def test_the_404_page_offers_the_closest_names_and_they_lead_on(page, live_server, corpus):  # noqa: F811
    expected = entity_with_alias(corpus, "Diop")
    response = page.goto(live_server.url + "/resource/abdoulaye-dio")
    assert response.status == 404
    assert "Content-Security-Policy" in {k.title() for k in response.headers}
    page.locator("ol.closest").get_by_role("link", name=corpus.label(expected), exact=True).click()
    page.wait_for_url(f"**/resource/{expected}")
    assert page.outside == [] and page.errors == []


@pytest.mark.parametrize(
    "path", ["/resource/minusma", "/resource/coup-2020", "/resource/article/003", "/resource/goita-assimi",
             "/find?q=abdoulaye"],
)  # fmt: skip
@pytest.mark.slow  # a browser walk (the info boxes are checked over the test client in the default run)
def test_no_page_scrolls_sideways_at_390_px(browser, live_server, path):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_server.url) else r.abort())
    pg.goto(live_server.url + path)
    scroll, client_width = pg.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= client_width, f"{path} is {scroll}px wide in a {client_width}px window"
    # wide tables scroll inside their own box; no element pokes out of the window
    wide = pg.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > innerWidth + 1)
        .map(e => e.tagName + '.' + e.className)""")
    assert wide == [], wide
    name = path.strip("/").replace("/", "-").replace("?q=", "-")
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"narrow-{name}.png"), full_page=True)
    context.close()
