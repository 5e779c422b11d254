"""Every input of the build, named in one place and read in one place, each problem with its ``file:line``.

:class:`Sources` lists the files the build reads (tests point it at copies); :func:`read_sources` reads them into
plain records (:class:`Inputs`) and collects every problem as an :class:`AnnotationError`, so one run reports them
all. :mod:`kg.assemble` then only mints RDF from the records. The per-format readers stay in their modules: YAML
with lines and the annotation schema in :mod:`kg.annotations`, sourced tables in :mod:`kg.sourced_tsv` (names in
:mod:`kg.names`, coordinates in :mod:`kg.coordinates`); this module reads the rest (external facts, the Wikidata
tables, the ontology) and is the one entry point the build calls.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from ..errors import AnnotationError
from . import paths
from .annotations import Article, EntityDecl, LineDict, LineList, load_yaml, read_articles, read_entities
from .coordinates import COORDINATES_FILE, Coordinates, read_coordinates
from .names import NameDecl, read_all_names


@dataclass(frozen=True)
class Sources:
    """Every file the build reads, by default the package's own; tests point it at small fixtures or copies.

    Not inputs, so not listed: ``wikidata/languages.tsv`` (read by ``export``) and ``wikidata/not-found.tsv`` (notes
    for curators).
    """

    #: The articles: ``NNN_name.txt`` (the text) beside ``NNN_name.yaml`` (its annotation).
    articles_dir: Path = paths.ARTICLES_DIR
    #: The entity registry shared by the articles.
    entities_file: Path = paths.ENTITIES
    #: Facts the articles do not state (resolution numbers), with their source.
    external_file: Path = paths.EXTERNAL
    #: owl:sameAs links from entities to Wikidata items.
    links_file: Path = paths.WIKIDATA_DIR / "links.tsv"
    #: The Wikidata items checked by hand: only ``verified`` ones may be linked or mapped to.
    qids_file: Path = paths.WIKIDATA_DIR / "qids.tsv"
    #: The Wikidata properties the ontology may be mapped to.
    properties_file: Path = paths.WIKIDATA_DIR / "properties.tsv"
    #: SKOS mappings from the ontology's terms to Wikidata (optional: no file, no mapping graph).
    mappings_file: Path = paths.WIKIDATA_DIR / "mappings.tsv"
    #: Names in other languages, one ``<lang>.tsv`` per language (optional).
    names_dir: Path = paths.NAMES_DIR
    #: Coordinates of places (optional).
    coordinates_file: Path = COORDINATES_FILE
    ontology_file: Path = paths.ONTOLOGY
    shapes_file: Path = paths.SHAPES
    #: The saved queries, published as SPARQL examples.
    queries_dir: Path = paths.QUERIES_DIR

    @classmethod
    def in_directory(cls, root: Path) -> Sources:
        """The annotations of a tree laid out as the package's ``kg/`` is (a copy a test or a curator changes);
        the ontology, shapes and saved queries stay the package's."""
        wikidata = root / "wikidata"
        return cls(
            articles_dir=root / "articles",
            entities_file=root / "entities.yaml",
            external_file=root / "external.yaml",
            links_file=wikidata / "links.tsv",
            qids_file=wikidata / "qids.tsv",
            properties_file=wikidata / "properties.tsv",
            mappings_file=wikidata / "mappings.tsv",
            names_dir=root / "names",
            coordinates_file=root / "places" / "coordinates.tsv",
        )

    def files(self) -> list[Path]:
        """Every input file that exists, in a stable order: what a change to the sources means."""
        singles = [self.entities_file, self.external_file, self.links_file, self.qids_file, self.properties_file,
                   self.mappings_file, self.coordinates_file, self.ontology_file, self.shapes_file]  # fmt: skip
        found = [
            *_listed(self.articles_dir, "*.txt", "*.yaml"),
            *singles,
            *_listed(self.names_dir, "*.tsv"),
            *_listed(self.queries_dir, "*.rq"),
        ]
        return [f for f in found if f.is_file()]


#: The package's own inputs: what ``minusma-kg build`` reads by default.
PACKAGE_SOURCES = Sources()


def _listed(directory: Path, *patterns: str) -> list[Path]:
    return sorted({p for pattern in patterns for p in directory.glob(pattern)}) if directory.is_dir() else []


# --- The records ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExternalSource:
    """Where the external facts come from."""

    id: str
    label: str
    url: str | None


@dataclass(frozen=True)
class ExternalFact:
    """What ``external.yaml`` says about one entity; the keys are properties of the ontology, checked on minting."""

    about: str
    #: property name -> (value, line of the key)
    values: dict[str, tuple[Any, int]]
    file: str
    line: int


@dataclass(frozen=True)
class Link:
    """One row of ``links.tsv``: the entity is the Wikidata item ``qid``."""

    entity: str
    qid: str
    file: str
    line: int


