"""A synthetic dataset of N articles for benchmarks (issue 12), made from a real build without building N articles.

This is NOT a build: no article text, annotation, SHACL check or reasoner stands behind the copies. It is a build
directory shaped exactly like one (sorted N-Quads, build-info.json with the dataset's digest and the store's
manifest, the read-only pyoxigraph store of :mod:`kg.store`, the other published files), so that
``kg.dataset_dir.open_build`` accepts it and ``minusma-kg serve --data DIR`` serves it, while a real 2,000-article
build is still too slow to make. build-info.json says ``"synthetic"`` so nobody takes it for a build.

The quads are replicated with the naming of benchmarks/scale.py's generator: copy 0 is the source as it is; in copy
k >= 1, article ``i`` (of the source's m) gets the number ``m*k + i`` and every entity an article declares the id
``<id>-c<k>``, in every IRI minted from them (``res:article/017``, ``res:senior-minusma-official-c3/assertion/
017-1-1``, ``mkgg:article/017``) and in the file names the curation graph and ``mkg:sourceFile`` give. The shared
entities of kg/entities.yaml keep their IRIs, so facts about MINUSMA, Mali or Goïta pile up across copies as they
would with real articles. What is copied: the article graphs, and the quads of the entities, curation and inferred
graphs that name a copied article or entity; everything else (ontology, Wikidata links, names, coordinates,
external facts, examples) is the source's, once, as a build of scale.py's corpus would have it. One difference from
that build: a copy's article mentions its own copy's entities only, not every copy's (the mention search there
matches the shared labels of all copies), which is what distinct real articles would do.

The TriG and Turtle dumps, the VoID file, the validation report and the ontology page are copied from the source
(they describe the source, not the copies): what a benchmark of the endpoint reads is the N-Quads and the store.

    python benchmarks/synthetic_build.py 2000 /tmp/kg-2000 [--from BUILD_DIR] [--articles kg/articles] [--again]

A directory that already holds the same dataset (same size, source and scheme) is kept as it is unless ``--again``:
2,000 articles (4.4 million quads, a gigabyte of N-Quads) take about three minutes, most of them the store.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from minusma_kg.kg import paths
from minusma_kg.kg.dataset_dir import open_build
from minusma_kg.kg.layout import NQUADS, ONTOLOGY_HTML, ONTOLOGY_TURTLE, QUERIES, REPORT, STORE, TRIG, TURTLE, VOID_FILE
from minusma_kg.kg.namespaces import CURATION_GRAPH, ENTITIES_GRAPH, GRAPH, INFERRED_GRAPH, MKG, RES
from minusma_kg.kg.publish import publish_atomically, write_info
from minusma_kg.kg.store import write_store

from minusma_kg.errors import NotABuildError

ROOT = Path(__file__).resolve().parent.parent


log = logging.getLogger(__name__)

#: The copying scheme's version, in build-info.json: a dataset made by another version is made again, not reused.
SCHEME = 1
#: Published files taken from the source as they are (see the module's docstring).
COPIED = (TRIG, TURTLE, VOID_FILE, ONTOLOGY_HTML, ONTOLOGY_TURTLE, REPORT)
#: Graphs, besides the article graphs, whose quads about a copied article or entity are copied too.
DERIVED_GRAPHS = frozenset({str(ENTITIES_GRAPH), str(CURATION_GRAPH), str(INFERRED_GRAPH)})
ARTICLE_GRAPH = str(GRAPH["article/"])
_NUMBERED = re.compile(r"^(\d+)_")
#: One N-Quads term: an IRI, a literal (with its language or datatype), or a blank node.
_TERM = re.compile(r'<[^>]*>|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?|_:[^\s]+')
_ARTICLE_FILE = re.compile(r'^"kg/articles/(\d+)_')
_ARTICLE_NUMBER = re.compile(r"(?<=/)(\d+)(?=[-/]|$)")
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
#: Classes whose instances are minted per article and counted in the article graphs (as :func:`kg.stats.compute`).
PER_ARTICLE_CLASSES = ("NewsArticle", "Evidence", "DateClaim")


@dataclass(frozen=True)
class _Template:
    """One source quad to copy: N-Quads text with ``{key}`` fields, and the source articles it belongs to."""

    text: str
    #: Index (0..m-1) of the last source article the quad names: a partial last copy takes it only if it has it.
    last_article: int


class _Renamer:
    """Turns a source N-Quads line into a template whose fields name the copy's articles, entities and blank nodes."""

    def __init__(self, numbers: list[str], declared: dict[str, int]) -> None:
        self.numbers = {n: i for i, n in enumerate(numbers)}
        self.declared = declared
        self.fields: dict[str, tuple[str, str]] = {}  # field -> (kind, source value)
        self._keys: dict[tuple[str, str], str] = {}
        self._owners: set[int] = set()

    def _field(self, kind: str, value: str, owner: int | None) -> str:
        key = self._keys.get((kind, value))
        if key is None:
            key = self._keys[kind, value] = f"{kind}{len(self._keys)}"
            self.fields[key] = (kind, value)
        if owner is not None:
            self._owners.add(owner)
        return "{" + key + "}"

    def _number(self, match: re.Match[str]) -> str:
        number = match.group(1)
        if number not in self.numbers:
            return number
        return self._field("n", number, self.numbers[number])

    def _iri(self, iri: str) -> str:
        for base in (str(RES), str(GRAPH)):
            if not iri.startswith(base):
                continue
            path = iri[len(base) :]
            if path.startswith("article/"):  # res:article/003, mkgg:article/003
                return base + _ARTICLE_NUMBER.sub(self._number, path)
            if base == str(GRAPH):
                return iri
            head, slash, rest = path.partition("/")  # res:<entity>/<key>/<article>-<n>...
            if head in self.declared:
                head = self._field("e", head, self.declared[head])
            return base + head + _ARTICLE_NUMBER.sub(self._number, slash + rest)
        return iri

    def template(self, line: str) -> _Template | None:
        """The line as a template, or None if it names no article, no declared entity and no article graph."""
        self._owners = set()
        out, last = [], 0
        for m in _TERM.finditer(line):
            out.append(line[last : m.start()].replace("{", "{{").replace("}", "}}"))
            term = m.group(0)
            if term.startswith("<"):
                piece = "<" + self._iri(term[1:-1]) + ">"  # an N-Quads IRI holds no braces: nothing to escape
            elif term.startswith("_:"):
                piece = "_:" + self._field("b", term[2:], None)
            else:
                file = _ARTICLE_FILE.match(term)
                escaped = term.replace("{", "{{").replace("}", "}}")
                if file and file.group(1) in self.numbers:
                    number = self._field("n", file.group(1), self.numbers[file.group(1)])
                    escaped = '"kg/articles/' + number + escaped[file.end(1) :]
                piece = escaped
            out.append(piece)
            last = m.end()
        out.append(line[last:].replace("{", "{{").replace("}", "}}"))
        if not self._owners:
            return None
        return _Template("".join(out), max(self._owners))


