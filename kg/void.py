"""VoID and DCAT description of the published dataset: what data integrators read before they link to it."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from kg import __version__
from kg.namespaces import GRAPH, ONTOLOGY_IRI, RES, VOID, WD, bind_prefixes
from kg.stats import Stats

DATASET = RES["dataset"]
SITE = "https://w3id.org/minusma-kg/"
DUMPS = {"minusma-kg.trig": "application/trig", "minusma-kg.nq": "application/n-quads", "minusma-kg.ttl": "text/turtle"}


def describe_dataset(stats: Stats, articles: list[URIRef], links: int) -> Graph:
    """A void:Dataset (also a dcat:Dataset) with a subset per named graph, its dumps, endpoint and sources."""
    g = bind_prefixes(Graph())
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.add((DATASET, RDF.type, VOID.Dataset))
    g.add((DATASET, RDF.type, DCAT.Dataset))
    g.add((DATASET, DCTERMS.title, Literal("MINUSMA knowledge graph", lang="en")))
    g.add((DATASET, DCTERMS.description, Literal(
        "The UN peacekeeping mission in Mali (MINUSMA, 2013-2024) as five news articles report it: mandates, Security "
        "Council resolutions, coups, withdrawals and statements, each fact with its source article and evidence.",
        lang="en")))  # fmt: skip
    g.add((DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((DATASET, DCTERMS.hasVersion, Literal(__version__)))
    g.add((DATASET, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    g.add((DATASET, VOID.uriSpace, Literal(str(RES))))
    g.add((DATASET, VOID.sparqlEndpoint, URIRef(SITE + "sparql")))
    g.add((DATASET, VOID.triples, Literal(stats.total_quads, datatype=XSD.integer)))
    g.add((DATASET, DCAT.keyword, Literal("MINUSMA", lang="en")))
    g.add((DATASET, DCAT.keyword, Literal("peacekeeping", lang="en")))
    g.add((DATASET, DCTERMS.spatial, WD.Q912))
    for article in articles:
        g.add((DATASET, PROV.wasDerivedFrom, article))
    for name, media_type in DUMPS.items():
        dump = URIRef(SITE + "dumps/" + name)
        g.add((DATASET, VOID.dataDump, dump))
        dist = URIRef(SITE + "dumps/" + name + "#distribution")
        g.add((DATASET, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dump))
        g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media_type)))
    for graph, count in stats.triples_per_graph.items():
        subset = URIRef(graph)
        g.add((DATASET, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((subset, RDFS.label, Literal(graph.removeprefix(str(GRAPH)), lang="en")))
    linkset = URIRef(str(GRAPH["wikidata-links"]))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, URIRef("http://www.w3.org/2002/07/owl#sameAs")))
    g.add((linkset, VOID.objectsTarget, URIRef("http://www.wikidata.org/")))
    g.add((linkset, VOID.triples, Literal(links, datatype=XSD.integer)))
    return g
