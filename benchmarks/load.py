"""The minusma-kg endpoint under overload: many clients, a share of runaway queries, and a light probe beside them.

It starts ``minusma-kg serve`` on a free port of 127.0.0.1, then for each number of concurrent clients and each
mode sends the saved-query mix (queries/*.rq without the federated one) for a fixed time, a tenth of the requests
being runaway queries (a three-way cross product under a unique comment, which runs until the timeout stops it).
Modes:

  cache    the saved queries as saved: saved questions, answered from the result cache after the first time
  comment  each under a unique comment: never cached, and no longer a saved question (ad hoc)
  nocache  the saved queries as saved, on a server started with the result cache off (MINUSMA_KG_RESULT_CACHE=0):
           saved questions, each one run by a (reserved) query worker

(A saved question with its whitespace changed is the same saved question and shares its cache entry, so unique
whitespace no longer defeats the cache: the cache has to be turned off.) The cache and comment modes share one
server with default settings; the nocache mode gets a server of its own.

Meanwhile one probe thread, every 100 ms, POSTs a saved question (answered from the cache when the cache is on, by
a reserved worker when it is off) and GETs /static/app.css, each on a new connection, and the server's memory (RSS
summed over the server process and all its descendants) is sampled from /proc every 200 ms.

    python benchmarks/load.py [--data DIR] [--processes N] [--clients 32,64] [--seconds 20]

Everything is on loopback, bounded in time, and the server is stopped at the end (also on Ctrl-C). Linux only
(/proc). Client threads each use their own source address (127.0.1.N) so that the per-client limit sees distinct
clients; ``--one-address`` sends everything from 127.0.0.1, as one client would.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from minusma_kg.kg.queries import load_saved_queries
from minusma_kg.server.config import Config

ROOT = Path(__file__).resolve().parent.parent

from procs import group  # noqa: E402 - benchmarks/procs.py, beside this script

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FORM = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/sparql-results+json, text/turtle;q=0.9",
}
MODES = ("cache", "comment", "nocache")
MODE_LABEL = {"cache": "saved, cache on", "comment": "unique comment", "nocache": "saved, cache off"}
#: The server settings each mode needs, beyond the defaults (and the caller's MINUSMA_KG_* variables).
MODE_ENV = {"cache": {}, "comment": {}, "nocache": {"MINUSMA_KG_RESULT_CACHE": "0"}}
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


# --- the server's process tree, from /proc ------------------------------------------------------------------------


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def machine_busy() -> float:
    """CPU seconds all cores have spent busy since boot (not idle, not waiting for I/O), from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICKS  # user..steal, less idle and iowait


def _rss_and_cpu(pid: int) -> tuple[int, int] | None:
    """(resident bytes, CPU ticks used) of one process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            rss = int(fh.read().split()[1]) * PAGE
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return rss, int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


class Sampler:
    """Every ``interval`` s: the summed RSS of the server's tree (peak kept) and each process's CPU ticks."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root, self.interval = root, interval
        self.peak_rss = 0
        self.peak_procs = 0
        self._ticks: dict[int, tuple[int, int]] = {}  # pid -> (first seen, last seen) CPU ticks
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> int:
        total, procs = 0, 0
        for pid in _tree(self.root):
            got = _rss_and_cpu(pid)
            if got is None:
                continue
            rss, ticks = got
            total += rss
            procs += 1
            first = self._ticks.get(pid, (ticks, ticks))[0]
            self._ticks[pid] = (first, ticks)
        self.peak_rss = max(self.peak_rss, total)
        self.peak_procs = max(self.peak_procs, procs)
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> Sampler:
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> float:
        """Stop; return the CPU seconds the tree used while sampled (processes killed between samples lose <0.2 s)."""
        self._stop.set()
        self._thread.join()
        return sum(last - first for first, last in self._ticks.values()) / TICKS


