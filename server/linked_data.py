"""Linked Data by the book: named graphs and the ontology's version dereference, answers say what they vary on.

* ``https://w3id.org/minusma-kg/graph/article/003`` is served at ``/graph/article/003``: an HTML summary for a
  browser, the graph's triples for an RDF client (TriG and N-Quads keep the graph's name);
* the ontology's ``owl:versionIRI`` (``/ontology/0.1.0``) dereferences like ``/ontology``;
* ``/.well-known/sparql-examples``: the saved queries as SPARQL examples (the build's ``…/graph/examples``);
* every negotiated answer says ``Vary: Accept`` and, when it succeeds, names its other forms in ``Link`` headers
  (``rel="alternate"``), as the HTML pages do with ``<link rel="alternate">``;
* unknown graphs and versions are 404 in every format.

The graphs are read from the build's N-Quads dump once per version of the file (it is small: tens of thousands
of quads), so these pages never wait for a query worker.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from rdflib.namespace import OWL, RDF, RDFS
from werkzeug.wrappers import Response as WerkzeugResponse

from ..kg.formats import GRAPH_FORMATS, Format
from ..kg.layout import NQUADS
from ..kg.namespaces import GRAPH, ONTOLOGY_IRI, PREFIXES, RES, SH, SPEX, shorten
from ..kg.sparql import serialize_rdf
from .formats import negotiate

blueprint = Blueprint("linked_data", __name__, template_folder="templates")

RDF_TYPE = str(RDF.type)
LABEL = str(RDFS.label)
VERSION_IRI = str(OWL.versionIRI)
EXAMPLES_GRAPH = str(GRAPH["examples"])
SERIALIZE_PREFIXES = {**PREFIXES, "sh": str(SH),
                      "spex": str(SPEX)}  # fmt: skip
#: Endpoints whose answer depends on Accept (content negotiation): each says ``Vary: Accept``, 404s included.
NEGOTIATED = frozenset({
    "pages.resource", "pages.ontology", "linked_data.graph", "linked_data.ontology_version",
    "linked_data.sparql_examples",
    "pages.void", "sparql.sparql",
})  # fmt: skip
#: Endpoints that name their other forms in Link headers.
WITH_ALTERNATES = frozenset({"pages.resource", "pages.ontology", "linked_data.graph", "linked_data.ontology_version"})
#: What each graph that is not an article's holds (the README's table), for its page.
GRAPH_DESCRIPTIONS = {
    "entities": "Type, canonical English label and aliases of every entity (people, organisations, places, events).",
    "ontology": "The OWL ontology (ontology/minusma.ttl).",
    "wikidata-links": "owl:sameAs links to Wikidata, only for verified IDs.",
    "external-facts": "Facts from outside the articles (resolution numbers), with their source.",
    "inferred": "What OWL 2 RL reasoning adds and is new: types from subclasses, inverses, property chains and "
    "transitive properties.",
    "examples": "The saved queries as SPARQL examples (SHACL SPARQL executables), as SIB's endpoints publish them.",
}


@dataclass
class DatasetIndex:
    """The published quads, by graph and by term, read once from the dump."""

    graphs: dict[str, list[ox.Quad]] = field(default_factory=dict)
    about: dict[str, list[ox.Quad]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)
    distinct_triples: int = 0

    def quads_about(self, iri: str) -> list[ox.Quad]:
        """Every quad with ``iri`` as subject or object, each once."""
        return list(dict.fromkeys(self.about.get(iri, ())))


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> DatasetIndex:
    del mtime_ns, size  # the cache key: a new dump is read again
    index = DatasetIndex()
    triples: set[ox.Triple] = set()
    with open(path, "rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            index.graphs.setdefault(q.graph_name.value, []).append(q)
            triples.add(ox.Triple(q.subject, q.predicate, q.object))
            if isinstance(q.subject, ox.NamedNode):
                index.about[q.subject.value].append(q)
                if q.predicate.value == LABEL and isinstance(q.object, ox.Literal):
                    index.labels.setdefault(q.subject.value, q.object.value)
            if isinstance(q.object, ox.NamedNode) and q.object != q.subject:
                index.about[q.object.value].append(q)
    index.distinct_triples = len(triples)
    return index


def dataset_index(data: Path | str) -> DatasetIndex:
    """The index of the build in ``data``."""
    path = Path(data) / NQUADS
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


def _index() -> DatasetIndex:
    return dataset_index(current_app.extensions["minusma-kg"].config.data)


def serialize(quads: list[ox.Quad], fmt: Format) -> bytes:
    """The quads in ``fmt``: TriG and N-Quads keep each graph's name, the triple formats hold each triple once."""
    if fmt.quads:
        return serialize_rdf(quads, fmt, SERIALIZE_PREFIXES)
    return serialize_rdf(list(dict.fromkeys(q.triple for q in quads)), fmt, SERIALIZE_PREFIXES)


def wants_rdf() -> bool:
    """Whether the client prefers an RDF format to HTML (``format=`` always wins)."""
    accept = request.accept_mimetypes
    if request.args.get("format"):
        return True
    best = accept.best_match(["text/html", *(f.media_type for f in GRAPH_FORMATS)])
    return best is not None and best != "text/html" and accept[best] > accept["text/html"]