@dataclass(frozen=True)
class WikidataItem:
    """One row of ``qids.tsv``."""

    qid: str
    label: str
    #: Its "what it is" column: ``class`` for the items the ontology's classes may be mapped to.
    kind: str
    status: str


@dataclass(frozen=True)
class MappingRow:
    """One row of ``mappings.tsv`` as written; :mod:`kg.wikidata_mappings` checks it against the ontology."""

    term: str
    relation: str
    target: str
    note: str
    file: str
    line: int


@dataclass
class Inputs:
    """Everything the build reads, parsed; ``errors`` holds every problem found while reading."""

    ontology: Graph
    articles: list[Article]
    #: The shared registry's entities (the articles' own are in each :class:`Article`).
    entities: list[EntityDecl]
    external_source: ExternalSource | None
    external_facts: list[ExternalFact]
    links: list[Link]
    wikidata_items: list[WikidataItem]
    #: pid -> label of the Wikidata properties the ontology may be mapped to.
    wikidata_properties: dict[str, str]
    mappings: list[MappingRow]
    names: list[NameDecl]
    places: list[Coordinates]
    #: Where the articles are, for problems about the corpus as a whole (two articles sharing a number).
    articles_dir: Path
    qids_file: Path
    errors: list[AnnotationError] = field(default_factory=list)

    @property
    def verified_qids(self) -> set[str]:
        return {item.qid for item in self.wikidata_items if item.status == "verified"}


# --- Reading ------------------------------------------------------------------------------------------------------


def read_sources(sources: Sources = PACKAGE_SOURCES, extra_articles: Sequence[Path] = ()) -> Inputs:
    """Read every input of ``sources``; ``extra_articles`` are article files checked with the corpus
    (``minusma-kg validate FILE``). Never raises for a curator's mistake: problems land in ``Inputs.errors``."""
    entities, entity_errors = read_entities(sources.entities_file)
    articles, article_errors = read_articles(sources.articles_dir, extra_articles)
    external_source, external_facts, external_errors = read_external(sources.external_file)
    links, link_errors = read_links(sources.links_file)
    items, item_errors = read_wikidata_items(sources.qids_file)
    properties, property_errors = read_wikidata_properties(sources.properties_file)
    mappings, mapping_errors = read_mappings(sources.mappings_file)
    names, name_errors = read_all_names(sources.names_dir)
    places, place_errors = read_coordinates(sources.coordinates_file)
    return Inputs(
        ontology=load_ontology(sources.ontology_file),
        articles=articles,
        entities=entities,
        external_source=external_source,
        external_facts=external_facts,
        links=links,
        wikidata_items=items,
        wikidata_properties=properties,
        mappings=mappings,
        names=names,
        places=places,
        articles_dir=sources.articles_dir,
        qids_file=sources.qids_file,
        errors=[*entity_errors, *article_errors, *external_errors, *link_errors, *item_errors, *property_errors,
                *mapping_errors, *name_errors, *place_errors],
    )  # fmt: skip


def load_ontology(path: Path = paths.ONTOLOGY) -> Graph:
    """The ontology with its blank nodes (RDF lists of property chains) labelled canonically, for stable dumps.

    Read-only (rdflib's canonical graph is), so one parse per content serves every build in the process."""
    return _parsed_turtle(path.resolve().as_uri(), path.read_text(encoding="utf-8"), canonical=True)


def read_turtle(path: Path) -> Graph:
    """A Turtle file (the shapes) as a fresh graph the caller may change, parsed once per content per process: the
    tests and ``validate`` check many graphs against the same shapes."""
    parsed = _parsed_turtle(path.resolve().as_uri(), path.read_text(encoding="utf-8"), canonical=False)
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=True)
    graph += parsed
    return graph


@lru_cache(maxsize=8)
def _parsed_turtle(location: str, text: str, canonical: bool) -> Graph:
    """Keyed by the text itself, so an edited file is parsed again; ``location`` is the base for relative IRIs."""
    graph = Graph().parse(data=text, format="turtle", publicID=location)
    return to_canonical_graph(graph) if canonical else graph


_SOURCE_KEYS = {"id": True, "label": True, "url": False}  # key -> required
_SCALARS = (str, int, float, bool, date)


