"""Run a query against the published dataset from the command line, as a table, CSV or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from .dataset_dir import open_build
from .formats import format_named
from .namespaces import shorten
from .sparql import QueryJob, execute
from .store import open_store

#: The prefixes a table shortens IRIs with: the project's own and Wikidata's (the others stay whole).
TABLE_PREFIXES = ("res", "mkg", "mkgg", "wd")


def render(query: str, data: Path, fmt: str = "table", width: int = 60) -> str:
    """The result of ``query`` on the dataset in ``data``: SELECT as table/CSV/JSON, ASK as yes/no, graphs as Turtle."""

    build = open_build(data)
    store = open_store(build.nquads, build.store)
    solutions = format_named("json" if fmt == "table" else fmt)
    outcome = execute(store, QueryJob(query, solution_format=solutions, limit=100_000))
    if outcome.error:
        raise ValueError(outcome.error)
    if outcome.kind == "graph":
        return outcome.body.decode("utf-8")
    if fmt != "table":
        return outcome.body.decode("utf-8")
    doc = json.loads(outcome.body)
    if outcome.kind == "boolean":
        return ("yes" if doc["boolean"] else "no") + "\n"
    variables = doc["head"]["vars"]
    bindings = doc["results"]["bindings"]
    rows = [[shorten(b[v]["value"], TABLE_PREFIXES) if v in b else "" for v in variables] for b in bindings]
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