# --- load ---------------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    status: Counter = field(default_factory=Counter)  # (kind, status) -> n; status "error" for a broken connection
    ok_latency: dict[str, list[float]] = field(default_factory=lambda: {"saved": [], "runaway": []})
    in_window: int = 0  # answers (any status) that arrived before the run's end; later ones are counted above only
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: Counter, ok: dict[str, list[float]], in_window: int) -> None:
        with self.lock:
            self.status.update(status)
            self.in_window += in_window
            for kind, values in ok.items():
                self.ok_latency[kind].extend(values)


def saved_text(text: str, mode: str) -> str:
    if mode == "comment":
        return f"# load {uuid.uuid4().hex}\n{text}"
    return text  # cache, nocache: the saved question as saved


def client(k: int, port: int, source: str | None, queries: list[str], mode: str, runaway_share: float,
           stop_at: float, stop: threading.Event, tally: Tally, new_connections: bool) -> None:  # fmt: skip
    rng = random.Random(k)  # noqa: S311 - a reproducible mix, not a secret
    address = (source, 0) if source else None

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=address)

    conn = connect()
    i = rng.randrange(len(queries))
    status: Counter = Counter()
    ok: dict[str, list[float]] = {"saved": [], "runaway": []}
    in_window = 0
    while time.time() < stop_at and not stop.is_set():
        if rng.random() < runaway_share:
            kind, query = "runaway", f"# runaway {uuid.uuid4().hex}\n{RUNAWAY}"
        else:
            kind = "saved"
            query = saved_text(queries[i % len(queries)], mode)
            i += 1
        body = urllib.parse.urlencode({"query": query})
        start = time.perf_counter()
        try:
            conn.request("POST", "/sparql", body=body, headers=FORM)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            status[(kind, "error")] += 1
            in_window += time.time() < stop_at
            conn.close()
            conn = connect()
            time.sleep(0.05)  # a refused connection returns at once: do not spin
            continue
        status[(kind, resp.status)] += 1
        in_window += time.time() < stop_at
        if resp.status == 200:
            ok[kind].append(time.perf_counter() - start)
        if resp.will_close or new_connections:
            conn.close()
            conn = connect()
    conn.close()
    tally.add(status, ok, in_window)


@dataclass
class Probe:
    """One thread: every ``interval`` s a saved question by POST and GET /static/app.css, each on a new connection."""

    port: int
    query: str
    interval: float = 0.1
    query_ms: list[float] = field(default_factory=list)
    css_ms: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)  # "query 503", "css error", ...
    rounds: int = 0

    def _one(self, what: str, method: str, path: str, body: str | None, headers: dict[str, str]) -> None:
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status: object = resp.status
        except (OSError, http.client.HTTPException):
            status = "error"
        finally:
            conn.close()
        elapsed = (time.perf_counter() - start) * 1000
        (self.query_ms if what == "query" else self.css_ms).append(elapsed)
        if status != 200:
            self.failures[f"{what} {status}"] += 1

    def run(self, stop_at: float, stop: threading.Event) -> None:
        while time.time() < stop_at and not stop.is_set():
            began = time.perf_counter()
            body = urllib.parse.urlencode({"query": self.query})
            self._one("query", "POST", "/sparql", body, FORM)
            self._one("css", "GET", "/static/app.css", None, {})
            self.rounds += 1
            stop.wait(max(0.0, self.interval - (time.perf_counter() - began)))


@dataclass
class Run:
    mode: str
    clients: int
    seconds: float
    tally: Tally
    probe: Probe
    peak_rss: int
    peak_procs: int
    server_cpu: float
    client_cpu: float
    machine_cpu: float  # every process on the machine, in cores

    @property
    def rate(self) -> float:
        """Answers per second that arrived within the run's time."""
        return self.tally.in_window / self.seconds

    def count(self, status: object, kind: str | None = None) -> int:
        return sum(n for (k, s), n in self.tally.status.items() if s == status and kind in (None, k))


