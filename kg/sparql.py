"""Run one SPARQL query on the dataset and serialise its answer: the same function for the command line and the server.

``minusma-kg query`` calls :func:`execute` on a store it opened (:func:`minusma_kg.kg.store.open_store`); the
endpoint calls it inside its killable worker processes (:mod:`minusma_kg.server.engine`), which add the timeout,
the memory cap and the sandbox around it. Both therefore answer alike, byte for byte.

An answer is capped twice, at ``job.limit`` rows and at ``job.max_bytes`` bytes; a capped answer says how it was
cut, and it is cut lazily, so a query that would produce gigabytes costs no more than the cap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pyoxigraph as ox

from .formats import Format, Kind, format_named
from .namespaces import PREFIXES

_Item = TypeVar("_Item")
#: The defaults of a job: what a client that accepts anything gets.
SPARQL_JSON, TURTLE = format_named("json"), format_named("turtle")
#: Why an answer was cut: at the row limit or at the byte limit.
Cut = Literal["rows", "bytes"]


@dataclass(frozen=True)
class QueryJob:
    """A query and how to answer it: the formats the client accepts, the dataset to query, the caps."""

    query: str
    default_graphs: tuple[str, ...] | None = None  # None: the union of every graph
    named_graphs: tuple[str, ...] | None = None  # None: every named graph
    #: The format for each kind of result; None: the client accepts no format for that kind (406).
    solution_format: Format | None = SPARQL_JSON
    boolean_format: Format | None = SPARQL_JSON
    graph_format: Format | None = TURTLE
    limit: int = 10_000
    #: Most bytes of a serialised answer; a longer one is cut (at a row boundary) and says so.
    max_bytes: int = 64 * 1024 * 1024
    #: Variables bound to IRIs before evaluation (SEP-0007 substitution): user input as terms, never as text.
    bindings: tuple[tuple[str, str], ...] = ()


@dataclass
class QueryOutcome:
    """A serialised result, or why there is none."""

    kind: Kind | None
    body: bytes = b""
    format: Format | None = None
    truncated: bool = False  # cut at job.limit rows or job.max_bytes bytes
    truncated_by: Cut | None = None
    count: int = 0
    error: str | None = None  # a syntax or evaluation error: the client's fault (400)
    not_acceptable: bool = False


def rdf_format(fmt: Format) -> ox.RdfFormat:
    """pyoxigraph's writer for a graph format."""
    return getattr(ox.RdfFormat, fmt.oxigraph)  # type: ignore[no-any-return]  # a member, named in kg.formats


def serialize_rdf(items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: Format, prefixes: dict[str, str]) -> bytes:
    """Triples or quads in ``fmt``; Turtle and TriG with ``prefixes`` declared (the others have no prefixes)."""
    writer = rdf_format(fmt)
    if writer in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return ox.serialize(items, format=writer, prefixes=prefixes) or b""
    return ox.serialize(items, format=writer) or b""


def _tsv_rows(result: ox.QuerySolutions, job: QueryJob) -> tuple[list[str], Cut | None]:
    """The rows as SPARQL TSV lines, at most ``job.limit`` of them within ``job.max_bytes`` characters, read lazily.

    A cell is the term's N-Triples form (exactly what pyoxigraph prints for a term), empty when unbound; each row
    is printed once, and its length is what the byte bound counts.
    """
    lines: list[str] = []
    total = 0
    for row in result:
        if len(lines) == job.limit:
            return lines, "rows"
        line = "\t".join("" if term is None else str(term) for term in row)  # in the order of result.variables
        total += len(line) + 1
        if total > job.max_bytes:
            return lines, "bytes"
        lines.append(line)
    return lines, None


def _serialize_solutions(variables: list[str], lines: list[str], fmt: Format) -> bytes:
    """Serialise (capped) TSV rows with pyoxigraph's own writers: read back as a result set, which its JSON, XML
    and CSV writers take."""
    tsv = ("\t".join(f"?{v}" for v in variables) + "\n" + "".join(line + "\n" for line in lines)).encode("utf-8")
    if fmt.key == "tsv":
        return tsv
    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return solutions.serialize(format=getattr(ox.QueryResultsFormat, fmt.oxigraph)) or b""


