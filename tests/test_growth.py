"""The graph grows: a sixth, correct article builds, and every check derived from the annotations still holds.

``tests/data/sixth/NNN_fixture.{txt,yaml}`` is a short report written for the tests (the last convoy leaving
the Gao camp, a quotation by an invented spokesperson). It is copied into a copy of ``kg/articles`` under the
next free number, built exactly as ``minusma-kg build`` builds, and compared with the session's build of the
project's own articles: nothing that was there is lost, and the counts grow by exactly what the fixture adds.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from minusma_kg.kg import paths
from minusma_kg.kg.annotations import Article, read_article
from minusma_kg.kg.assemble import article_iri, short_id
from minusma_kg.kg.build import BuildResult, build
from minusma_kg.kg.extract import find_mentions, normalise
from minusma_kg.kg.namespaces import (
    ENTITIES_GRAPH,
    EXTERNAL_GRAPH,
    GRAPH,
    INFERRED_GRAPH,
    LINKS_GRAPH,
    MKG,
    ONTOLOGY_GRAPH,
    RES,
    article_graph,
)
from minusma_kg.kg.queries import SavedQuery, load_saved_queries
from minusma_kg.kg.sources import Sources
from minusma_kg.kg.sparql import QueryJob, execute
from minusma_kg.kg.store import load_in_memory
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import PROV, RDF

from tests.corpus import Corpus
from tests.test_queries import KEY_ROWS

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "data" / "sixth"
#: Every saved query that runs on the data alone (the federated one calls Wikidata).
LOCAL_QUERIES = [q for q in load_saved_queries() if "SERVICE" not in q.text.upper()]


def next_number(articles_dir: Path) -> str:
    """The next free article number: one past the highest ``NNN`` of ``NNN_name.yaml``."""
    return f"{max((int(p.name.split('_')[0]) for p in articles_dir.glob('*.yaml')), default=-1) + 1:03d}"


@dataclass
class Grown:
    """The project's articles plus the fixture, built."""

    result: BuildResult
    number: str
    corpus: Corpus
    dataset: Dataset

    @property
    def fixture(self) -> Article:
        return self.corpus.article(self.number)


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Grown:
    text = (FIXTURE / "NNN_fixture.txt").read_bytes()
    if any(p.read_bytes() == text for p in paths.ARTICLES_DIR.glob("*.txt")):
        pytest.skip("the fixture is in kg/articles already (a growth check by hand): a second copy would redeclare it")
    root = tmp_path_factory.mktemp("grown")
    articles = root / "articles"
    shutil.copytree(paths.ARTICLES_DIR, articles)
    number = next_number(articles)
    for suffix in (".txt", ".yaml"):
        shutil.copyfile(FIXTURE / f"NNN_fixture{suffix}", articles / f"{number}_fixture{suffix}")
    result = build(root / "out", Sources(articles_dir=articles))
    assert result.ok, "\n".join(result.errors)
    ds = Dataset(default_union=True)
    ds.parse(result.out / "minusma-kg.nq", format="nquads")
    return Grown(result, number, Corpus.load(articles), ds)


@pytest.fixture(scope="module")
def original() -> Corpus:
    return Corpus.load()


def _info(out: Path) -> dict:
    return json.loads((out / "build-info.json").read_text(encoding="utf-8"))


# --- the build ----------------------------------------------------------------------------------------------------


def test_the_fixture_is_added_as_the_next_article_and_builds(grown, original):
    assert grown.result.ok and grown.result.errors == [] and grown.result.warnings == []
    assert grown.result.report is not None and grown.result.report.conforms
    assert grown.number not in original.numbers and int(grown.number) > max(int(n) for n in original.numbers)
    assert grown.corpus.numbers == [*original.numbers, grown.number]
    assert grown.fixture.text_path.name == f"{grown.number}_fixture.txt"


def test_the_fixture_is_in_the_current_annotation_format(grown):
    """It reads as the real articles read: the same schema line first, no schema problem, nothing left to review."""
    first = {p.read_text(encoding="utf-8").splitlines()[0] for p in paths.ARTICLES_DIR.glob("*.yaml")}
    assert first == {(FIXTURE / "NNN_fixture.yaml").read_text(encoding="utf-8").splitlines()[0]}
    article, problems = read_article(grown.fixture.annotation_path)
    assert problems == [] and article is not None and article.review_line is None
    assert all(x.review_line is None for x in (*article.entities, *article.facts))