def run_level(port: int, server_pid: int, queries: list[str], probe_query: str, mode: str, clients: int,
              seconds: float, runaway_share: float, sources: list[str | None], stop: threading.Event,
              new_connections: bool) -> Run:  # fmt: skip
    tally = Tally()
    probe = Probe(port, probe_query)
    sampler = Sampler(server_pid).start()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    busy0 = machine_busy()
    t0 = time.time()
    stop_at = t0 + seconds
    threads = [threading.Thread(target=client, daemon=True, args=(k, port, sources[k % len(sources)], queries, mode,
                                                                 runaway_share, stop_at, stop, tally, new_connections))
               for k in range(clients)]  # fmt: skip
    threads.append(threading.Thread(target=probe.run, args=(stop_at, stop), daemon=True))
    for t in threads:
        t.start()
    for t in threads:  # a request started before stop_at may take up to the server's timeout
        while t.is_alive() and not stop.is_set():
            t.join(0.5)
    wall = time.time() - t0
    server_cpu = sampler.stop()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    machine_cpu = (machine_busy() - busy0) / wall
    client_cpu = (cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime) / wall
    if stop.is_set():
        raise KeyboardInterrupt
    return Run(
        mode,
        clients,
        seconds,
        tally,
        probe,
        sampler.peak_rss,
        sampler.peak_procs,
        server_cpu / wall,
        client_cpu,
        machine_cpu,
    )


# --- the server ---------------------------------------------------------------------------------------------------