def _serialize_boolean(answer: bool, fmt: Format) -> bytes:
    from rdflib.query import Result

    result = Result("ASK")
    result.askAnswer = answer
    return result.serialize(format=fmt.rdflib, encoding="utf-8")  # type: ignore[return-value]  # bytes with encoding


def _serialize_graph(triples: list[ox.Triple], fmt: Format) -> bytes:
    if rdf_format(fmt).supports_datasets:  # TriG, N-Quads and JSON-LD write quads: the triples, in the default graph
        return serialize_rdf([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples], fmt,
                             PREFIXES)  # fmt: skip
    return serialize_rdf(triples, fmt, PREFIXES)


def execute(store: ox.Store, job: QueryJob) -> QueryOutcome:
    """Evaluate one query and serialise its result in the negotiated format, at most ``job.limit`` rows."""
    kwargs: dict[str, Any] = {}
    try:
        if job.default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs] or [ox.DefaultGraph()]
        if job.named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        if job.bindings:
            kwargs["substitutions"] = {ox.Variable(name): ox.NamedNode(iri) for name, iri in job.bindings}
    except ValueError as exc:
        return QueryOutcome(None, error=f"Not an IRI: {exc}")
    try:
        return serialize_result(store.query(job.query, **kwargs), job)
    except SyntaxError as exc:
        return QueryOutcome(None, error=f"SPARQL syntax error: {exc}")
    except (ValueError, TypeError, OSError, RuntimeError) as exc:
        return QueryOutcome(None, error=f"SPARQL evaluation error: {exc}")


def _take(items: Iterable[_Item], job: QueryJob, size: Callable[[_Item], int]) -> tuple[list[_Item], Cut | None]:
    """At most ``job.limit`` items whose N-Triples size stays within ``job.max_bytes``, read lazily."""
    taken: list[_Item] = []
    total = 0
    for item in items:
        if len(taken) == job.limit:
            return taken, "rows"
        total += size(item)
        if total > job.max_bytes:
            return taken, "bytes"
        taken.append(item)
    return taken, None


def _fit(items: list[_Item], max_bytes: int, write: Callable[[list[_Item]], bytes]) -> tuple[bytes, int]:
    """Serialise ``items``; drop rows from the end until the body fits in ``max_bytes``."""
    n = len(items)
    body = write(items)
    while len(body) > max_bytes and n > 0:
        n = min(n - 1, int(n * max_bytes / len(body) * 0.95))
        body = write(items[:n])
    return body, n


def serialize_result(result: object, job: QueryJob) -> QueryOutcome:
    """Cap (rows and bytes) and serialise a pyoxigraph result (boolean, solutions, triples) in the negotiated format.

    Also used for answers from a remote store (:mod:`minusma_kg.server.remote`), read back as pyoxigraph results.
    """
    if isinstance(result, ox.QueryBoolean | bool):
        if job.boolean_format is None:
            return QueryOutcome("boolean", not_acceptable=True)
        return QueryOutcome("boolean", _serialize_boolean(bool(result), job.boolean_format), job.boolean_format)
    if isinstance(result, ox.QuerySolutions):
        if job.solution_format is None:
            return QueryOutcome("solutions", not_acceptable=True)
        fmt = job.solution_format
        variables = [v.value for v in result.variables]
        rows, cut = _tsv_rows(result, job)
        body, n = _fit(rows, job.max_bytes, lambda items: _serialize_solutions(variables, items, fmt))
        cut = cut or ("bytes" if n < len(rows) else None)
        return QueryOutcome("solutions", body, fmt, cut is not None, cut, n)
    if job.graph_format is None:
        return QueryOutcome("graph", not_acceptable=True)
    gfmt = job.graph_format
    triples: Iterable[ox.Triple] = result  # type: ignore[assignment]  # CONSTRUCT/DESCRIBE: an iterator of triples
    taken, cut = _take(triples, job, lambda t: len(str(t)) + 3)
    body, n = _fit(taken, job.max_bytes, lambda items: _serialize_graph(items, gfmt))
    cut = cut or ("bytes" if n < len(taken) else None)
    return QueryOutcome("graph", body, gfmt, cut is not None, cut, n)
