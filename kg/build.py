"""The pipeline: articles -> RDF -> SHACL -> OWL 2 RL -> published files, publishing nothing that fails."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from .. import __version__
from ..errors import AnnotationErrors
from .assemble import Assembly, assemble
from .dataset_dir import DEFAULT_BUILD_DIR
from .examples import add_examples
from .layout import FORMAT_VERSION, INFO, NQUADS, QUERIES, REPORT, VOID_FILE
from .namespaces import INFERRED_GRAPH, LINKS_GRAPH, MKG, bind_prefixes
from .ontology_docs import write_ontology_docs
from .publish import (
    GENERATOR,
    check_replaceable,
    dump,
    publish_atomically,
    write_dataset,
    write_info,
)  # fmt: skip
from .queries import load_saved_queries, write_saved_queries
from .reason import infer_triples
from .sources import PACKAGE_SOURCES, Sources, read_sources
from .stats import Stats, compute
from .union import union_triples
from .validate import ValidationReport, validate_dataset
from .void import describe_dataset
from .wikidata_mappings import add_wikidata_mappings

if TYPE_CHECKING:
    from .progress import BuildProgress

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build did: published or not, and why not."""

    ok: bool
    out: Path
    stats: Stats | None = None
    report: ValidationReport | None = None
    errors: list[str] = field(default_factory=list)
    #: What the curator should look at although nothing failed ("file:line: ...").
    warnings: list[str] = field(default_factory=list)
    #: Wall seconds per stage, in the order they ran (benchmarks/scale.py prints them; nothing else reads them).
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(
    timings: dict[str, float] | None, stage: str, progress: BuildProgress | None = None, label: str | None = None
) -> Iterator[None]:
    """Add the wall time of the block to ``timings[stage]``, so a scale run can tell which stage grows; and say on a
    terminal which stage runs (``label``, by default the stage's name)."""
    if progress is not None:
        progress.stage(label or stage)
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def check(
    sources: Sources = PACKAGE_SOURCES, timings: dict[str, float] | None = None, progress: BuildProgress | None = None
) -> tuple[Assembly | None, ValidationReport | None, list[str]]:
    """Assemble and validate; the annotation errors or the shape report say what is wrong."""
    articles = progress.article if progress is not None else None
    try:
        with _timed(timings, "assemble", progress):
            assembly = assemble(read_sources(sources), progress=articles)
    except AnnotationErrors as exc:
        return None, None, [str(e) for e in exc.errors]
    with _timed(timings, "shacl", progress):
        report = validate_dataset(assembly.dataset, assembly.origins, sources.shapes_file)
    return assembly, report, []


def reason_into(ds: Dataset) -> list[str]:
    """Add the inferred graph; return the inconsistencies the reasoner found.

    The Wikidata links stay out of the reasoner's input: owl:sameAs would copy every fact onto the Wikidata
    IRIs, which is valid but neither new nor useful, and would double the inferred graph.
    """
    excluded = (INFERRED_GRAPH, LINKS_GRAPH)
    inference = infer_triples(lambda: union_triples(ds, excluded), into=ds.graph(INFERRED_GRAPH))
    return [f"inconsistent: {m}" for m in inference.inconsistencies]


def sources_digest(sources: Sources = PACKAGE_SOURCES) -> str:
    """A digest of every input file and of the build's own code, so a server can tell whether a build is current."""
    code = sorted([*Path(__file__).parent.glob("*.py"), *Path(__file__).parent.glob("*.schema.json")])
    h = hashlib.sha256(__version__.encode())
    for f in [*sources.files(), *code]:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def is_current(out: Path, sources: Sources = PACKAGE_SOURCES) -> bool:
    """Whether ``out`` holds a build of exactly the current sources."""
    try:
        info = json.loads((out / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (out / NQUADS).exists() and info.get("sources_sha256") == sources_digest(sources)


def build(
    out: Path = DEFAULT_BUILD_DIR, sources: Sources = PACKAGE_SOURCES, progress: BuildProgress | None = None
) -> BuildResult:
    """Build and publish into ``out``; on any failure ``out`` keeps its last good content.

    ``progress`` hears of each stage and article (``minusma-kg build`` shows them on a terminal).

    Raises:
        UnsafeOutputDirError: ``out`` holds something other than a previous build; checked first, so refusing is quick.
    """
    check_replaceable(out.resolve())
    timings: dict[str, float] = {}
    assembly, report, errors = check(sources, timings, progress)
    if errors or assembly is None or report is None:
        return BuildResult(False, out, errors=errors, timings=timings)
    warnings = assembly.warnings
    if not report.conforms:
        violations = [str(v) for v in report.violations]
        return BuildResult(False, out, report=report, errors=violations, warnings=warnings, timings=timings)
    ds = assembly.dataset
    with _timed(timings, "reasoning", progress):
        inconsistencies = reason_into(ds)
    if inconsistencies:
        return BuildResult(False, out, report=report, errors=inconsistencies, warnings=warnings, timings=timings)
    with _timed(timings, "assemble", progress, "examples and Wikidata mappings"):  # two more graphs, after reasoning
        saved_queries = load_saved_queries(sources.queries_dir)  # read once: the examples and the build's copy
        add_examples(ds, saved_queries)  # the saved queries as SPARQL examples (a graph not reasoned over)
        mapping_errors = add_wikidata_mappings(ds, assembly.inputs)  # SKOS to Wikidata
    if mapping_errors:
        return BuildResult(False, out, report=report, errors=mapping_errors, warnings=warnings, timings=timings)
    with _timed(timings, "stats", progress):
        stats = compute(ds)
    with _timed(timings, "serialisation", progress):
        dumped = dump(ds)  # once: the digest, every published file and the store come from it
    info = {
        "generator": GENERATOR,
        "format_version": FORMAT_VERSION,
        "version": __version__,
        "dataset_sha256": dumped.sha256,
        "sources_sha256": sources_digest(sources),
        "stats": stats.to_json(),
    }

    def write_docs(directory: Path) -> None:
        with _timed(timings, "docs", progress, "writing the documentation"):
            articles = sorted(
                {s for s, _, _, _ in ds.quads((None, RDF.type, MKG.NewsArticle, None)) if isinstance(s, URIRef)}
            )
            describe_dataset(stats, articles, len(ds.graph(LINKS_GRAPH)), dumped.union).serialize(
                directory / VOID_FILE, format="turtle"
            )
            write_ontology_docs(sources.ontology_file, directory)
            write_saved_queries(saved_queries, directory / QUERIES)  # the same texts the examples graph holds
            bind_prefixes(report.graph).serialize(directory / REPORT, format="turtle")

    def write(directory: Path) -> None:
        docs = timings.get("docs", 0.0)
        with _timed(timings, "serialisation", progress, "writing the files and the store"):
            write_dataset(dumped, directory, meanwhile=lambda: write_docs(directory))  # while the store loads
        timings["serialisation"] -= timings["docs"] - docs  # each second in one stage only
        write_info(directory, info)  # last: it lists the store's files

    publish_atomically(out, write)
    return BuildResult(True, out, stats=stats, report=report, warnings=warnings, timings=timings)
