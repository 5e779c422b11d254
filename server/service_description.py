"""The SPARQL 1.1 Service Description answered by GET /sparql with no query."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from ..kg.formats import GRAPH_FORMATS, SOLUTION_FORMATS
from ..kg.namespaces import VOID, bind_prefixes

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def describe(
    endpoint: str, triples_per_graph: dict[str, int], union_triples: int, federated: bool, void: str | None = None
) -> Graph:
    """What a client needs to know: languages, formats, features, and the dataset's graphs with their sizes.

    ``union_triples`` is the default graph's size: distinct triples, the union of the graphs. ``void`` is the URL
    of the dataset's VoID description, which the service and its default dataset point to (rdfs:seeAlso).
    """
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.feature, SD.EmptyGraphs))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        g.add((service, SD.resultFormat, URIRef(f.w3c)))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default-graph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(union_triples, datatype=XSD.integer)))
    if void:
        from rdflib.namespace import RDFS

        from ..kg.void import DATASET

        for node in (service, dataset):
            g.add((node, RDFS.seeAlso, URIRef(void)))
        g.add((dataset, RDFS.seeAlso, DATASET))  # the VoID/DCAT dataset this endpoint serves
    for i, (name, count) in enumerate(sorted(triples_per_graph.items())):
        named, graph = BNode(f"named-graph-{i}"), BNode(f"graph-{i}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g
