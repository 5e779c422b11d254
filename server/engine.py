"""Run SPARQL queries on pyoxigraph in worker processes that can be killed when a query runs too long.

pyoxigraph evaluates a query in Rust and cannot be interrupted from Python, so a thread that runs a runaway
query would keep a core busy for ever. Each worker process holds its own in-memory copy of the dataset (a few
thousand quads load in milliseconds); a query that overruns the timeout gets its worker killed and replaced,
and the other workers go on answering.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from kg.namespaces import PREFIXES

log = logging.getLogger(__name__)

Kind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class QueryJob:
    """What the protocol layer asks of the engine."""

    query: str
    default_graphs: tuple[str, ...] | None = None  # None: the union of every graph
    named_graphs: tuple[str, ...] | None = None  # None: every named graph
    solution_format: str | None = "json"  # None: the client accepts no format for this kind of result
    boolean_format: str | None = "json"
    graph_format: str | None = "turtle"
    limit: int = 10_000


@dataclass
class QueryOutcome:
    """A serialised result, or why there is none."""

    kind: Kind | None
    body: bytes = b""
    format: str | None = None
    truncated: bool = False
    count: int = 0
    error: str | None = None  # a syntax or evaluation error: the client's fault (400)
    not_acceptable: bool = False


class QueryTimeout(Exception):
    """The query ran past the configured timeout; its worker was killed."""


class EngineBusy(Exception):
    """Every worker stayed busy for the whole timeout."""


def load_store(nquads: Path) -> ox.Store:
    """An in-memory store: every named graph, and their union (each triple once) as the default graph.

    The union is materialised rather than asked for per query (``use_default_graph_as_union``) because that
    flag returns a triple once per graph that holds it and overrides a query's own FROM clauses.
    """
    store = ox.Store()
    with nquads.open("rb") as fh:
        store.bulk_load(fh, ox.RdfFormat.N_QUADS)
    union = {(q.subject, q.predicate, q.object) for q in store}
    store.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in union)
    return store


_RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV}


def _serialize_solutions(variables: list[str], rows: list[ox.QuerySolution], fmt: str) -> bytes:
    """Serialise (capped) solutions with pyoxigraph's own writers.

    The rows are written as SPARQL TSV, whose cells are the terms' N-Triples forms (exactly what pyoxigraph
    prints for a term), then read back with pyoxigraph as a result set that its JSON, XML and CSV writers take.
    """
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if row[v] is None else str(row[v]) for v in variables) for row in rows]
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "tsv":
        return tsv
    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return solutions.serialize(format=_RESULT_FORMATS[fmt])


def _serialize_boolean(answer: bool, fmt: str) -> bytes:
    from rdflib.query import Result

    result = Result("ASK")
    result.askAnswer = answer
    return result.serialize(format=fmt, encoding="utf-8")  # type: ignore[return-value]


_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def _serialize_graph(triples: list[ox.Triple], fmt: str) -> bytes:
    rdf_format = _RDF_FORMATS[fmt]
    items: list[Any] = triples
    if rdf_format.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return ox.serialize(items, format=rdf_format, prefixes=PREFIXES)
    return ox.serialize(items, format=rdf_format)


def execute(store: ox.Store, job: QueryJob) -> QueryOutcome:
    """Evaluate one query and serialise its result in the negotiated format, at most ``job.limit`` rows."""
    kwargs: dict[str, Any] = {}
    if job.default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs] or [ox.DefaultGraph()]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        return serialize_result(store.query(job.query, **kwargs), job)
    except SyntaxError as exc:
        return QueryOutcome(None, error=f"SPARQL syntax error: {exc}")
    except (ValueError, TypeError, OSError, RuntimeError) as exc:
        return QueryOutcome(None, error=f"SPARQL evaluation error: {exc}")


def serialize_result(result: Any, job: QueryJob) -> QueryOutcome:
    """Cap and serialise a pyoxigraph result (boolean, solutions or triples) in the negotiated format."""
    if isinstance(result, ox.QueryBoolean | bool):
        if job.boolean_format is None:
            return QueryOutcome("boolean", not_acceptable=True)
        return QueryOutcome("boolean", _serialize_boolean(bool(result), job.boolean_format), job.boolean_format)
    if isinstance(result, ox.QuerySolutions):
        if job.solution_format is None:
            return QueryOutcome("solutions", not_acceptable=True)
        variables = [v.value for v in result.variables]
        rows = list(itertools.islice(result, job.limit + 1))
        body = _serialize_solutions(variables, rows[: job.limit], job.solution_format)
        return QueryOutcome("solutions", body, job.solution_format, len(rows) > job.limit, min(len(rows), job.limit))
    if job.graph_format is None:
        return QueryOutcome("graph", not_acceptable=True)
    triples = list(itertools.islice(result, job.limit + 1))
    body = _serialize_graph(triples[: job.limit], job.graph_format)
    return QueryOutcome("graph", body, job.graph_format, len(triples) > job.limit, min(len(triples), job.limit))


def _worker_main(conn: Any, nquads: str) -> None:  # pragma: no cover - runs in the child process
    store = load_store(Path(nquads))
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        conn.send(execute(store, job))


class _Worker:
    def __init__(self, ctx: Any, nquads: Path) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, str(nquads)), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Engine:
    """A pool of query workers over one published dataset."""

    def __init__(self, nquads: Path, workers: int = 2, start_timeout: float = 60.0) -> None:
        self.nquads = nquads
        self._ctx = mp.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._start_timeout = start_timeout
        self._closed = False
        started = [_Worker(self._ctx, nquads) for _ in range(max(1, workers))]
        for w in started:
            w.wait_ready(start_timeout)
            self._idle.put(w)
        self.size = len(started)

    def _replace(self) -> None:
        def start() -> None:
            if self._closed:
                return
            try:
                w = _Worker(self._ctx, self.nquads)
                w.wait_ready(self._start_timeout)
            except Exception:  # pragma: no cover - logged, the pool is one worker short
                if not self._closed:
                    log.exception("could not replace a query worker")
                return
            if self._closed:
                w.kill()
            else:
                self._idle.put(w)

        threading.Thread(target=start, daemon=True).start()

    def run(self, job: QueryJob, timeout: float) -> QueryOutcome:
        """Run ``job``; raise :class:`QueryTimeout` if it takes longer than ``timeout`` seconds."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise EngineBusy("every query worker is busy") from exc
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                outcome = worker.conn.recv()
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError, BrokenPipeError):
            log.warning("a query worker died; replacing it")
            worker.kill()
            self._replace()
            raise
        log.warning("query ran past %.1fs; killing its worker", timeout)
        worker.kill()
        self._replace()
        raise QueryTimeout(f"the query ran for more than {timeout:g} s and was stopped")

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