def rdf_response(quads: list[ox.Quad]) -> WerkzeugResponse:
    fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is None:
        offered = ", ".join(f.media_type for f in GRAPH_FORMATS)
        return Response(f"No acceptable format. Offered: text/html, {offered}.\n", 406, mimetype="text/plain")
    state = current_app.extensions["minusma-kg"]
    response = Response(serialize(quads, fmt), content_type=fmt.content_type)
    response.headers["Cache-Control"] = f"public, max-age={state.config.cache_seconds}"
    # tied to the dataset's version, like /sparql's: a rebuild gives new tags
    response.set_etag(hashlib.sha256(f"{state.version}\0{request.path}\0{fmt.key}".encode()).hexdigest()[:32])
    return response.make_conditional(request)


def alternates(path: str) -> list[dict[str, str]]:
    """The RDF forms of the page at ``path`` (already percent-encoded): href and media type of each."""
    return [
        {"href": f"{path}?format={f.aliases[0]}", "type": f.media_type, "key": f.aliases[0], "name": f.label}
        for f in GRAPH_FORMATS
    ]


def _request_path() -> str:
    return urllib.parse.quote(request.path, safe="/:@!$&'()*+,;=-._~%")


def _checked_iri(base: str, local: str) -> str | None:
    if not local or any(ord(c) < 0x20 or c in ' <>"{}|^`\\' for c in local):
        return None
    try:
        return ox.NamedNode(base + local).value
    except ValueError:
        return None


@blueprint.get("/graph/<path:name>")
def graph(name: str) -> WerkzeugResponse | str:
    """A named graph of the dataset: a summary for people, its triples (with its name in TriG/N-Quads) for clients."""
    iri = _checked_iri(str(GRAPH), name)
    index = _index()
    if iri is None or iri not in index.graphs:
        abort(404, f"No graph {GRAPH}{name} in this dataset.")
    quads = index.graphs[iri]
    if wants_rdf():
        return rdf_response(quads)
    classes: Counter[str] = Counter()
    predicates: Counter[str] = Counter()
    subjects: dict[str, None] = {}
    for q in quads:
        predicates[q.predicate.value] += 1
        if isinstance(q.subject, ox.NamedNode):
            subjects.setdefault(q.subject.value)
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            classes[q.object.value] += 1
    from .pages import local_href

    def term(i: str) -> dict[str, str | None]:
        return {"iri": i, "label": index.labels.get(i, shorten(i)), "href": local_href(i)}

    kind = name.split("/", 1)[0]
    article = RES[name] if kind == "article" else None
    description = GRAPH_DESCRIPTIONS.get(name, "")
    if article:
        description = (f"What article {name.split('/', 1)[1]} says: its metadata, the entities it mentions and "
                       "every fact taken from it, with evidence and dates.")  # fmt: skip
    return render_template(
        "graph.html", iri=iri, name=name, description=description, size=len(quads),
        article=term(str(article)) if article and str(article) in index.labels else None,
        classes=[(term(c), n) for c, n in classes.most_common()],
        predicates=[(term(p), n) for p, n in predicates.most_common()],
        subjects=[term(s) for s in sorted(subjects)[:300]], more=max(0, len(subjects) - 300),
        alternates=alternates(_request_path()),
    )  # fmt: skip


@blueprint.get("/graph")
@blueprint.get("/graph/")
def graphs() -> str:
    index = _index()
    rows = [{"iri": g, "name": g.removeprefix(str(GRAPH)), "size": len(q)} for g, q in sorted(index.graphs.items())
            if g.startswith(str(GRAPH))]  # fmt: skip
    return render_template("graphs.html", graphs=rows)


def _version_iri() -> str | None:
    for q in _index().about.get(ONTOLOGY_IRI, ()):
        if q.predicate.value == VERSION_IRI and isinstance(q.object, ox.NamedNode):
            return q.object.value
    return None


@blueprint.get("/ontology/<path:version>")
def ontology_version(version: str) -> WerkzeugResponse:
    """The ontology's owl:versionIRI dereferences to this version (the one served); any other is 404."""
    if _version_iri() != f"{ONTOLOGY_IRI}/{version}":
        abort(404, f"No ontology version {ONTOLOGY_IRI}/{version} here.")
    from .pages import ontology

    return ontology()


@blueprint.get("/.well-known/sparql-examples")
def sparql_examples() -> WerkzeugResponse:
    """The saved queries as SPARQL examples (SHACL executables), the ``…/graph/examples`` graph; Turtle by default."""
    quads = _index().graphs.get(EXAMPLES_GRAPH)
    if not quads:
        abort(404, "This build has no examples graph.")
    return rdf_response(quads)


def _add_vary(response: Response, value: str) -> None:
    current = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    if value.lower() not in {v.lower() for v in current}:
        response.headers["Vary"] = ", ".join([*current, value])


def install(app: Flask) -> None:
    """Register the routes and the Vary/Link headers of every negotiated answer."""
    app.register_blueprint(blueprint)

    @app.after_request
    def negotiated_headers(response: Response) -> Response:
        if request.endpoint in NEGOTIATED:
            _add_vary(response, "Accept")
        if request.endpoint in WITH_ALTERNATES and response.status_code == 200:
            links = [f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates(_request_path())]
            if response.mimetype != "text/html":
                links.append(f'<{_request_path()}>; rel="alternate"; type="text/html"')
            response.headers.add("Link", ", ".join(links))
        return response
