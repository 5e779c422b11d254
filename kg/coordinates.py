"""Coordinates of the graph's places, read from ``kg/places/coordinates.tsv``, for the query page's map.

The articles name Bamako, Gao and Moura but never say where they are, so their coordinates are facts from elsewhere:
each row cites the public pages that give it, only verified rows are listed (two independent sources, or one
authoritative one that a second places consistently, as for names in :mod:`kg.names`), and the build publishes them
in one named graph of their own (:func:`kg.namespaces.coordinates_graph`), derived from that file, never in the
article graphs. Regions (the Sahel, West Africa) get no point.

File format (tab-separated, UTF-8, ``#`` comments, a header line)::

    entity  lat    long   sources                  confidence  note
    bamako  12.65  -8.00  https://... https://...  high        ...

``lat`` and ``long`` are WGS84 decimal degrees (north and east positive), published as ``geo:lat``/``geo:long``
typed ``xsd:decimal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import AnnotationError
from . import paths
from .sourced_tsv import read_rows, sources_problem

COLUMNS = ("entity", "lat", "long", "sources", "confidence", "note")
#: The coordinates file, beside the entity registry as kg/names/ and kg/wikidata/ are.
COORDINATES_FILE = paths.PLACES_DIR / "coordinates.tsv"
_DEGREES = re.compile(r"^-?\d{1,3}(\.\d{1,6})?$")


@dataclass(frozen=True)
class Coordinates:
    """Where one place is, with the sources that say so."""

    entity: str
    lat: Decimal
    long: Decimal
    sources: tuple[str, ...]
    confidence: str
    file: str
    line: int


def read_coordinates(path: Path = COORDINATES_FILE) -> tuple[list[Coordinates], list[AnnotationError]]:
    """The rows of a coordinates file and its problems, each with file and line (a missing file has no rows)."""
    if not path.is_file():
        return [], []
    places: list[Coordinates] = []
    rows, errors = read_rows(path, COLUMNS)
    seen: dict[str, int] = {}
    for lineno, row in rows:
        entity, lat, long, sources, confidence = (c.strip() for c in row[:5])
        problem = _problem(entity, lat, long) or sources_problem(sources.split(), confidence, "rows")
        if problem:
            errors.append(AnnotationError(path, lineno, problem))
            continue
        if entity in seen:
            errors.append(AnnotationError(path, lineno, f"{entity!r} already has coordinates at line {seen[entity]}"))
            continue
        seen[entity] = lineno
        places.append(
            Coordinates(entity, Decimal(lat), Decimal(long), tuple(sources.split()), confidence, str(path), lineno)
        )
    return places, errors


def _problem(entity: str, lat: str, long: str) -> str | None:
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", entity):
        return f"the entity must be an id of kg/entities.yaml such as bamako, not {entity!r}"
    for name, value, limit in (("lat", lat, 90), ("long", long, 180)):
        if not _DEGREES.match(value):
            return f"{name} must be decimal degrees such as 12.65 or -8.00, not {value!r}"
        try:
            degrees = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
            return f"{name} {value!r} is not a number"
        if abs(degrees) > limit:
            return f"{name} must lie between -{limit} and {limit}, not {value}"
    return None
