"""Throughput and latency of the minusma-kg endpoint against Oxigraph's own server, on the same data.

Three servers run on 127.0.0.1 over the same build: ``oxigraph serve`` in memory (the dataset loaded through the
Graph Store Protocol, every graph and their union as default graph), ``oxigraph serve`` on disk (a copy of the
build's own store, ``minusma-kg.oxigraph/``, whose default graph is the same materialised union) and
``minusma-kg serve``. The same client, Debian's ``wrk`` (compiled, so it is not the bottleneck; its CPU is
reported) driven by ``benchmarks/endpoint.lua``, sends each the saved queries (the local ones) by POST, in two mixes:

- repeated: the same texts again and again; this endpoint answers most from its result cache, so these figures
  measure the cache and the HTTP layer, and are reported apart;
- unique: each request ends with a distinct SPARQL comment, so no cache can answer it: every one is query work.

For each corpus size, mix and number of connections the servers take turns (interleaved rounds, so a noisy
moment hits all of them), and the table gives the median over the rounds of the 2xx answers/s, p50 and p99
latency (wrk's, over every answer), the answers other than 2xx, and our rate as a share of each Oxigraph's.

    python benchmarks/endpoint.py [--sizes 5,2000] [--clients 8,32] [--seconds 5] [--rounds 3] [--keep]

A size other than the real corpus's is a synthetic build made by ``benchmarks/synthetic_build.py``
(``make_build``), copies of the real build's quads. Every client comes from 127.0.0.1, so this endpoint runs with
its per-client bound off (MINUSMA_KG_PER_CLIENT=0; Oxigraph has none) and a row limit Oxigraph does not have
raised out of the way. Linux only (it reads /proc); needs ``wrk`` (``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from minusma_kg.kg.build import build
from minusma_kg.kg.graph_store import publish_to_store
from minusma_kg.kg.layout import NQUADS, STORE
from minusma_kg.kg.namespaces import article_graph
from minusma_kg.kg.queries import load_saved_queries

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

from procs import group, stats  # noqa: E402 - benchmarks/procs.py, beside this script

TICKS = os.sysconf("SC_CLK_TCK")
SCRIPT = HERE / "endpoint.lua"
MIXES = ("repeated", "unique")
OX_MEM, OX_DISK, OURS = "oxigraph serve, in memory", "oxigraph serve, on disk", "minusma-kg serve"
BASELINE = "minusma-kg serve, baseline"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def tree_ticks(root: int) -> tuple[int, int]:
    """CPU ticks (user + system) used so far by ``root`` and its descendants alive now, from /proc: those of the
    root and its children (for ``minusma-kg serve``: the supervisor and the HTTP processes), and those of the
    deeper ones (the query workers each HTTP process starts)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for pid, fields in stats():
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
    front = deep = 0
    todo = [(root, 0)]
    while todo:
        pid, depth = todo.pop()
        if depth < 2:
            front += ticks.get(pid, 0)
        else:
            deep += ticks.get(pid, 0)
        todo.extend((child, depth + 1) for child in children.get(pid, ()))
    return front, deep


def machine_ticks() -> int:
    """Busy CPU ticks of the whole machine since boot (all but idle and iowait), from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(x) for x in fh.readline().split()[1:]]
    return sum(values[:8]) - values[3] - values[4]


def children_cpu() -> float:
    """CPU seconds of this script's waited-for children: the finished wrk runs (the servers are still running)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def log_summary(log: Path) -> list[str]:
    """What a server wrote to its log, counted by kind (the endpoint logs only warnings and errors)."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    counts: Counter = Counter()
    for line in lines:
        if line.startswith(("SPARQL endpoint:", "Query page:", "warning: ")) or not line.strip():
            continue  # serve's start-up lines
        if line.startswith("Traceback"):
            counts["tracebacks"] += 1
        elif line.startswith(("ERROR", "CRITICAL")) or " ERROR " in line:
            counts["ERROR lines"] += 1
        elif line.startswith("WARNING") or " WARNING " in line:
            counts["WARNING lines"] += 1
        elif not line.startswith((" ", "\t")):
            counts["other lines"] += 1
    return [f"{n:>6}  {what}" for what, n in counts.most_common()]


def stop_all(procs: list[subprocess.Popen]) -> list[str]:
    """SIGTERM each server (each in its own session), then kill whatever is left of its process group.

    Returns the servers that left processes behind.
    """
    for p in procs:
        if p.poll() is None:
            p.terminate()
    left = []
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(15)
        if p.poll() is None:
            p.kill()
            p.wait(5)
        deadline = time.time() + 5  # its children may take a moment to notice
        while group(p.pid) and time.time() < deadline:
            time.sleep(0.1)
        still = group(p.pid)
        if still:
            left.append(f"{' '.join(map(str, p.args[:2]))} (exit status {p.returncode}): {'; '.join(still)}")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
    return left


def run_wrk(url: str, bodies: Path, mode: str, seconds: int, clients: int, threads: int) -> dict[str, float]:
    """One wrk run; what endpoint.lua's done() printed (requests, status and socket errors, latencies in ms)."""
    cmd = ["wrk", "-t", str(min(threads, clients)), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s",
           "-s", str(SCRIPT), url, "--", str(bodies), mode]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60)  # noqa: S603
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    return json.loads(line.removeprefix("RESULT "))


