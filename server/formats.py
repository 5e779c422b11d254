"""Result formats, their media types, and content negotiation (Accept with q-values, or ``format=``)."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Format:
    """One serialisation the endpoint can produce."""

    key: str  # the engine's name for it
    media_type: str
    aliases: tuple[str, ...]  # values accepted by format=
    w3c: str  # the http://www.w3.org/ns/formats/ IRI, for the service description
    rdflib: str | None = None  # rdflib's serializer name, for RDF the app serialises itself
    text: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type


_W3 = "http://www.w3.org/ns/formats/"  # the W3C's IRIs for the formats (SPARQL service descriptions)
SOLUTION_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("json", "srj"), _W3 + "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", ("xml", "srx"), _W3 + "SPARQL_Results_XML"),
    Format("csv", "text/csv", ("csv",), _W3 + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", ("tsv",), _W3 + "SPARQL_Results_TSV"),
)
BOOLEAN_FORMATS: tuple[Format, ...] = SOLUTION_FORMATS[:2]
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("turtle", "ttl"), _W3 + "Turtle", "turtle"),
    Format("ntriples", "application/n-triples", ("nt", "ntriples", "n-triples"), _W3 + "N-Triples", "nt"),
    Format("rdfxml", "application/rdf+xml", ("rdfxml", "rdf", "rdf+xml"), _W3 + "RDF_XML", "xml"),
    Format("jsonld", "application/ld+json", ("jsonld", "json-ld"), _W3 + "JSON-LD", "json-ld"),
    Format("trig", "application/trig", ("trig",), _W3 + "TriG", "trig"),
    Format("nquads", "application/n-quads", ("nq", "nquads", "n-quads"), _W3 + "N-Quads", "nquads"),
)
#: Media types some clients send for the same formats.
SYNONYMS = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}


def negotiate(formats: tuple[Format, ...], accept: MIMEAccept, format_param: str | None) -> Format | None:
    """The format to answer in: ``format=`` wins, then the best Accept match; None when nothing is acceptable.

    An absent Accept header, or ``*/*``, gets the first format of the list.
    """
    if format_param:
        wanted = format_param.strip().lower()
        for f in formats:
            if wanted in f.aliases or wanted == f.media_type:
                return f
        if SYNONYMS.get(wanted):
            return next((f for f in formats if f.media_type == SYNONYMS[wanted]), None)
        return None
    if not accept:
        return formats[0]
    offered = [f.media_type for f in formats] + [s for s, t in SYNONYMS.items() if t in {f.media_type for f in formats}]
    best = accept.best_match(offered)
    if best is None:
        return None
    best = SYNONYMS.get(best, best)
    return next(f for f in formats if f.media_type == best)


def acceptable(formats: tuple[Format, ...]) -> str:
    """The media types offered, for a 406 message."""
    return ", ".join(f.media_type for f in formats)