def _graph_of(line: str) -> str:
    """The graph IRI of an N-Quads line of a build, where every quad is in a named graph."""
    last = line.rstrip().removesuffix(".").rstrip().rsplit(" ", 1)[-1]
    return last[1:-1] if last.startswith("<") and last.endswith(">") else ""


def declared_entities(articles_dir: Path) -> dict[str, int]:
    """Entity id -> index (in file order) of the first numbered annotation file that declares it."""
    declared: dict[str, int] = {}
    files = sorted(p for p in articles_dir.glob("*.yaml") if _NUMBERED.match(p.name))
    for i, path in enumerate(files):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entity in data.get("entities") or ():
            declared.setdefault(str(entity["id"]), i)
    return declared


@dataclass
class _Plan:
    """The source's lines and what to make of them."""

    lines: list[str]
    templates: list[_Template]
    fields: dict[str, tuple[str, str]]
    numbers: list[str]


def _plan(nquads: Path, declared: dict[str, int]) -> _Plan:
    lines = nquads.read_text(encoding="utf-8").splitlines()
    numbers = sorted({g[len(ARTICLE_GRAPH) :] for g in map(_graph_of, lines) if g.startswith(ARTICLE_GRAPH)})
    if not numbers:
        raise SystemExit(f"{nquads} has no article graphs to copy")
    renamer = _Renamer(numbers, declared)
    templates = []
    for line in lines:
        graph = _graph_of(line)
        if graph.startswith(ARTICLE_GRAPH) or graph in DERIVED_GRAPHS:
            template = renamer.template(line)
            if template is not None:
                templates.append(template)
    return _Plan(lines, templates, renamer.fields, numbers)


