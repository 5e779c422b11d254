"""The saved queries (queries/*.rq) as SPARQL examples in RDF, as SIB's endpoints publish theirs.

Each query is a ``sh:SPARQLExecutable`` and, by its form, a ``sh:SPARQLSelectExecutable`` (``sh:select``),
``sh:SPARQLConstructExecutable`` (``sh:construct``) or ``sh:SPARQLAskExecutable`` (``sh:ask``); a DESCRIBE
uses SIB's ``sh:describe``. Its title is the rdfs:label, its description the rdfs:comment, its tags
schema:keywords, the endpoint its schema:target, and a SERVICE call names the endpoint it federates with.
The build adds them as their own named graph, ``…/graph/examples``; the server also answers them at
``/.well-known/sparql-examples``.
"""

from __future__ import annotations

import re

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from .namespaces import GRAPH, SDO, SH, SPEX
from .queries import SavedQuery

EXAMPLES_GRAPH = GRAPH["examples"]
#: The examples' IRIs: fragments of the document /.well-known/sparql-examples serves.
EXAMPLES = Namespace("https://w3id.org/minusma-kg/.well-known/sparql-examples#")
ENDPOINT = URIRef("https://w3id.org/minusma-kg/sparql")
_FORMS = {
    "SELECT": (SH.SPARQLSelectExecutable, SH.select),
    "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
    "ASK": (SH.SPARQLAskExecutable, SH.ask),
    "DESCRIBE": (None, SH.describe),
}
_SERVICE = re.compile(r"\bSERVICE\s+(?:SILENT\s+)?<([^>]+)>", re.IGNORECASE)


def body(query: SavedQuery) -> str:
    """The query without its header comments (they are in the RDF)."""
    lines = query.text.splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines).strip() + "\n"


def examples_graph(queries: list[SavedQuery], graph: Graph | None = None) -> Graph:
    """Every saved query as a SHACL SPARQL executable."""
    g = graph if graph is not None else Graph()
    for query in queries:
        node = EXAMPLES[query.name]
        kind, prop = _FORMS[query.form]
        g.add((node, RDF.type, SH.SPARQLExecutable))
        if kind is not None:
            g.add((node, RDF.type, kind))
        g.add((node, RDFS.label, Literal(query.title, lang="en")))
        g.add((node, RDFS.comment, Literal(query.description, lang="en")))
        g.add((node, prop, Literal(body(query))))
        g.add((node, SDO.target, ENDPOINT))
        for tag in query.tags:
            g.add((node, SDO.keywords, Literal(tag)))
        for service in dict.fromkeys(_SERVICE.findall(query.text)):
            g.add((node, SPEX.federatesWith, URIRef(service)))
    return g


def add_examples(ds: Dataset, queries: list[SavedQuery]) -> None:
    """Add the examples graph of ``queries`` (the saved queries, read once by the build) to the dataset."""
    ds.bind("sh", SH, override=False)
    ds.bind("spex", SPEX, override=False)
    examples_graph(queries, ds.graph(EXAMPLES_GRAPH))
