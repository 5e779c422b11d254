"""Run SPARQL queries on pyoxigraph in worker processes that can be killed when a query runs too long.

pyoxigraph evaluates a query in Rust and cannot be interrupted from Python, so a thread that runs a runaway
query would keep a core busy for ever. Each worker process holds its own in-memory copy of the dataset (a few
thousand quads load in milliseconds); a query that overruns the timeout gets its worker killed and replaced,
and the other workers go on answering.

Heavy queries must not starve light ones: a query never waits for a worker (when every worker of its lane is
busy the caller is told at once, and answers 503 with Retry-After), and a reserve of workers serves only the
pages and the saved questions, so a flood of runaway queries cannot stall them. Workers run sandboxed
(:mod:`server.sandbox`): no network unless SERVICE calls are allowed, and a memory cap.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from ..errors import EngineBusyError, QueryTimeoutError, WorkerCrashedError
from ..kg.namespaces import PREFIXES
from ..kg.store import load_in_memory, open_store

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
    #: Most bytes of a serialised answer; a longer one is cut (at a row boundary) and says so.
    max_bytes: int = 64 * 1024 * 1024
    #: Variables bound to IRIs before evaluation (SEP-0007 substitution): user input as terms, never as text.
    bindings: tuple[tuple[str, str], ...] = ()


@dataclass
class QueryOutcome:
    """A serialised result, or why there is none."""

    kind: Kind | None
    body: bytes = b""
    format: str | None = None
    truncated: bool = False  # cut at job.limit rows or job.max_bytes bytes
    truncated_by: Literal["rows", "bytes"] | None = None
    count: int = 0
    error: str | None = None  # a syntax or evaluation error: the client's fault (400)
    not_acceptable: bool = False



@dataclass(frozen=True)
class WorkerSettings:
    """How each query worker process confines itself before it loads the data."""

    deny_network: bool = True
    max_memory: int = 0  # bytes of address space; 0: unlimited


def load_store(nquads: Path) -> ox.Store:
    """An in-memory store of ``nquads`` with the union as default graph (:func:`kg.store.load_in_memory`)."""
    return load_in_memory(nquads)


_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV
}  # fmt: skip


def _tsv_rows(result: ox.QuerySolutions, job: QueryJob) -> tuple[list[str], Literal["rows", "bytes"] | None]:
    """The rows as SPARQL TSV lines, at most ``job.limit`` of them within ``job.max_bytes`` characters, read lazily.

    A cell is the term's N-Triples form (exactly what pyoxigraph prints for a term), empty when unbound; each row
    is printed once, and its length is what the byte bound counts. Reading stops at the first row past a bound, so
    a query that would produce gigabytes costs the worker no more than the cap.
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


def _serialize_solutions(variables: list[str], lines: list[str], fmt: str) -> bytes:
    """Serialise (capped) TSV rows with pyoxigraph's own writers: read back as a result set, which its JSON, XML
    and CSV writers take."""
    tsv = ("\t".join(f"?{v}" for v in variables) + "\n" + "".join(line + "\n" for line in lines)).encode("utf-8")
    if fmt == "tsv":
        return tsv
    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return solutions.serialize(format=_RESULT_FORMATS[fmt])


def _serialize_boolean(answer: bool, fmt: str) -> bytes:
    from rdflib.query import Result

    result = Result("ASK")
    result.askAnswer = answer
    return result.serialize(format=fmt, encoding="utf-8")  # type: ignore[return-value]


#: Our format keys -> pyoxigraph's RDF formats (the endpoint's answers and the Linked Data pages).
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def _serialize_graph(triples: list[ox.Triple], fmt: str) -> bytes:
    rdf_format = RDF_FORMATS[fmt]
    items: list[Any] = triples
    if rdf_format.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return ox.serialize(items, format=rdf_format, prefixes=PREFIXES)
    return ox.serialize(items, format=rdf_format)


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


