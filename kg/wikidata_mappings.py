"""SKOS mappings from the ontology's classes and properties to Wikidata, in a named graph of their own.

kg/wikidata/mappings.tsv says, for every class and property of the ontology, how it relates to a Wikidata property
or class (skos:exactMatch, closeMatch, broadMatch, relatedMatch), or that it has no counterpart (``none``, with the
reason). Targets are checked: properties only from kg/wikidata/properties.tsv (the IDs ../shared/wikidata/README.md
allows), classes only from the items kg/wikidata/qids.tsv lists as verified classes. Every target is written
``http://www.wikidata.org/entity/P…`` or ``…/Q…``. The graph is added after reasoning, so OWL 2 RL never sees it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from . import paths
from .namespaces import GRAPH, MKG, ONTOLOGY_GRAPH, RES, WD

MAPPINGS_GRAPH = GRAPH["wikidata-mappings"]
MAPPINGS_FILE = "mappings.tsv"
PROPERTIES_FILE = "properties.tsv"
QIDS_FILE = "qids.tsv"
RELATIONS = {"exactMatch": SKOS.exactMatch, "closeMatch": SKOS.closeMatch, "broadMatch": SKOS.broadMatch,
             "relatedMatch": SKOS.relatedMatch}  # fmt: skip
SOURCE = RES["source/wikidata-mappings"]
_PID = re.compile(r"P[1-9][0-9]*")
_QID = re.compile(r"Q[1-9][0-9]*")


@dataclass(frozen=True)
class Mapping:
    term: str  # local name in the ontology
    relation: str  # a key of RELATIONS, or "none"
    target: str  # P… or Q…, empty for "none"
    note: str
    line: int


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """The non-comment rows of a TSV file after its header, with their line numbers."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        header_seen = False
        for lineno, row in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            if not row or not row[0].strip() or row[0].startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            out.append((lineno, row))
    return out


def allowed_properties(wikidata_dir: Path = paths.WIKIDATA_DIR) -> dict[str, str]:
    """pid -> label of the Wikidata properties the project may use."""
    return {row[0].strip(): row[1].strip() for _, row in _rows(wikidata_dir / PROPERTIES_FILE)}


def verified_classes(wikidata_dir: Path = paths.WIKIDATA_DIR) -> dict[str, str]:
    """qid -> label of the verified Wikidata items that are classes (qids.tsv: 'what it is' = class)."""
    with (wikidata_dir / QIDS_FILE).open(encoding="utf-8") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return {r["qid"]: r["label"] for r in rows if r["status"] == "verified" and r["what it is"].strip() == "class"}


def ontology_terms(ontology: Graph) -> tuple[set[str], set[str]]:
    """Local names of the ontology's classes and of its properties."""

    def local(kind: URIRef) -> set[str]:
        return {str(s)[len(str(MKG)) :] for s in ontology.subjects(RDF.type, kind) if str(s).startswith(str(MKG))}

    return local(OWL.Class), local(OWL.ObjectProperty) | local(OWL.DatatypeProperty)


def load_mappings(ontology: Graph, wikidata_dir: Path = paths.WIKIDATA_DIR) -> tuple[list[Mapping], list[str]]:
    """The mappings of ``wikidata_dir``/mappings.tsv and what is wrong with them ("file:line: ...")."""
    path = wikidata_dir / MAPPINGS_FILE
    where = paths.shown(path)
    pids, qids = allowed_properties(wikidata_dir), verified_classes(wikidata_dir)
    classes, properties = ontology_terms(ontology)
    mappings: list[Mapping] = []
    errors: list[str] = []
    for lineno, row in _rows(path):
        term, relation, target, note = ([*(c.strip() for c in row), "", "", ""])[:4]
        m = Mapping(term, relation, target, note, lineno)
        problem = None
        if relation == "none":
            if target:
                problem = "a 'none' row names no target"
            elif not note:
                problem = f"say why mkg:{term} has no Wikidata counterpart"
        elif relation not in RELATIONS:
            problem = f"unknown relation {relation!r} (one of {', '.join(RELATIONS)}, none)"
        elif term in properties:
            if not _PID.fullmatch(target):
                problem = f"mkg:{term} is a property: map it to a Wikidata property (P…), not {target!r}"
            elif target not in pids:
                problem = f"{target} is not an allowed property ({PROPERTIES_FILE})"
        elif term in classes:
            if not _QID.fullmatch(target):
                problem = f"mkg:{term} is a class: map it to a Wikidata class (Q…), not {target!r}"
            elif target not in qids:
                problem = f"{target} is not a verified class in {QIDS_FILE}"
        else:
            problem = f"mkg:{term} is neither a class nor a property of the ontology"
        if problem:
            errors.append(f"{where}:{lineno}: {problem}")
        else:
            mappings.append(m)
    return mappings, errors


def mapping_graph(mappings: list[Mapping]) -> Graph:
    g = Graph()
    g.add((MAPPINGS_GRAPH, PROV.wasDerivedFrom, SOURCE))
    g.add((SOURCE, RDFS.label, Literal("Mappings of the ontology to Wikidata (kg/wikidata/mappings.tsv)", lang="en")))
    for m in mappings:
        if m.relation in RELATIONS:
            g.add((MKG[m.term], RELATIONS[m.relation], WD[m.target]))
    return g


def add_wikidata_mappings(ds: Dataset, wikidata_dir: Path = paths.WIKIDATA_DIR) -> list[str]:
    """Add the mapping graph to ``ds`` (checked against the ontology graph in it); return the errors, adding nothing."""
    if not (wikidata_dir / MAPPINGS_FILE).exists():
        return []
    mappings, errors = load_mappings(ds.graph(ONTOLOGY_GRAPH), wikidata_dir)
    if errors:
        return errors
    target = ds.graph(MAPPINGS_GRAPH)
    for t in mapping_graph(mappings):
        target.add(t)
    return []