def test_the_fixture_is_a_short_article_with_one_attributed_quotation(grown, original):
    """What the fixture was written to exercise: a known place, a new entity, a resolvable date, one quotation."""
    fixture = grown.fixture
    assert 200 <= len(fixture.text.split()) <= 320
    quotes = [q for f in fixture.facts for q in f.values.get("quote", [])]
    assert len(quotes) == 1 and fixture.text.count('"') == 2
    known = {e.id for e in original.entities}
    assert {e.id for e in fixture.entities}.isdisjoint(known)
    mentioned = {m.entity for m in find_mentions(fixture.text, {e: [original.label(e)] for e in known})}
    assert {"gao", "minusma"} <= mentioned
    assert any(f.dates for f in fixture.facts) and fixture.published is not None


# --- data-level checks, each derived from the annotations --------------------------------------------------------


def test_one_named_graph_per_article(grown):
    ds = grown.dataset
    graphs = {str(g.identifier) for g in ds.graphs() if len(g) and str(g.identifier).startswith(str(GRAPH["article/"]))}
    assert graphs == set(grown.corpus.article_graphs) and len(graphs) == len(grown.corpus.articles)
    for article in grown.corpus.articles:
        g = ds.graph(article_graph(short_id(article)))
        assert set(g.subjects(RDF.type, MKG.NewsArticle)) == {article_iri(article)}
        assert g.value(article_iri(article), MKG.sourceFile) == Literal(f"kg/articles/{article.text_path.name}")


def _states(g, subject, prop, value) -> bool:
    """Whether ``g`` holds ``subject prop value`` for an annotation's value: an entity, an ontology individual
    (``Completed``) or a literal, compared as the build types it ("PT48H" is the xsd:duration "P2D")."""
    for o in g.objects(subject, prop):
        if isinstance(o, URIRef) and str(o) in (RES + str(value), MKG + str(value)):
            return True
        lexical = str(value).lower() if isinstance(value, bool) else str(value)
        if isinstance(o, Literal) and o == Literal(lexical, datatype=o.datatype, lang=o.language):
            return True
    return False


def test_every_articles_facts_are_in_its_graph_with_their_evidence(grown):
    checked = 0
    for article in grown.corpus.articles:
        number, source = short_id(article), article_iri(article)
        g = grown.dataset.graph(article_graph(number))
        seen: Counter[tuple[str, ...]] = Counter()
        for fact in article.facts:
            subject = RES[fact.about]
            seen[fact.about,] += 1
            evidence = RES[f"{fact.about}/evidence/{number}-{seen[fact.about,]}"]
            assert (subject, MKG.evidence, evidence) in g and (subject, MKG.describedIn, source) in g, fact
            assert g.value(evidence, MKG.evidenceText) == Literal(" … ".join(normalise(p) for p in fact.evidence))
            assert g.value(evidence, PROV.wasQuotedFrom) == source
            for passage in fact.evidence:
                assert normalise(passage) in normalise(article.text)
            for key, values in fact.values.items():
                for value in values:
                    assert _states(g, subject, MKG[key], value), (fact.file, fact.line, key, value)
            for key, spec in fact.dates.items():
                seen[fact.about, key] += 1
                k = seen[fact.about, key]
                claim = RES[f"{fact.about}/{key}/{number}" + (f"-{k}" if k > 1 else "")]
                assert (subject, MKG[key], claim) in g, (fact.file, spec.line)
                assert g.value(claim, MKG.dateText) == Literal(normalise(spec.text))
                assert g.value(claim, MKG.evidence) == evidence
            checked += 1
    assert checked == sum(len(a.facts) for a in grown.corpus.articles)
    assert any(short_id(a) == grown.number and a.facts for a in grown.corpus.articles)


def test_every_statement_has_a_speaker_and_evidence(grown):
    ds, corpus = grown.dataset, grown.corpus
    statements = set(ds.subjects(RDF.type, MKG.Statement))
    assert statements == {RES[s] for s in corpus.of_class("Statement")}
    texts = {article_iri(a): normalise(a.text) for a in corpus.articles}
    for s in statements:
        local = str(s).removeprefix(str(RES))
        assert set(ds.objects(s, MKG.speaker)) == {RES[v] for v in corpus.values(local, "speaker")} != set(), s
        evidence = list(ds.objects(s, MKG.evidence))
        assert evidence, s
        for ev in evidence:
            text = str(ds.value(ev, MKG.evidenceText))
            assert all(p in texts[ds.value(ev, PROV.wasQuotedFrom)] for p in text.split(" … ")), ev
    new = {RES[e.id] for e in grown.fixture.entities if e.type == "Statement"}
    assert new and new <= statements


# --- the saved queries -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stores(built, grown):
    return load_in_memory(built.out / "minusma-kg.nq"), load_in_memory(grown.result.out / "minusma-kg.nq")


def _run(store, query: SavedQuery):
    outcome = execute(store, QueryJob(query.text, limit=1_000_000))
    assert outcome.error is None and not outcome.truncated, (query.name, outcome.error)
    return outcome