def read_external(path: Path) -> tuple[ExternalSource | None, list[ExternalFact], list[AnnotationError]]:
    """The external facts file: a ``source`` (id, label, url) and ``facts``, each an ``about`` id with property
    values. A typo is a problem with its line, never a KeyError."""
    try:
        data = load_yaml(path)
    except AnnotationError as exc:
        return None, [], [exc]
    if not isinstance(data, LineDict):
        return None, [], [AnnotationError(path, 1, "the file must be a mapping with the keys source and facts")]
    errors = [
        AnnotationError(path, data.line_of(key), f"unknown key {key!r}; allowed: facts, source")
        for key in data
        if key not in ("source", "facts")
    ]
    source = _external_source(path, data, errors)
    facts: list[ExternalFact] = []
    items = data.get("facts") or LineList()
    if not isinstance(items, LineList):
        errors.append(AnnotationError(path, data.line_of("facts"), "facts must be a list"))
        items = LineList()
    for i, item in enumerate(items):
        line = items.item_lines[i]
        if not isinstance(item, LineDict):
            errors.append(AnnotationError(path, line, "a fact must be a mapping with 'about' and property values"))
            continue
        about = item.get("about")
        if not isinstance(about, str) or not about:
            errors.append(AnnotationError(path, line, "missing required key 'about' (an entity id) in a fact"))
            continue
        values: dict[str, tuple[Any, int]] = {}
        for key, value in item.items():
            if key == "about":
                continue
            if not isinstance(value, _SCALARS):
                errors.append(AnnotationError(path, item.line_of(key), f"{key}: the value must be a single value"))
            else:
                values[str(key)] = (value, item.line_of(key))
        if len(item) == 1:
            errors.append(AnnotationError(path, line, f"the fact about {about!r} sets no property"))
        facts.append(ExternalFact(about, values, str(path), line))
    return source, facts, errors


def _external_source(path: Path, data: LineDict, errors: list[AnnotationError]) -> ExternalSource | None:
    """The ``source`` mapping of the external facts file, or None (with the problem in ``errors``)."""
    src = data.get("source")
    if not isinstance(src, LineDict):
        line = data.line_of("source") if "source" in data else data.line
        errors.append(AnnotationError(path, line, "missing required key 'source' (a mapping with id, label, url)"))
        return None
    problems = [
        AnnotationError(path, src.line_of(k), f"unknown key {k!r} in source; allowed: {', '.join(_SOURCE_KEYS)}")
        for k in src
        if k not in _SOURCE_KEYS
    ]
    for key, required in _SOURCE_KEYS.items():
        if key not in src:
            if required:
                line = data.line_of("source")
                problems.append(AnnotationError(path, line, f"missing required key {key!r} in source"))
        elif not isinstance(src[key], str) or not src[key]:
            problems.append(AnnotationError(path, src.line_of(key), f"source {key} must be text"))
    errors += problems
    if problems:
        return None
    return ExternalSource(src["id"], src["label"], src.get("url"))


def _table(path: Path, columns: Sequence[str]) -> tuple[list[tuple[int, dict[str, str]]], list[AnnotationError]]:
    """The rows of a tab-separated file under its header line (``#`` comments and blank lines skipped), each with
    its line number; the header must name ``columns`` (others may follow), a short row is a problem."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            lines = list(enumerate(csv.reader(fh, delimiter="\t"), start=1))
    except (OSError, UnicodeDecodeError) as exc:
        return [], [AnnotationError(path, None, f"cannot read the file: {exc}")]
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[AnnotationError] = []
    for lineno, row in _data_lines(lines):
        if header is None:
            header = [c.strip() for c in row]
            if header[: len(columns)] != list(columns):
                wanted = " ".join(columns)
                return [], [AnnotationError(path, lineno, f"the header must start: {wanted} (tab-separated)")]
            continue
        if len(row) < len(columns):
            errors.append(AnnotationError(path, lineno, f"expected at least {len(columns)} tab-separated columns"))
            continue
        rows.append((lineno, {name: row[i].strip() if i < len(row) else "" for i, name in enumerate(header)}))
    return rows, errors


def _data_lines(lines: list[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for lineno, row in lines:
        if row and row[0].strip() and not row[0].startswith("#"):
            yield lineno, row


def read_links(path: Path) -> tuple[list[Link], list[AnnotationError]]:
    """The owl:sameAs links of ``links.tsv`` (entity, qid)."""
    rows, errors = _table(path, ("entity", "qid"))
    return [Link(r["entity"], r["qid"], str(path), line) for line, r in rows], errors


def read_wikidata_items(path: Path) -> tuple[list[WikidataItem], list[AnnotationError]]:
    """The Wikidata items of ``qids.tsv``, verified or not."""
    rows, errors = _table(path, ("qid", "label", "what it is", "status"))
    return [WikidataItem(r["qid"], r["label"], r["what it is"], r["status"]) for _, r in rows], errors


def read_wikidata_properties(path: Path) -> tuple[dict[str, str], list[AnnotationError]]:
    """pid -> label of ``properties.tsv``."""
    rows, errors = _table(path, ("pid", "label"))
    return {r["pid"]: r["label"] for _, r in rows}, errors


def read_mappings(path: Path) -> tuple[list[MappingRow], list[AnnotationError]]:
    """The rows of ``mappings.tsv`` as written (none when there is no such file)."""
    if not path.is_file():
        return [], []
    rows, errors = _table(path, ("term", "relation"))
    mappings = [
        MappingRow(r["term"], r["relation"], r.get("target", ""), r.get("note", ""), str(path), line)
        for line, r in rows
    ]
    return mappings, errors
