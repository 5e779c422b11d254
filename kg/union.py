"""The union of a dataset's graphs, each triple once: the one place it is computed, in each form the code needs.

The union is what the endpoint's default graph holds, what the shapes see and what the reasoner reads. It exists
in three forms, one function each:

- :func:`union_triples`, the triples of an rdflib dataset read in place, some graphs left out (the reasoner's input:
  copying the union into a graph of its own cost more than reasoning over it);
- :func:`union_graph`, the same triples copied into one rdflib graph (validating a dataset that holds the inferred
  graph, and tests that compare with it);
- :func:`add_union`, a pyoxigraph store's default graph filled with its named graphs' triples (the in-memory store
  of an older build, a store written without the build's N-Triples).

The build's published union (N-Triples bytes, :attr:`kg.publish.Dump.union`) comes out of the same pass as the
sorted N-Quads; the store, the Turtle dump and the VoID counts all take those bytes rather than computing it again.

Opening a build (:mod:`kg.dataset_dir`, through :mod:`kg.store`) must not load rdflib, so rdflib is imported only
where an rdflib graph is made.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib import Dataset, Graph, URIRef

    from .rules import Triple


def union_triples(ds: Dataset, exclude: Collection[URIRef] = ()) -> Iterator[Triple]:
    """Each triple of ``ds`` once, but those only in the ``exclude`` graphs, read in place."""
    store = ds.store
    skip: set[Triple] = set()
    for graph in ds.graphs():
        if graph.identifier in exclude:
            skip.update(t for t in graph if all(getattr(g, "identifier", g) in exclude for g in store.contexts(t)))
    for t, _ in store.triples((None, None, None), None):  # no context: the union, each triple once
        if t not in skip:
            yield t


def union_graph(ds: Dataset, exclude: Collection[URIRef] | None = None) -> Graph:
    """:func:`union_triples` in one graph with the project's prefixes; by default every asserted triple (all graphs
    but the inferred one), as the shapes see the data."""
    from rdflib import Graph

    from .namespaces import INFERRED_GRAPH, bind_prefixes

    g = bind_prefixes(Graph())
    g.addN((*t, g) for t in union_triples(ds, (INFERRED_GRAPH,) if exclude is None else exclude))
    return g


def add_union(store: ox.Store) -> None:
    """Fill the default graph of ``store`` with the triples of its named graphs, each once."""
    union = {(q.subject, q.predicate, q.object) for q in store}
    store.bulk_extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in union)
