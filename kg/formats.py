"""Every serialisation the project writes, described once: media type, file extension, label and serialisers.

The endpoint negotiates among these (:mod:`minusma_kg.server.formats`), query jobs carry them
(:class:`minusma_kg.kg.sparql.QueryJob`), the dumps and the download links name their files with them, and the
service description announces them. Each :class:`Format` names its serialiser in both engines, pyoxigraph and
rdflib, by name rather than by object: importing this module (which opening a build does, in every query worker and
HTTP process) must not load either RDF library, and a job that crosses into a worker process stays a few strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: What a query result is: a table of solutions (SELECT), a yes or no (ASK), or triples (CONSTRUCT, DESCRIBE).
Kind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class Format:
    """One serialisation: how it is named on the wire, on disk and to a reader, and which writer produces it."""

    #: The project's name for it (stable: saved-query links and tests use it).
    key: str
    media_type: str
    #: Values accepted by ``format=`` (the first is what the page's download links ask for).
    aliases: tuple[str, ...]
    #: The http://www.w3.org/ns/formats/ IRI, for the service description.
    w3c: str
    #: The file extension of a download, without the dot.
    extension: str
    #: A name a student knows ("Turtle", "CSV").
    label: str
    #: pyoxigraph's writer: a member of ``RdfFormat`` (graphs) or ``QueryResultsFormat`` (results), by name.
    oxigraph: str
    #: rdflib's serializer name (rdflib writes ASK answers and the VoID and Linked Data graphs it builds itself).
    rdflib: str
    #: Whether the format keeps named graphs (TriG, N-Quads): the others hold each triple once.
    quads: bool = False
    text: bool = True

    @property
    def content_type(self) -> str:
        """The Content-Type header: text formats say their charset."""
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type


_W3 = "http://www.w3.org/ns/formats/"
#: SELECT results, in the order offered (the first is the default for a client that accepts anything).
SOLUTION_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("json", "srj"), _W3 + "SPARQL_Results_JSON", "srj", "JSON",
           "JSON", "json"),
    Format("xml", "application/sparql-results+xml", ("xml", "srx"), _W3 + "SPARQL_Results_XML", "srx", "XML",
           "XML", "xml"),
    Format("csv", "text/csv", ("csv",), _W3 + "SPARQL_Results_CSV", "csv", "CSV", "CSV", "csv"),
    Format("tsv", "text/tab-separated-values", ("tsv",), _W3 + "SPARQL_Results_TSV", "tsv", "TSV", "TSV", "tsv"),
)  # fmt: skip
#: ASK results: the SPARQL result formats that can say yes or no.
BOOLEAN_FORMATS: tuple[Format, ...] = SOLUTION_FORMATS[:2]
#: CONSTRUCT and DESCRIBE results, resource pages, named graphs and the dumps.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("ttl", "turtle"), _W3 + "Turtle", "ttl", "Turtle", "TURTLE", "turtle"),
    Format("ntriples", "application/n-triples", ("nt", "ntriples", "n-triples"), _W3 + "N-Triples", "nt",
           "N-Triples", "N_TRIPLES", "nt"),
    Format("rdfxml", "application/rdf+xml", ("rdfxml", "rdf", "rdf+xml"), _W3 + "RDF_XML", "rdf", "RDF/XML",
           "RDF_XML", "xml"),
    Format("jsonld", "application/ld+json", ("jsonld", "json-ld"), _W3 + "JSON-LD", "jsonld", "JSON-LD", "JSON_LD",
           "json-ld"),
    Format("trig", "application/trig", ("trig",), _W3 + "TriG", "trig", "TriG", "TRIG", "trig", quads=True),
    Format("nquads", "application/n-quads", ("nq", "nquads", "n-quads"), _W3 + "N-Quads", "nq", "N-Quads",
           "N_QUADS", "nquads", quads=True),
)  # fmt: skip
#: The formats each kind of result can be written in.
BY_KIND: dict[Kind, tuple[Format, ...]] = {
    "solutions": SOLUTION_FORMATS,
    "boolean": BOOLEAN_FORMATS,
    "graph": GRAPH_FORMATS,
}
_BY_KEY = {f.key: f for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)}


def format_named(key: str) -> Format:
    """The format whose key is ``key`` (``"json"``, ``"turtle"``); KeyError for a name the project does not use."""
    return _BY_KEY[key]
