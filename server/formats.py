"""HTTP content negotiation (Accept with q-values, or ``format=``) over the project's formats (:mod:`kg.formats`)."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from ..kg.formats import Format

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
