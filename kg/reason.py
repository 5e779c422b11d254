"""OWL 2 RL reasoning: keep only the inferred triples a user can use, in a graph of their own."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.namespaces import RES, bind_prefixes

log = logging.getLogger(__name__)

_VOCABULARY = (str(RDF), str(RDFS), str(OWL), str(XSD))
_NOISE_OBJECTS = {RDFS.Resource, OWL.Thing, OWL.NamedIndividual, RDFS.Class, OWL.Class, RDF.Property}


def useful(t: tuple, asserted: Graph) -> bool:
    """Whether an inferred triple is new and says something about the data (not the vocabulary)."""
    s, p, o = t
    if t in asserted or isinstance(s, Literal):
        return False
    if not (isinstance(s, URIRef) and str(s).startswith(str(RES))):
        return False  # axioms about RDF/OWL/ontology terms, not about the data
    if p == OWL.sameAs and s == o:
        return False
    if not isinstance(o, URIRef | Literal):
        return False  # blank nodes are the ontology's own structure (lists), not data
    if p == RDF.type and o in _NOISE_OBJECTS:
        return False
    return not (isinstance(o, URIRef) and p == RDF.type and str(o).startswith(_VOCABULARY))


@dataclass
class Inference:
    """What reasoning added, and the inconsistencies it found (owlrl's error messages)."""

    graph: Graph
    inconsistencies: list[str]


def infer(asserted: Graph) -> Inference:
    """The OWL 2 RL closure of ``asserted`` minus what was asserted, filtered by :func:`useful`.

    owlrl records an inconsistency (disjoint classes shared, owl:Nothing inhabited, ...) as an error-message
    node in the closure; those are returned apart, so the build can refuse an inconsistent graph.
    """
    closure = Graph()
    for t in asserted:
        closure.add(t)
    # improved_datatypes=False: owlrl's own lexical converters replace rdflib's process-wide, and its gMonth
    # converter rejects the valid "--06", which would make every later SHACL check of a gMonth fail.
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics,
        rdfs_closure=False,
        axiomatic_triples=False,
        datatype_axioms=False,
        improved_datatypes=False,
    ).expand(closure)
    errors = sorted(str(m) for node in closure.subjects(RDF.type, ERRNS.ErrorMessage) for m in closure.objects(node, ERRNS.error))
    errors += [f"{s} is inferred to be owl:Nothing" for s in closure.subjects(RDF.type, OWL.Nothing)]
    inferred = bind_prefixes(Graph())
    for t in closure:
        if useful(t, asserted):
            inferred.add(t)
    log.info("OWL 2 RL: %d triples asserted, %d inferred and kept", len(asserted), len(inferred))
    return Inference(inferred, errors)
