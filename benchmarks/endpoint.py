"""Throughput and latency of the minusma-kg endpoint against Oxigraph's own server, on the same data.

Both servers run on 127.0.0.1; the same client (this script: threads with keep-alive connections) sends the same
mix of saved queries to each, in alternating rounds, so both are measured side by side under the same machine load.

    python benchmarks/endpoint.py [--seconds 10] [--concurrency 8] [--rounds 3]

It prints requests/s, p50 and p99 latency for each server, and our throughput as a share of Oxigraph's.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import build
from kg.publish import NQUADS, publish_to_store
from kg.queries import load_saved_queries


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


def run_load(port: int, path: str, queries: list[str], seconds: float, concurrency: int) -> tuple[int, list[float], int]:
    """Send queries round-robin from ``concurrency`` threads for ``seconds``; return (done, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.time() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        mine: list[float] = []
        bad = 0
        while time.time() < stop:
            body = urllib.parse.urlencode({"query": queries[i % len(queries)]})
            start = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json, text/turtle;q=0.9"})  # fmt: skip
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - start)
            i += 1
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="length of each measured round per server")
    ap.add_argument("--concurrency", type=int, default=8, help="concurrent client connections")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    ap.add_argument("--workers", type=int, default=2, help="our query worker processes")
    args = ap.parse_args()

    queries = [q.text for q in load_saved_queries() if "needs-internet" not in q.tags]
    work = Path(tempfile.mkdtemp(prefix="minusma-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        data = work / "data"
        result = build(data)
        if not result.ok:
            print("build failed:", *result.errors, sep="\n")
            return 1
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        ox_port, our_ports = free_port(), {}
        procs.append(subprocess.Popen([oxigraph, "serve", "--bind", f"127.0.0.1:{ox_port}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        wait_for(ox_port, "/query?query=ASK%7B%7D")
        publish_to_store(data / NQUADS, f"http://127.0.0.1:{ox_port}/store")
        exe = shutil.which("minusma-kg") or str(Path(sys.executable).with_name("minusma-kg"))
        for label, cache in (("minusma-kg", "256"), ("minusma-kg, no result cache", "0")):
            port = free_port()
            env = {**os.environ, "MINUSMA_KG_RESULT_CACHE": cache, "MINUSMA_KG_RESULT_LIMIT": "100000"}
            procs.append(subprocess.Popen([exe, "serve", "--data", str(data), "--port", str(port), "--workers",
                                           str(args.workers), "--threads", str(max(8, args.concurrency))],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
            our_ports[label] = port
        for port in our_ports.values():
            wait_for(port, "/sparql?query=ASK%7B%7D")

        targets = {"oxigraph serve": (ox_port, "/query"), **{k: (p, "/sparql") for k, p in our_ports.items()}}
        for port, path in targets.values():  # warm up
            run_load(port, path, queries, 1.0, 2)
        stats: dict[str, dict[str, list]] = {k: {"done": [], "lat": [], "err": [], "secs": []} for k in targets}
        for _ in range(args.rounds):
            for label, (port, path) in targets.items():
                done, lat, err = run_load(port, path, queries, args.seconds, args.concurrency)
                stats[label]["done"].append(done)
                stats[label]["lat"].extend(lat)
                stats[label]["err"].append(err)
                stats[label]["secs"].append(args.seconds)

        print(f"\n{len(queries)} saved queries, {args.concurrency} concurrent connections, {args.rounds} alternating "
              f"rounds of {args.seconds:g} s per server, {os.cpu_count()} CPUs\n")  # fmt: skip
        print(f"{'server':<30} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs oxigraph':>12}")
        base = sum(stats["oxigraph serve"]["done"]) / sum(stats["oxigraph serve"]["secs"])
        for label, s in stats.items():
            rps = sum(s["done"]) / sum(s["secs"])
            print(f"{label:<30} {rps:>11.1f} {percentile(s['lat'], 50) * 1000:>8.1f} "
                  f"{percentile(s['lat'], 99) * 1000:>8.1f} {sum(s['err']):>7} {rps / base:>11.0%}")  # fmt: skip
        print("\nper-round requests/s: " + "; ".join(
            f"{k}: {', '.join(str(round(d / a)) for d, a in zip(s['done'], s['secs'], strict=True))}"
            for k, s in stats.items()))  # fmt: skip
        return 0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
