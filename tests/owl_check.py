"""The OWL API's own profile checkers and the HermiT reasoner, run on an ontology file.

Both come as jars inside the owlready2 package (its HermiT 1.3.8 jar bundles the OWL API 3.4), which JPype runs in a
Java runtime (Debian's ``default-jre-headless``); nothing is downloaded. The JVM lives in a child process
(:func:`run`): JPype cannot restart a JVM, and a JVM inside pytest's process can crash it at exit (pytest's
faulthandler takes over the signals the JVM needs). A curator who adds a term sees what to fix with::

    python -m tests.owl_check ontology/minusma.ttl
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from minusma_kg.kg import paths
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from tests.commands import CHECKOUT

PROFILE_NS = "http://www.w3.org/ns/owl-profile/"
#: The last segment of a W3C profile IRI -> the OWL API's checker for that profile.
CHECKERS = {"DL": "OWL2DLProfile", "RL": "OWL2RLProfile", "EL": "OWL2ELProfile", "QL": "OWL2QLProfile"}

#: What a curator does about a kind of violation (the OWL API names the kind by its class).
ADVICE = {
    "UseOfUndeclaredClass": 'declare it in "External terms used" as its vocabulary types it (owl:Class)',
    "UseOfUndeclaredObjectProperty": 'declare it in "External terms used" as its vocabulary types it',
    "UseOfUndeclaredDataProperty": 'declare it in "External terms used" as its vocabulary types it',
    "UseOfUndeclaredAnnotationProperty": (
        'declare it in "External terms used" as its vocabulary types it (the parser reads an undeclared property '
        "as an annotation property, and then an mkg: object or data property below it as a pun)"
    ),
    "UseOfUndeclaredDatatype": "use a datatype of the OWL 2 datatype map",
    "IllegalPunning": "one IRI, one kind of property: declare the property (or its super-property) once",
    "UseOfIllegalDataRange": (
        "use a datatype of the profile: rdfs:Literal as the range, the exact datatype as schema:rangeIncludes, "
        "enforced by a SHACL shape"
    ),
    "DatatypeOutsideTheMap": (
        "use a datatype of the OWL 2 datatype map: rdfs:Literal as the range, the exact datatype as "
        "schema:rangeIncludes, enforced by a SHACL shape; a plain literal in an annotation"
    ),
}


@dataclass(frozen=True)
class Violation:
    """One thing that keeps the ontology out of a profile, as the OWL API reports it."""

    kind: str
    """The OWL API's name for it (``UseOfUndeclaredClass``)."""
    what: str
    """The checker's sentence without the axiom (``Use of undeclared class: <https://schema.org/Event>``)."""
    axiom: str
    """The axiom (or header annotation) it was found in, in OWL functional syntax; empty where the OWL API names
    none."""


@dataclass
class ProfileReport:
    """The violations of one OWL 2 profile; none means the ontology is in it."""

    profile: str
    violations: list[Violation] = field(default_factory=list)

    @property
    def in_profile(self) -> bool:
        return not self.violations

    def text(self, prefixes: dict[str, str] | None = None) -> str:
        """One line per distinct problem, with how often it occurs, an axiom it occurs in and what to do."""
        if self.in_profile:
            return f"OWL 2 {self.profile}: in profile"
        groups: dict[str, dict[str, list[Violation]]] = defaultdict(lambda: defaultdict(list))
        for v in self.violations:
            groups[v.kind][v.what].append(v)
        lines = [f"OWL 2 {self.profile}: {len(self.violations)} violation(s)"]
        for kind, whats in sorted(groups.items()):
            lines.append(f"  {kind}" + (f": {ADVICE[kind]}" if kind in ADVICE else ""))
            for what, found in sorted(whats.items()):
                lines.append(f"    {len(found)} x {shorten(what, prefixes)}")
                axiom = " ".join(shorten(next((v.axiom for v in found if v.axiom), ""), prefixes).split())
                lines.append(f"        in {axiom if len(axiom) <= 160 else axiom[:157] + '...'}" if axiom else "")
        return "\n".join(line for line in lines if line)


@dataclass
class Reasoning:
    """What HermiT finds: whether the ontology is consistent, and which named classes can have no member."""

    consistent: bool
    unsatisfiable: list[str]
    classes: int