def _take(items: Any, job: QueryJob, size: Any) -> tuple[list[Any], Literal["rows", "bytes"] | None]:
    """At most ``job.limit`` items whose N-Triples size stays within ``job.max_bytes``, read lazily.

    Reading stops at the first item past a bound, so a query that would produce gigabytes costs the worker
    no more than the cap.
    """
    taken: list[Any] = []
    total = 0
    for item in items:
        if len(taken) == job.limit:
            return taken, "rows"
        total += size(item)
        if total > job.max_bytes:
            return taken, "bytes"
        taken.append(item)
    return taken, None


def _fit(items: list[Any], max_bytes: int, write: Any) -> tuple[bytes, int]:
    """Serialise ``items``; drop rows from the end until the body fits in ``max_bytes``."""
    n = len(items)
    body = write(items)
    while len(body) > max_bytes and n > 0:
        n = min(n - 1, int(n * max_bytes / len(body) * 0.95))
        body = write(items[:n])
    return body, n


def serialize_result(result: Any, job: QueryJob) -> QueryOutcome:
    """Cap (rows and bytes) and serialise a pyoxigraph result (boolean, solutions, triples) in the negotiated format."""
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
    triples, cut = _take(result, job, lambda t: len(str(t)) + 3)
    body, n = _fit(triples, job.max_bytes, lambda items: _serialize_graph(items, gfmt))
    cut = cut or ("bytes" if n < len(triples) else None)
    return QueryOutcome("graph", body, gfmt, cut is not None, cut, n)


def _worker_main(conn: Any, nquads: str, store_dir: str | None, settings: WorkerSettings) -> None:  # pragma: no cover
    from . import sandbox

    sandbox.die_with_parent()  # a runaway query must not outlive a server that was killed
    sandboxed = sandbox.deny_network() if settings.deny_network else False
    sandbox.limit_memory(settings.max_memory)
    store = open_store(Path(nquads), Path(store_dir) if store_dir else None)
    conn.send(("ready", sandboxed))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        conn.send(execute(store, job))


class _Worker:
    def __init__(self, ctx: Any, nquads: Path, store: Path | None, settings: WorkerSettings) -> None:
        self.conn, child = ctx.Pipe()
        args = (child, str(nquads), str(store) if store else None, settings)
        self.process = ctx.Process(target=_worker_main, args=args, daemon=True)
        self.process.start()
        child.close()
        self.sandboxed = False

    def wait_ready(self, timeout: float) -> None:
        try:
            message = self.conn.recv() if self.conn.poll(timeout) else None
        except (EOFError, OSError):
            message = None
        if not (isinstance(message, tuple) and message[0] == "ready"):
            self.kill()
            raise RuntimeError("a query worker did not start")
        self.sandboxed = bool(message[1])

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Lane:
    """Workers that serve one kind of caller; a caller takes an idle one or none, never waits."""

    def __init__(self) -> None:
        self.idle: queue.Queue[_Worker] = queue.Queue()


