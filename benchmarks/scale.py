"""How the build grows with the corpus: wall time per stage, peak memory and growth exponents (issue 12).

A synthetic corpus of N articles is made of copies of the project's own articles (kg/articles): copy 0 is the
articles as they are, copy k >= 1 gives every article the number ``5k + i`` (no cap on the digits) and every
entity an article declares a new id (``experts`` becomes ``experts-c3``), so that the names the mention search
looks for grow with the corpus as they would with real articles; the labels and aliases stay those of the
original, because they must stand in the (copied) text. The shared registry (kg/entities.yaml), the Wikidata
links and the external facts are read where they are. Each size is built, exactly as ``minusma-kg build`` builds,
in a subprocess of its own, so that its peak memory (``ru_maxrss``) is its own.

Stages (wall seconds; the build records them in ``BuildResult.timings``, and this script splits "assemble"):

load           reading every input (kg.sources.read_sources): annotations (YAML + schema), registry, tables, ontology
mentions       the mention search (extract.MentionFinder: its automaton, then every article)
assemble       the rest of the assembly: facts, evidence, anchors, links, examples, Wikidata mappings
shacl          the shapes (pySHACL)
reasoning      OWL 2 RL (owlrl)
stats          the counts (kg.stats)
serialisation  sorted N-Quads, TriG and Turtle
docs           the VoID description, the ontology page, the validation report, build-info.json

The exponent between two sizes is ``log(t2/t1) / log(n2/n1)``: 1 is linear, 2 quadratic.

    python benchmarks/scale.py [--sizes 5,50,500,2000] [--timeout 1800] [--keep DIR]

Only measure 5 and 50 on a shared machine; 500 and 2,000 take minutes each until the build is faster.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from minusma_kg.kg import paths

ROOT = Path(__file__).resolve().parent.parent


STAGES = ("load", "mentions", "assemble", "shacl", "reasoning", "stats", "serialisation", "docs")
DEFAULT_SIZES = (5, 50, 500, 2000)
#: The whole build's figures after the stages: wall seconds, CPU seconds, peak memory (MiB), and their formats.
WHOLE = (("total", ".2f"), ("cpu", ".2f"), ("peak_mib", ".0f"))
_NUMBERED = re.compile(r"^(\d+)_(.+)$")


# --- The corpus -----------------------------------------------------------------------------------------------------


@dataclass
class Corpus:
    """A generated articles directory and what it holds."""

    articles_dir: Path
    articles: int
    #: Labels and aliases the mention search looks for (registry and article entities, duplicates counted).
    names: int


def _renamed(value: Any, ids: dict[str, str]) -> Any:
    """``value`` with every entity id of ``ids`` replaced, in lists too; other values as they are."""
    if isinstance(value, list):
        return [_renamed(v, ids) for v in value]
    if isinstance(value, str):
        return ids.get(value, value)
    return value


def copy_annotation(data: dict[str, Any], copy: int, numbers: dict[str, str]) -> dict[str, Any]:
    """An article's annotation for copy ``copy``: its entities renamed, references to them and anchors followed.

    Args:
        data: the annotation file as YAML data.
        copy: the copy number (1, 2, ...).
        numbers: original article number -> the number of that article in this copy (for date anchors).
    """
    ids = {str(e["id"]): f"{e['id']}-c{copy}" for e in data.get("entities") or ()}
    out = dict(data)
    meta = dict(data["article"])
    if "publisher" in meta:
        meta["publisher"] = _renamed(meta["publisher"], ids)
    out["article"] = meta
    out["entities"] = [{**e, "id": ids[str(e["id"])]} for e in data.get("entities") or ()]
    facts = []
    for fact in data.get("facts") or ():
        fact = {**fact, "about": _renamed(fact["about"], ids)}
        if "set" in fact:
            fact["set"] = {k: _renamed(v, ids) for k, v in fact["set"].items()}
        for key, spec in fact.items():
            if isinstance(spec, dict) and isinstance(spec.get("anchor"), dict) and "article" in spec["anchor"]:
                anchor = {**spec["anchor"], "article": numbers[str(spec["anchor"]["article"])]}
                fact[key] = {**spec, "anchor": anchor}
        facts.append(fact)
    out["facts"] = facts
    return out


def generate(size: int, dest: Path, source: Path = paths.ARTICLES_DIR, registry: Path = paths.ENTITIES) -> Corpus:
    """Write ``size`` articles into ``dest`` (created): the originals first, then copies with unique numbers and ids."""
    originals = []
    for yaml_path in sorted(source.glob("*.yaml")):
        m = _NUMBERED.match(yaml_path.stem)
        if m:
            originals.append((m.group(1), m.group(2), yaml_path))
    if not originals:
        raise SystemExit(f"no numbered articles in {source}")
    dest.mkdir(parents=True)
    data = {number: yaml.safe_load(p.read_text(encoding="utf-8")) for number, _, p in originals}
    names = sum(1 + len(e.get("aliases") or ()) for e in yaml.safe_load(registry.read_text(encoding="utf-8")))
    for n in range(size):
        copy, i = divmod(n, len(originals))
        number, name, yaml_path = originals[i]
        new_number = f"{copy * len(originals) + i:03d}"
        stem = f"{new_number}_{name}"
        shutil.copyfile(yaml_path.with_suffix(".txt"), dest / f"{stem}.txt")
        names += sum(1 + len(e.get("aliases") or ()) for e in data[number].get("entities") or ())
        if copy == 0:
            shutil.copyfile(yaml_path, dest / f"{stem}.yaml")
            continue
        numbers = {num: f"{copy * len(originals) + j:03d}" for j, (num, _, _) in enumerate(originals)}
        annotation = copy_annotation(data[number], copy, numbers)
        text = yaml.safe_dump(annotation, allow_unicode=True, sort_keys=False, width=1_000_000)
        (dest / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return Corpus(dest, size, names)


# --- One build, measured (in a child process) -----------------------------------------------------------------------


def _accumulate(module: Any, name: str, totals: dict[str, float], stage: str) -> None:
    """Wrap ``module.name`` (or a class's method) so that its wall time is added to ``totals[stage]``."""
    inner: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            totals[stage] = totals.get(stage, 0.0) + time.perf_counter() - start

    setattr(module, name, timed)


def measure(articles_dir: Path, out: Path) -> dict[str, Any]:
    """Build ``articles_dir`` into ``out`` and return the stage times, the total and the peak memory."""
    import resource

    from minusma_kg.kg import assemble, extract
    from minusma_kg.kg import build as build_module
    from minusma_kg.kg.build import build
    from minusma_kg.kg.sources import Sources

    inner: dict[str, float] = {}
    _accumulate(build_module, "read_sources", inner, "load")  # the name the build calls
    if hasattr(assemble, "find_mentions"):  # a checkout from before the automaton: one scan per name
        _accumulate(assemble, "find_mentions", inner, "mentions")
    if hasattr(extract, "MentionFinder"):
        for name in ("__init__", "find"):  # the automaton is built once, then read per article
            _accumulate(extract.MentionFinder, name, inner, "mentions")
    start = time.perf_counter()
    result = build(out, Sources(articles_dir=articles_dir))
    total = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stages = dict(result.timings)
    stages["load"], stages["mentions"] = inner.get("load", 0.0), inner.get("mentions", 0.0)
    stages["assemble"] = stages.get("assemble", 0.0) - stages["load"] - stages["mentions"]
    return {
        "ok": result.ok,
        "errors": result.errors[:5],
        "total": total,
        "stages": stages,
        "peak_mib": usage.ru_maxrss / 1024,  # KiB on Linux
        "cpu": usage.ru_utime + usage.ru_stime,  # beside the wall time: on a shared machine, the steadier figure
        "quads": result.stats.total_quads if result.stats else None,
    }


# --- Sizes, table, exponents ----------------------------------------------------------------------------------------


@dataclass
class Run:
    """One size: its corpus and what the build took (None if it did not finish in time)."""

    corpus: Corpus
    measured: dict[str, Any] | None
    note: str = ""
    stages: dict[str, float] = field(default_factory=dict)


def run_size(size: int, work: Path, timeout: float) -> Run:
    corpus = generate(size, work / f"n{size}" / "articles")
    cmd = [sys.executable, __file__, "--child", str(corpus.articles_dir), str(work / f"n{size}" / "out")]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603 (our own script)
    except subprocess.TimeoutExpired:
        return Run(corpus, None, f"did not finish in {timeout:.0f} s")
    if done.returncode != 0:
        return Run(corpus, None, f"failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if not measured["ok"]:
        return Run(corpus, measured, f"build refused: {measured['errors']}")
    return Run(corpus, measured, stages=measured["stages"])


def exponent(n1: int, t1: float, n2: int, t2: float) -> float | None:
    """The growth exponent ``k`` of ``t ~ n^k`` between two sizes (None if a time is too small to tell)."""
    if min(t1, t2) < 0.005 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def table(runs: list[Run]) -> str:
    """A Markdown table: one row per size, then one row of exponents per pair of consecutive sizes."""
    head = ["articles", "names", *STAGES, "total", "CPU", "peak MiB"]
    rows = [head, ["---:"] * len(head)]
    done = [r for r in runs if r.measured and r.stages]
    for r in runs:
        if r.measured and r.stages:
            cells = [f"{r.stages.get(s, 0.0):.2f}" for s in STAGES]
            cells += [f"{r.measured.get(key, 0.0):{form}}" for key, form in WHOLE]
            rows.append([str(r.corpus.articles), str(r.corpus.names), *cells])
        else:
            rows.append([str(r.corpus.articles), str(r.corpus.names), r.note, *[""] * (len(head) - 3)])
    for a, b in itertools.pairwise(done):
        n1, n2 = a.corpus.articles, b.corpus.articles
        pairs = [(a.stages.get(s, 0.0), b.stages.get(s, 0.0)) for s in STAGES]
        pairs += [(a.measured.get(key, 0.0), b.measured.get(key, 0.0)) for key, _ in WHOLE]  # type: ignore[union-attr]
        ks = [exponent(n1, t1, n2, t2) for t1, t2 in pairs]
        rows.append([f"{n1}→{n2}", "", *("-" if k is None else f"n^{k:.2f}" for k in ks)])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="article counts, comma-separated")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one size may take (default 1800)")
    parser.add_argument("--keep", type=Path, help="generate the corpora and builds here, and keep them")
    parser.add_argument("--child", nargs=2, metavar=("ARTICLES", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), Path(args.child[1]))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="minusma-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = []
    try:
        for size in sizes:
            run = run_size(size, work, args.timeout)
            total = f"{run.measured['total']:.1f} s" if run.measured else run.note
            print(f"{size} articles: {total}", file=sys.stderr, flush=True)
            runs.append(run)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(runs))
    return 0 if all(r.stages for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
