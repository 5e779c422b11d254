"""Tab-separated files of facts from outside the articles (names in other languages, coordinates), each row with
the public sources that attest it: read once here, with ``file:line`` for every problem.

Such a file has ``#`` comments, blank lines, one header line naming its columns, then one row a fact whose
``sources`` (URLs separated by spaces) and ``confidence`` say why it may be published: only verified facts are
listed, as for Wikidata IDs (kg/wikidata/qids.tsv).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..errors import AnnotationError

#: What "verified" means, and how many sources each level needs: two independent sources (high) or one
#: authoritative source such as the UN's own French page or a Wikipedia infobox (med-high).
CONFIDENCES = {"high": 2, "med-high": 1}
_URL = re.compile(r"^https?://\S+$")


def read_rows(path: Path, columns: tuple[str, ...]) -> tuple[list[tuple[int, list[str]]], list[AnnotationError]]:
    """The data rows of ``path`` with their line numbers, once the header is checked; rows of the wrong width are
    problems, not rows. A wrong header makes the whole file a problem (its columns cannot be trusted)."""
    with path.open(encoding="utf-8", newline="") as fh:
        lines = list(enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1))
    rows: list[tuple[int, list[str]]] = []
    errors: list[AnnotationError] = []
    header_seen = False
    for lineno, row in lines:
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            if tuple(c.strip() for c in row) != columns:
                return [], [AnnotationError(path, lineno, f"the header must be: {' '.join(columns)} (tab-separated)")]
            continue
        if len(row) != len(columns):
            errors.append(
                AnnotationError(path, lineno, f"expected {len(columns)} tab-separated columns, got {len(row)}")
            )
            continue
        rows.append((lineno, row))
    return rows, errors


def sources_problem(sources: list[str], confidence: str, what: str = "names") -> str | None:
    """Why a row's sources do not make it verified, or None."""
    if confidence not in CONFIDENCES:
        levels = ", ".join(CONFIDENCES)
        return f"confidence must be one of {levels} (only verified {what} are listed), not {confidence!r}"
    bad = [s for s in sources if not _URL.match(s)]
    if bad:
        return f"sources must be http(s) URLs separated by spaces: {bad[0]!r}"
    if len(sources) < (needed := CONFIDENCES[confidence]):
        return f"confidence {confidence} needs at least {needed} source(s), got {len(sources)}"
    return None