class Engine:
    """A pool of query workers over one published dataset: ``workers`` for anyone, ``reserved`` for pages.

    Workers open the build's read-only ``store`` (:mod:`kg.store`) when there is one, else load ``nquads``; neither
    may change while the engine runs (the server pins a snapshot of the build it started with), so a replacement
    worker serves the same version as the others, and with a store it is ready in milliseconds.
    """

    def __init__(
        self,
        nquads: Path,
        workers: int = 2,
        reserved: int = 1,
        settings: WorkerSettings | None = None,
        start_timeout: float = 60.0,
        store: Path | None = None,
    ) -> None:
        self.nquads = nquads
        self.store = store
        self.settings = settings or WorkerSettings()
        self._ctx = mp.get_context("spawn")  # no fork of a threaded server
        self._start_timeout = start_timeout
        self._closed = False
        self._lanes = {"general": _Lane(), "reserved": _Lane()}
        self._workers: set[_Worker] = set()  # idle and busy: close() stops them all
        self._lock = threading.Lock()
        # lanes that lost a worker, or a reply queue for a worker to start now; None stops the spawner
        self._wanted: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._spawner, name="query-worker-spawner", daemon=True).start()
        lanes = (("general", max(1, workers)), ("reserved", max(0, reserved)))
        started = [(lane, self._start_process()) for lane, n in lanes for _ in range(n)]
        self._workers.update(w for _, w in started)
        for lane, w in started:
            w.wait_ready(start_timeout)
            self._lanes[lane].idle.put(w)
        self.sandboxed = all(w.sandboxed for _, w in started)

    def _replace(self, lane: str) -> None:
        """Ask the spawner thread for a worker to take a dead one's place."""
        self._wanted.put(lane)

    def _start_process(self) -> _Worker:
        """A worker process started by the spawner thread (it starts loading; the caller waits for it)."""
        reply: queue.Queue[Any] = queue.Queue()
        self._wanted.put(reply)
        started = reply.get(timeout=self._start_timeout)
        if isinstance(started, BaseException):
            raise RuntimeError("a query worker could not be started") from started
        return started

    def _spawner(self) -> None:
        """Start replacement workers, retrying with backoff so the pool never drains.

        One long-lived thread starts them all: a worker asks the kernel to kill it when the thread that
        started it ends (PR_SET_PDEATHSIG is per thread), so that thread must live as long as the engine.
        """
        while (lane := self._wanted.get()) is not None:
            if isinstance(lane, queue.Queue):
                try:
                    lane.put(_Worker(self._ctx, self.nquads, self.store, self.settings))
                except Exception as exc:  # handed to the caller, who raises it
                    lane.put(exc)
                continue
            delay = 0.5
            while not self._closed:
                try:
                    w = _Worker(self._ctx, self.nquads, self.store, self.settings)
                    w.wait_ready(self._start_timeout)
                except Exception:
                    log.exception("could not start a query worker; retrying in %.1f s", delay)
                    time.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                with self._lock:
                    if not self._closed:
                        self._workers.add(w)
                        self._lanes[lane].idle.put(w)
                        break
                w.kill()
                break

    def _take(self, reserved: bool) -> tuple[str, _Worker]:
        """An idle, live worker: from the reserve first for pages, from the general lane otherwise."""
        for lane in ("reserved", "general") if reserved else ("general",):
            idle = self._lanes[lane].idle
            while True:
                try:
                    worker = idle.get_nowait()
                except queue.Empty:
                    break
                if worker.alive():
                    return lane, worker
                log.warning("an idle query worker had died; replacing it")
                self._forget(worker)
                self._replace(lane)
        raise EngineBusyError("every query worker is busy")

    def run(self, job: QueryJob, timeout: float, reserved: bool = False) -> QueryOutcome:
        """Run ``job``; the timeout counts from when a worker starts on it, as no job waits in a queue.

        Raises:
            EngineBusyError: no idle worker in the lanes this caller may use.
            QueryTimeoutError: the query ran longer than ``timeout`` seconds; its worker was killed and replaced.
            WorkerCrashedError: the worker died while running the query; it was replaced.
        """
        lane, worker = self._take(reserved)
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                outcome = worker.conn.recv()
                self._lanes[lane].idle.put(worker)
                return outcome
        except (EOFError, OSError) as exc:
            log.warning("a query worker died while running a query; replacing it")
            self._forget(worker)
            self._replace(lane)
            raise WorkerCrashedError("the query worker stopped while running this query") from exc
        log.warning("query ran past %.1fs; killing its worker", timeout)
        self._forget(worker)
        self._replace(lane)
        raise QueryTimeoutError(f"the query ran for more than {timeout:g} s and was stopped")

    def _forget(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def close(self) -> None:
        """Stop every worker, the busy ones too: a runaway query must not outlive the server."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        self._wanted.put(None)
        for worker in workers:
            worker.kill()
