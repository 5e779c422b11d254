"""How long a query worker takes to be ready, and how much memory it holds: the build's read-only store
(kg/store.py) against loading the N-Quads, measured side by side on the same build, interleaved, medians of 3.

    python benchmarks/worker_start.py                 # the project's build (built into a temporary directory)
    python benchmarks/worker_start.py --sizes 5,50    # synthetic corpora from benchmarks/scale.py

A worker is started by the engine exactly as the server starts it (sandboxed, spawned), asked to count the union
default graph once, and its resident memory is read from /proc. Nothing is asserted: the table says what it saw.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from minusma_kg.kg.build import build
from minusma_kg.kg.dataset_dir import open_build
from minusma_kg.kg.sources import Sources
from minusma_kg.kg.sparql import QueryJob
from minusma_kg.server.engine import Engine

COUNT = QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def one(build_dir: Path, use_store: bool) -> tuple[float, float]:
    """Seconds until one worker is ready, and its resident MiB after one query."""
    info = open_build(build_dir)
    start = time.perf_counter()
    engine = Engine(info.nquads, workers=1, reserved=0, store=info.store if use_store else None)
    ready = time.perf_counter() - start
    try:
        engine.run(COUNT, 60.0)
        (worker,) = engine._workers
        return ready, _rss_mib(worker.process.pid)
    finally:
        engine.close()


def measure(build_dir: Path, rounds: int = 3) -> dict[str, float]:
    samples: dict[str, list[tuple[float, float]]] = {"nquads": [], "store": []}
    for _ in range(rounds):  # interleaved, so a noisy moment hits both
        for mode in samples:
            samples[mode].append(one(build_dir, mode == "store"))
    out = {}
    for mode, values in samples.items():
        out[f"{mode}_s"] = statistics.median(v[0] for v in values)
        out[f"{mode}_mib"] = statistics.median(v[1] for v in values)
    out["quads"] = json.loads((build_dir / "build-info.json").read_text())["stats"]["total_quads"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="article counts of synthetic corpora (benchmarks/scale.py), comma-separated")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        targets: list[tuple[str, Sources]] = []
        if args.sizes:
            from benchmarks.scale import generate

            for size in (int(s) for s in args.sizes.split(",")):
                corpus = generate(size, work / f"n{size}" / "articles")
                targets.append((str(size), Sources(articles_dir=corpus.articles_dir)))
        else:
            targets.append(("project", Sources()))
        for name, sources in targets:
            out = work / f"build-{name}"
            result = build(out, sources)
            if not result.ok:
                print(f"{name}: the build failed: {result.errors[:3]}", file=sys.stderr)
                return 1
            rows.append((name, measure(out)))
    print("| corpus | quads | ready, N-Quads | ready, store | speed-up | RSS, N-Quads | RSS, store | memory ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, m in rows:
        print(f"| {name} | {m['quads']:,} | {m['nquads_s']:.2f} s | {m['store_s']:.2f} s | "
              f"{m['nquads_s'] / m['store_s']:.1f}x | {m['nquads_mib']:.0f} MiB | {m['store_mib']:.0f} MiB | "
              f"{m['store_mib'] / m['nquads_mib']:.2f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