def get(port: int, path: str, timeout: float = 5) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def wait_ready(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if get(port, "/sparql?query=ASK%7B%7D") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on port {port} within {seconds:g} s")


def settle(port: int, seconds: float) -> None:
    """Wait until runaway queries of the last run have been stopped and their workers replaced."""
    time.sleep(seconds)
    deadline = time.time() + 30
    good = 0
    while time.time() < deadline and good < 5:  # ad hoc queries (general lane) answered again, on either process
        try:
            q = urllib.parse.quote(f"# settle {uuid.uuid4().hex}\nASK {{}}")
            good = good + 1 if get(port, f"/sparql?query={q}") == 200 else 0
        except OSError:
            good = 0
        time.sleep(0.2)


def stop_server(server: subprocess.Popen) -> list[str]:
    """Ctrl-C for the server (SIGINT, which also removes its snapshot), then SIGTERM and SIGKILL to its group.

    Returns the processes of its group still there 2 s after the server itself exited (processes it left behind).
    """
    if server.pid in _STOPPED:
        return []
    left: list[str] = []
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(15)
            time.sleep(2)
            left = group(server.pid)
    for sig in (signal.SIGTERM, signal.SIGKILL):  # whatever is left of its process group (its own session)
        if not _group_alive(server.pid):
            break
        os.killpg(server.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(5)
        deadline = time.time() + 5
        while _group_alive(server.pid) and time.time() < deadline:
            time.sleep(0.1)
    _STOPPED.add(server.pid)
    return left


_STOPPED: set[int] = set()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def log_summary(log: Path) -> list[str]:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    lines = text.splitlines()
    counts = Counter()
    for line in lines:
        if "killing its worker" in line:
            counts["query timeouts (worker killed)"] += 1
        elif "died while running" in line:
            counts["workers died while running a query"] += 1
        elif "idle query worker had died" in line:
            counts["idle workers found dead"] += 1
        elif "could not start a query worker" in line:
            counts["worker start failures"] += 1
        elif "a new build in" in line:
            counts["switches to a new build"] += 1
        elif "Invalid HTTP request" in line:
            counts["invalid HTTP requests"] += 1
        elif line.startswith("Traceback"):
            counts["tracebacks"] += 1
        elif line.startswith(("ERROR", "CRITICAL")):
            counts["other ERROR lines"] += 1
        elif line.startswith("WARNING"):
            counts["other WARNING lines"] += 1
    return [f"{n:>6}  {what}" for what, n in counts.most_common()]


# --- report -------------------------------------------------------------------------------------------------------


def _ms(values: list[float], p: float | None) -> str:
    if not values:
        return "-"
    return f"{(max(values) if p is None else percentile(values, p)):.0f}"


def print_tables(runs: list[Run]) -> None:
    """One row per run: throughput, statuses, the probe's latencies, peak memory; then a breakdown by kind."""
    statuses = sorted({s for r in runs for (_, s) in r.tally.status if s not in (200, 429, 503)}, key=str)
    extra_head = "".join(f" {s!s:>6}" for s in statuses)
    print(f"{'load':<18} {'clients':>7} {'req/s':>6} {'200':>6} {'429':>6} {'503':>6}{extra_head} "
          f"{'probe query p50':>15} {'p99':>5} {'max':>5} {'css p50':>7} {'p99':>5} {'max':>5} "
          f"{'query !200':>10} {'peak RSS MB':>11}")  # fmt: skip
    for r in runs:
        extra = "".join(f" {r.count(s):>6}" for s in statuses)
        fails = f"{sum(n for k, n in r.probe.failures.items() if k.startswith('query'))}/{len(r.probe.query_ms)}"
        print(f"{MODE_LABEL[r.mode]:<18} {r.clients:>7} {r.rate:>6.0f} {r.count(200):>6} {r.count(429):>6} "
              f"{r.count(503):>6}{extra} {_ms(r.probe.query_ms, 50):>15} {_ms(r.probe.query_ms, 99):>5} "
              f"{_ms(r.probe.query_ms, None):>5} {_ms(r.probe.css_ms, 50):>7} {_ms(r.probe.css_ms, 99):>5} "
              f"{_ms(r.probe.css_ms, None):>5} {fails:>10} {r.peak_rss / 2**20:>11.0f}")  # fmt: skip
    print("\n(req/s: answers of any status that arrived within the run; status counts include answers to requests "
          "sent\nbefore the end that arrived after it. Probe latencies in ms; the probe waits for its answers, so "
          "under load it\nruns less often than every 100 ms; query !200: probe queries not answered 200, of those "
          "sent. RSS summed\nover the server's processes, shared pages counted once per process.)")  # fmt: skip

    print(
        "\nBy kind of request: status counts, latency of the 200s (ms); CPU in cores (1.0 = one core busy; other: "
        "the rest of the\nmachine; server CPU misses up to 0.2 s of each worker killed between samples):\n"
    )
    print(f"{'load':<18} {'clients':>7} {'saved 200':>9} {'503':>6} {'p50':>5} {'p99':>5} "
          f"{'runaway 200':>11} {'429':>5} {'503':>6} {'conn. errors':>12} {'server CPU':>10} {'client CPU':>10} "
          f"{'other CPU':>9} "
          f"{'server procs':>12}")  # fmt: skip
    for r in runs:
        lat = [x * 1000 for x in r.tally.ok_latency["saved"]]
        print(f"{MODE_LABEL[r.mode]:<18} {r.clients:>7} {r.count(200, 'saved'):>9} {r.count(503, 'saved'):>6} "
              f"{_ms(lat, 50):>5} {_ms(lat, 99):>5} {r.count(200, 'runaway'):>11} {r.count(429, 'runaway'):>5} "
              f"{r.count(503, 'runaway'):>6} {r.count('error'):>12} {r.server_cpu:>10.2f} {r.client_cpu:>10.2f} "
              f"{max(0.0, r.machine_cpu - r.server_cpu - r.client_cpu):>9.2f} "
              f"{r.peak_procs:>12}")  # fmt: skip
    odd = {f"{MODE_LABEL[r.mode]}, {r.clients}": {f"{k} {s}": n for (k, s), n in r.tally.status.items()
                                                  if (k, s) not in {("saved", 200), ("saved", 503), ("runaway", 429),
                                                                    ("runaway", 503)}}
           for r in runs}  # fmt: skip
    odd = {k: v for k, v in odd.items() if v}
    if odd:
        print("\nother answers: " + "; ".join(f"{k}: {v}" for k, v in odd.items()))
    failures = {f"{MODE_LABEL[r.mode]}, {r.clients}": dict(r.probe.failures) for r in runs if r.probe.failures}
    if failures:
        print("probe requests that did not get 200: " + "; ".join(f"{k}: {v}" for k, v in failures.items()))
    slow = [
        f"{MODE_LABEL[r.mode]}, {r.clients}" for r in runs if max(r.probe.query_ms + r.probe.css_ms, default=0) > 1000
    ]
    if slow:
        print("probe latency over 1 s in: " + "; ".join(slow))
    bound = [f"{MODE_LABEL[r.mode]}, {r.clients}" for r in runs if r.client_cpu > 0.8]
    if bound:
        print(f"note: the client used more than 0.8 of a core in {'; '.join(bound)}: its threads share one GIL, "
              "so the client itself may limit requests/s there (and it takes CPU from the server here).")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="a built dataset to serve (default: build one into a temporary directory)")
    ap.add_argument("--processes", type=int, help="HTTP processes of the server (default: the server's: one per CPU)")
    ap.add_argument("--clients", default="32,64", help="concurrent clients per level, comma-separated (default: 32,64)")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each run (default: 20)")
    ap.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)} (default: all)")
    ap.add_argument("--runaway", type=float, default=0.10, help="share of runaway requests (default: 0.10)")
    ap.add_argument("--probe-query", default="05-coups", help="saved query the probe sends (default: 05-coups)")
    ap.add_argument("--one-address", action="store_true", help="all clients from 127.0.0.1: one client to the server")
    ap.add_argument("--new-connections", action="store_true", help="a new connection per request (default: keep-alive)")
    ap.add_argument("--settle", type=float, help="seconds to wait between runs (default: the query timeout + 3)")
    ap.add_argument("--keep", action="store_true", help="keep the working directory (server log, built data)")
    args = ap.parse_args()

    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not levels or any(c < 1 or c > 1000 for c in levels) or not 0 < args.seconds <= 600:
        ap.error("--clients must be 1-1000 each and --seconds at most 600")
    if any(m not in MODES for m in modes):
        ap.error(f"--modes takes {', '.join(MODES)}")
    if not 0 <= args.runaway <= 1:
        ap.error("--runaway is a share, 0-1")
    if not sys.platform.startswith("linux"):
        ap.error("this benchmark reads /proc: Linux only")
    saved = [q for q in load_saved_queries() if not {"federated", "needs-internet"} & set(q.tags)]
    queries = [q.text for q in saved]
    probe_query = next((q.text for q in saved if args.probe_query in (q.name, q.name.split("-")[0])), None)
    if probe_query is None:
        ap.error(f"no saved query {args.probe_query!r}")
    timeout = float(os.environ.get("MINUSMA_KG_TIMEOUT", "10"))
    settle_s = args.settle if args.settle is not None else timeout + 3

    sources: list[str | None] = [None]
    if not args.one_address:
        sources = [f"127.0.1.{k + 1}" for k in range(min(max(levels), 250))]
        try:
            with socket.socket() as s:
                s.bind((sources[0], 0))
        except OSError:
            print("note: cannot bind 127.0.1.1; all clients use 127.0.0.1", file=sys.stderr)
            sources = [None]

    work = Path(tempfile.mkdtemp(prefix="minusma-load-"))
    stop = threading.Event()
    server: subprocess.Popen | None = None
    runs: list[Run] = []

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    exe = shutil.which("minusma-kg") or str(Path(sys.executable).with_name("minusma-kg"))
    try:
        if args.data:
            data = Path(args.data).resolve()
        else:
            data = work / "data"
            print(f"building the graph into {data} ...", file=sys.stderr, flush=True)
            subprocess.run([exe, "build", "--out", str(data)], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        who = "all from 127.0.0.1" if sources == [None] else "each from its own address 127.0.1.N"
        conns = "a new connection per request" if args.new_connections else "keep-alive connections"
        print(f"load: {len(queries)} saved queries round-robin, {args.runaway:.0%} of requests runaway queries "
              f"(3-way cross product, a unique\n  comment each); {args.seconds:g} s per run; clients are Python "
              f"threads with {conns}, {who},\n  each sending its next request as soon as an answer (any status) "
              f"arrives")  # fmt: skip
        print(f"probe: every 100 ms, POST saved question {args.probe_query} as saved (from the result cache when it "
              "is on, run by a\n  reserved worker when it is off) and GET /static/app.css, each on a new connection "
              "from 127.0.0.1")  # fmt: skip
        config = Config.from_env()
        off = " (0 for the cache-off load)" if "nocache" in modes else ""
        print(f"server settings per HTTP process: {config.workers} general + {config.reserved_workers} reserved query "
              f"workers, {config.per_client} queries per client, timeout {config.timeout:g} s, result cache "
              f"{config.result_cache} entries{off}")  # fmt: skip
        print("loads:")
        for m in modes:
            print(f"  {MODE_LABEL[m]:<18} " + {
                "cache": "the saved texts as saved: answered from the result cache after the first time",
                "comment": "the saved texts under a unique comment: not cached, not saved questions (ad hoc)",
                "nocache": "the saved texts as saved, server with MINUSMA_KG_RESULT_CACHE=0: each run by a worker",
            }[m])  # fmt: skip
        print(flush=True)

        # one server per distinct setting, in the order the modes were asked for
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for m in modes:
            groups.setdefault(tuple(sorted(MODE_ENV[m].items())), []).append(m)
        reports: list[str] = []
        for n, (extra, group) in enumerate(groups.items(), 1):
            port = free_port()
            log = work / f"server-{n}.log"
            cmd = [exe, "serve", "--data", str(data), "--port", str(port)]
            if args.processes:
                cmd += ["--processes", str(args.processes)]
            env = {**os.environ, **dict(extra)}
            with log.open("wb") as fh:  # its own session: Ctrl-C here does not reach it; stop_server does
                server = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,  # noqa: S603
                                          start_new_session=True, env=env)  # fmt: skip
            wait_ready(port, server)
            time.sleep(2)  # every HTTP process up
            rest = Sampler(server.pid)
            rest_rss = rest.sample()
            setting = " ".join(f"{k}={v}" for k, v in extra) or "default settings"
            print(f"server {n} ({', '.join(MODE_LABEL[m] for m in group)}): minusma-kg serve, "
                  f"{args.processes or f'{os.cpu_count()} (one per CPU, the default)'} HTTP processes, {setting}; "
                  f"{os.cpu_count()} CPUs;\n  at rest {rest.peak_procs} server processes, "
                  f"{rest_rss / 2**20:.0f} MB RSS", flush=True)  # fmt: skip
            first = True
            for clients in levels:
                for mode in group:
                    if not first:
                        settle(port, settle_s)
                    first = False
                    if server.poll() is not None:
                        raise RuntimeError(f"the server exited with status {server.returncode}")
                    print(f"  running: {MODE_LABEL[mode]}, {clients} clients ...", file=sys.stderr, flush=True)
                    runs.append(run_level(port, server.pid, queries, probe_query, mode, clients, args.seconds,
                                          args.runaway, sources, stop, args.new_connections))  # fmt: skip
            alive = server.poll() is None
            left = stop_server(server)
            summary = log_summary(log)
            where = f"kept in {log}" if args.keep else "removed; --keep keeps it"
            report = [f"server {n} log ({where}):" + ("" if summary else " nothing logged"), *summary]
            if left:
                report.append(f"  left running after the server exited (then killed): {len(left)}")
                report += [f"    {line}" for line in left]
            if not alive:
                report.append("  the server had exited before the end")
            reports.append("\n".join(report))

        order = {m: i for i, m in enumerate(modes)}
        runs.sort(key=lambda r: (r.clients, order[r.mode]))
        print()
        print_tables(runs)
        print()
        print("\n".join(reports))
        return 0
    except KeyboardInterrupt:
        stop.set()
        print("\ninterrupted; stopping the server", file=sys.stderr)
        if runs:
            print_tables(runs)
        return 130
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f"working directory kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
