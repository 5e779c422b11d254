"""What the annotations say, so that tests derive their expectations instead of hard-coding today's counts.

A new, correct article changes how many articles, people, statements and graphs there are, and which rows a
saved query returns. A test that must hold however the graph grows asks a :class:`Corpus` (the articles and
entities as ``kg.annotations`` reads them) what to expect. ``Corpus.load()`` reads the project's annotations;
``Corpus.load(other_dir)`` reads a copy, as ``tests/test_growth.py`` does with a sixth article added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from minusma_kg.kg import paths
from minusma_kg.kg.annotations import Article, EntityDecl, Fact, load_articles, load_entities
from minusma_kg.kg.assemble import article_iri, short_id
from minusma_kg.kg.extract import find_mentions
from minusma_kg.kg.namespaces import (
    CURATION_GRAPH,
    ENTITIES_GRAPH,
    EXTERNAL_GRAPH,
    INFERRED_GRAPH,
    LINKS_GRAPH,
    MKG,
    ONTOLOGY_GRAPH,
    article_graph,
)
from rdflib import Graph
from rdflib.namespace import RDFS


@cache
def subclasses(cls: str) -> frozenset[str]:
    """``cls`` and every class the ontology makes a subclass of it, by local name (``Event`` -> ``Coup``, ...)."""
    g = Graph().parse(paths.ONTOLOGY)
    return frozenset(str(c).removeprefix(str(MKG)) for c in g.transitive_subjects(RDFS.subClassOf, MKG[cls]))


@dataclass(frozen=True)
class Corpus:
    """The annotated articles and every declared entity (shared and per article)."""

    articles: tuple[Article, ...]
    entities: tuple[EntityDecl, ...]

    @classmethod
    def load(cls, articles_dir: Path = paths.ARTICLES_DIR, entities_file: Path = paths.ENTITIES) -> Corpus:
        articles = load_articles(articles_dir)
        return cls(tuple(articles), (*load_entities(entities_file), *(e for a in articles for e in a.entities)))

    # --- articles and graphs ------------------------------------------------------------------------------------

    @property
    def numbers(self) -> list[str]:
        """``["000", "001", ...]``: the articles' numbers, in file order."""
        return [short_id(a) for a in self.articles]

    @property
    def article_iris(self) -> set[str]:
        return {str(article_iri(a)) for a in self.articles}

    @property
    def article_graphs(self) -> list[str]:
        return [str(article_graph(n)) for n in self.numbers]

    @property
    def asserted_graphs(self) -> list[str]:
        """Every graph but the inferred one: the default graph that holds the asserted facts only."""
        from minusma_kg.kg import paths
        from minusma_kg.kg.coordinates import read_coordinates
        from minusma_kg.kg.names import read_all_names
        from minusma_kg.kg.namespaces import COORDINATES_GRAPH, names_graph
        from minusma_kg.kg.wikidata_mappings import MAPPINGS_GRAPH  # the ontology's SKOS mappings to Wikidata

        others = (ENTITIES_GRAPH, ONTOLOGY_GRAPH, LINKS_GRAPH, EXTERNAL_GRAPH, CURATION_GRAPH, MAPPINGS_GRAPH)
        languages = sorted({n.lang for n in read_all_names(paths.NAMES_DIR)[0]})  # one graph per kg/names/<lang>.tsv
        places = [str(COORDINATES_GRAPH)] if read_coordinates()[0] else []  # one graph for kg/places/coordinates.tsv
        names = [str(names_graph(lang)) for lang in languages]
        return [*self.article_graphs, *(str(g) for g in others), *names, *places]

    @property
    def named_graphs(self) -> list[str]:
        """Every graph of the dataset: the asserted ones, the inferred one and the saved queries as SPARQL examples."""
        from minusma_kg.kg.examples import EXAMPLES_GRAPH

        return [*self.asserted_graphs, str(INFERRED_GRAPH), str(EXAMPLES_GRAPH)]

    def article(self, number: str) -> Article:
        (found,) = [a for a in self.articles if short_id(a) == number]
        return found

    # --- entities -----------------------------------------------------------------------------------------------

    def entity(self, entity_id: str) -> EntityDecl:
        (found,) = [e for e in self.entities if e.id == entity_id]
        return found

    def label(self, entity_id: str) -> str:
        return self.entity(entity_id).label

    def of_class(self, cls: str) -> set[str]:
        """Ids of the entities declared with ``cls`` or one of its subclasses."""
        classes = subclasses(cls)
        return {e.id for e in self.entities if e.type in classes}

    def instance_counts(self) -> Counter[str]:
        """What ``minusma-kg stats`` counts per class: declared entities, plus articles, evidence and date claims."""
        counts = Counter(f"mkg:{e.type}" for e in self.entities)
        counts["mkg:NewsArticle"] += len(self.articles)
        counts["mkg:Evidence"] += sum(len(a.facts) for a in self.articles)  # one evidence node per fact
        counts["mkg:DateClaim"] += sum(len(f.dates) for a in self.articles for f in a.facts)
        return counts

    # --- facts --------------------------------------------------------------------------------------------------

    def facts(self, about: str | None = None) -> Iterator[tuple[Article, Fact]]:
        for a in self.articles:
            for f in a.facts:
                if about is None or f.about == about:
                    yield a, f

    def sources(self, about: str, key: str | None = None) -> set[str]:
        """IRIs of the articles with a fact about ``about`` (that sets or dates ``key``, if given)."""
        return {str(article_iri(a)) for a, f in self.facts(about) if key is None or key in f.values or key in f.dates}

    def values(self, about: str, prop: str) -> list[Any]:
        """Every value the articles give ``about`` for ``prop``."""
        return [v for _, f in self.facts(about) for v in f.values.get(prop, [])]

    def date_texts(self, about: str, key: str = "when") -> set[str]:
        return {f.dates[key].text for _, f in self.facts(about) if key in f.dates}

    def subjects_with(self, prop: str, value: Any) -> set[str]:
        """Ids of what some fact gives ``value`` for ``prop``."""
        return {f.about for _, f in self.facts() if value in f.values.get(prop, [])}

    def statements_by(self, speaker: str) -> set[str]:
        return self.subjects_with("speaker", speaker) & self.of_class("Statement")

    def reachable(self, start: str, prop: str) -> set[str]:
        """What ``start`` reaches by one or more ``prop`` steps (a transitive property's closure)."""
        seen: set[str] = set()
        todo = [start]
        while todo:
            for v in self.values(todo.pop(), prop):
                if str(v) not in seen:
                    seen.add(str(v))
                    todo.append(str(v))
        return seen

    def reaching(self, target: str, prop: str) -> set[str]:
        """What reaches ``target`` by one or more ``prop`` steps (the inverse's closure)."""
        return {e.id for e in self.entities if target in self.reachable(e.id, prop)}

    def mentions(self) -> dict[str, set[str]]:
        """Entity id -> IRIs of the articles that mention it, found as the build finds them."""
        names = {e.id: (e.label, *e.aliases) for e in self.entities}
        found: dict[str, set[str]] = {}
        for a in self.articles:
            for m in find_mentions(a.text, names):
                found.setdefault(m.entity, set()).add(str(article_iri(a)))
        return found
