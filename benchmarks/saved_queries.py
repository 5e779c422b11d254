"""How each saved query's time grows with the corpus: milliseconds per query at several sizes, and the exponent.

Each query runs as the endpoint's query workers run it: :func:`minusma_kg.kg.sparql.execute` on the build's read-only
pyoxigraph store (:func:`kg.store.open_store`), with the server's default row and byte limits and JSON results, so
the figure includes evaluation and serialisation but no HTTP. A size other than the project's own corpus is a
synthetic dataset (``benchmarks/synthetic_build.py``, copies of a real build with renamed IRIs). Every size runs in
a child process of its own, which is killed and replaced when a query overruns ``--timeout`` (pyoxigraph cannot be
interrupted); the figure is the median of ``--repeat`` runs after one warm-up run. Rows are the answer's rows
(or triples), ``cut`` when the server's row or byte limit cut it.

The exponent between two sizes is ``log(t2/t1) / log(n2/n1)``: 0 is flat, 1 linear, 2 quadratic.

    python benchmarks/saved_queries.py [--sizes 5,500,2000] [--repeat 5] [--timeout 60] [--keep DIR]
    python benchmarks/saved_queries.py --data 5=build --data 2000=/tmp/kg-2000   # existing build directories
    python benchmarks/saved_queries.py --start ...   # also `minusma-kg serve`'s start, until its first answer

The federated query (needs-internet) is left out: it measures Wikidata, not this graph.
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minusma_kg.kg.dataset_dir import open_build
from minusma_kg.kg.queries import SavedQuery, load_saved_queries

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


DEFAULT_SIZES = (5, 500, 2000)
#: The issue's bound: a saved query slower than this at 2,000 articles is rewritten or given what it needs.
SLOW_MS = 100.0


@dataclass
class Timing:
    """One query at one size: milliseconds (median), rows, and whether a limit cut the answer."""

    ms: float | None  # None: it overran the timeout or failed
    rows: int = 0
    cut: bool = False
    note: str = ""
    runs: list[float] = field(default_factory=list)


def _child(conn: Any, data: str) -> None:  # pragma: no cover - runs in a child process
    """Open the build's store and time each query the parent sends, as a query worker would run it."""
    from minusma_kg.kg.sparql import QueryJob, execute
    from minusma_kg.kg.store import open_store
    from minusma_kg.server.config import Config

    build = open_build(data)
    store = open_store(build.nquads, build.store)
    config = Config(data=build.path)
    conn.send("ready")
    while True:
        try:
            text, repeat = conn.recv()
        except EOFError:
            return
        job = QueryJob(text, limit=config.result_limit, max_bytes=config.max_result_bytes)
        runs: list[float] = []
        for i in range(repeat + 1):  # the first run warms the caches and is not counted
            start = time.perf_counter()
            outcome = execute(store, job)
            elapsed = time.perf_counter() - start
            if i:
                runs.append(elapsed * 1000)
            if outcome.error or elapsed > 2.0:  # a slow query: one counted run is enough to see it
                if not i:
                    runs.append(elapsed * 1000)
                break
        conn.send((runs, outcome.count, outcome.truncated, outcome.error))