def warm_up(url: str, queries: list) -> None:
    """Send each query once and wait for its answer, however long it takes (wrk gives up after 30 s)."""
    parts = urllib.parse.urlsplit(url)
    for q in queries:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        conn.request("POST", parts.path, body=urllib.parse.urlencode({"query": q.text}), headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, text/turtle;q=0.9"})  # fmt: skip
        conn.getresponse().read()
        conn.close()


def ratio(a: float, b: float) -> str:
    return f"{a / b:>6.2f}x" if b else f"{'-':>7}"


def corpus_size(build_dir: Path) -> int:
    """Articles in a build: its article graphs (build-info's statistics), whose IRIs :func:`article_graph` makes."""
    info = json.loads((build_dir / "build-info.json").read_text(encoding="utf-8"))
    prefix = str(article_graph("0")).removesuffix("0")
    return sum(1 for g in info["stats"]["triples_per_graph"] if g.startswith(prefix))


def prepare(size: int, work: Path, real: Path) -> Path:
    """The build directory of ``size`` articles: the real build, or a synthetic one made from its quads (kept in
    ``work``: one made earlier there is used again)."""
    if size == corpus_size(real):
        return real
    dest = work / f"data-{size}"
    if (dest / "build-info.json").exists() and corpus_size(dest) == size:
        return dest
    if not (HERE / "synthetic_build.py").exists():
        raise SystemExit(f"--sizes {size}: benchmarks/synthetic_build.py (make_build) is needed for synthetic corpora")
    from synthetic_build import make_build  # benchmarks/synthetic_build.py, beside this script

    make_build(size, dest, source=real)
    return dest


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="", help="corpus sizes in articles, comma-separated (default: the real corpus)")
    ap.add_argument("--clients", default="8,32", help="concurrent connections, comma-separated (default: %(default)s)")
    ap.add_argument("--mixes", default=",".join(MIXES), help="query mixes: repeated, unique (default: both)")
    ap.add_argument("--seconds", type=int, default=5, help="length of each measured run (default: %(default)s)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the table gives medians (default: 3)")
    ap.add_argument("--wrk-threads", type=int, default=2, help="wrk's threads (default: %(default)s)")
    ap.add_argument("--workers", type=int, default=None,
                    help="our query workers per HTTP process (default: enough for every connection, as Oxigraph "
                    "runs every request at once: the most --clients over the CPUs)")  # fmt: skip
    ap.add_argument("--data", type=Path, default=None, help="an existing build to start from (default: build one)")
    ap.add_argument("--baseline", type=Path, default=None, metavar="SRC",
                    help="also serve with the kg/ and server/ packages of SRC (an earlier commit's `git archive`), "
                    "measured in the same rounds: a before/after comparison in one run")  # fmt: skip
    ap.add_argument("--keep", action="store_true", help="keep the working directory (built data, server logs)")
    ap.add_argument("--synthetic", type=Path, default=None, metavar="DIR",
                    help="make synthetic builds in DIR and keep them; one already there is used again")  # fmt: skip
    args = ap.parse_args()
    if not sys.platform.startswith("linux"):
        ap.error("this benchmark reads /proc: Linux only")
    if shutil.which("wrk") is None:
        ap.error("wrk is needed (Debian: apt-get install wrk)")
    clients = [int(c) for c in args.clients.split(",") if c]
    mixes = [m for m in args.mixes.split(",") if m]
    if not set(mixes) <= set(MIXES):
        ap.error(f"--mixes: one or more of {', '.join(MIXES)}")

    work = Path(tempfile.mkdtemp(prefix="minusma-bench-"))
    bodies = work / "bodies.txt"
    queries = [q for q in load_saved_queries() if "needs-internet" not in q.tags]
    bodies.write_text("".join(urllib.parse.urlencode({"query": q.text}) + "\n" for q in queries), encoding="ascii")
    logs: dict[str, Path] = {}
    procs: list[subprocess.Popen] = []
    exe = shutil.which("minusma-kg") or str(Path(sys.executable).with_name("minusma-kg"))
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))

    def start(
        label: str, cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None
    ) -> subprocess.Popen:
        logs[label] = work / f"{len(logs) + 1}.log"
        with logs[label].open("wb") as fh:  # each in its own session, so that it can be stopped whole
            proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,  # noqa: S603
                                    start_new_session=True, cwd=cwd)  # fmt: skip
        procs.append(proc)
        return proc

    try:
        real = args.data.resolve() if args.data else work / "data"
        if args.data is None:
            result = build(real)
            if not result.ok:
                print("build failed:", *result.errors, sep="\n")
                return 1
        sizes = [int(s) for s in args.sizes.split(",") if s] or [corpus_size(real)]
        cpus = os.cpu_count() or 1
        workers = args.workers or -(-max(clients) // cpus)  # serve starts one HTTP process per CPU
        print(f"{len(queries)} saved queries; {cpus} CPUs; wrk -t {args.wrk_threads}; {args.rounds} interleaved "
              f"rounds of {args.seconds} s; medians over the rounds; our servers: {cpus} HTTP processes with "
              f"{workers} query workers each (and a reserved one), MINUSMA_KG_PER_CLIENT=0", flush=True)  # fmt: skip
        for size in sizes:
            data = prepare(size, args.synthetic.resolve() if args.synthetic else work, real)
            labels = [OX_MEM, OX_DISK, OURS] + ([BASELINE] if args.baseline else [])
            ports = {label: free_port() for label in labels}
            memory = [oxigraph, "serve", "--bind", f"127.0.0.1:{ports[OX_MEM]}"]
            pids = {OX_MEM: start(f"{OX_MEM} ({size})", memory).pid}
            disk = work / f"oxigraph-{size}"
            shutil.copytree(data / STORE, disk)
            pids[OX_DISK] = start(f"{OX_DISK} ({size})", [oxigraph, "serve", "--location", str(disk),
                                                          "--bind", f"127.0.0.1:{ports[OX_DISK]}"]).pid  # fmt: skip
            env = {**os.environ, "MINUSMA_KG_PER_CLIENT": "0", "MINUSMA_KG_RESULT_LIMIT": "1000000"}
            cmd = [exe, "serve", "--data", str(data), "--workers", str(workers), "--port", str(ports[OURS])]
            pids[OURS] = start(f"{OURS} ({size})", cmd, env).pid
            if args.baseline:
                # its packages, not these: run in SRC ("python -c" puts the working directory first on the path)
                src = str(args.baseline.resolve())
                base_cmd = [sys.executable, "-c", "import sys; from minusma_kg.cli import main; sys.exit(main())",
                            *cmd[1:-1], str(ports[BASELINE])]  # fmt: skip
                pids[BASELINE] = start(f"{BASELINE} ({size})", base_cmd, {**env, "PYTHONPATH": src}, src).pid
            wait_for(ports[OX_MEM], "/query?query=ASK%7B%7D")
            publish_to_store(data / NQUADS, f"http://127.0.0.1:{ports[OX_MEM]}/store", timeout=600)
            wait_for(ports[OX_DISK], "/query?query=ASK%7B%7D")
            urls = {
                OX_MEM: f"http://127.0.0.1:{ports[OX_MEM]}/query",
                OX_DISK: f"http://127.0.0.1:{ports[OX_DISK]}/query",
            }
            for label in labels[2:]:
                wait_for(ports[label], "/sparql?query=ASK%7B%7D", seconds=600)
                urls[label] = f"http://127.0.0.1:{ports[label]}/sparql"
            for url in urls.values():  # warm up: every query answered once (page cache, our result cache), both mixes
                warm_up(url, queries)
                for mix in mixes:
                    run_wrk(url, bodies, mix, 1, 2, 1)
            runs: dict[tuple[str, int, str], list[dict[str, float]]] = {}
            for mix in mixes:
                for n in clients:
                    for _ in range(args.rounds):
                        for label, url in urls.items():
                            server0, client0 = tree_ticks(pids[label]), children_cpu()
                            machine0, t0 = machine_ticks(), time.time()
                            r = run_wrk(url, bodies, mix, args.seconds, n, args.wrk_threads)
                            wall = time.time() - t0
                            r["ok_per_s"] = (r["requests"] - r["status_errors"]) / r["seconds"]
                            front, deep = (b - a for a, b in zip(server0, tree_ticks(pids[label]), strict=True))
                            r["server_cores"] = (front + deep) / TICKS / wall
                            r["front_ms"] = front / TICKS * 1000 / max(1, r["requests"] - r["status_errors"])
                            r["deep_ms"] = deep / TICKS * 1000 / max(1, r["requests"] - r["status_errors"])
                            r["client_cores"] = (children_cpu() - client0) / wall
                            r["other_cores"] = max(0.0, (machine_ticks() - machine0) / TICKS / wall
                                                   - r["server_cores"] - r["client_cores"])  # fmt: skip
                            runs.setdefault((mix, n, label), []).append(r)
            report(size, mixes, clients, labels, runs)
            stop_all(procs)
            procs.clear()
            shutil.rmtree(disk, ignore_errors=True)
        return 0
    finally:
        left = stop_all(procs)
        print("\nserver logs" + (f" (kept in {work})" if args.keep else "") + ":")
        for label, log in logs.items():
            summary = log_summary(log)
            print(f"  {label}:" + ("" if summary else " nothing logged"))
            for line in summary:
                print(f"  {line}")
        if left:
            print("left processes behind after SIGTERM (then killed): " + "; ".join(left))
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(
    size: int, mixes: list[str], clients: list[int], labels: list[str], runs: dict[tuple[str, int, str], list[dict]]
) -> None:
    """One table per corpus size: medians over the rounds, and our rate as a share of each Oxigraph's."""
    print(f"\n{size} articles (2xx/s, p50 and p99 ms: medians over the rounds; not 2xx: all rounds' total)")
    print(f"{'mix':<9} {'conns':>5} {'server':<35} {'2xx/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'not 2xx':>8} "
          f"{'vs mem':>7} {'vs disk':>7} {'CPU ms':>6} {'HTTP':>5} {'engine':>6} {'server':>6} {'client':>6} "
          f"{'other':>6}")  # fmt: skip
    for mix in mixes:
        for n in clients:
            rates = {label: median([r["ok_per_s"] for r in runs[(mix, n, label)]]) for label in labels}
            for label in labels:
                rs = runs[(mix, n, label)]
                bad = sum(int(r["status_errors"] + r["socket_errors"] + r["timeouts"]) for r in rs)
                cache = " (cache)" if mix == "repeated" and label in (OURS, BASELINE) else ""

                def cores(who: str, rs: list[dict] = rs) -> str:
                    return f"{median([r[who + '_cores'] for r in rs]):>6.2f}"

                cpu_ms = median(
                    [r["server_cores"] * 1000 / r["ok_per_s"] if r["ok_per_s"] else float("nan") for r in rs]
                )
                split = (f"{median([r['front_ms'] for r in rs]):>5.2f} {median([r['deep_ms'] for r in rs]):>6.2f}"
                         if label in (OURS, BASELINE) else f"{'':>5} {'':>6}")  # fmt: skip

                print(f"{mix:<9} {n:>5} {label + cache:<35} {rates[label]:>8.0f} "
                      f"{median([r['p50_ms'] for r in rs]):>7.1f} {median([r['p99_ms'] for r in rs]):>7.1f} {bad:>8} "
                      f"{ratio(rates[label], rates[OX_MEM])} {ratio(rates[label], rates[OX_DISK])} "
                      f"{cpu_ms:>6.2f} {split} {cores('server')} {cores('client')} {cores('other')}")  # fmt: skip
    print(
        "(CPU ms: the server's CPU time per 2xx answer, its other answers included; HTTP and engine: that of our "
        "HTTP processes and of our query workers; cores: CPU used during the runs, 1.0 = one core busy; server: its "
        "process tree, client: wrk, other: the rest of the machine)"
    )
    print("per-round 2xx/s: " + "; ".join(
        f"{mix} {n} {label}: {', '.join(str(round(r['ok_per_s'])) for r in rs)}"
        for (mix, n, label), rs in runs.items()))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