def shorten(text: str, prefixes: dict[str, str] | None) -> str:
    """``<https://schema.org/Event>`` -> ``schema:Event`` for every prefix given, so a report reads like the Turtle."""
    if not prefixes:
        return text
    ordered = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def one(m: re.Match[str]) -> str:
        iri = m.group(1)
        for prefix, ns in ordered:
            local = iri[len(ns) :]
            if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w.-]*", local or "_"):
                return f"{prefix}:{local}"
        return m.group(0)

    return re.sub(r"<([^>\s]+)>", one, text)


def hermit_jar() -> Path:
    """HermiT's jar inside the installed owlready2 package, found without importing owlready2."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("owlready2 is not installed: pip install -e '.[test]'")
    jar = Path(next(iter(spec.submodule_search_locations))) / "hermit" / "HermiT.jar"
    if not jar.is_file():
        raise RuntimeError(f"owlready2 ships no HermiT jar at {jar}")
    return jar


def start_jvm() -> None:
    """Start the JVM with HermiT and the OWL API on its class path, once per process (JPype cannot restart it)."""
    import jpype
    import jpype.imports  # lets Java packages be imported as Python modules

    if not jpype.isJVMStarted():
        jpype.startJVM(classpath=[str(hermit_jar())], convertStrings=True)


def load(path: Path) -> Any:
    """The OWL API's reading of a Turtle or RDF/XML file (an ``OWLOntology``), each in a manager of its own."""
    start_jvm()
    from java.io import File  # type: ignore[import-not-found]
    from org.semanticweb.owlapi.apibinding import OWLManager  # type: ignore[import-not-found]

    return OWLManager.createOWLOntologyManager().loadOntologyFromOntologyDocument(File(str(path)))


def _violation(v: Any) -> Violation:
    axiom = v.getAxiom()
    axiom_text = str(axiom) if axiom is not None else ""
    text = str(v)
    what = text.split(axiom_text)[0] if axiom_text and axiom_text in text else text.split(" [")[0]
    return Violation(kind=v.getClass().getSimpleName(), what=what.strip(" [").strip(), axiom=axiom_text)


def datatypes_outside_the_map(ontology: Any) -> list[Violation]:
    """Datatypes that OWL 2 DL forbids but the OWL API 3.4's DL checker lets through (xsd:date, xsd:duration).

    OWL 2 DL allows rdfs:Literal, the datatypes of the OWL 2 datatype map and declared datatypes outside the
    reserved vocabulary; the test is the OWL API's own map (``OWL2Datatype.isBuiltIn``). The ontology's own
    annotations count too: a literal ``"2026-11-22"^^xsd:date`` in its header is outside DL.
    """
    from org.semanticweb.owlapi.model import OWLLiteral  # type: ignore[import-not-found]
    from org.semanticweb.owlapi.vocab import OWL2Datatype  # type: ignore[import-not-found]

    uses: dict[Any, list[str]] = defaultdict(list)  # datatype -> the axioms, or header annotations, that use it
    for datatype in ontology.getDatatypesInSignature():
        uses[datatype] += [str(a) for a in ontology.getReferencingAxioms(datatype)]
    for annotation in ontology.getAnnotations():  # the header's: not axioms, so not in the signature
        if isinstance(annotation.getValue(), OWLLiteral):
            uses[annotation.getValue().getDatatype()].append(str(annotation))
    found = []
    for datatype, where in uses.items():
        iri = datatype.getIRI()
        reserved = str(iri).startswith(("http://www.w3.org/2001/XMLSchema#", str(RDF), str(RDFS), str(OWL)))
        if OWL2Datatype.isBuiltIn(iri) or not reserved:
            continue  # in the map, or a datatype of the ontology's own (the OWL API checks its declaration)
        what = f"Use of a datatype not in the OWL 2 datatype map: <{iri}>"
        found += [Violation("DatatypeOutsideTheMap", what, w) for w in where or [""]]
    return sorted(found, key=lambda v: (v.what, v.axiom))


def check_profile(ontology: Any, profile: str) -> ProfileReport:
    """Run the OWL API's checker for ``profile`` ("DL", "RL", "EL" or "QL"); DL also gets the datatype-map check."""
    import jpype

    start_jvm()
    checker = jpype.JClass(f"org.semanticweb.owlapi.profiles.{CHECKERS[profile]}")()
    violations = [_violation(v) for v in checker.checkOntology(ontology).getViolations()]
    if profile == "DL":
        violations += datatypes_outside_the_map(ontology)
    return ProfileReport(profile, sorted(violations, key=lambda v: (v.kind, v.what, v.axiom)))