class _Runner:
    """A child process that times queries on one build, replaced when a query overruns."""

    def __init__(self, data: Path, timeout: float) -> None:
        self.data, self.timeout = data, timeout
        self._ctx = mp.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self.conn, child = self._ctx.Pipe()
        self.process = self._ctx.Process(target=_child, args=(child, str(self.data)), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            raise RuntimeError(f"could not open {self.data}")

    def time(self, query: SavedQuery, repeat: int) -> Timing:
        self.conn.send((query.text, repeat))
        if not self.conn.poll(self.timeout * (repeat + 1)):
            self.close()
            self._start()
            return Timing(None, note=f"> {self.timeout:g} s")
        runs, rows, cut, error = self.conn.recv()
        if error:
            return Timing(None, note=f"error: {error[:60]}")
        return Timing(statistics.median(runs), rows, cut, runs=runs)

    def close(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


def exponent(n1: int, t1: float | None, n2: int, t2: float | None) -> float | None:
    """The growth exponent ``k`` of ``t ~ n^k`` between two sizes (None if a time is missing or too small)."""
    if t1 is None or t2 is None or min(t1, t2) < 0.05 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def measure(builds: dict[int, Path], queries: list[SavedQuery], repeat: int, timeout: float) -> dict[int, dict]:
    """Size -> query name -> Timing."""
    results: dict[int, dict[str, Timing]] = {}
    for size, data in sorted(builds.items()):
        runner = _Runner(data, timeout)
        try:
            results[size] = {}
            for q in queries:
                results[size][q.name] = runner.time(q, repeat)
                t = results[size][q.name]
                shown = f"{t.ms:.1f} ms" if t.ms is not None else t.note
                print(f"  {size:>5} articles  {q.name:<42} {shown}", file=sys.stderr, flush=True)
        finally:
            runner.close()
    return results


def table(results: dict[int, dict[str, Timing]], queries: list[SavedQuery]) -> str:
    """A Markdown table: a row per query, ms and rows per size, then the exponents between consecutive sizes."""
    sizes = sorted(results)
    pairs = list(itertools.pairwise(sizes))
    head = ["query", *(f"ms @ {n}" for n in sizes), *(f"rows @ {n}" for n in sizes), *(f"k {a}→{b}" for a, b in pairs)]
    rows = [head, ["---"] + ["---:"] * (len(head) - 1)]
    for q in queries:
        ts = [results[n][q.name] for n in sizes]
        cells = [q.name]
        cells += [f"{t.ms:.1f}" + (" **" if n == max(sizes) and t.ms > SLOW_MS else "") if t.ms is not None else t.note
                  for n, t in zip(sizes, ts, strict=True)]  # fmt: skip
        cells += [f"{t.rows}{' cut' if t.cut else ''}" if t.ms is not None else "" for t in ts]
        for a, b in pairs:
            k = exponent(a, results[a][q.name].ms, b, results[b][q.name].ms)
            cells.append("-" if k is None else f"{k:.2f}")
        rows.append(cells)
    totals = ["total", *(f"{sum(t.ms for t in results[n].values() if t.ms is not None):.0f}" for n in sizes)]
    rows.append(totals + [""] * (len(head) - len(totals)))
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def serve_start(data: Path, timeout: float = 120.0) -> tuple[float, float]:
    """Seconds from ``minusma-kg serve --data DATA`` to its first answered query, and the CPU seconds every process
    of the server used from start to stop (steadier than the wall time on a shared machine)."""
    import os
    import resource
    import signal
    import socket
    import subprocess
    import urllib.parse
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "minusma_kg", "serve", "--data", str(data), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    try:
        while time.perf_counter() - start < timeout:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    r.read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"minusma-kg serve --data {data} exited with {proc.returncode}") from None
                time.sleep(0.05)
        answered = time.perf_counter() - start
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return answered, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="article counts, comma-separated")
    parser.add_argument("--data", action="append", default=[], metavar="SIZE=DIR",
                        help="use this build directory for that size instead of making one (repeatable)")  # fmt: skip
    parser.add_argument("--from", dest="source", type=Path, help="the build the synthetic sizes copy (default: build)")
    parser.add_argument("--repeat", type=int, default=5, help="counted runs per query (median; default 5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one run may take (default 60)")
    parser.add_argument("--only", help="comma-separated query names or numbers to time (default: all)")
    parser.add_argument("--keep", type=Path, help="make the synthetic builds here and keep them")
    parser.add_argument("--start", action="store_true", help="also time `minusma-kg serve` until its first answer")
    args = parser.parse_args(argv)
    from synthetic_build import make_build

    queries = [q for q in load_saved_queries() if "needs-internet" not in q.tags]
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        queries = [q for q in queries if q.name in wanted or q.name.split("-")[0] in wanted]
    builds = {int(k): Path(v) for k, v in (d.split("=", 1) for d in args.data)}
    sizes = sorted({*(int(s) for s in args.sizes.split(",") if s.strip()), *builds})
    with tempfile.TemporaryDirectory(prefix="minusma-saved-queries-") as tmp:
        work = args.keep or Path(tmp)
        source = args.source
        for size in sizes:
            if size in builds:
                continue
            start = time.perf_counter()
            builds[size] = make_build(size, work / f"n{size}", source)
            print(f"synthetic build of {size} articles: {time.perf_counter() - start:.0f} s", file=sys.stderr)
        results = measure(builds, queries, args.repeat, args.timeout)
        starts = {n: [serve_start(builds[n]) for _ in range(3)] for n in sizes} if args.start else {}
    print(table(results, queries))
    for n, runs in starts.items():
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"\nserve at {n} articles: first answer after {wall:.2f} s (median of 3), {cpu:.2f} s CPU in all")
    slow = [q.name for q in queries if (t := results[max(sizes)][q.name]).ms is None or t.ms > SLOW_MS]
    if slow:
        print(f"\nover {SLOW_MS:g} ms at {max(sizes)} articles: {', '.join(slow)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
