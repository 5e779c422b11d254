"""A pool of query worker processes that can be killed when a query runs too long.

pyoxigraph evaluates a query in Rust and cannot be interrupted from Python, so a thread that runs a runaway
query would keep a core busy for ever. Each worker process opens the build's read-only store (or, for a build
without one, loads the N-Quads) and runs :func:`minusma_kg.kg.sparql.execute`; a query that overruns the timeout
gets its worker killed and replaced, and the other workers go on answering.

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
from typing import Any

from ..errors import EngineBusyError, QueryTimeoutError, WorkerCrashedError
from ..kg.sparql import QueryJob, QueryOutcome, execute
from ..kg.store import open_store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSettings:
    """How each query worker process confines itself before it loads the data."""

    deny_network: bool = True
    max_memory: int = 0  # bytes of address space; 0: unlimited


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
        return bool(self.process.is_alive())

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
        self._wanted: queue.Queue[str | queue.Queue[_Worker | BaseException] | None] = queue.Queue()
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
        reply: queue.Queue[_Worker | BaseException] = queue.Queue()
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
                    if not self._is_closed():  # close() may have run (in another thread) while it started
                        self._workers.add(w)
                        self._lanes[lane].idle.put(w)
                        break
                w.kill()
                break

    def _is_closed(self) -> bool:
        """Read anew on each call: another thread sets it (an attribute test would be narrowed once by mypy)."""
        return self._closed

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
                outcome: QueryOutcome = worker.conn.recv()  # what _worker_main sends: execute's outcome
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