def _copy_values(plan: _Plan, copy: int) -> dict[str, str]:
    """The value of every template field in copy ``copy``."""
    m = len(plan.numbers)
    width = max(3, max(len(n) for n in plan.numbers))
    values = {}
    for key, (kind, value) in plan.fields.items():
        if kind == "n":
            values[key] = f"{copy * m + plan.numbers.index(value):0{width}d}"
        elif kind == "e":
            values[key] = f"{value}-c{copy}"
        else:
            values[key] = f"{value}c{copy}"
    return values


def _lines(plan: _Plan, size: int) -> Iterator[str]:
    """Every line of the synthetic dataset, unsorted: the source's, then each copy's."""
    m = len(plan.numbers)
    yield from plan.lines
    for copy in range(1, math.ceil(size / m)):
        present = min(m, size - copy * m)  # the last copy may hold only the first articles
        values = _copy_values(plan, copy)
        for t in plan.templates:
            if t.last_article < present:
                yield t.text.format_map(values)


def _write_sorted(lines: Iterator[str], out: Path) -> None:
    """``lines`` sorted and without repeats into ``out``, as :func:`kg.publish.dump` orders them.

    GNU sort with the C locale compares bytes, and UTF-8's byte order is the code points' order that Python's
    ``sorted`` uses; it keeps millions of lines in bounded memory (temporary files beside ``out``).
    """
    env = {**os.environ, "LC_ALL": "C"}
    cmd = ["sort", "-u", "-S", "25%", "-T", str(out.parent), "-o", str(out)]
    with subprocess.Popen(cmd, stdin=subprocess.PIPE, env=env) as proc:  # noqa: S603 (coreutils, fixed arguments)
        stdin = proc.stdin
        if stdin is None:  # never: stdin=PIPE
            raise RuntimeError("sort has no input pipe")
        buffer: list[str] = []
        for line in lines:
            buffer.append(line)
            if len(buffer) >= 50_000:
                stdin.write(("\n".join(buffer) + "\n").encode("utf-8"))
                buffer.clear()
        if buffer:
            stdin.write(("\n".join(buffer) + "\n").encode("utf-8"))
        stdin.close()
        if proc.wait() != 0:
            raise RuntimeError(f"sort failed with exit code {proc.returncode}")


def _write_union(nquads: Path, out: Path) -> None:
    """The distinct triples of ``nquads`` (every quad in a named graph) as N-Triples: the store's default graph."""

    def triples() -> Iterator[str]:
        with nquads.open(encoding="utf-8") as fh:
            for line in fh:
                yield line.rstrip("\n").rsplit(" ", 2)[0] + " ."  # "<s> <p> <o> <g> ." without "<g>"

    _write_sorted(triples(), out)


def _digest_and_stats(nquads: Path) -> tuple[str, dict]:
    """The file's SHA-256 and the counts build-info.json carries (:class:`kg.stats.Stats`), in one pass."""
    digest = hashlib.sha256()
    per_graph: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    entities, mkg = str(ENTITIES_GRAPH), str(MKG)
    per_article = {f"<{MKG[c]}>": f"mkg:{c}" for c in PER_ARTICLE_CLASSES}
    with nquads.open("rb") as fh:
        for raw in fh:
            digest.update(raw)
            line = raw.decode("utf-8")
            graph = _graph_of(line)
            per_graph[graph] += 1
            if RDF_TYPE not in line:
                continue
            parts = line.split(" ")
            if parts[1] != RDF_TYPE:
                continue
            if graph == entities and parts[2].startswith("<" + mkg):
                classes["mkg:" + parts[2][len(mkg) + 1 : -1]] += 1
            elif graph.startswith(ARTICLE_GRAPH) and parts[2] in per_article:
                classes[per_article[parts[2]]] += 1
    stats = {
        "triples_per_graph": dict(sorted(per_graph.items())),
        "instances_per_class": dict(sorted(classes.items())),
        "inferred_triples": per_graph.get(str(INFERRED_GRAPH), 0),
        "total_quads": sum(per_graph.values()),
    }
    return digest.hexdigest(), stats


