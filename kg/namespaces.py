"""Every prefix the project uses, defined once: the build binds them, the endpoint announces them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

MKG = Namespace("https://w3id.org/minusma-kg/ontology#")
RES = Namespace("https://w3id.org/minusma-kg/resource/")
GRAPH = Namespace("https://w3id.org/minusma-kg/graph/")
SDO = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
OA = Namespace("http://www.w3.org/ns/oa#")
#: The Simple Event Model (events aligned: kg/owl_time.py, ontology section "Alignment to ... SEM").
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
#: OWL-Time's Gregorian months (greg:August), the values of time:monthOfYear.
GREG = Namespace("http://www.w3.org/ns/time/gregorian#")
#: The SIB's vocabulary for SPARQL examples (spex:federatesWith), used by the examples graph (kg/examples.py).
SPEX = Namespace("https://purl.expasy.org/sparql-examples/ontology#")
#: W3C Basic Geo (WGS84) vocabulary: geo:lat and geo:long of the places (kg/places/coordinates.tsv).
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

ONTOLOGY_IRI = "https://w3id.org/minusma-kg/ontology"

#: Named graphs that are not article graphs.
ONTOLOGY_GRAPH = GRAPH["ontology"]
ENTITIES_GRAPH = GRAPH["entities"]
LINKS_GRAPH = GRAPH["wikidata-links"]
EXTERNAL_GRAPH = GRAPH["external-facts"]
INFERRED_GRAPH = GRAPH["inferred"]
#: Where each evidence passage was annotated (YAML file and line): the curators' bookkeeping, not what articles say.
CURATION_GRAPH = GRAPH["curation"]
#: The places' coordinates (kg/places/coordinates.tsv): facts not in the articles, with the pages that give them.
COORDINATES_GRAPH = GRAPH["coordinates"]

PREFIXES: dict[str, str] = {
    "mkg": str(MKG),
    "res": str(RES),
    "mkgg": str(GRAPH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SDO),
    "time": str(TIME),
    "org": str(ORG),
    "foaf": str(FOAF),
    "wd": str(WD),
    "wdt": str(WDT),
    "oa": str(OA),
    "sem": str(SEM),
    "greg": str(GREG),
    "geo": str(GEO),
}

A = RDF.type


def article_graph(article_id: str) -> URIRef:
    """The named graph that holds what one article says."""
    return GRAPH[f"article/{article_id}"]


def names_graph(lang: str) -> URIRef:
    """The named graph of the entities' names in one language from sources other than the articles (kg/names/)."""
    return GRAPH[f"names/{lang}"]


def bind_prefixes(g: Graph) -> Graph:
    """Bind the project's prefixes (and only those) so every serialisation reads the same."""
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


#: A local name that reads as a prefixed name (``mkg:Coup``); minted names (below) are shortened whatever they hold.
#: ``server/static/app.js``'s ``shortIri`` applies the same rule in the page
#: (tests/test_browser.py compares the two).
_LOCAL_NAME = re.compile(r"[\w.-]+")
#: The prefixes of the IRIs the project mints (resources, named graphs): shortened whatever their local part holds
#: (``mkgg:article/003``), since a reader knows them by those names.
MINTED = frozenset({"res", "mkgg"})


def shorten(iri: str, prefixes: Iterable[str] | None = None) -> str:
    """The prefixed name of ``iri`` under the longest matching project prefix (``res:coup-2020``), else the IRI.

    ``prefixes`` limits the candidates (the command line's tables use only the project's own and Wikidata's).
    """
    allowed = PREFIXES if prefixes is None else {p: PREFIXES[p] for p in prefixes}
    for prefix, ns in sorted(allowed.items(), key=lambda kv: -len(kv[1])):
        rest = iri[len(ns) :]
        if iri.startswith(ns) and (prefix in MINTED or _LOCAL_NAME.fullmatch(rest)):
            return f"{prefix}:{rest}"
    return iri


def sparql_prologue(*names: str) -> str:
    """PREFIX lines for queries written in code, so no namespace is spelled twice: the named prefixes, or every
    announced one when none is named.

    >>> print(sparql_prologue("mkg", "rdfs"), end="")
    PREFIX mkg: <https://w3id.org/minusma-kg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    """
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in names or PREFIXES)
