"""Saved example queries (``queries/*.rq``): the header is parsed once, here, for the CLI, the server and tests.

A file starts with contiguous comment lines ``# key: value`` (continuation lines start with ``#   ``):

    # title: Withdrawals by country and date
    # description: Which contingents left Mali, and when? ...
    # tags: withdrawals, timeline
    # view: timeline
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import QueryFileError
from . import paths

TAGS = frozenset(
    {
        "timeline", "mission", "mandates", "resolutions", "coups", "withdrawals", "people", "statements",
        "provenance", "conflicts", "reasoning", "wikidata", "needs-internet", "places", "organisations",
        "security-council", "secretary-general", "dates", "aggregate", "construct", "ask", "property-path",
        "federated", "alliances", "human-rights",
    }
)  # fmt: skip
VIEWS = frozenset({"table", "timeline", "chart", "graph", "map"})
REQUIRED = ("title", "description", "tags")
_KEY = re.compile(r"^#\s*(?P<key>[a-z]+):\s?(?P<value>.*)$")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SavedQuery:
    """One saved query with its metadata."""

    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    view: str
    text: str
    path: Path

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside the header and prologue."""
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("#"))
        body = re.sub(r"<[^>]*>", "<>", body)
        m = _FORM.search(body)
        return m.group(1).upper() if m else "SELECT"

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name, "title": self.title, "description": self.description, "tags": list(self.tags),
            "view": self.view, "form": self.form, "query": self.text,
        }  # fmt: skip


def parse_saved_query(path: Path) -> SavedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    key = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        m = _KEY.match(line)
        if m and m["key"] in (*REQUIRED, "view"):
            key = m["key"]
            header[key] = m["value"].strip()
        elif key and line.startswith("#   "):
            header[key] += " " + line[4:].strip()
        else:
            raise QueryFileError(f"{path}:{lineno}: expected '# key: value' or a '#   ' continuation, got {line!r}")
    for required in REQUIRED:
        if not header.get(required):
            raise QueryFileError(f"{path}:1: the header has no '# {required}:' line")
    tags = tuple(t.strip() for t in header["tags"].split(",") if t.strip())
    unknown = set(tags) - TAGS
    if unknown:
        raise QueryFileError(f"{path}: unknown tags {sorted(unknown)}; known: {sorted(TAGS)}")
    view = header.get("view", "table")
    if view not in VIEWS:
        raise QueryFileError(f"{path}: view must be one of {sorted(VIEWS)}, not {view!r}")
    return SavedQuery(path.stem, header["title"], header["description"], tags, view, text, path)


def load_saved_queries(directory: Path = paths.QUERIES_DIR) -> list[SavedQuery]:
    """Every saved query, in file-name order (the number prefix sets the order)."""
    return [parse_saved_query(p) for p in sorted(directory.glob("*.rq"))]


def write_saved_queries(queries: list[SavedQuery], directory: Path) -> None:
    """Write the saved queries into a build's ``directory`` (new), under their file names, as the build read them.

    The server reads them from there, never from the sources: the questions it offers are those the build
    published as SPARQL examples, whatever the checkout holds now.
    """
    directory.mkdir()
    for query in queries:
        (directory / query.path.name).write_bytes(query.text.encode("utf-8"))


def read_query_file(path: Path) -> SavedQuery:
    """An ad hoc ``.rq`` file, header or not: only the saved queries in ``queries/`` must describe themselves."""
    return SavedQuery(path.stem, path.stem, "", (), "table", path.read_text(encoding="utf-8"), path)


def find_saved_query(name_or_file: str, directory: Path = paths.QUERIES_DIR) -> SavedQuery:
    """A saved query by name (``05-withdrawals``), by number prefix (``05``) or by file path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        in_directory = path.resolve().parent == directory.resolve()
        return parse_saved_query(path) if in_directory else read_query_file(path)
    matches = [q for q in load_saved_queries(directory) if name_or_file in (q.name, q.name.split("-")[0])]
    if len(matches) != 1:
        raise KeyError(f"no saved query {name_or_file!r} (see 'minusma-kg query --list')")
    return matches[0]
