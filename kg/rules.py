"""A fast OWL 2 RL engine: the instance rules the closed ontology triggers, run set-at-a-time to a fixpoint.

owlrl applies every rule to every triple in every cycle, so it costs seconds per ten thousand triples. The schema
(TBox) of this graph is small and fixed, so it is closed once by owlrl itself; what the closed schema asks of the
data (cax-sco, prp-dom/rng, prp-spo1/eqp, prp-inv, prp-symp, prp-trp, prp-spo2 chains, and the checks cax-dw,
cls-nothing2, prp-irp, prp-asyp, prp-pdw, dt-not-type) is then compiled into per-predicate tables and run
semi-naively over interned integers, with Python's set operations doing the joins.

Whatever this engine does not compile (class expressions such as owl:someValuesFrom, owl:sameAs between distinct
nodes, keys, negative assertions, a rule that would derive schema from data, ...) is reported by
:func:`compile_rules` or :func:`run` as an :class:`UnsupportedRuleError` reason, and the caller falls back to owlrl, the
reference: this engine's answer, where it gives one, is owlrl's (tests/test_reason_engine.py proves it).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import owlrl
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.Namespaces import ERRNS
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ..errors import UnsupportedRuleError

log = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]

_OWL, _RDFS = str(OWL), str(RDFS)
#: Predicates of the OWL namespace that annotate rather than define (they never trigger a rule).
_OWL_ANNOTATIONS = {OWL.versionInfo, OWL.versionIRI, OWL.imports, OWL.priorVersion, OWL.deprecated,
                    OWL.backwardCompatibleWith, OWL.incompatibleWith}  # fmt: skip
#: Predicates that are data although they live in the OWL namespace: an engine without eq-* cannot take them.
_EQUALITY = {OWL.sameAs, OWL.differentFrom}
#: Classes every typed node belongs to (or none does): typing with them shapes no schema.
_TOP_TYPES = {OWL.Thing, OWL.Nothing, OWL.NamedIndividual, RDFS.Resource}
#: Schema predicates whose rules this engine compiles (everything else of the OWL namespace is unsupported).
_COMPILED = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass,
             OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom, OWL.disjointWith,
             OWL.propertyDisjointWith, RDF.first, RDF.rest}  # fmt: skip
#: Kinds of property and class this engine compiles; other owl: types (owl:Restriction, ...) are unsupported.
_COMPILED_TYPES = {OWL.Class, RDFS.Class, RDFS.Datatype, RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty,
                   OWL.AnnotationProperty, OWL.OntologyProperty, OWL.Ontology, OWL.TransitiveProperty,
                   OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty, OWL.FunctionalProperty,
                   OWL.InverseFunctionalProperty, OWL.ReflexiveProperty, OWL.DeprecatedClass,
                   OWL.DeprecatedProperty}  # fmt: skip


def is_schema(t: tuple[Node | None, Node, Node | None]) -> bool:
    """Whether a triple belongs to the TBox: it can trigger a schema (scm-*) rule or parametrise an instance rule.

    Errs on the side of the schema: whatever is classified so is closed by owlrl and also fed to the instance
    rules, so a data triple taken for schema costs time, never correctness.
    """
    _, p, o = t
    if p == RDF.type:
        return isinstance(o, URIRef) and o not in _TOP_TYPES and (str(o).startswith((_OWL, _RDFS)) or o == RDF.Property)
    if p in (RDF.first, RDF.rest, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        return True
    return str(p).startswith(_OWL) and p not in _OWL_ANNOTATIONS and p not in _EQUALITY


#: The types owlrl's rules read (scm-cls, scm-op, scm-dp, prp-fp, ..., cax-adc, eq-diff2).
_READ_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.FunctionalProperty,
               OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty, OWL.SymmetricProperty, OWL.AsymmetricProperty,
               OWL.TransitiveProperty, OWL.AllDisjointProperties, OWL.AllDisjointClasses, OWL.AllDifferent}  # fmt: skip


def owlrl_closure(triples: Iterable[Triple]) -> Graph:
    """``triples`` closed by owlrl's OWL 2 RL rules: the schema here (scm-* rules: transitive subclasses and
    subproperties, inherited domains, ...), and the whole data in :func:`kg.reason.infer_owlrl`, the reference.

    improved_datatypes=False: owlrl's own lexical converters replace rdflib's process-wide, and its gMonth
    converter rejects the valid "--06", which would make every later SHACL check of a gMonth fail.
    """
    closure = Graph()
    for t in triples:
        closure.add(t)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics,
        rdfs_closure=False,
        axiomatic_triples=False,
        datatype_axioms=False,
        improved_datatypes=False,
    ).expand(closure)
    return closure


@dataclass
class Rules:
    """The instance rules a closed schema triggers, as tables keyed by term (rdflib nodes, interned later)."""

    superclasses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    """cax-sco (and cax-eqc through scm-eqc1): class -> its strict superclasses."""
    superproperties: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    """prp-spo1 and prp-eqp1/2: property -> the properties its pairs also belong to."""
    inverses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    """prp-inv1/2: property -> the properties its pairs, swapped, belong to."""
    domains: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[Node] = field(default_factory=set)
    transitive: set[Node] = field(default_factory=set)
    chains: list[tuple[Node, list[Node]]] = field(default_factory=list)
    """prp-spo2: (the implied property, its chain)."""
    functional: set[Node] = field(default_factory=set)
    inverse_functional: set[Node] = field(default_factory=set)
    irreflexive: set[Node] = field(default_factory=set)
    asymmetric: set[Node] = field(default_factory=set)
    disjoint_classes: list[tuple[Node, Node]] = field(default_factory=list)
    disjoint_properties: list[tuple[Node, Node]] = field(default_factory=list)


def compile_rules(schema: Graph) -> Rules:
    """Read the instance rules off a closed schema.

    Raises:
        UnsupportedRuleError: the schema uses a construct (a class expression, a key, ...) these tables cannot express.
    """
    rules = Rules()
    kinds: dict[Node, set[Node]] = {OWL.SymmetricProperty: rules.symmetric, OWL.TransitiveProperty: rules.transitive,
             OWL.FunctionalProperty: rules.functional, OWL.InverseFunctionalProperty: rules.inverse_functional,
             OWL.IrreflexiveProperty: rules.irreflexive, OWL.AsymmetricProperty: rules.asymmetric}  # fmt: skip
    for s, p, o in schema:
        if p == RDF.type:
            if o in kinds:
                kinds[o].add(s)
            elif is_schema((s, p, o)) and o not in _COMPILED_TYPES:
                raise UnsupportedRuleError(f"{s} is an {o}")
        elif p == RDFS.subClassOf:
            if s != o:
                rules.superclasses[s].add(o)
        elif p == RDFS.subPropertyOf:
            if s != o:
                rules.superproperties[s].add(o)
        elif p == OWL.equivalentProperty:
            if s != o:
                rules.superproperties[s].add(o)
                rules.superproperties[o].add(s)
        elif p == OWL.equivalentClass:
            if s != o:  # scm-eqc1 made them subclasses of each other already; kept for a schema closed elsewhere
                rules.superclasses[s].add(o)
                rules.superclasses[o].add(s)
        elif p == OWL.inverseOf:
            rules.inverses[s].add(o)
            rules.inverses[o].add(s)
        elif p == RDFS.domain:
            rules.domains[s].add(o)
        elif p == RDFS.range:
            rules.ranges[s].add(o)
        elif p == OWL.propertyChainAxiom:
            chain = list(schema.items(o))
            if chain:
                rules.chains.append((s, chain))
        elif p == OWL.disjointWith:
            rules.disjoint_classes.append((s, o))
        elif p == OWL.propertyDisjointWith:
            rules.disjoint_properties.append((s, o))
        elif is_schema((s, p, o)) and p not in _COMPILED:
            raise UnsupportedRuleError(f"{p} (on {s})")
    if RDF.type in rules.transitive | rules.symmetric or any(RDF.type in c for _, c in rules.chains):
        raise UnsupportedRuleError("rdf:type in a property chain, or transitive or symmetric")
    return rules


@dataclass
class Closure:
    """What :func:`run` derived (rdflib triples, not filtered) and the inconsistencies, in owlrl's words."""

    derived: list[Triple]
    inconsistencies: list[str]
    nothing: list[Node]
    """Every node of type owl:Nothing, asserted or inferred (each is also an inconsistency)."""


