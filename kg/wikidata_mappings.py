"""SKOS mappings from the ontology's classes and properties to Wikidata, in a named graph of their own.

kg/wikidata/mappings.tsv says, for every class and property of the ontology, how it relates to a Wikidata property
or class (skos:exactMatch, closeMatch, broadMatch, relatedMatch), or that it has no counterpart (``none``, with the
reason). Targets are checked: properties only from kg/wikidata/properties.tsv (the IDs ../shared/wikidata/README.md
allows), classes only from the items kg/wikidata/qids.tsv lists as verified classes. Every target is written
``http://www.wikidata.org/entity/P…`` or ``…/Q…``. The graph is added after reasoning, so OWL 2 RL never sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from . import paths
from .namespaces import GRAPH, MKG, ONTOLOGY_GRAPH, RES, WD
from .sources import Inputs, MappingRow, WikidataItem

MAPPINGS_GRAPH = GRAPH["wikidata-mappings"]
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


def verified_classes(items: Iterable[WikidataItem]) -> dict[str, str]:
    """qid -> label of the verified Wikidata items that are classes (qids.tsv: 'what it is' = class)."""
    return {i.qid: i.label for i in items if i.status == "verified" and i.kind == "class"}


def ontology_terms(ontology: Graph) -> tuple[set[str], set[str]]:
    """Local names of the ontology's classes and of its properties."""

    def local(kind: URIRef) -> set[str]:
        return {str(s)[len(str(MKG)) :] for s in ontology.subjects(RDF.type, kind) if str(s).startswith(str(MKG))}

    return local(OWL.Class), local(OWL.ObjectProperty) | local(OWL.DatatypeProperty)


def load_mappings(
    ontology: Graph, rows: Iterable[MappingRow], pids: dict[str, str], items: Iterable[WikidataItem]
) -> tuple[list[Mapping], list[str]]:
    """The mapping rows that hold, and what is wrong with the others ("file:line: ...").

    Args:
        pids: the allowed Wikidata properties (properties.tsv), pid -> label.
        items: the Wikidata items of qids.tsv; only verified classes may be targets.
    """
    qids = verified_classes(items)
    classes, properties = ontology_terms(ontology)
    mappings: list[Mapping] = []
    errors: list[str] = []
    for row in rows:
        term, relation, target, note, lineno = row.term, row.relation, row.target, row.note, row.line
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
            errors.append(f"{paths.shown(row.file)}:{lineno}: {problem}")
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


def add_wikidata_mappings(ds: Dataset, inputs: Inputs) -> list[str]:
    """Add the mapping graph to ``ds`` (checked against the ontology graph in it); return the errors, adding nothing."""
    if not inputs.mappings:  # no mappings file: no mapping graph
        return []
    mappings, errors = load_mappings(
        ds.graph(ONTOLOGY_GRAPH), inputs.mappings, inputs.wikidata_properties, inputs.wikidata_items
    )
    if errors:
        return errors
    target = ds.graph(MAPPINGS_GRAPH)
    for t in mapping_graph(mappings):
        target.add(t)
    return []
