"""Every fact says where it came from, and its evidence stands in that article's text."""

from __future__ import annotations

import pytest
from minusma_kg.kg.assemble import article_iri, short_id
from minusma_kg.kg.extract import normalise
from minusma_kg.kg.namespaces import GRAPH, LINKS_GRAPH, MKG, RES, WD, article_graph, sparql_prologue
from rdflib.namespace import PROV, RDF

from tests.corpus import Corpus


@pytest.fixture(scope="module")
def corpus(articles, entities) -> Corpus:
    return Corpus(tuple(articles), tuple(entities))


def _texts(articles):
    return {str(article_iri(a)): normalise(a.text) for a in articles}


def test_every_evidence_passage_is_in_its_article(dataset, articles):
    texts = _texts(articles)
    checked = 0
    for ev in set(dataset.subjects(RDF.type, MKG.Evidence)):
        article = str(dataset.value(ev, PROV.wasQuotedFrom))
        for passage in str(dataset.value(ev, MKG.evidenceText)).split(" … "):
            assert passage in texts[article], (ev, passage)
            checked += 1
    assert checked == sum(len(f.evidence) for a in articles for f in a.facts) > 0  # every annotated passage


def test_every_statement_quote_is_verbatim_in_an_article(dataset, articles):
    texts = " ".join(_texts(articles).values())
    quotes = {str(q) for q in dataset.objects(None, MKG.quote)}
    assert quotes == {str(q) for a in articles for f in a.facts for q in f.values.get("quote", [])}
    assert len(quotes) >= 20
    for q in quotes:
        assert normalise(q) in texts


def test_every_event_and_statement_cites_an_article_in_its_own_graph(dataset, corpus):
    q = (
        sparql_prologue()
        + """
    SELECT ?e ?g WHERE {
      GRAPH ?g { ?e mkg:describedIn ?a . ?e mkg:evidence ?ev . ?ev prov:wasQuotedFrom ?a }
    }"""
    )
    cited = {}
    for e, g in dataset.query(q):
        cited.setdefault(e, set()).add(g)
    q_events = sparql_prologue() + (
        "SELECT DISTINCT ?e WHERE { GRAPH mkgg:entities { ?e a ?c } ?c rdfs:subClassOf* mkg:Event }"
    )
    dataset.default_union = True
    events = {r[0] for r in dataset.query(q_events)}
    assert events == {RES[e] for e in corpus.of_class("Event")}  # every declared event, whatever its subclass
    assert len(events) > 60
    for e in events:
        graphs = cited.get(e)
        assert graphs, f"{e} cites no article"
        assert all(str(g).startswith(str(GRAPH["article/"])) for g in graphs)


def test_a_fact_reported_by_several_articles_is_in_each_of_their_graphs(dataset, corpus):
    graphs = {g for _, _, _, g in dataset.quads((RES["minusma-establishment"], MKG.establishes, RES.minusma, None))}
    assert graphs >= {article_graph(n) for n in ("000", "001", "002", "003")}
    reporting = [a for a, f in corpus.facts("minusma-establishment") if "minusma" in f.values.get("establishes", [])]
    assert graphs == {article_graph(short_id(a)) for a in reporting}


def test_articles_that_disagree_on_a_name_keep_both_claims(dataset):
    names = {(str(o), g) for _, _, o, g in dataset.quads((RES["abdoulaye-diop"], MKG.name, None, None))}
    assert ("Abdelaziz Diop", article_graph("003")) in names
    assert ("Abdoulaye Diop", article_graph("001")) in names


def test_one_article_can_disagree_with_itself_and_both_dates_stay(dataset):
    """Article 004: the statement was issued 'on Thursday' and 'released on Wednesday'."""
    q = (
        sparql_prologue()
        + """
    SELECT ?text ?value WHERE { GRAPH <https://w3id.org/minusma-kg/graph/article/004> {
      res:council-of-ministers-statement mkg:when ?d . ?d mkg:dateText ?text ; mkg:dateValue ?value } }"""
    )
    rows = {(str(t), str(v)) for t, v in dataset.query(q)}
    assert rows == {("on Thursday", "2024-11-07"), ("on Wednesday", "2024-11-06")}