class _Interner(dict[Node, int]):
    """Term -> int, numbering a term the first time it is looked up (``ids[term]`` stays a C-level lookup)."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[Node] = []

    def __missing__(self, term: Node) -> int:
        i = self[term] = len(self.terms)
        self.terms.append(term)
        return i


class _Engine:
    """The fixpoint over interned ints: pairs per property, instances per class, deltas of both."""

    def __init__(self, rules: Rules) -> None:
        self.ids = _Interner()
        self.terms = self.ids.terms
        self.type = self.intern(RDF.type)
        self.pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)
        self.instances: dict[int, set[int]] = defaultdict(set)
        self.new_pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)
        self.new_instances: dict[int, set[int]] = defaultdict(set)
        self.derived_pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)
        self.derived_instances: dict[int, set[int]] = defaultdict(set)

        def table(d: dict[Node, set[Node]]) -> dict[int, list[int]]:
            return {self.intern(k): [self.intern(v) for v in vs] for k, vs in d.items() if vs}

        self.superclasses = table(rules.superclasses)
        self.superproperties = table(rules.superproperties)
        self.inverses = table(rules.inverses)
        self.domains = table(rules.domains)
        self.ranges = table(rules.ranges)
        self.symmetric = {self.intern(p) for p in rules.symmetric}
        self.transitive = {self.intern(p) for p in rules.transitive}
        self.chains = [(self.intern(q), [self.intern(p) for p in chain]) for q, chain in rules.chains]
        #: property -> the places it takes in chains: (chain index, position)
        self.in_chains: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, (_, chain) in enumerate(self.chains):
            for j, p in enumerate(chain):
                self.in_chains[p].append((i, j))
        self.joined = self.transitive | set(self.in_chains)
        self.succ: dict[int, dict[int, set[int]]] = {p: defaultdict(set) for p in self.joined}
        self.pred: dict[int, dict[int, set[int]]] = {p: defaultdict(set) for p in self.joined}
        self.property_rules = set(self.superproperties) | set(self.inverses) | set(self.domains) | set(self.ranges)
        self.property_rules |= self.symmetric | self.joined
        #: Properties whose pairs a rule reads or writes; the others' triples are never stored.
        self.relevant = self.property_rules | {q for qs in self.superproperties.values() for q in qs}
        self.relevant |= {q for qs in self.inverses.values() for q in qs} | {q for q, _ in self.chains}
        self.relevant |= {self.intern(p) for pair in rules.disjoint_properties for p in pair}
        self.relevant |= {self.intern(p) for p in rules.functional | rules.inverse_functional | rules.irreflexive}
        self.relevant |= {self.intern(p) for p in rules.asymmetric}

    def intern(self, term: Node) -> int:
        return self.ids[term]

    def _index(self, p: int, pairs: set[tuple[int, int]]) -> None:
        """Successors and predecessors of the properties the chains and transitivity join on."""
        if p in self.joined:
            succ, pred = self.succ[p], self.pred[p]
            for s, o in pairs:
                succ[s].add(o)
                pred[o].add(s)

    def load_pairs(self, p: int, pairs: set[tuple[int, int]]) -> None:
        """Input pairs of a property: stored, and a delta of the first round."""
        self.pairs[p] |= pairs
        self.new_pairs[p] |= pairs
        self._index(p, pairs)

    def load_instances(self, c: int, instances: set[int]) -> None:
        """Input instances of a class: stored, and a delta of the first round."""
        self.instances[c] |= instances
        self.new_instances[c] |= instances

    def load(self, s: int, p: int, o: int) -> None:
        """One input triple (the schema's: few), stored and a delta of the first round."""
        if p == self.type:
            self.load_instances(o, {s})
        else:
            self.load_pairs(p, {(s, o)})

    def derive(self, s: int, p: int, o: int) -> None:
        """One derived triple, new unless stored already."""
        if p == self.type:
            self.add_instances(o, {s})
        else:
            self.add_pairs(p, {(s, o)})

    def add_pairs(self, p: int, candidates: set[tuple[int, int]]) -> None:
        if p == self.type:
            by_class: dict[int, set[int]] = defaultdict(set)
            for s, o in candidates:
                by_class[o].add(s)
            for c, xs in by_class.items():
                self.add_instances(c, xs)
            return
        fresh = candidates - self.pairs[p]
        if fresh:
            self.pairs[p] |= fresh
            self.new_pairs[p] |= fresh
            self.derived_pairs[p] |= fresh
            self._index(p, fresh)

    def add_instances(self, c: int, candidates: set[int]) -> None:
        fresh = candidates - self.instances[c]
        if fresh:
            self.instances[c] |= fresh
            self.new_instances[c] |= fresh
            self.derived_instances[c] |= fresh

    def fixpoint(self) -> None:
        """Semi-naive: each round joins only the last round's new facts with everything known."""
        rounds = 0
        while self.new_pairs or self.new_instances:
            rounds += 1
            pairs, self.new_pairs = self.new_pairs, defaultdict(set)
            instances, self.new_instances = self.new_instances, defaultdict(set)
            for c, xs in instances.items():
                for d in self.superclasses.get(c, ()):
                    self.add_instances(d, xs)
                if self.type in self.property_rules:
                    self.apply(self.type, {(x, c) for x in xs})
            for p, delta in pairs.items():
                if p in self.property_rules:
                    self.apply(p, delta)
        log.debug("OWL 2 RL fixpoint after %d rounds", rounds)

    def apply(self, p: int, delta: set[tuple[int, int]]) -> None:
        """The consequences of new pairs of ``p`` (already stored) with everything stored."""
        for q in self.superproperties.get(p, ()):
            self.add_pairs(q, delta)
        if p in self.inverses or p in self.symmetric:
            swapped = {(o, s) for s, o in delta}
            for q in self.inverses.get(p, ()):
                self.add_pairs(q, swapped)
            if p in self.symmetric:
                self.add_pairs(p, swapped)
        if p in self.domains:
            subjects = {s for s, _ in delta}
            for c in self.domains[p]:
                self.add_instances(c, subjects)
        if p in self.ranges:
            objects = {o for _, o in delta}
            for c in self.ranges[p]:
                self.add_instances(c, objects)
        if p in self.transitive:
            succ, pred = self.succ[p], self.pred[p]
            found: set[tuple[int, int]] = set()
            for x, y in delta:
                found.update((x, z) for z in succ.get(y, ()))
                found.update((w, y) for w in pred.get(x, ()))
            self.add_pairs(p, found)
        for i, j in self.in_chains.get(p, ()):
            q, chain = self.chains[i]
            paths = delta
            for pj in chain[j + 1 :]:
                succ = self.succ[pj]
                paths = {(a, c) for a, b in paths for c in succ.get(b, ())}
            for pj in reversed(chain[:j]):
                pred = self.pred[pj]
                paths = {(w, b) for a, b in paths for w in pred.get(a, ())}
            self.add_pairs(q, paths)


def run(triples: Iterable[Triple], rules_for: RulesCache | None = None) -> Closure:
    """The OWL 2 RL closure of ``triples`` as owlrl computes it, or :class:`UnsupportedRuleError`.

    Args:
        triples: the asserted triples (a graph's or a union's; a repeated triple counts once).
        rules_for: a cache of compiled schemas; the process's own if None.

    Raises:
        UnsupportedRuleError: the input needs a rule this engine does not compile.
    """
    schema: list[Triple] = []
    literals: set[Literal] = set()
    typed_as_datatype: list[Triple] = []
    # One lookup per triple: predicate -> (kind, its pairs), and for rdf:type, class -> (kind, its instances).
    # Looking a term up in a dict beats comparing it (rdflib's __eq__ is Python code).
    properties: dict[Node, tuple[int, list[tuple[Node, Node]]]] = {}
    classes: dict[Node, tuple[int, list[Node]]] = {}
    for t in triples:
        s, p, o = t
        entry = properties.get(p)
        if entry is None:
            entry = properties[p] = (_predicate_kind(p), [])
        kind = entry[0]
        if kind == _DATA:
            entry[1].append((s, o))
        elif kind == _TYPED:
            typed = classes.get(o)
            if typed is None:
                typed = classes[o] = (_SCHEMA if is_schema(t) else _DATA, [])
            if typed[0] == _SCHEMA:
                schema.append(t)
            else:
                typed[1].append(s)
            if o in _DATATYPES:
                typed_as_datatype.append(t)
        elif kind == _SCHEMA:
            schema.append(t)
        elif p == _SAME_AS and s == o:  # eq-ref, which owlrl adds for every node anyway
            entry[1].append((s, o))
        else:
            raise UnsupportedRuleError(f"{p} between {s} and {o}")
        if type(o) is Literal and o.datatype in _DATATYPES:  # the only literals owlrl's datatype rules see
            literals.add(o)
    closed, rules = (rules_for or _RULES).get(schema)
    engine = _Engine(rules)
    ids, intern, type_id, load = engine.ids, engine.intern, engine.type, engine.load
    for p, (kind, pairs) in properties.items():
        pi = ids[p]
        if kind != _TYPED and pi in engine.relevant and pairs:
            engine.load_pairs(pi, {(ids[s], ids[o]) for s, o in pairs})
    for c, (kind, instances) in classes.items():
        if kind == _DATA:
            engine.load_instances(ids[c], {ids[x] for x in instances})
    del properties, classes  # the engine holds what it needs as ints
    asserted_schema = set(schema)
    schema_derived = []  # what owlrl derived from the schema alone and no instance rule reads
    for t in closed:  # the schema is data too (owlrl applies every rule to every triple)
        s, p, o = t
        known = ids.get(p)
        if known is not None and (known == type_id or known in engine.relevant):
            if t in asserted_schema:
                load(intern(s), known, intern(o))
            else:  # derived, unless the data asserts it too
                engine.derive(intern(s), known, intern(o))
        elif t not in asserted_schema and not isinstance(p, BNode):
            schema_derived.append(t)
    errors = _datatypes(engine, literals, typed_as_datatype, rules)
    engine.fixpoint()
    terms = engine.terms
    # the engine's results are interned ids: pi, si, oi, ci, xi index `terms`
    for pi, found in engine.derived_pairs.items():  # what owlrl would go on to read as schema or equality
        predicate = terms[pi]
        if predicate == _SAME_AS:
            found = {(si, oi) for si, oi in found if si != oi}
        elif not is_schema((None, predicate, None)):
            continue
        if any((terms[si], predicate, terms[oi]) not in closed for si, oi in found):
            raise UnsupportedRuleError(f"the data derives {predicate} triples, which schema or equality rules read")
    for ci, members in engine.derived_instances.items():
        cls = terms[ci]
        if cls in _READ_TYPES and any((terms[xi], _TYPE, cls) not in closed for xi in members):
            raise UnsupportedRuleError(f"the data derives instances of {cls}, which schema rules read")
    derived = schema_derived
    for pi, found in engine.derived_pairs.items():
        predicate = terms[pi]
        derived.extend((terms[si], predicate, terms[oi]) for si, oi in found)
    for ci, members in engine.derived_instances.items():
        cls = terms[ci]
        derived.extend((terms[xi], _TYPE, cls) for xi in members)
    errors += _checks(engine, rules)
    nothing = [terms[x] for x in engine.instances.get(ids.get(_NOTHING, -1), ())]
    return Closure(derived, errors, nothing)


_DATA, _SCHEMA, _TYPED, _EQUAL = range(4)


def _predicate_kind(p: Node) -> int:
    return _TYPED if p == _TYPE else _EQUAL if p in _EQUALITY else _SCHEMA if is_schema((None, p, None)) else _DATA


_TYPE, _SAME_AS, _NOTHING = RDF.type, OWL.sameAs, OWL.Nothing  # rdflib's namespace attributes cost a call each
_DATATYPES = set(OWL_RL_Datatypes)


def _datatypes(engine: _Engine, literals: set[Literal], typed: list[Triple], rules: Rules) -> list[str]:
    """dt-type2, dt-not-type and the disjointness of the datatypes in use, as owlrl's one-time rules do them."""
    errors = []
    used = set()
    for lt in literals:
        dt = lt.datatype
        x = engine.intern(lt)
        for c in (dt, *OWL_Datatype_Subsumptions.get(dt, ())):  # dt-type2, and the datatype's supertypes
            used.add(c)
            engine.load_instances(engine.intern(c), {x})
        try:
            AltXSDToPYTHON.get(dt, str)(str(lt))
        except ValueError:
            errors.append(f"Lexical value of the literal '{lt}' does not match its datatype ({dt})")
    for s, _, datatype in typed:
        used.add(datatype)
        for c in OWL_Datatype_Subsumptions.get(datatype, ()):
            used.add(c)
            engine.load_instances(engine.intern(c), {engine.intern(s)})
    disjoint = [(left, right) for left, _, right in OWLRL_Datatypes_Disjointness if left in used and right in used]
    rules.disjoint_classes = [*rules.disjoint_classes, *(d for d in disjoint if d not in rules.disjoint_classes)]
    return errors


def _checks(engine: _Engine, rules: Rules) -> list[str]:
    """The inconsistency rules on the closure, with owlrl's messages (each names the offending node)."""
    terms, ids, errors = engine.terms, engine.ids, []

    def instances(c: Node) -> set[int]:
        return engine.instances.get(ids.get(c, -1), set())

    def pairs(p: Node) -> set[tuple[int, int]]:
        return engine.pairs.get(ids.get(p, -1), set())

    for c1, c2 in rules.disjoint_classes:  # cax-dw
        for x in instances(c1) & instances(c2):
            errors.append(f"Disjoint classes {c1} and {c2} have a common individual {terms[x]}")
    for x in instances(OWL.Nothing):  # cls-nothing2
        errors.append(f"{terms[x]} is defined of type 'Nothing'")
    for p in rules.irreflexive:  # prp-irp
        errors += [f"Irreflexive property used on {terms[x]} with {p}" for x, y in pairs(p) if x == y]
    for p in rules.asymmetric:  # prp-asyp
        ps = pairs(p)
        errors += [f"Erroneous usage of asymmetric property {p} on {terms[x]} and {terms[y]}"
                   for x, y in ps if (y, x) in ps]  # fmt: skip
    for p1, p2 in rules.disjoint_properties:  # prp-pdw
        errors += [f"Erroneous usage of disjoint properties {p1} and {p2} on {terms[x]} and {terms[y]}"
                   for x, y in pairs(p1) & pairs(p2)]  # fmt: skip
    for p in rules.functional | rules.inverse_functional:  # prp-fp, prp-ifp: would derive owl:sameAs
        seen: dict[int, int] = {}
        for x, y in pairs(p):
            key, value = (x, y) if p in rules.functional else (y, x)
            if seen.setdefault(key, value) != value:
                raise UnsupportedRuleError(f"{p} gives {terms[key]} two values: owl:sameAs follows")
    return errors


class RulesCache:
    """Compiled schemas by their triples: the build reasons over the same ontology again and again."""

    def __init__(self) -> None:
        self._cache: dict[frozenset[Triple], tuple[Graph, Rules]] = {}

    def get(self, schema: list[Triple]) -> tuple[Graph, Rules]:
        key = frozenset(schema)
        if key not in self._cache:
            closed = owlrl_closure(schema)
            if any(closed.triples((None, RDF.type, ERRNS.ErrorMessage))):
                raise UnsupportedRuleError("the schema alone is inconsistent")
            self._cache.clear()  # one schema at a time: a build has one ontology
            self._cache[key] = (closed, compile_rules(closed))
        closed, rules = self._cache[key]
        return closed, _copy(rules)


def _copy(rules: Rules) -> Rules:
    """A copy whose lists :func:`_datatypes` may extend without touching the cached one."""
    return Rules(**{**rules.__dict__, "disjoint_classes": list(rules.disjoint_classes)})


_RULES = RulesCache()
