"""Counts that tell a reader what is in the graph: triples per graph, instances per class, inferences."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Dataset, URIRef

from .namespaces import ENTITIES_GRAPH, GRAPH, INFERRED_GRAPH, MKG, A, shorten

#: The named graphs of the articles start so.
ARTICLE_GRAPHS = str(GRAPH["article/"])


@dataclass
class Stats:
    """What ``minusma-kg build`` and ``minusma-kg stats`` print, and ``build-info.json`` stores."""

    triples_per_graph: dict[str, int] = field(default_factory=dict)
    instances_per_class: dict[str, int] = field(default_factory=dict)
    inferred_triples: int = 0
    total_quads: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "triples_per_graph": self.triples_per_graph,
            "instances_per_class": self.instances_per_class,
            "inferred_triples": self.inferred_triples,
            "total_quads": self.total_quads,
        }

    def render(self) -> str:
        width = max(len(k) for k in [*self.triples_per_graph, *self.instances_per_class, "x" * 20])
        lines = ["Triples per named graph:"]
        lines += [f"  {g:<{width}} {n:>7}" for g, n in self.triples_per_graph.items()]
        lines += [f"  {'total (quads)':<{width}} {self.total_quads:>7}", "", "Instances per class (asserted):"]
        lines += [f"  {c:<{width}} {n:>7}" for c, n in self.instances_per_class.items()]
        lines += ["", f"Inferred triples (OWL 2 RL, useful and new): {self.inferred_triples}"]
        return "\n".join(lines)


def compute(ds: Dataset) -> Stats:
    """Stats of a built dataset (asserted graphs plus the inferred graph).

    Each count is one pass over the store: a lookup per article graph would scan every graph's matches each time.
    """
    per_graph: dict[str, int] = {}
    article_graphs = False
    for g in ds.graphs():
        if len(g):
            per_graph[str(g.identifier)] = len(g)
        article_graphs = article_graphs or str(g.identifier).startswith(ARTICLE_GRAPHS)
    classes: Counter[str] = Counter()
    for _s, o in ds.graph(ENTITIES_GRAPH).subject_objects(A):
        if isinstance(o, URIRef) and (name := shorten(str(o), ("mkg",))) != str(o):  # mkg:Coup, an ontology class
            classes[name] += 1
    if article_graphs:
        for cls in (MKG.NewsArticle, MKG.Evidence, MKG.DateClaim):  # minted per article, not in the registry
            classes[shorten(str(cls), ("mkg",))] += sum(
                1 for *_, g in ds.quads((None, A, cls, None)) if g is not None and str(g).startswith(ARTICLE_GRAPHS)
            )
    return Stats(
        triples_per_graph=dict(sorted(per_graph.items())),
        instances_per_class=dict(sorted(classes.items())),
        inferred_triples=len(ds.graph(INFERRED_GRAPH)),
        total_quads=sum(per_graph.values()),
    )
