"""VoID and DCAT description of the published dataset: what data integrators read before they link to it."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD

from .. import __version__
from .layout import DUMPS
from .namespaces import GRAPH, ONTOLOGY_IRI, RES, VOID, WD, bind_prefixes
from .stats import Stats

DATASET = RES["dataset"]
SITE = "https://w3id.org/minusma-kg/"
#: The dumps are also served gzip-compressed, at the same address plus ".gz".
GZIP = "application/gzip"
#: When the dataset was first published.
ISSUED = dt.date(2026, 11, 22)
PUBLISHER = "The minusma-kg project"
IANA = "https://www.iana.org/assignments/media-types/"


def vocabulary(iri: str) -> str:
    """The namespace a term belongs to: up to its last '#', else its last '/'."""
    cut = iri.rfind("#") if "#" in iri else iri.rfind("/")
    return iri[: cut + 1]


def modified() -> dt.date:
    """The build's date, or SOURCE_DATE_EPOCH's for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def _partitions(g: Graph, union: bytes) -> None:
    """Distinct triples, subjects, objects; vocabularies; a class partition and a property partition.

    Counted on the union as N-Triples, each triple once (:attr:`kg.publish.Dump.union`), parsed by pyoxigraph:
    reading the rdflib dataset's quads again cost seconds per hundred articles.
    """
    rdf_type = ox.NamedNode(str(RDF.type))
    subjects: set[object] = set()
    objects: set[object] = set()
    per_property: Counter[str] = Counter()
    instances: dict[str, set[object]] = {}
    count = 0
    for t in ox.parse(union, format=ox.RdfFormat.N_TRIPLES):
        count += 1
        subjects.add(t.subject)
        objects.add(t.object)
        per_property[t.predicate.value] += 1
        if t.predicate == rdf_type and isinstance(t.object, ox.NamedNode):
            instances.setdefault(t.object.value, set()).add(t.subject)
    g.add((DATASET, VOID.triples, Literal(count, datatype=XSD.integer)))
    g.add((DATASET, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    g.add((DATASET, VOID.distinctObjects, Literal(len(objects), datatype=XSD.integer)))
    g.add((DATASET, VOID.properties, Literal(len(per_property), datatype=XSD.integer)))
    g.add((DATASET, VOID.classes, Literal(len(instances), datatype=XSD.integer)))
    used = {vocabulary(p) for p in per_property} | {vocabulary(c) for c in instances}
    for ns in sorted(used):
        g.add((DATASET, VOID.vocabulary, URIRef(ns)))
    for i, (cls, members) in enumerate(sorted(instances.items())):
        node = BNode(f"class-partition-{i}")
        g.add((DATASET, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, Literal(len(members), datatype=XSD.integer)))
    for i, (prop, n) in enumerate(sorted(per_property.items())):
        node = BNode(f"property-partition-{i}")
        g.add((DATASET, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, Literal(n, datatype=XSD.integer)))


def describe_dataset(stats: Stats, articles: list[URIRef], links: int, union: bytes | None = None) -> Graph:
    """A void:Dataset (also a dcat:Dataset) with a subset per named graph, its dumps, endpoint and sources.

    Given the ``union`` (N-Triples, each triple of any graph once), the counts are of its distinct triples (a triple
    several graphs state counts once), with the vocabularies it uses and a class and a property partition; without
    it, the quad count.
    """
    g = bind_prefixes(Graph())
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.add((DATASET, RDF.type, VOID.Dataset))
    g.add((DATASET, RDF.type, DCAT.Dataset))
    g.add((DATASET, DCTERMS.title, Literal("MINUSMA knowledge graph", lang="en")))
    reported = f"{len(articles)} news article{'s' if len(articles) != 1 else ''}"  # grows with the corpus
    g.add((DATASET, DCTERMS.description, Literal(
        f"The UN peacekeeping mission in Mali (MINUSMA, 2013-2024) as {reported} report it: mandates, Security "
        "Council resolutions, coups, withdrawals and statements, each fact with its source article and evidence.",
        lang="en")))  # fmt: skip
    g.add((DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((DATASET, DCTERMS.hasVersion, Literal(__version__)))
    g.add((DATASET, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    g.add((DATASET, VOID.uriSpace, Literal(str(RES))))
    g.add((DATASET, VOID.sparqlEndpoint, URIRef(SITE + "sparql")))
    if union is not None:
        _partitions(g, union)
    else:
        g.add((DATASET, VOID.triples, Literal(stats.total_quads, datatype=XSD.integer)))
    g.add((DATASET, DCTERMS.issued, Literal(ISSUED.isoformat(), datatype=XSD.date)))
    g.add((DATASET, DCTERMS.modified, Literal(modified().isoformat(), datatype=XSD.date)))
    publisher = URIRef(SITE + "#publisher")
    for prop in (DCTERMS.publisher, DCTERMS.creator):
        g.add((DATASET, prop, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(PUBLISHER, lang="en")))
    g.add((publisher, FOAF.homepage, URIRef(SITE)))
    g.add((DATASET, FOAF.homepage, URIRef(SITE)))
    g.add((DATASET, DCTERMS.temporal, _period(g)))
    g.add((DATASET, DCAT.keyword, Literal("MINUSMA", lang="en")))
    g.add((DATASET, DCAT.keyword, Literal("peacekeeping", lang="en")))
    g.add((DATASET, DCTERMS.spatial, WD.Q912))
    for article in articles:
        g.add((DATASET, PROV.wasDerivedFrom, article))
        g.add((DATASET, DCTERMS.source, article))
    for name, dump_format in DUMPS.items():
        for compressed in (False, True):
            file = name + (".gz" if compressed else "")
            dump = URIRef(SITE + "dumps/" + file)
            g.add((DATASET, VOID.dataDump, dump))
            dist = URIRef(SITE + "dumps/" + file + "#distribution")
            g.add((DATASET, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCAT.downloadURL, dump))
            g.add((dist, DCAT.mediaType, URIRef(IANA + dump_format.media_type)))
            g.add((dist, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
            if compressed:
                g.add((dist, DCAT.compressFormat, URIRef(IANA + GZIP)))
    for graph, count in stats.triples_per_graph.items():
        subset = URIRef(graph)
        g.add((DATASET, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((subset, RDFS.label, Literal(graph.removeprefix(str(GRAPH)), lang="en")))
    linkset = URIRef(str(GRAPH["wikidata-links"]))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, OWL.sameAs))
    g.add((linkset, VOID.objectsTarget, URIRef("http://www.wikidata.org/")))
    g.add((linkset, VOID.triples, Literal(links, datatype=XSD.integer)))
    return g


def _period(g: Graph) -> URIRef:
    """The mission's years, 2013 to 2024, as a dcterms:PeriodOfTime."""
    period = URIRef(SITE + "#period")
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal("2013", datatype=XSD.gYear)))
    g.add((period, DCAT.endDate, Literal("2024", datatype=XSD.gYear)))
    return period
