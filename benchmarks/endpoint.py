"""Throughput and latency of the minusma-kg endpoint against Oxigraph's own server, on the same data.

Both servers run on 127.0.0.1; the same client (this script: threads with keep-alive connections) sends the same
mix of saved queries to each, in alternating rounds, so both are measured side by side under the same machine load.

    python benchmarks/endpoint.py [--seconds 8] [--concurrency 8] [--rounds 3] [--keep]

It prints requests/s (answers of any status, and 200 answers alone), p50 and p99 latency of the 200 answers for
each server, its answers other than 200 by status, and our 200 answers/s as a share of Oxigraph's; then the CPU
each server and the client used (and what the rest of the machine used meanwhile, which says how noisy the run
was), and a summary of each server's log (--keep keeps the logs).
Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from procs import group, stats  # noqa: E402 - benchmarks/procs.py, beside this script

from kg.build import build  # noqa: E402 - after the sys.path line
from kg.publish import NQUADS, publish_to_store  # noqa: E402
from kg.queries import load_saved_queries  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


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


def tree_ticks(root: int) -> int:
    """CPU ticks (user + system) used so far by ``root`` and all its descendants alive now, from /proc."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for pid, fields in stats():
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def machine_ticks() -> int:
    """Busy CPU ticks of the whole machine since boot (all but idle and iowait), from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(x) for x in fh.readline().split()[1:]]
    return sum(values[:8]) - values[3] - values[4]


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_load(
    port: int, path: str, queries: list[str], seconds: float, concurrency: int
) -> tuple[int, list[float], Counter]:
    """Send queries round-robin from ``concurrency`` threads for ``seconds``.

    Returns (answers of any status, latencies of the 200 answers, the other answers by status or exception).
    """
    latencies: list[float] = []
    errors: Counter = Counter()
    done = 0
    lock = threading.Lock()
    stop = time.time() + seconds

    def worker(offset: int) -> None:
        nonlocal done
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        mine: list[float] = []
        bad: Counter = Counter()
        answered = 0
        while time.time() < stop:
            body = urllib.parse.urlencode({"query": queries[i % len(queries)]})
            start = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json, text/turtle;q=0.9"})  # fmt: skip
                resp = conn.getresponse()
                resp.read()
                answered += 1
                if resp.status == 200:
                    mine.append(time.perf_counter() - start)
                else:
                    bad[resp.status] += 1
            except (OSError, http.client.HTTPException) as exc:
                bad[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            i += 1
        with lock:
            latencies.extend(mine)
            errors.update(bad)
            done += answered

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done, latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="length of each measured round per server")
    ap.add_argument("--concurrency", type=int, default=8, help="concurrent client connections")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    ap.add_argument("--workers", type=int, default=2, help="our query worker processes")
    ap.add_argument("--keep", action="store_true", help="keep the working directory (built data, server logs)")
    args = ap.parse_args()
    if not sys.platform.startswith("linux"):
        ap.error("this benchmark reads /proc: Linux only")

    queries = [q.text for q in load_saved_queries() if "needs-internet" not in q.tags]
    work = Path(tempfile.mkdtemp(prefix="minusma-bench-"))
    procs: list[subprocess.Popen] = []
    logs: dict[str, Path] = {}

    def start(label: str, cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        logs[label] = work / f"{len(logs) + 1}.log"
        with logs[label].open("wb") as fh:  # each in its own session, so that it can be stopped whole
            proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,  # noqa: S603
                                    start_new_session=True)  # fmt: skip
        procs.append(proc)
        return proc

    try:
        data = work / "data"
        result = build(data)
        if not result.ok:
            print("build failed:", *result.errors, sep="\n")
            return 1
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        ox_port, our_ports = free_port(), {}
        pids = {"oxigraph serve": start("oxigraph serve", [oxigraph, "serve", "--bind", f"127.0.0.1:{ox_port}"]).pid}
        wait_for(ox_port, "/query?query=ASK%7B%7D")
        publish_to_store(data / NQUADS, f"http://127.0.0.1:{ox_port}/store")
        exe = shutil.which("minusma-kg") or str(Path(sys.executable).with_name("minusma-kg"))
        for label, cache in (("minusma-kg", "256"), ("minusma-kg, no result cache", "0")):
            port = free_port()
            env = {**os.environ, "MINUSMA_KG_RESULT_CACHE": cache, "MINUSMA_KG_RESULT_LIMIT": "100000"}
            cmd = [exe, "serve", "--data", str(data), "--port", str(port), "--workers", str(args.workers),
                   "--threads", str(max(8, args.concurrency))]  # fmt: skip
            pids[label] = start(label, cmd, env).pid
            our_ports[label] = port
        for port in our_ports.values():
            wait_for(port, "/sparql?query=ASK%7B%7D")

        targets = {"oxigraph serve": (ox_port, "/query"), **{k: (p, "/sparql") for k, p in our_ports.items()}}
        for port, path in targets.values():  # warm up
            run_load(port, path, queries, 1.0, 2)
        stats: dict[str, dict[str, list]] = {
            k: {"done": [], "ok": [], "lat": [], "err": [], "secs": [], "server": [], "client": [], "machine": []}
            for k in targets
        }
        for _ in range(args.rounds):
            for label, (port, path) in targets.items():
                server0, client0, machine0, t0 = tree_ticks(pids[label]), self_cpu(), machine_ticks(), time.time()
                done, lat, err = run_load(port, path, queries, args.seconds, args.concurrency)
                wall = time.time() - t0
                stats[label]["done"].append(done)
                stats[label]["ok"].append(len(lat))
                stats[label]["lat"].extend(lat)
                stats[label]["err"].append(err)
                stats[label]["secs"].append(args.seconds)
                stats[label]["server"].append((tree_ticks(pids[label]) - server0) / TICKS / wall)
                stats[label]["client"].append((self_cpu() - client0) / wall)
                stats[label]["machine"].append((machine_ticks() - machine0) / TICKS / wall)

        print(f"\n{len(queries)} saved queries, {args.concurrency} concurrent connections, {args.rounds} alternating "
              f"rounds of {args.seconds:g} s per server, {os.cpu_count()} CPUs\n")  # fmt: skip
        print(f"{'server':<30} {'requests/s':>11} {'200s/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'not 200':>8} "
              f"{'vs oxigraph':>12}")  # fmt: skip
        base = sum(stats["oxigraph serve"]["ok"]) / sum(stats["oxigraph serve"]["secs"])
        for label, st in stats.items():
            rps = sum(st["done"]) / sum(st["secs"])
            ok = sum(st["ok"]) / sum(st["secs"])
            bad = sum(sum(c.values()) for c in st["err"])
            print(f"{label:<30} {rps:>11.1f} {ok:>8.1f} {percentile(st['lat'], 50) * 1000:>8.1f} "
                  f"{percentile(st['lat'], 99) * 1000:>8.1f} {bad:>8} {ok / base:>11.0%}")  # fmt: skip
        print("(requests/s: answers of any status; 200s/s, the latencies and vs oxigraph: the 200 answers only)")
        print("\nper-round 200s/s: " + "; ".join(
            f"{k}: {', '.join(str(round(d / a)) for d, a in zip(st['ok'], st['secs'], strict=True))}"
            for k, st in stats.items()))  # fmt: skip
        for label, st in stats.items():
            total: Counter = sum(st["err"], Counter())
            if total:
                print(f"not 200 from {label}: {dict(total)}")

        def mean(xs: list[float]) -> float:
            return sum(xs) / len(xs)

        print("\nCPU in cores during the rounds (1.0 = one core busy; other: the rest of the machine meanwhile):")
        print(f"{'server':<30} {'server':>7} {'client':>7} {'other':>7}")
        for label, st in stats.items():
            other = max(0.0, mean(st["machine"]) - mean(st["server"]) - mean(st["client"]))
            print(f"{label:<30} {mean(st['server']):>7.2f} {mean(st['client']):>7.2f} {other:>7.2f}")
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


if __name__ == "__main__":
    sys.exit(main())