def _rows(outcome) -> list[tuple]:
    bindings = json.loads(outcome.body)["results"]["bindings"]
    return [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in bindings]


@pytest.mark.parametrize("query", LOCAL_QUERIES, ids=[q.name for q in LOCAL_QUERIES])
def test_every_saved_query_runs_on_the_grown_dataset_and_loses_no_rows(stores, grown, query):
    before, after = (_run(store, query) for store in stores)
    assert before.kind == after.kind
    if after.kind == "boolean":
        assert json.loads(after.body)["boolean"] == json.loads(before.body)["boolean"]
        return
    assert before.count > 0, f"{query.name} answers nothing: it compares nothing"
    if query.name == "10-single-source-facts":
        # The one answer a correct article may shrink: an event it also reports is no longer single-source.
        # The rows of every event still reported by one article stay, and the answer is what the annotations say.
        single = {RES + e for e in grown.corpus.of_class("Event") if len(grown.corpus.sources(e)) == 1}
        kept = [r for r in _rows(before) if dict(r)["event"] in single]
        assert kept and set(kept) <= set(_rows(after))
        assert {dict(r)["event"] for r in _rows(after)} == single
    else:
        assert after.count >= before.count


def test_the_fixture_reaches_the_saved_queries(stores, grown):
    """More rows in all, and the fixture's article, statement and speaker are in the answers."""
    total = {i: sum(_run(store, q).count for q in LOCAL_QUERIES) for i, store in enumerate(stores)}
    assert total[1] > total[0]
    by_name = {q.name: q for q in LOCAL_QUERIES}
    articles = json.loads(_run(stores[1], by_name["27-articles"]).body)["results"]["bindings"]
    assert f"kg/articles/{grown.number}_fixture.txt" in {r["file"]["value"] for r in articles}
    said = json.loads(_run(stores[1], by_name["07-who-said-what"]).body)["results"]["bindings"]
    speakers = {grown.corpus.label(v) for e in grown.fixture.entities if e.type == "Statement"
                for v in grown.corpus.values(e.id, "speaker")}  # fmt: skip
    assert speakers and speakers <= {r["speaker"]["value"] for r in said}


@pytest.mark.parametrize("name", sorted(KEY_ROWS))
def test_each_key_row_check_holds_on_the_grown_dataset(stores, grown, name):
    """tests/test_queries.py's checks, run on the grown dataset with expectations from the grown annotations."""
    query = next(q for q in LOCAL_QUERIES if q.name == name)
    bindings = json.loads(_run(stores[1], query).body)["results"]["bindings"]
    KEY_ROWS[name]([{k: v["value"] for k, v in b.items()} for b in bindings], grown.corpus)


# --- build-info stats ---------------------------------------------------------------------------------------------


def test_the_stats_grew_by_exactly_what_the_fixture_adds(built, grown, original):
    before, after = _info(built.out)["stats"], _info(grown.result.out)["stats"]
    assert before == built.stats.to_json() and after == grown.result.stats.to_json()
    fixture = grown.fixture

    added = Counter(f"mkg:{e.type}" for e in fixture.entities)
    added["mkg:NewsArticle"] += 1
    added["mkg:Evidence"] += len(fixture.facts)  # one evidence node per fact
    added["mkg:DateClaim"] += sum(len(f.dates) for f in fixture.facts)  # one claim per date
    assert after["instances_per_class"] == dict(Counter(before["instances_per_class"]) + added)

    graphs_before, graphs_after = before["triples_per_graph"], after["triples_per_graph"]
    new_graph = str(article_graph(grown.number))
    assert set(graphs_after) == {*graphs_before, new_graph}
    assert graphs_after[new_graph] == len(grown.dataset.graph(URIRef(new_graph))) > 0
    # each new entity: its type and label, an alias each, its comment
    declared = sum(2 + len(e.aliases) + (1 if e.comment else 0) for e in fixture.entities)
    assert graphs_after[str(ENTITIES_GRAPH)] == graphs_before[str(ENTITIES_GRAPH)] + declared
    for unchanged in (ONTOLOGY_GRAPH, LINKS_GRAPH, EXTERNAL_GRAPH):
        assert graphs_after[str(unchanged)] == graphs_before[str(unchanged)]
    # the fixture's new names occur in no earlier article, so no earlier article's graph (its mentions) changes
    names = {e.id: (e.label, *e.aliases) for e in fixture.entities}
    assert not any(find_mentions(a.text, names) for a in original.articles)
    for g in original.article_graphs:
        assert graphs_after[g] == graphs_before[g], g
    assert graphs_after[str(INFERRED_GRAPH)] > graphs_before[str(INFERRED_GRAPH)]
    assert after["inferred_triples"] == graphs_after[str(INFERRED_GRAPH)]
    assert after["total_quads"] == sum(graphs_after.values())
