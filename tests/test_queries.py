"""Every saved query is well-formed, answers its question through the endpoint, and agrees with rdflib."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from rdflib import Dataset, Graph
from rdflib.plugins.sparql import prepareQuery

from kg.namespaces import GRAPH, PREFIXES
from kg.queries import TAGS, QueryFileError, find_saved_query, load_saved_queries, parse_saved_query
from tests.comparison import UNORDERED, rows_of

QUERIES = load_saved_queries()
BY_NAME = {q.name: q for q in QUERIES}
RES = "https://w3id.org/minusma-kg/resource/"
ASSERTED_GRAPHS = [str(GRAPH[f"article/{n}"]) for n in ("000", "001", "002", "003", "004")] + [
    str(GRAPH[g]) for g in ("entities", "ontology", "wikidata-links", "external-facts")
]


def _select(client, name: str, **extra) -> list[dict[str, str]]:
    r = client.get("/sparql", query_string={"query": BY_NAME[name].text, **extra},
                   headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json["results"]["bindings"]]


def test_there_are_enough_saved_queries_covering_the_story():
    assert len(QUERIES) >= 25
    tags = {t for q in QUERIES for t in q.tags}
    for needed in ("timeline", "withdrawals", "statements", "provenance", "conflicts", "reasoning", "wikidata",
                   "needs-internet", "construct", "ask", "aggregate", "property-path", "security-council"):  # fmt: skip
        assert needed in tags, needed
    assert sum("reasoning" in q.tags for q in QUERIES) >= 3


@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_each_saved_query_is_well_formed(q):
    assert q.title and len(q.description) > 40
    assert set(q.tags) <= TAGS
    assert re.fullmatch(r"\d\d-[a-z0-9-]+", q.name)
    prepareQuery(q.text)  # rdflib parses it
    for prefix, iri in re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", q.text):
        assert PREFIXES.get(prefix) == iri, f"{q.name}: PREFIX {prefix}: is not one the endpoint announces"
    if "reasoning" in q.tags:
        assert "inferred" in q.description


def test_a_header_without_a_title_is_refused(tmp_path):
    bad = tmp_path / "99-bad.rq"
    bad.write_text("# description: no title here\n# tags: timeline\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryFileError, match="no '# title:' line"):
        parse_saved_query(bad)
    bad.write_text("# title: x\n# description: y\n# tags: nonsense\nASK {}\n")
    with pytest.raises(QueryFileError, match="unknown tags"):
        parse_saved_query(bad)


def test_queries_are_found_by_name_number_or_file():
    assert find_saved_query("14").name == "14-coup-leaders-inferred"
    assert find_saved_query("06-withdrawals").title == "Withdrawals by country and date"
    assert find_saved_query(str(BY_NAME["18-did-france-draft-the-end"].path)).form == "ASK"
    with pytest.raises(KeyError):
        find_saved_query("nope")


# --- what each query answers --------------------------------------------------------------------------------

def _rows_with(rows, **expected) -> list[dict]:
    return [r for r in rows if all(r.get(k) == v for k, v in expected.items())]


def check_timeline(rows):
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert _rows_with(rows, event=RES + "resolution-termination", date="2023-06-30", precision="day", dateText="on Friday")
    assert _rows_with(rows, event=RES + "coup-2021", date="2021-05-01", precision="month", dateText="nine months later")
    assert not _rows_with(rows, event=RES + "lacroix-visit")  # "December 5-6": no year, not on a timeline


def check_mission_life(rows):
    assert _rows_with(rows, event=RES + "minusma-establishment", dateText="since April 2013", date="2013-04-01")
    assert _rows_with(rows, event=RES + "minusma-liquidation", kind="originally to end", date="2024-12-31")
    assert _rows_with(rows, event=RES + "minusma-liquidation", kind="ends", date="2024-11-15")
    assert _rows_with(rows, event=RES + "minusma-withdrawal", kind="begins", date="2023-07-01")


def check_resolutions(rows):
    termination = _rows_with(rows, resolution=RES + "resolution-termination")
    assert {r["number"] for r in termination} == {"2690"} and {r["draftedBy"] for r in termination} == {"France"}
    assert any("cessation of its operations" in r["decision"] for r in termination)
    renewal = _rows_with(rows, resolution=RES + "resolution-renewal")
    assert {r["number"] for r in renewal} == {"2640"} and all("date" not in r for r in renewal)


def check_mandates(rows):
    assert _rows_with(rows, mandate=RES + "mandate-drawdown-protection", untilDate="2023-09-30")
    assert _rows_with(rows, mandate=RES + "mandate-drawdown-security", untilDate="2023-12-31",
                      task="provide discharges for medical reasons")  # fmt: skip
    assert _rows_with(rows, mandate=RES + "mandate-renewed", duration="P1Y")


def check_coups(rows):
    assert _rows_with(rows, coup=RES + "coup-2020", dateText="August 2020", overthrew="Ibrahim Boubacar Keïta",
                      perpetrator="Malian military junta")  # fmt: skip
    assert {r["article"] for r in _rows_with(rows, coup=RES + "coup-2021")} == {RES + "article/001", RES + "article/003"}


def check_withdrawals(rows):
    assert _rows_with(rows, party="United Kingdom", troops="300", status="completed")
    assert _rows_with(rows, party="France", **{"from": "Mali"}, date="2022-08-01")
    assert _rows_with(rows, party="Ivory Coast", status="begun", dateText="Late last year")
    assert {r["party"] for r in rows} >= {"Germany", "Sweden", "Canada", "Ukraine", "MINUSMA"}


def check_statements(rows):
    kariuki = _rows_with(rows, speaker="James Kariuki")
    assert kariuki and "Wagner Group" in kariuki[0]["words"] and kariuki[0]["role"].startswith("Deputy Ambassador")
    maiga = _rows_with(rows, speaker="Abdoulaye Maïga", dateText="in September 2022")
    assert len(maiga) == 2 and all(r["occasion"] == "UN General Assembly session of September 2022" for r in maiga)


def check_per_speaker(rows):
    assert rows[0] == {"speaker": "Abdoulaye Diop", "statements": "8", "articles": "4"}
    assert _rows_with(rows, speaker="Vassily Nebenzia", statements="2")


def check_sources(rows):
    counts = {r["event"]: int(r["articles"]) for r in rows}
    assert counts[RES + "minusma-establishment"] == 4 and counts[RES + "coup-2020"] == 4
    assert counts[RES + "aes-establishment"] == 1


def check_single_source(rows):
    events = {r["event"] for r in rows}
    assert RES + "aes-establishment" in events and RES + "kariuki-wagner" in events
    assert RES + "coup-2020" not in events and RES + "minusma-establishment" not in events


def check_disagreements(rows):
    assert _rows_with(rows, subject=RES + "abdoulaye-diop", about="name", claimA="Abdelaziz Diop",
                      articleA=RES + "article/003")  # fmt: skip
    assert _rows_with(rows, subject=RES + "council-of-ministers-statement", claimA="on Wednesday (2024-11-06)",
                      claimB="on Thursday (2024-11-07)")  # fmt: skip
    assert _rows_with(rows, subject=RES + "minusma-withdrawal", claimA="by December 31, 2023 (2023-12-31)")
    assert not _rows_with(rows, subject=RES + "coup-2020")  # "2020" and "August 2020" overlap: no conflict


def check_security_council(rows):
    assert {r["vetoHolder"] for r in rows} == {"China", "France", "Russia", "United Kingdom", "United States"}
    assert {(r["members"], r["votesRequired"]) for r in rows} == {("15", "9")}


def check_sg_options(rows):
    options = _rows_with(rows, proposal=RES + "sg-options")
    assert {r["count"] for r in options} == {"3"} and {r["author"] for r in options} == {"António Guterres"}
    assert {r["option"] for r in options} >= {"increasing personnel", "a withdrawal of troops"}
    assert _rows_with(rows, proposal=RES + "sg-recommendation", dateText="at the beginning of the week")


def check_coup_leaders(rows):
    assert rows == [{"coup": RES + "coup-2020", "label": "2020 Malian coup d'état", "leader": RES + "assimi-goita",
                     "name": "Assimi Goïta"}]  # fmt: skip


def check_sahel(rows):
    events = {r["event"] for r in rows}
    assert {RES + "bamako-camp-handover", RES + "coup-2021", RES + "lacroix-visit"} <= events


def check_withdrawal_parts(rows):
    assert {r["part"] for r in rows} == {RES + "minusma-liquidation", RES + "bamako-camp-handover", RES + "minusma-repatriation"}


def check_per_article(rows):
    by_article = {r["article"]: r for r in rows}
    assert len(by_article) == 5
    assert by_article[RES + "article/003"]["published"] == "2023-07-01"
    assert "published" not in by_article[RES + "article/001"]
    assert int(by_article[RES + "article/002"]["statements"]) >= 15


def check_bamako(rows):
    assert {r["label"] for r in rows} == {"Mali", "Sahel", "Africa", "West Africa"}


def check_wikidata(rows):
    links = {r["label"]: r["wikidata"] for r in rows}
    assert links["Mali"] == "http://www.wikidata.org/entity/Q912"
    assert links["Assimi Goïta"] == "http://www.wikidata.org/entity/Q98497406"
    assert "MINUSMA" not in links and "Wagner Group" not in links


def check_positions(rows):
    diop = _rows_with(rows, name="Abdoulaye Diop")
    assert diop[0]["position"] == "Minister of Foreign Affairs of Mali" and len(diop[0]["articles"].split()) == 4
    assert _rows_with(rows, name="Ibrahim Boubacar Keïta", position="President of Mali")


def check_expulsions(rows):
    assert _rows_with(rows, event=RES + "salgado-expulsion", target="Olivier Salgado", date="2022-08-01")
    assert _rows_with(rows, event=RES + "senior-official-expulsion", dateText="Earlier this year in February")


def check_precision(rows):
    assert _rows_with(rows, subject=RES + "mali-withdrawal-request", dateText="two weeks ago", precision="week")
    assert _rows_with(rows, subject=RES + "diop-withdrawal-call", dateText="on Friday", precision="unresolved")
    assert len(rows) == len({tuple(sorted(r.items())) for r in rows})  # no duplicates


def check_unresolved(rows):
    assert _rows_with(rows, subject=RES + "lacroix-visit", partial="--12-05")
    assert _rows_with(rows, subject=RES + "withdrawal-ivory-coast", dateText="Late last year")
    assert all(r["article"] != RES + "article/003" for r in rows)  # the dated articles resolve everything


def check_articles(rows):
    assert len(rows) == 5
    dw = _rows_with(rows, publisher="DW (Deutsche Welle)")[0]
    assert dw["pageDate"] == "2024-04-21" and "published" not in dw and "not the publication date" in dw["note"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["sha256"]) for r in rows)


def check_moura(rows):
    assert {r["victims"] for r in rows} == {"500"}
    assert _rows_with(rows, by="Russia", reaction="openly biased")


def check_alliances(rows):
    aes = _rows_with(rows, alliance=RES + "alliance-of-sahel-states")
    assert {r["member"] for r in aes} == {"Mali", "Burkina Faso", "Niger"} and {r["dateText"] for r in aes} == {"In September 2024"}
    assert _rows_with(rows, alliance=RES + "mali-france-alliance", event=RES + "mali-france-rupture")


def check_mentions(rows):
    counts = {r["label"]: int(r["articles"]) for r in rows}
    assert counts["Mali"] == 5 and counts["Mauritania"] == 1


KEY_ROWS: dict[str, Callable[[list[dict]], None]] = {
    "01-timeline": check_timeline, "02-mission-life": check_mission_life, "03-resolutions": check_resolutions,
    "04-mandates": check_mandates, "05-coups": check_coups, "06-withdrawals": check_withdrawals,
    "07-who-said-what": check_statements, "08-statements-per-speaker": check_per_speaker,
    "09-sources-per-fact": check_sources, "10-single-source-facts": check_single_source,
    "11-disagreements": check_disagreements, "12-security-council": check_security_council,
    "13-secretary-general-options": check_sg_options, "14-coup-leaders-inferred": check_coup_leaders,
    "15-events-in-the-sahel": check_sahel, "16-parts-of-the-withdrawal": check_withdrawal_parts,
    "19-facts-per-article": check_per_article, "20-where-is-bamako": check_bamako, "21-wikidata-links": check_wikidata,
    "23-people-and-positions": check_positions, "24-expulsions-and-restrictions": check_expulsions,
    "25-date-precision": check_precision, "26-unresolved-dates": check_unresolved, "27-articles": check_articles,
    "28-moura-report": check_moura, "29-alliances": check_alliances, "30-countries-mentioned": check_mentions,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(KEY_ROWS))
def test_each_select_query_answers_its_question(client, name):
    KEY_ROWS[name](_select(client, name))


def test_every_query_has_a_key_row_test():
    others = {"17-security-council-meeting-subgraph", "18-did-france-draft-the-end", "22-federated-wikidata"}
    assert set(BY_NAME) == set(KEY_ROWS) | others


def test_the_construct_builds_the_meeting_subgraph(client):
    r = client.get("/sparql", query_string={"query": BY_NAME["17-security-council-meeting-subgraph"].text},
                   headers={"Accept": "text/turtle"})  # fmt: skip
    g = Graph().parse(data=r.data, format="turtle")
    from rdflib import Literal, URIRef

    mkg = PREFIXES["mkg"]
    speakers = {str(o) for o in g.objects(None, URIRef(mkg + "speaker"))}
    assert {RES + "abdoulaye-diop", RES + "vassily-nebenzia", RES + "james-kariuki"} <= speakers
    assert (None, URIRef(mkg + "quote"), Literal("The real issue is not the number of peacekeepers but their functions")) in g


def test_the_ask_answers_yes(client):
    r = client.get("/sparql", query_string={"query": BY_NAME["18-did-france-draft-the-end"].text})
    assert r.json["boolean"] is True


def test_the_federated_query_is_refused_without_the_allow_list(client):
    q = BY_NAME["22-federated-wikidata"]
    assert "needs-internet" in q.tags and "SERVICE <https://query.wikidata.org/sparql>" in q.text
    r = client.get("/sparql", query_string={"query": q.text})
    assert r.status_code == 403 and "MINUSMA_KG_ALLOWED_SERVICES" in r.text


@pytest.mark.parametrize("name", [q.name for q in QUERIES if "reasoning" in q.tags])
def test_reasoning_queries_need_the_inferred_graph(client, name):
    with_inference = _select(client, name)
    params = [("query", BY_NAME[name].text), *(("default-graph-uri", g) for g in ASSERTED_GRAPHS)]
    r = client.get("/sparql", query_string=params)
    asserted_only = r.json["results"]["bindings"]
    assert with_inference and len(asserted_only) < len(with_inference)


@pytest.fixture(scope="module")
def rdflib_dataset(built) -> Dataset:
    """The published dataset in rdflib, with the union of its graphs as the default graph (as the endpoint has)."""
    ds = Dataset()
    ds.parse(built.out / "minusma-kg.nq", format="nquads")
    default = ds.default_graph
    for s, p, o, _ in list(ds.quads((None, None, None, None))):
        default.add((s, p, o))
    return ds


@pytest.mark.parametrize("name", [q.name for q in QUERIES if q.form == "SELECT" and "needs-internet" not in q.tags])
def test_the_endpoint_agrees_with_rdflib(client, rdflib_dataset, name):
    import json

    expected = json.loads(rdflib_dataset.query(BY_NAME[name].text).serialize(format="json"))
    r = client.get("/sparql", query_string={"query": BY_NAME[name].text})
    assert rows_of(r.json, UNORDERED.get(name)) == rows_of(expected, UNORDERED.get(name))


def test_the_endpoint_lists_the_saved_queries(client):
    r = client.get("/queries")
    assert r.status_code == 200 and r.mimetype == "application/json"
    doc = r.json
    assert doc["prefixes"] == PREFIXES
    listed = {q["name"]: q for q in doc["queries"]}
    assert set(listed) == set(BY_NAME)
    timeline = listed["01-timeline"]
    assert timeline["title"] == "Timeline of every dated event" and timeline["view"] == "timeline"
    assert "timeline" in timeline["tags"] and timeline["query"] == BY_NAME["01-timeline"].text
    text = client.get("/queries/18-did-france-draft-the-end.rq")
    assert text.mimetype == "application/sparql-query" and text.text == BY_NAME["18-did-france-draft-the-end"].text
    assert client.get("/queries/nope.rq").status_code == 404


def test_the_announced_prefixes_are_served_for_editors(client):
    assert client.get("/prefixes.json").json == PREFIXES