@pytest.mark.parametrize(
    ("event", "article", "text", "value", "precision"),
    [
        ("resolution-termination", "003", "on Friday", "2023-06-30", "unitDay"),
        ("mali-withdrawal-request", "003", "two weeks ago", "2023-06-17", "unitWeek"),
        ("lacroix-visit", "000", "December 5-6", "--12-05", "unitDay"),
        ("resolution-renewal", "000", "this past June", "--06", "unitMonth"),
        ("coup-2021", "001", "nine months later", "2021-05", "unitMonth"),
        ("coup-2020", "004", "August 2020", "2020-08", "unitMonth"),
    ],
)
def test_dates_carry_their_words_their_precision_and_how_they_were_resolved(
    dataset, event, article, text, value, precision
):
    q = (
        sparql_prologue()
        + f"""
    SELECT ?text ?value ?precision ?note WHERE {{ GRAPH <https://w3id.org/minusma-kg/graph/article/{article}> {{
      res:{event} mkg:when ?d . ?d mkg:dateText ?text ; mkg:dateResolution ?note .
      OPTIONAL {{ ?d mkg:dateValue ?value }} OPTIONAL {{ ?d mkg:datePrecision ?precision }} }} }}"""
    )
    ((t, v, p, note),) = list(dataset.query(q))
    assert (str(t), str(v), str(p).rsplit("#", 1)[1]) == (text, value, precision)
    assert len(str(note)) > 10


def test_an_undated_weekday_stays_unresolved_and_says_why(dataset):
    q = (
        sparql_prologue()
        + """
    SELECT ?d ?note WHERE { GRAPH <https://w3id.org/minusma-kg/graph/article/001> {
      res:diop-withdrawal-call mkg:when ?d . ?d mkg:dateResolution ?note
      FILTER NOT EXISTS { ?d mkg:dateValue ?v } } }"""
    )
    ((_, note),) = list(dataset.query(q))
    assert "does not give" in str(note)


def test_wikidata_links_only_to_verified_ids_and_never_to_the_unverifiable(dataset):
    import csv

    from minusma_kg.kg import paths
    from rdflib.namespace import OWL

    with (paths.WIKIDATA_DIR / "qids.tsv").open() as fh:
        verified = {WD[r["qid"]] for r in csv.DictReader(fh, delimiter="\t") if r["status"] == "verified"}
    links = dict(dataset.graph(LINKS_GRAPH).subject_objects(OWL.sameAs))
    with (paths.WIKIDATA_DIR / "links.tsv").open() as fh:
        rows = [row for row in csv.reader(fh, delimiter="\t") if row and row[0] != "entity"]
    listed = {RES[row[0]] for row in rows if not row[0].startswith("#")}
    assert set(links) == listed and len(links) >= 25
    assert set(links.values()) <= verified
    assert links[RES["assimi-goita"]] == WD.Q98497406
    for unlinked in ("minusma", "wagner-group", "gao", "abdoulaye-maiga", "coup-2020", "alliance-of-sahel-states"):
        assert RES[unlinked] not in links, unlinked


def test_no_article_graph_holds_a_wikidata_id_or_a_resolution_number(dataset):
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if str(g).startswith(str(GRAPH["article/"])):
            assert not str(o).startswith(str(WD)), (s, p, o)
            assert p != MKG.resolutionNumber


def test_events_people_and_places_are_not_derived_from_articles_their_descriptions_are(dataset, articles):
    """Events are prov:Activity, disjoint with prov:Entity in PROV-O: they cite their articles with mkg:describedIn."""
    from minusma_kg.kg.namespaces import ENTITIES_GRAPH
    from rdflib import URIRef

    entities = {s for s in dataset.graph(ENTITIES_GRAPH).subjects(RDF.type, None)}
    derived = {s for s, _, _, _ in dataset.quads((None, PROV.wasDerivedFrom, None, None))}
    assert entities and not entities & derived
    kinds = (MKG.DateClaim, MKG.Evidence, MKG.Assertion, MKG.ReportedCount)
    descriptions = {s for c in kinds for s, _, _, _ in dataset.quads((None, RDF.type, c, None))}
    assert not [s for s in derived if isinstance(s, URIRef) and str(s).startswith(str(RES)) and s not in descriptions]
    for a in articles:
        g = dataset.graph(article_graph(short_id(a)))
        assert (g.identifier, PROV.wasDerivedFrom, article_iri(a)) in g
    described = {s for s, _, _, _ in dataset.quads((None, MKG.describedIn, None, None))}
    assert {RES["coup-2020"], RES["abdoulaye-diop"], RES["resolution-termination"]} <= described


def test_annotation_file_and_line_live_in_the_curation_graph_not_in_the_article_graphs(dataset, articles):
    from minusma_kg.kg.namespaces import CURATION_GRAPH

    for _s, p, _o, g in dataset.quads((None, None, None, None)):
        if str(g).startswith(str(GRAPH["article/"])):
            assert p not in (MKG.sourceLine, MKG.annotationFile)
    curation = dataset.graph(CURATION_GRAPH)
    for a in articles:
        seen: dict[str, int] = {}
        for fact in a.facts:
            seen[fact.about] = seen.get(fact.about, 0) + 1
            ev = RES[f"{fact.about}/evidence/{short_id(a)}-{seen[fact.about]}"]
            assert curation.value(ev, MKG.sourceLine).toPython() == fact.line
            assert str(curation.value(ev, MKG.annotationFile)) == f"kg/articles/{a.annotation_path.name}"