def _source_build(tmp: Path) -> Path:
    """A fresh build of the project's articles in ``tmp`` (the default source)."""
    from minusma_kg.kg.build import build

    out = tmp / "source-build"
    result = build(out)
    if not result.ok:
        raise RuntimeError(f"the source build failed: {result.errors[:3]}")
    return out


def _made_before(dest: Path, size: int, version: str) -> bool:
    """Whether ``dest`` already holds this synthetic dataset: same size, same source, same scheme, checked whole."""
    try:
        info = open_build(dest).info
    except NotABuildError:
        return False
    wanted = {"articles": size, "source_dataset_sha256": version, "scheme": SCHEME}
    made = info.get("synthetic")
    return isinstance(made, dict) and all(made.get(k) == v for k, v in wanted.items())


def make_build(
    size: int, dest: Path, source: Path | None = None, articles_dir: Path = paths.ARTICLES_DIR, reuse: bool = True
) -> Path:
    """Write a synthetic dataset of ``size`` articles into ``dest`` as a build directory; return ``dest``.

    A synthetic dataset for benchmarks, not a build (see the module's docstring): nothing checks the copies.
    ``dest`` is replaced only if it is missing, empty or a previous build (as ``minusma-kg build --out`` does).

    Args:
        size: articles in the result (copy 0 is the source's articles; the last copy may be partial).
        dest: the directory to write.
        source: a build directory to copy; None builds the project's articles into a temporary directory first.
        articles_dir: the annotation files the source was built from, which say which entities articles declare.
        reuse: keep ``dest`` as it is when it already holds this dataset (same size, source and scheme; its
            digest and store checked): 2,000 articles take minutes to write, most of them the store.
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    with tempfile.TemporaryDirectory(prefix="minusma-synthetic-") as tmp:
        built = open_build(source if source is not None else _source_build(Path(tmp)))
        if reuse and _made_before(dest, size, built.version):
            log.info("%s already holds %d synthetic articles of this source", dest, size)
            return dest
        plan = _plan(built.nquads, declared_entities(articles_dir))
        if size < len(plan.numbers):
            raise ValueError(f"size must be at least the source's {len(plan.numbers)} articles")

        def write(directory: Path) -> None:
            start = time.perf_counter()
            _write_sorted(_lines(plan, size), directory / NQUADS)
            digest, stats = _digest_and_stats(directory / NQUADS)
            log.info("N-Quads: %d quads in %.1f s", stats["total_quads"], time.perf_counter() - start)
            start = time.perf_counter()
            if "union" in inspect.signature(write_store).parameters:  # it takes the union ready-made
                union = directory / ".union.nt"
                _write_union(directory / NQUADS, union)
                write_store(directory / NQUADS, directory / STORE, union=union.read_bytes())
                union.unlink()
            else:
                write_store(directory / NQUADS, directory / STORE)
            log.info("store in %.1f s", time.perf_counter() - start)
            for name in COPIED:
                if (built.path / name).is_file():
                    shutil.copyfile(built.path / name, directory / name)
            if (built.path / QUERIES).is_dir():  # the saved questions the server offers
                shutil.copytree(built.path / QUERIES, directory / QUERIES)
            info = {
                **built.info,
                "dataset_sha256": digest,
                "sources_sha256": hashlib.sha256(f"synthetic:{size}:{built.version}".encode()).hexdigest(),
                "stats": stats,
                "synthetic": {"articles": size, "source_dataset_sha256": built.version, "scheme": SCHEME,
                              "note": "benchmarks/synthetic_build.py: copies of a build, not a build"},
            }  # fmt: skip
            info.pop("store", None)
            write_info(directory, info)

        publish_atomically(dest, write)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="articles in the synthetic dataset")
    parser.add_argument("dest", type=Path, help="the directory to write (replaced if it holds a previous build)")
    parser.add_argument("--from", dest="source", type=Path, help="a build directory to copy (default: build one)")
    parser.add_argument("--articles", type=Path, default=paths.ARTICLES_DIR, help="the source's annotation files")
    parser.add_argument("--again", action="store_true", help="write DEST even if it holds this dataset already")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    start = time.perf_counter()
    make_build(args.size, args.dest, args.source, args.articles, reuse=not args.again)
    info = open_build(args.dest).info
    print(f"{args.dest}: {args.size} articles, {info['stats']['total_quads']} quads in "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
