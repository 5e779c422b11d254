"""Check the asserted dataset against the SHACL shapes, and say what is wrong in terms a curator can act on."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Node, URIRef
from rdflib.namespace import RDF, RDFS

from . import paths
from .namespaces import INFERRED_GRAPH, SH, shorten
from .sources import read_turtle
from .union import union_graph

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


def _short(node: Node | None) -> str | None:
    """A result's path as a curator reads it: the project's prefixed name (``mkg:evidence``) where one fits, else
    the IRI in angle brackets; a complex path (a blank node) as its label."""
    if node is None or not isinstance(node, URIRef):
        return None if node is None else str(node)
    short = shorten(str(node))
    return short if short != str(node) else f"<{node}>"


def _severity(node: Node | None) -> str:
    """``sh:Violation``, ``sh:Warning`` or ``sh:Info``: SHACL's own vocabulary is not one of the data's prefixes."""
    return f"sh:{str(node).removeprefix(str(SH))}" if isinstance(node, URIRef) else "sh:Violation"


#: How a shape selects its focus nodes (SHACL 2.1.3); a shape with any other (SHACL-AF ``sh:target``) is left as it is.
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: Where a shape can be used inside another one, for each value node of that one.
_SHAPE_REFERENCES = (SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


def targeted_property_shapes(shapes: Graph) -> Graph:
    """The same shapes with each property shape of a targeted node shape given that shape's targets instead.

    SHACL validates ``N sh:property P`` by checking P on each of N's focus nodes; pySHACL does that one focus node
    at a time, paying a shape's whole setup per node (two thirds of the validation at 200 articles). A property
    shape with N's targets selects exactly those focus nodes, and pySHACL then checks each shape once over all of
    them. The results are the same (same focus nodes, paths, values, source shapes and messages: a test proves it
    on the real data and on every broken case). A node shape another shape refers to, a deactivated one, one that is
    also a class (an implicit target) or one with a SHACL-AF target keeps its form.
    """
    referenced = {o for p in _SHAPE_REFERENCES for o in shapes.objects(None, p)}
    for p in _SHAPE_LISTS:
        for members in shapes.objects(None, p):
            referenced.update(shapes.items(members))
    flat = Graph(bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        flat.bind(prefix, namespace, override=True)
    flat += shapes
    for node in set(shapes.subjects(SH.property, None)):
        types = set(shapes.objects(node, RDF.type))
        if node in referenced or (node, SH.deactivated, None) in shapes or types - {SH.NodeShape}:
            continue
        targets = [(t, o) for t in _TARGETS for o in shapes.objects(node, t)]
        if (node, SH.target, None) in shapes or not targets:
            continue
        for prop in shapes.objects(node, SH.property):
            flat.remove((node, SH.property, prop))
            for target, value in targets:
                flat.add((prop, target, value))
    return flat


def validate_graph(
    data: Graph, shapes_file: Path = paths.SHAPES, origins: Mapping[str, str] | None = None
) -> ValidationReport:
    """Validate one graph, or the union of a dataset's graphs; ``origins`` maps a node IRI to the annotation
    file:line that states it."""
    shapes = targeted_property_shapes(read_turtle(shapes_file))
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
        path=_short(results.value(result, SH.resultPath)),
        message=str(shape_message) if shape_message is not None else "constraint failed",
        severity=_severity(results.value(result, SH.resultSeverity)),
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
    inferred = (None, None, None, INFERRED_GRAPH)  # a graph's name: ds.graph() would add the graph
    if next(ds.quads(inferred), None) is not None:  # type: ignore[arg-type]  # rdflib's stubs want a Graph; it takes a name
        return validate_graph(union_graph(ds), shapes_file, origins)
    return validate_graph(ds, shapes_file, origins)
