"""OWL 2 RL reasoning: keep only the inferred triples a user can use, in a graph of their own."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..errors import UnsupportedRuleError
from . import rules
from .namespaces import RES, bind_prefixes
from .rules import Triple

log = logging.getLogger(__name__)

_VOCABULARY = (str(RDF), str(RDFS), str(OWL), str(XSD))
_NOISE_OBJECTS = {RDFS.Resource, OWL.Thing, OWL.NamedIndividual, RDFS.Class, OWL.Class, RDF.Property}


def useful(t: Triple, asserted: Graph) -> bool:
    """Whether an inferred triple is new and says something about the data (not the vocabulary)."""
    return t not in asserted and about_the_data(t)


def about_the_data(t: Triple) -> bool:
    """Whether a triple says something about the data (a res: node), not about the vocabulary or a literal."""
    s, p, o = t
    if not (isinstance(s, URIRef) and s.startswith(_RES)):
        return False  # axioms about RDF/OWL/ontology terms, not about the data; literal subjects
    if p == _SAME_AS and s == o:
        return False
    if not isinstance(o, URIRef | Literal):
        return False  # blank nodes are the ontology's own structure (lists), not data
    if p == _TYPE and o in _NOISE_OBJECTS:
        return False
    return not (isinstance(o, URIRef) and p == _TYPE and str.startswith(o, _VOCABULARY))  # rdflib's takes no tuple


#: Looked up once: an rdflib namespace attribute costs a function call, and this runs once per inferred triple.
_RES, _SAME_AS, _TYPE = str(RES), OWL.sameAs, RDF.type


@dataclass
class Inference:
    """What reasoning added, and the inconsistencies it found (owlrl's error messages)."""

    graph: Graph
    inconsistencies: list[str]


def infer(asserted: Graph) -> Inference:
    """The OWL 2 RL closure of ``asserted`` minus what was asserted, filtered by :func:`useful`."""
    return infer_triples(lambda: iter(asserted))


def infer_triples(source: Callable[[], Iterable[Triple]], into: Graph | None = None) -> Inference:
    """:func:`infer` over triples (a union of graphs, duplicates allowed) by the fast engine, owlrl where it must.

    Args:
        source: gives the asserted triples; called a second time only if the fast engine cannot take them.
        into: the graph the kept inferences are added to (a dataset's named graph); a new graph if None.
    """
    inferred = bind_prefixes(Graph()) if into is None else into
    try:
        closure = rules.run(source())
    except UnsupportedRuleError as exc:
        log.warning("OWL 2 RL by owlrl (slow): the fast engine does not compile %s", exc)
        asserted = Graph()
        for t in source():
            asserted.add(t)
        reference = infer_owlrl(asserted)
        for t in reference.graph:
            inferred.add(t)
        return Inference(inferred, reference.inconsistencies)
    inferred.addN((*t, inferred) for t in closure.derived if about_the_data(t))
    errors = sorted(set(closure.inconsistencies))
    errors += [f"{s} is inferred to be owl:Nothing" for s in closure.nothing]
    log.info("OWL 2 RL (compiled rules): %d triples inferred and kept", len(inferred))
    return Inference(inferred, errors)


def infer_owlrl(asserted: Graph) -> Inference:
    """The reference: owlrl's OWL 2 RL closure of ``asserted`` minus what was asserted, filtered by :func:`useful`.

    owlrl runs every rule over every triple in every cycle (seconds per ten thousand triples); the build uses
    :func:`infer`, which tests/test_reason_engine.py proves equal to this on the real articles. owlrl records an
    inconsistency (disjoint classes shared, owl:Nothing inhabited, ...) as an error-message node in the closure;
    those are returned apart, so the build can refuse an inconsistent graph.
    """
    closure = rules.owlrl_closure(asserted)
    errors = sorted(
        str(m) for node in closure.subjects(RDF.type, ERRNS.ErrorMessage) for m in closure.objects(node, ERRNS.error)
    )
    errors += [f"{s} is inferred to be owl:Nothing" for s in closure.subjects(RDF.type, OWL.Nothing)]
    inferred = bind_prefixes(Graph())
    for t in closure:
        if useful(t, asserted):
            inferred.add(t)
    log.info("OWL 2 RL: %d triples asserted, %d inferred and kept", len(asserted), len(inferred))
    return Inference(inferred, errors)