def reason(ontology: Any) -> Reasoning:
    """HermiT's verdict: consistency, then satisfiability of every named class. HermiT raises on what it cannot
    handle (an unsupported datatype), which a test then reports."""
    start_jvm()
    from org.semanticweb.HermiT import Reasoner  # type: ignore[import-not-found]

    reasoner = Reasoner.ReasonerFactory().createReasoner(ontology)
    try:
        classes = list(ontology.getClassesInSignature())
        if not reasoner.isConsistent():
            return Reasoning(False, [], len(classes))
        unsatisfiable = sorted(str(c.getIRI()) for c in classes if not reasoner.isSatisfiable(c))
        return Reasoning(True, unsatisfiable, len(classes))
    finally:
        reasoner.dispose()


def claimed_profiles(path: Path) -> set[str]:
    """The profiles the ontology's header claims (``dcterms:conformsTo <http://www.w3.org/ns/owl-profile/DL>``)."""
    g = Graph().parse(path)
    return {
        str(o).removeprefix(PROFILE_NS)
        for s in g.subjects(RDF.type, OWL.Ontology)
        for o in g.objects(s, DCTERMS.conformsTo)
        if isinstance(o, URIRef) and str(o).startswith(PROFILE_NS)
    }


def prefixes_of(path: Path) -> dict[str, str]:
    """The prefixes the file itself declares, to print its terms as it writes them."""
    return {p: str(ns) for p, ns in Graph().parse(path).namespaces() if p}


@dataclass
class Report:
    """Everything the tools say about one file: the claimed profiles, each profile's check, HermiT's verdict."""

    file: str
    claimed: list[str]
    profiles: dict[str, ProfileReport]
    hermit: Reasoning
    owl2_datatypes: list[str]
    """The OWL API's OWL 2 datatype map (``OWL2Datatype``): the datatypes OWL 2 DL has."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        profiles = {p: ProfileReport(p, [Violation(**v) for v in vs]) for p, vs in data["profiles"].items()}
        return cls(data["file"], data["claimed"], profiles, Reasoning(**data["hermit"]), data["owl2_datatypes"])

    def to_json(self) -> dict[str, Any]:
        profiles = {p: [asdict(v) for v in r.violations] for p, r in self.profiles.items()}
        return {**asdict(self), "profiles": profiles}

    def text(self) -> str:
        prefixes = prefixes_of(Path(self.file))
        lines = []
        for profile, report in self.profiles.items():
            claim = "claimed" if profile in self.claimed else "not claimed"
            lines.append(f"[{claim}] {report.text(prefixes)}")
        unsatisfiable = [shorten(f"<{c}>", prefixes) for c in self.hermit.unsatisfiable] or "none"
        lines.append(f"HermiT: consistent={self.hermit.consistent}, {self.hermit.classes} named classes, "
                     f"unsatisfiable: {unsatisfiable}")  # fmt: skip
        return "\n".join(lines)

    @property
    def ok(self) -> bool:
        """Every claimed profile holds, and HermiT finds the ontology consistent with no unsatisfiable class."""
        holds = all(self.profiles[p].in_profile for p in self.claimed if p in self.profiles)
        return holds and self.hermit.consistent and not self.hermit.unsatisfiable


def check(path: Path) -> Report:
    """Run every profile checker and HermiT on ``path`` in this process (starts the JVM here)."""
    ontology = load(path)
    from org.semanticweb.owlapi.vocab import OWL2Datatype  # type: ignore[import-not-found]

    return Report(
        file=str(path),
        claimed=sorted(claimed_profiles(path)),
        profiles={p: check_profile(ontology, p) for p in CHECKERS},
        hermit=reason(ontology),
        owl2_datatypes=sorted(str(d.getIRI()) for d in OWL2Datatype.values()),
    )


def run(path: Path, scratch: Path) -> Report:
    """:func:`check` in a child process, so that no JVM runs in the caller's (a test's) process."""
    out = scratch / "owl-check.json"
    cmd = [sys.executable, "-m", "tests.owl_check", "--json", str(out), str(path)]
    proc = subprocess.run(cmd, cwd=CHECKOUT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    if not out.is_file():
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return Report.from_json(json.loads(out.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    """Print each profile's verdict and HermiT's (or write them as JSON); exit 1 if a claim does not hold."""
    parser = argparse.ArgumentParser(prog="python -m tests.owl_check", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=paths.ONTOLOGY, help="the ontology (Turtle, RDF/XML)")
    parser.add_argument("--json", type=Path, help="write the report to this file as JSON")
    args = parser.parse_args(argv)
    report = check(args.file)
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
    else:
        print(report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip the JVM's shutdown, which can crash at interpreter exit (JPype issues 842, 1261)
