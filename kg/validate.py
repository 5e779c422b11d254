"""Check the asserted dataset against the SHACL shapes, and say what is wrong in terms a curator can act on."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Node, URIRef
from rdflib.namespace import RDFS

from . import paths
from .namespaces import INFERRED_GRAPH, SH, bind_prefixes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Violation:
    """One failed constraint, with what a person needs to find and fix it."""

    focus: str
    label: str | None
    path: str | None
    message: str
    severity: str
    source: str | None

    def __str__(self) -> str:
        name = f" ({self.label})" if self.label else ""
        where = f" [{self.source}]" if self.source else ""
        path = f" {self.path}:" if self.path else ""
        return f"{self.severity}: <{self.focus}>{name}{path} {self.message}{where}"


@dataclass
class ValidationReport:
    """pySHACL's (conforms, graph, text) behind names, with the violations unpacked."""

    conforms: bool
    violations: list[Violation]
    graph: Graph
    text: str


def asserted_union(ds: Dataset, exclude: tuple[URIRef, ...] = (INFERRED_GRAPH,)) -> Graph:
    """Every asserted triple (all graphs but the inferred one) in one graph, as the shapes see the data."""
    g = bind_prefixes(Graph())
    for ctx in ds.graphs():
        if ctx.identifier not in exclude:
            for t in ctx:
                g.add(t)
    return g


def _short(g: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    try:
        return g.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)
    except ValueError:
        return str(node)


def validate_graph(
    data: Graph, shapes_file: Path = paths.SHAPES, origins: Mapping[str, str] | None = None
) -> ValidationReport:
    """Validate one graph, or the union of a dataset's graphs; ``origins`` maps a node IRI to the annotation
    file:line that states it."""
    shapes = Graph().parse(shapes_file, format="turtle")
    union = data.default_union if isinstance(data, Dataset) else None
    if isinstance(data, Dataset):
        data.default_union = True  # what the shapes see, and where the labels are looked up: every graph at once
    try:
        # no inference here (OWL 2 RL is a stage of its own), so pySHACL reads ``data`` in place, without a copy
        conforms, results, text = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
        violations = [_violation(data, results, result, origins) for result in results.subjects(SH.resultSeverity)]
    finally:
        if isinstance(data, Dataset):
            data.default_union = bool(union)
    violations.sort(key=lambda v: (v.source or "", v.focus, v.path or "", v.message))
    return ValidationReport(bool(conforms), violations, results, str(text))


def _violation(data: Graph, results: Graph, result: Node, origins: Mapping[str, str] | None) -> Violation:
    focus = results.value(result, SH.focusNode)
    label = data.value(focus, RDFS.label) if focus is not None else None
    shape_message = results.value(result, SH.resultMessage)
    return Violation(
        focus=str(focus),
        label=str(label) if label is not None else None,
        path=_short(data, results.value(result, SH.resultPath)),
        message=str(shape_message) if shape_message is not None else "constraint failed",
        severity=_short(results, results.value(result, SH.resultSeverity)) or "sh:Violation",
        source=(origins or {}).get(str(focus)),
    )


def validate_dataset(
    ds: Dataset, origins: Mapping[str, str] | None = None, shapes_file: Path = paths.SHAPES
) -> ValidationReport:
    """Validate everything asserted, ontology included so that subclass typing reaches the shapes.

    Before reasoning (the build, ``minusma-kg validate``) every graph is asserted and the dataset is validated as it
    is: copying its union into one graph first cost a third of the validation. A dataset that holds the inferred
    graph is validated without it, through a copy.
    """
    if next(ds.quads((None, None, None, INFERRED_GRAPH)), None) is not None:  # ds.graph() would add the graph
        return validate_graph(asserted_union(ds), shapes_file, origins)
    return validate_graph(ds, shapes_file, origins)
