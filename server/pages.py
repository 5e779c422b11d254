"""Pages for people: the query page, a page for every resource, the ontology and the dumps.

Resource IRIs (https://w3id.org/minusma-kg/resource/...) dereference here: HTML for browsers, RDF (Turtle,
JSON-LD, ...) for clients that ask for it. Everything the pages load is served by this app, so they work
with no internet.

A resource's page opens with an info box (what, names in every language, when with each article's date side by
side, where, who, figures, Wikidata, dated events one link away), then the evidence passages, then every
property; values that only repeat another under a broader property (OWL 2 RL's, or the build's restatements for
other vocabularies) are folded away. Every page's search box goes to ``/find`` (the /search matcher, in HTML,
straight to the page of an unambiguous name); an unknown address gets a 404 page with the closest names.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_from_directory
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from ..errors import EngineBusyError, QueryTimeoutError, WorkerCrashedError
from ..kg.formats import GRAPH_FORMATS
from ..kg.layout import DUMPS, ONTOLOGY_HTML, ONTOLOGY_TURTLE, VOID_FILE
from ..kg.namespaces import GRAPH, MINTED, MKG, OA, PREFIXES, RES, shorten, sparql_prologue
from ..kg.sparql import QueryJob
from .assets import YASGUI_BUILD
from .formats import negotiate

if TYPE_CHECKING:  # imported lazily at run time, as the functions that use them do
    from .linked_data import DatasetIndex
    from .matching import Candidate


class GraphLink(TypedDict):
    """A named graph as a value's source, as the templates show it."""

    name: str
    href: str | None


# a value of a property as the pages key it: (term type, value, language tag, datatype)
ValueKey = tuple[str, str, str | None, str | None]

blueprint = Blueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

LABEL = str(RDFS.label)


def _select(query: str, **bindings: str) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT through the same engine as /sparql; the pages show what a client would get.

    ``bindings`` give variables their IRIs as terms (never pasted into the text); the pages' queries are known
    and light, so they run on the workers kept back from ad hoc queries.
    """
    job = QueryJob(query, limit=5000, bindings=tuple(bindings.items()))
    rows: list[dict[str, dict[str, str]]] = run_known(job)["results"]["bindings"]
    return rows


def run_known(job: QueryJob, timeout: float | None = None) -> Any:
    """The parsed SPARQL JSON answer to one of the server's own light queries (pages, completions, the
    reconciliation index), run on the workers kept back from ad hoc queries; 503 when none is free or it overruns.
    An error in our own query is a bug, not the client's fault: it raises."""
    state = current_app.extensions["minusma-kg"]
    try:
        outcome = state.engine.run(job, timeout or state.config.timeout, reserved=True)
    except (EngineBusyError, WorkerCrashedError):
        abort(503, "The server is busy; try again in a moment.")
    except QueryTimeoutError:
        abort(503, "This page took too long to compute; try again in a moment.")
    if outcome.error:
        raise RuntimeError(outcome.error)
    if outcome.truncated:
        raise RuntimeError(f"the answer to a server query was cut short by the engine's limits: {job.query[:80]}")
    return json.loads(outcome.body)


def resource_iri(local: str) -> str | None:
    """The IRI ``/resource/<local>`` stands for, if it is a well-formed IRI; None for anything else.

    Whatever the path holds (spaces, quotes, braces, '>', NUL, bytes that are not UTF-8) it is only ever
    checked here and then bound as a term.
    """
    if not local or any(ord(c) < 0x20 or c in ' <>"{}|^`\\' for c in local):
        return None
    try:
        local.encode("utf-8")
        return ox.NamedNode(str(RES) + local).value
    except (ValueError, UnicodeError):
        return None


_KNOWN = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"


def _ask(query: str, **bindings: str) -> bool:
    return bool(run_known(QueryJob(query, bindings=tuple(bindings.items())))["boolean"])


def local_href(iri: str) -> str | None:
    """The page of this app for an IRI of the graph, or None for outside IRIs."""
    if iri.startswith(str(RES)):
        return "/resource/" + iri[len(str(RES)) :]
    if iri.startswith(str(MKG)):
        return "/ontology#" + iri[len(str(MKG)) :]
    if iri.startswith(str(GRAPH)):
        return "/graph/" + iri[len(str(GRAPH)) :]
    return None


def _overview() -> dict[str, Any]:
    state = current_app.extensions["minusma-kg"]
    stats = state.info.get("stats", {})
    articles = _select(
        sparql_prologue("mkg", "dcterms", "schema", "rdfs")
        + "SELECT ?a ?title ?publisher ?published ?pageDate ?note WHERE { ?a a mkg:NewsArticle ; "
        "dcterms:title ?title ; mkg:datePublishedNote ?note . OPTIONAL { ?a mkg:publisher/rdfs:label ?publisher "
        'FILTER(LANGMATCHES(LANG(?publisher), "en") || LANG(?publisher) = "") } '  # one row per article, in English
        "OPTIONAL { ?a schema:datePublished ?published } OPTIONAL { ?a mkg:pageDate ?pageDate } } ORDER BY ?a"
    )
    core = ("mkg:Mission", "mkg:Mandate", "mkg:Resolution", "mkg:Coup", "mkg:Withdrawal", "mkg:Statement",
            "mkg:Person", "mkg:Country", "mkg:NewsArticle", "mkg:Evidence")  # fmt: skip
    counts = stats.get("instances_per_class", {})
    return {
        "counts": [(c.removeprefix("mkg:"), counts.get(c, 0)) for c in core],
        "inferred": stats.get("inferred_triples", 0),
        "quads": stats.get("total_quads", 0),
        "articles": [{k: v["value"] for k, v in row.items()} for row in articles],
    }


#: The home page's topics, in plain words, each with the tags that put a question under it: a question goes under the
#: first topic (in this order) one of its tags names. The other tags say how a query works, not what it is about.
TOPICS: tuple[tuple[str, frozenset[str]], ...] = (
    ("The mission, its mandates and the Security Council",
     frozenset({"mission", "mandates", "resolutions", "security-council", "secretary-general"})),
    ("The coups", frozenset({"coups"})),
    ("The withdrawal", frozenset({"withdrawals"})),
    ("People and what they said", frozenset({"people", "statements", "human-rights"})),
    ("Places, countries and alliances", frozenset({"places", "organisations", "alliances"})),
    ("Dates and timelines", frozenset({"timeline", "dates"})),
    ("Sources and disagreements", frozenset({"provenance", "conflicts"})),
    ("Links to Wikidata", frozenset({"wikidata"})),
    ("What reasoning adds", frozenset({"reasoning"})),
)  # fmt: skip
#: Tags about the query's form or needs (filters on the home page, never topics).
TECHNICAL_TAGS = frozenset({"ask", "construct", "aggregate", "property-path", "federated", "needs-internet"})
OTHER_TOPIC = "Other questions"


def topic_of(tags: tuple[str, ...]) -> str:
    """The plain-words topic a question is listed under (the first of TOPICS that one of its tags names)."""
    return next((title for title, topic_tags in TOPICS if topic_tags & set(tags)), OTHER_TOPIC)


@blueprint.get("/")
def index() -> str:
    queries = current_app.extensions["minusma-kg"].saved
    by_topic: dict[str, list[Any]] = defaultdict(list)
    for q in queries:
        by_topic[topic_of(q.tags)].append(q)
    order = [title for title, _ in TOPICS] + [OTHER_TOPIC]
    return render_template(
        "index.html",
        queries=queries,
        topics=sorted(by_topic.items(), key=lambda kv: order.index(kv[0])),
        tags=sorted({t for q in queries for t in q.tags}, key=lambda t: (t in TECHNICAL_TAGS, t)),
        overview=_overview(),
        prefixes=PREFIXES,
        minted=sorted(MINTED),
        yasgui_installed=(YASGUI_BUILD / "yasgui.min.js").exists(),
        queries_json=json.dumps([q.to_json() for q in queries]),
        dataset_jsonld=dataset_jsonld(),
    )


def dataset_jsonld() -> dict[str, Any]:
    """The home page's schema.org Dataset (for dataset search engines): a JSON-LD data block, never executed."""
    from ..kg.void import DATASET, ISSUED, PUBLISHER, SITE

    creator = {"@type": "Organization", "name": PUBLISHER, "url": SITE}
    downloads = [{"@type": "DataDownload", "name": name + suffix, "contentUrl": f"{SITE}dumps/{name}{suffix}",
                  "encodingFormat": "application/gzip" if suffix else dump_format.media_type}
                 for name, dump_format in DUMPS.items() for suffix in ("", ".gz")]  # fmt: skip
    downloads.append({"@type": "DataDownload", "name": "SPARQL endpoint", "contentUrl": SITE + "sparql",
                      "encodingFormat": "application/sparql-query"})  # fmt: skip
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(DATASET),
        "name": "MINUSMA knowledge graph",
        "description": (
            "An open knowledge graph of the UN peacekeeping mission in Mali (MINUSMA, 2013-2024): its establishment, "
            "mandates, the Security Council resolutions, the 2020 and 2021 coups, the withdrawals and what officials "
            "said, every fact with its source news article and evidence passage."
        ),
        "url": SITE,
        "sameAs": SITE + ".well-known/void",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "creator": creator,
        "publisher": creator,
        "datePublished": ISSUED.isoformat(),
        "keywords": ["MINUSMA", "Mali", "peacekeeping", "United Nations", "knowledge graph", "RDF", "SPARQL"],
        "inLanguage": "en",
        "isAccessibleForFree": True,
        "temporalCoverage": "2013/2024",
        "spatialCoverage": {"@type": "Place", "name": "Mali", "sameAs": "http://www.wikidata.org/entity/Q912"},
        "distribution": downloads,
    }


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)


@blueprint.get("/vendor/yasgui/<path:name>")
def yasgui_file(name: str) -> Response:
    if not YASGUI_BUILD.exists():
        abort(404, "YASGUI is not installed: run 'npm ci --prefix server/ui'")
    return send_from_directory(YASGUI_BUILD, name, max_age=86400)


@blueprint.get("/dumps/<name>")
def dump(name: str) -> WerkzeugResponse:
    data = Path(current_app.extensions["minusma-kg"].config.data)
    if name.endswith(".gz") and name.removesuffix(".gz") in DUMPS:  # compressed once per version of the file
        from .compression import gzipped_file

        body, etag = gzipped_file(data / name.removesuffix(".gz"))
        response = Response(body, mimetype="application/gzip", headers={"Cache-Control": "public, max-age=300"})
        response.set_etag(etag)
        return response.make_conditional(request)
    if name not in DUMPS:
        abort(404)
    return send_from_directory(data, name, mimetype=DUMPS[name].media_type, as_attachment=False, max_age=300)


@blueprint.get("/.well-known/void")
@blueprint.get("/void")
def void() -> Response:
    """The dataset's VoID/DCAT description (written by the build): Turtle, or another RDF format a client asks for."""
    data = Path(current_app.extensions["minusma-kg"].config.data)
    fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is None or fmt.key == "turtle" or not (request.args.get("format") or _wants_rdf()):
        return send_from_directory(data, VOID_FILE, mimetype="text/turtle", max_age=300)
    from rdflib import Dataset, Graph

    from ..kg.namespaces import bind_prefixes

    if fmt.key in ("trig", "nquads"):  # the description in the default graph
        body = Dataset().parse(data / VOID_FILE, format="turtle").serialize(format=fmt.rdflib, encoding="utf-8")
    else:
        body = bind_prefixes(Graph()).parse(data / VOID_FILE).serialize(format=fmt.rdflib, encoding="utf-8")
    return Response(body, content_type=fmt.content_type, headers={"Cache-Control": "public, max-age=300"})


@blueprint.get("/ontology")
def ontology() -> WerkzeugResponse:
    """The ontology: its documentation (pyLODE HTML) for browsers, Turtle or another RDF format for clients."""
    if not _wants_rdf():
        data = Path(current_app.extensions["minusma-kg"].config.data)
        response = send_from_directory(data, ONTOLOGY_HTML, mimetype="text/html", max_age=300)
        response.headers["Vary"] = "Accept"
        return response
    fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is None or fmt.key == "turtle":  # the file the build's HTML was made from, never the sources
        data = Path(current_app.extensions["minusma-kg"].config.data)
        response = send_from_directory(data, ONTOLOGY_TURTLE, mimetype="text/turtle", max_age=300)
        response.headers["Vary"] = "Accept"
        return response
    from .linked_data import rdf_response

    # the ontology graph of the build being served (TriG and N-Quads keep its graph name)
    rdf = rdf_response(_dataset_index().graphs.get(str(GRAPH["ontology"]), []))
    rdf.headers["Vary"] = "Accept"
    return rdf


def _wants_rdf() -> bool:
    from .linked_data import wants_rdf

    return wants_rdf()


def _dataset_index() -> DatasetIndex:
    from .linked_data import dataset_index

    return dataset_index(current_app.extensions["minusma-kg"].config.data)


def _quoted_path() -> str:
    from .linked_data import _request_path

    return _request_path()


def alternates(path: str) -> list[dict[str, str]]:
    from .linked_data import alternates as forms

    return forms(path)


@blueprint.get("/resource/<path:local>")
def resource(local: str) -> WerkzeugResponse | str:
    """A resource of the graph: everything said about it, by whom, with the evidence; 404 in every format if unknown."""
    iri = resource_iri(local)
    if local == "dataset":  # the dataset itself (res:dataset): its VoID/DCAT description
        query = "?" + request.query_string.decode("latin-1") if request.query_string else ""
        return redirect("/.well-known/void" + query, 303)
    if iri is None or not _ask(_KNOWN, iri=iri):
        abort(404, f"No resource {RES}{local} in this graph.")
    if _wants_rdf():
        from .linked_data import rdf_response

        fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
        if fmt is not None and fmt.quads:  # each triple in the graphs that state it
            return rdf_response(_dataset_index().quads_about(iri))
        from .protocol import ProtocolRequest, answer

        q = "CONSTRUCT { ?iri ?p ?o . ?s ?q ?iri } WHERE { { ?iri ?p ?o } UNION { ?s ?q ?iri } }"
        protocol_request = ProtocolRequest(q, (), (), request.args.get("format"))
        response = answer(protocol_request, bindings=(("iri", iri),), reserved=True)
        response.headers["Vary"] = "Accept"
        return response
    return render_template("resource.html", **resource_view(iri, local), alternates=alternates(_quoted_path()))


# ---------------------------------------------------------------------------------------------------------------
# A resource's page: an info box (what, names, when, where, who, counts, Wikidata), the evidence, the properties
# (inferred repeats folded away), the resources that link to it.

RDF_TYPE = str(RDF.type)
COMMENT = str(RDFS.comment)
SAME_AS = str(OWL.sameAs)
PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]
WIKIDATA = PREFIXES["wd"]
INFERRED = str(GRAPH["inferred"])
#: Names and what each kind is called in the info box.
NAME_PROPERTIES = {LABEL: "label", str(MKG.alias): "alias", str(SKOS.altLabel): "alias",
                   str(MKG.name): "name in an article"}  # fmt: skip
#: A property is a "where" if it is one of these or a sub-property of one (mkg:occurredIn, mkg:locatedIn).
LOCATION_PROPERTIES = frozenset({PROV + "atLocation", SCHEMA + "location", SCHEMA + "containedInPlace"})
#: Values of these types are the "who" of a resource: the people and organisations involved, a person's positions.
WHO_TYPES = frozenset({PROV + "Agent", str(MKG.Position)})
#: Properties whose agents are not the "who" of the resource (an article mentions people it is not about).
NOT_WHO = frozenset({str(MKG.describedIn), str(MKG.mentions), str(MKG.evidence)})
#: Numbers that name rather than count: written as they are ("resolution 2100", "line 174"), never "2,100".
IDENTIFIER_NUMBERS = frozenset({str(MKG.resolutionNumber), str(MKG.sourceLine)})
#: Links that only tie the provenance bookkeeping (mkg:Assertion) to the resource: not listed under "Linked from".
BOOKKEEPING = frozenset({str(MKG.assertedSubject), str(MKG.assertedObject), str(MKG.assertedValue)})
#: Nodes that record how a fact is known (its assertion, passage, anchor, date claim, reported count): each shows on
#: the page of what it is about (the evidence section, the dates, the figures), not as a link to an article's page.
BOOKKEEPING_TYPES = frozenset({str(MKG.Assertion), str(MKG.Evidence), str(MKG.DateClaim), str(MKG.ReportedCount),
                               str(OA.SpecificResource), str(OA.TextQuoteSelector),
                               str(OA.TextPositionSelector)})  # fmt: skip
#: What a date claim (mkg:DateClaim) or a quantity (schema:QuantitativeValue) node says, read with its parent.
DETAILS = (
    str(MKG.dateText), str(MKG.dateValue), str(MKG.dateValueEnd), str(MKG.datePrecision), PROV + "wasDerivedFrom",
    SCHEMA + "value", SCHEMA + "minValue", SCHEMA + "maxValue", SCHEMA + "unitText", str(MKG.approximate),
    str(MKG.numberText), str(MKG.countOf), str(MKG.asOf),
)  # fmt: skip
_PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3, "decade": 4, "century": 5}

_OUTGOING = (
    "SELECT ?iri ?p ?o ?g ?k ?v WHERE { GRAPH ?g { ?iri ?p ?o } "
    f"OPTIONAL {{ ?o ?k ?v FILTER(?k IN ({', '.join(f'<{d}>' for d in DETAILS)})) }} }}"
)
_INCOMING = (
    f"SELECT DISTINCT ?iri ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p ?iri }} FILTER(?g != <{INFERRED}> && isIRI(?s) "
    f"&& ?p NOT IN ({', '.join(f'<{b}>' for b in sorted(BOOKKEEPING))})) "
    f"FILTER NOT EXISTS {{ ?s a ?kind FILTER(?kind IN ({', '.join(f'<{t}>' for t in sorted(BOOKKEEPING_TYPES))})) }} "
    "} LIMIT 1000"
)
_EVIDENCE = (
    sparql_prologue("mkg", "prov")
    + "SELECT DISTINCT ?iri ?text ?article ?line WHERE { ?iri mkg:evidence ?ev . ?ev mkg:evidenceText ?text ; "
    "prov:wasQuotedFrom ?article OPTIONAL { ?ev mkg:sourceLine ?line } } ORDER BY ?article ?line"
)
#: Dated resources one link away (an event of the mission, a resolution about it) and their date claims' values.
_RELATED_DATES = (
    f"SELECT DISTINCT ?iri ?e ?dp ?value ?end ?precision ?from WHERE {{ "
    f"{{ GRAPH ?g1 {{ ?iri ?p ?e }} FILTER(?g1 != <{INFERRED}>) }} UNION "
    f"{{ GRAPH ?g2 {{ ?e ?q ?iri }} FILTER(?g2 != <{INFERRED}> && ?q NOT IN "
    f"({', '.join(f'<{b}>' for b in sorted(BOOKKEEPING))})) }} "
    f"FILTER(isIRI(?e) && ?e != ?iri) GRAPH ?g3 {{ ?e ?dp ?claim }} FILTER(?g3 != <{INFERRED}>) "
    f"FILTER NOT EXISTS {{ ?e a ?kind FILTER(?kind IN ({', '.join(f'<{t}>' for t in sorted(BOOKKEEPING_TYPES))})) }} "
    f"?claim <{MKG.dateValue}> ?value . OPTIONAL {{ ?claim <{MKG.dateValueEnd}> ?end }} "
    f"OPTIONAL {{ ?claim <{MKG.datePrecision}> ?precision }} OPTIONAL {{ ?claim <{MKG.earliest}> ?from }} }} LIMIT 2000"
)
#: Each path starts from a bound subject (one step first): Virtuoso refuses a transitive path with both ends open.
_HIERARCHY = (
    sparql_prologue("rdfs") + "SELECT DISTINCT ?sub ?sup WHERE { "
    "{ ?sub rdfs:subPropertyOf ?p1 . ?sub rdfs:subPropertyOf+ ?sup } UNION "
    "{ ?sub rdfs:subClassOf ?c1 . ?sub rdfs:subClassOf+ ?sup } FILTER(isIRI(?sub) && isIRI(?sup) "
    "&& ?sub != ?sup) }"
)


def _hierarchy() -> dict[str, frozenset[str]]:
    """Each property's strict super-properties and each class's strict super-classes, read once per app."""
    cache = current_app.extensions.setdefault("minusma-kg-pages", {})
    if "hierarchy" not in cache:
        supers: dict[str, set[str]] = defaultdict(set)
        for row in _select(_HIERARCHY):
            supers[row["sub"]["value"]].add(row["sup"]["value"])
        cache["hierarchy"] = {k: frozenset(v) for k, v in supers.items()}
    hierarchy: dict[str, frozenset[str]] = cache["hierarchy"]
    return hierarchy


def _neighbours(iris: set[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Labels (English first) and the agent or position types of ``iris``: what the page needs to name and sort."""
    if not iris:
        return {}, {}
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(iris))  # IRIs from the data, written by pyoxigraph
    rows = _select(
        f"SELECT ?s ?l ?t WHERE {{ VALUES ?s {{ {values} }} {{ ?s <{LABEL}> ?l }} UNION "
        f"{{ ?s a ?t FILTER(?t IN ({', '.join(f'<{t}>' for t in sorted(WHO_TYPES))})) }} }}"
    )
    labels: dict[str, tuple[int, str]] = {}
    types: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        s = r["s"]["value"]
        if "l" in r:
            lang = r["l"].get("xml:lang", "")
            rank = (0 if lang.startswith("en") else 1 if not lang else 2, r["l"]["value"])
            labels[s] = min(labels.get(s, rank), rank)
        if "t" in r:
            types[s].add(r["t"]["value"])
    return {s: v[1] for s, v in labels.items()}, types


def _article_name(iri: str, labels: dict[str, str]) -> dict[str, str | None]:
    """How a source article is named in a list: "article 004", its title on hover."""
    local = iri[len(str(RES)) :] if iri.startswith(str(RES)) else iri
    return {"iri": iri, "name": local.replace("/", " "), "title": labels.get(iri, ""), "href": local_href(iri)}


def _graph_link(g: str) -> GraphLink:
    """A named graph as a value's source: "article 003", "entities", "names fr"."""
    name = g.removeprefix(str(GRAPH)).replace("/", " ") if g.startswith(str(GRAPH)) else g
    return {"name": name, "href": local_href(g)}


def _first(details: dict[str, list[dict[str, str]]], key: str) -> dict[str, str] | None:
    found = details.get(key) or []
    return found[0] if found else None


def _date_claim(details: dict[str, list[dict[str, str]]], labels: dict[str, str]) -> dict[str, Any]:
    """A date claim as it reads: the date in words, its typed value, the article's own words, the article."""
    from .readable import PRECISIONS, date_text

    value, end = _first(details, str(MKG.dateValue)), _first(details, str(MKG.dateValueEnd))
    words = _first(details, str(MKG.dateText))
    precision = _first(details, str(MKG.datePrecision))
    text = date_text(value["value"], value.get("datatype")) if value else None
    if text and end:
        text = f"{text} \u2013 {date_text(end['value'], end.get('datatype'))}"
    sources = sorted({d["value"] for d in details.get(PROV + "wasDerivedFrom", []) if d["type"] == "uri"})
    unit = PRECISIONS.get(precision["value"], "") if precision else ""
    return {
        "kind": "date",
        "text": text or (f"“{words['value']}”" if words else "an unresolved date"),
        "datetime": value["value"] if value else None,
        "key": (value["value"] if value else "", end["value"] if end else "", words["value"] if not value and words
                else ""),
        "words": words["value"] if words else None,
        "precision": unit,
        "articles": [_article_name(a, labels) for a in sources],
    }  # fmt: skip


def _quantity(details: dict[str, list[dict[str, str]]], labels: dict[str, str]) -> dict[str, Any]:
    """A schema:QuantitativeValue (mkg:ReportedCount) as a sentence says it: "about 1,000 fighters", "at least 500",
    "nearly 150", with what it counts, the article's own words and the day it held on."""
    from .readable import date_text, literal_text

    def num(key: str) -> str | None:
        d = _first(details, key)
        return literal_text(d["value"], d.get("datatype")) if d else None

    value, low, high = num(SCHEMA + "value"), num(SCHEMA + "minValue"), num(SCHEMA + "maxValue")
    approximate = (_first(details, str(MKG.approximate)) or {}).get("value") in ("true", "1")
    if value is not None:
        text = ("about " if approximate else "") + value
    elif low and high:
        text = f"{low} to {high}"
    elif low:
        text = f"at least {low}"
    else:
        text = f"{'nearly' if approximate else 'at most'} {high}" if high else "?"
    unit, words = _first(details, SCHEMA + "unitText"), _first(details, str(MKG.numberText))
    counts, as_of = _first(details, str(MKG.countOf)), _first(details, str(MKG.asOf))
    sources = sorted({d["value"] for d in details.get(PROV + "wasDerivedFrom", []) if d["type"] == "uri"})
    return {"kind": "quantity", "text": text + (f" {unit['value']}" if unit else ""),
            "words": words["value"] if words else None, "counts": counts["value"] if counts else None,
            "as_of": date_text(as_of["value"], as_of.get("datatype")) if as_of else None,
            "articles": [_article_name(a, labels) for a in sources]}  # fmt: skip


def _literal(p: str, term: dict[str, str]) -> dict[str, Any]:
    from .readable import DATE_TYPES, language_name, literal_text

    datatype = term.get("datatype")
    text = literal_text(term["value"], datatype, counts=p not in IDENTIFIER_NUMBERS)
    return {"kind": "literal", "text": text, "raw": term["value"], "lang": language_name(term.get("xml:lang")),
            "datatype": shorten(datatype) if datatype and datatype != XSD_STRING else None,
            "is_date": datatype in DATE_TYPES, "changed": text != term["value"]}  # fmt: skip


XSD_STRING = str(XSD.string)


def resource_view(iri: str, local: str) -> dict[str, Any]:
    """Everything the resource page shows, read through the engine with ``iri`` bound as a term."""
    # a substituted variable must be projected (pyoxigraph's rule), hence ?iri in each SELECT
    outgoing = _select(_OUTGOING, iri=iri)
    incoming = _select(_INCOMING, iri=iri)
    evidence = _select(_EVIDENCE, iri=iri)
    related = _select(_RELATED_DATES, iri=iri)
    supers = _hierarchy()

    # values: property -> value key -> {term, graphs}; details of value nodes (date claims, quantities) by key
    by_property: dict[str, dict[ValueKey, dict[str, Any]]] = defaultdict(dict)
    details: dict[ValueKey, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in outgoing:
        p, o = row["p"]["value"], row["o"]
        key = (o["type"], o["value"], o.get("xml:lang"), o.get("datatype"))
        by_property[p].setdefault(key, {"term": o, "graphs": set()})["graphs"].add(row["g"]["value"])
        if "k" in row and row["v"] not in details[key][row["k"]["value"]]:
            details[key][row["k"]["value"]].append(row["v"])
    by_property.pop(str(MKG.evidence), None)  # the passages have their own section

    iris = {iri, *by_property}
    for values in by_property.values():
        iris.update(k[1] for k in values if k[0] == "uri")
    for d in details.values():
        iris.update(v["value"] for v in d.get(PROV + "wasDerivedFrom", []) if v["type"] == "uri")
    iris.update(r["s"]["value"] for r in incoming)
    iris.update(r["p"]["value"] for r in incoming)
    iris.update(r["article"]["value"] for r in evidence)
    iris.update(r[k]["value"] for r in related for k in ("e", "dp"))
    iris.update(v["value"] for d in details.values() for v in d.get(str(MKG.countOf), []))
    labels, kinds = _neighbours(iris)

    def shown(p: str, key: ValueKey, entry: dict[str, Any]) -> dict[str, Any]:
        term, graphs = entry["term"], entry["graphs"]
        inferred = graphs == {INFERRED}
        base = {"inferred": inferred, "graphs": sorted((_graph_link(g) for g in graphs), key=lambda x: x["name"])}
        d = details.get(key, {})
        if str(MKG.dateValue) in d or str(MKG.dateText) in d:
            return {**base, **_date_claim(d, labels)}
        if any(k in d for k in (SCHEMA + "value", SCHEMA + "minValue", SCHEMA + "maxValue")):
            return {**base, **_quantity(d, labels)}
        if term["type"] == "literal":
            return {**base, **_literal(p, term)}
        o = term["value"]
        return {**base, "kind": "iri", "iri": o, "label": labels.get(o, shorten(o)), "href": local_href(o),
                "who": bool(kinds.get(o, set()) & WHO_TYPES)}  # fmt: skip

    # a value repeats another when a sub-property (a sub-class, for rdf:type) has the same value: OWL 2 RL infers
    # such repeats, and the build states some for other vocabularies' readers (time:hasTime beside mkg:when)
    def repeats(p: str, key: ValueKey) -> str | None:
        for q, values in by_property.items():
            if q != p and p in supers.get(q, ()) and key in values:
                return q
        if p == RDF_TYPE:
            for other in by_property[p]:
                if other != key and other[0] == "uri" and key[1] in supers.get(other[1], ()):
                    return other[1]
        return None

    rows: list[dict[str, Any]] = []
    folded: list[dict[str, Any]] = []
    for p, values in by_property.items():
        label = labels.get(p, shorten(p))
        kept = []
        for key, entry in values.items():
            v = shown(p, key, entry)
            source = repeats(p, key)
            if source is None:
                kept.append(v)
            else:
                folded.append({"property": {"iri": p, "label": label, "href": local_href(p)},
                               "value": v, "of": labels.get(source, shorten(source))})  # fmt: skip
        if kept:
            kept.sort(key=lambda v: (v["inferred"], str(v.get("label") or v.get("text") or "").lower()))
            rows.append({"iri": p, "label": label, "href": local_href(p), "values": kept})
    rows.sort(key=lambda r: (r["iri"] != LABEL, r["iri"] != RDF_TYPE, r["label"].lower()))
    folded.sort(key=lambda f: (f["property"]["label"].lower(), str(f["value"].get("label") or f["value"].get("text"))))
    groups = _incoming_groups(incoming, labels)

    return {
        "iri": iri,
        "label": labels.get(iri, local),
        "short": shorten(iri),
        "info": _info_box(rows, supers, labels),
        "rows": rows,
        "folded": folded,
        "incoming": groups,
        "timeline": _timeline(related, labels, supers),
        "evidence": [{"text": r["text"]["value"], **_article_name(r["article"]["value"], labels)} for r in evidence],
        "neighbourhood": _neighbourhood(iri, labels.get(iri, local), rows, groups),
    }


NEIGHBOURHOOD_LIMIT = 60  # edges each way: a picture, not a hairball; the tables list them all


def _neighbourhood(
    iri: str, label: str, rows: list[dict[str, Any]], incoming: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The resource's asserted links to and from other resources, as nodes and edges for the page's graph picture
    (server/static/views.js draws it); types and labels stay in the tables, where they read better."""
    nodes: dict[str, dict[str, Any]] = {}

    def node(i: str, name: str, href: str | None) -> None:
        nodes.setdefault(i, {"id": i, "name": name, "literal": False, "term": i, "href": href})

    node(iri, label, local_href(iri))
    nodes[iri]["focus"] = True  # drawn larger, in the middle
    edges: list[dict[str, str]] = []
    out = [(r, v) for r in rows if r["iri"] != RDF_TYPE for v in r["values"] if v.get("kind") == "iri"]
    for r, v in [(r, v) for r, v in out if not v["inferred"]][:NEIGHBOURHOOD_LIMIT]:
        node(v["iri"], v["label"], v["href"])
        edges.append({"source": iri, "target": v["iri"], "predicate": r["iri"], "label": r["label"]})
    for via, i in [(g, i) for g in incoming for i in g["items"]][:NEIGHBOURHOOD_LIMIT]:
        node(i["iri"], i["label"], i["href"])
        edges.append({"source": i["iri"], "target": iri, "predicate": via["iri"], "label": via["label"]})
    return {"nodes": list(nodes.values()), "edges": edges}


def _info_box(rows: list[dict[str, Any]], supers: dict[str, frozenset[str]], labels: dict[str, str]) -> dict[str, Any]:
    """The box at the top: what it is, its names, when, where, who, its counts, and Wikidata."""
    by = {r["iri"]: r for r in rows}
    asserted = [v for v in by.get(RDF_TYPE, {"values": []})["values"] if not v["inferred"]]
    description = next((v["text"] for v in by.get(COMMENT, {"values": []})["values"] if v["lang"] in (None, "English")),
                       None)  # fmt: skip
    names: dict[str, dict[str, Any]] = {}  # each name once, as its strongest kind, with every language it has
    for p, kind in NAME_PROPERTIES.items():
        for v in by.get(p, {"values": []})["values"]:
            if v["kind"] == "literal":
                name = names.setdefault(v["text"], {"text": v["text"], "langs": [], "kind": kind})
                if v["lang"] and v["lang"] not in name["langs"]:
                    name["langs"].append(v["lang"])
    dates: list[dict[str, Any]] = []
    where: list[dict[str, Any]] = []
    who: list[dict[str, Any]] = []
    counts: list[dict[str, Any]] = []
    # a count the build also states as a quantity node (mkg:hasCount) shows once, as the richer quantity
    quantified = {v["counts"] for r in rows for v in r["values"] if v["kind"] == "quantity" and v["counts"]}
    for r in rows:
        p = r["iri"]
        claims = [v for v in r["values"] if v["kind"] == "date" and not v["inferred"]]
        if claims:
            groups: dict[ValueKey, dict[str, Any]] = {}
            for c in claims:
                g = groups.setdefault(c["key"], {**c, "articles": {}, "words": []})
                g["articles"].update({a["iri"]: a for a in c["articles"]})
                if c["words"] and c["words"] not in g["words"] and c["words"].lower() != c["text"].lower():
                    g["words"].append(c["words"])
            ordered = sorted(groups.values(), key=lambda g: (_PRECISION_ORDER.get(g["precision"], 9), g["key"]))
            for g in ordered:
                g["articles"] = sorted(g["articles"].values(), key=lambda a: a["name"])
            dates.append({"property": r["label"], "values": ordered, "disagree": len(ordered) > 1})
        if p in LOCATION_PROPERTIES or supers.get(p, frozenset()) & LOCATION_PROPERTIES:
            where.extend({**v, "property": r["label"]} for v in r["values"] if v["kind"] == "iri")
        elif p not in NOT_WHO and p != RDF_TYPE:
            agents = [v for v in r["values"] if v["kind"] == "iri" and v["who"]]
            if agents:
                who.append({"property": r["label"], "values": agents})
        for v in r["values"]:
            if v["kind"] == "quantity":
                counts.append({"property": labels.get(v["counts"], r["label"]) if v["counts"] else r["label"],
                               "values": [v]})  # fmt: skip
        amounts = [v for v in r["values"] if _is_amount(p, v)]
        if amounts and p not in quantified:
            counts.append({"property": r["label"], "values": amounts})
    where.sort(key=lambda v: v["inferred"])
    for name in names.values():  # English first, then the others by name
        name["langs"].sort(key=lambda lang: (lang != "English", lang))
    same = by.get(SAME_AS, {"values": []})["values"]
    wikidata = [{"qid": v["iri"].removeprefix(WIKIDATA), "href": v["iri"]}
                for v in same if v["kind"] == "iri" and v["iri"].startswith(WIKIDATA)]  # fmt: skip
    return {"types": asserted, "description": description, "names": list(names.values()), "dates": dates,
            "where": where, "who": who, "counts": counts, "wikidata": wikidata}  # fmt: skip


def _timeline(
    related: list[dict[str, dict[str, str]]], labels: dict[str, str], supers: dict[str, frozenset[str]]
) -> list[dict[str, Any]]:
    """The dated resources linked to this one, in date order: one line per event and date property, with every
    distinct date the articles give for it (most precise first), so disagreements stay visible."""
    from .readable import PRECISIONS, date_text

    lines: dict[tuple[str, str], dict[str, Any]] = {}
    by_event: dict[str, set[str]] = defaultdict(set)
    for r in related:
        by_event[r["e"]["value"]].add(r["dp"]["value"])
    for r in related:
        e, dp = r["e"]["value"], r["dp"]["value"]
        if any(dp in supers.get(other, ()) for other in by_event[e]):
            continue  # time:hasTime beside mkg:when: the same claim under a broader property
        text = date_text(r["value"]["value"], r["value"].get("datatype"))
        if "end" in r:
            text += " \u2013 " + date_text(r["end"]["value"], r["end"].get("datatype"))
        precision = _PRECISION_ORDER.get(PRECISIONS.get(r.get("precision", {}).get("value", ""), ""), 9)
        line = lines.setdefault((e, dp), {"iri": e, "label": labels.get(e, shorten(e)), "href": local_href(e),
                                          "property": "" if dp == str(MKG.when) else labels.get(dp, shorten(dp)),
                                          "dates": {}, "from": None})  # fmt: skip
        line["dates"][text] = (precision, r["value"]["value"])
        start = r.get("from", {}).get("value")
        if start and (line["from"] is None or start < line["from"]):
            line["from"] = start
    out = []
    for line in lines.values():
        ordered = sorted(line["dates"].items(), key=lambda kv: kv[1])
        values = [v[1] for _, v in ordered]  # "2013" says less than "2013-04", not something else: keep the latter
        ordered = [(t, v) for t, v in ordered if not any(o != v[1] and o.startswith(v[1] + "-") for o in values)]
        out.append({**line, "dates": [{"text": t, "datetime": v[1]} for t, v in ordered]})
    # dated lines first, by their earliest possible day; a month without its year ("in June") cannot be placed
    out.sort(key=lambda x: (x["from"] is None, x["from"] or "", x["label"].lower()))
    return out


def _is_amount(p: str, v: dict[str, Any]) -> bool:
    """A typed literal that counts or measures (an integer, a duration), not a date and not an identifier."""
    return (
        v["kind"] == "literal"
        and bool(v["datatype"])
        and v["changed"]
        and not v["is_date"]
        and (p not in IDENTIFIER_NUMBERS)
    )


def _incoming_groups(incoming: list[dict[str, dict[str, str]]], labels: dict[str, str]) -> list[dict[str, Any]]:
    """The resources that point here, grouped by the property they use ("about: 29 statements")."""
    groups: dict[str, dict[str, Any]] = {}
    for r in incoming:
        p, s = r["p"]["value"], r["s"]["value"]
        g = groups.setdefault(p, {"iri": p, "label": labels.get(p, shorten(p)), "href": local_href(p), "items": {}})
        g["items"][s] = {"iri": s, "label": labels.get(s, shorten(s)), "href": local_href(s)}
    out = sorted(groups.values(), key=lambda g: g["label"].lower())
    for g in out:
        g["items"] = sorted(g["items"].values(), key=lambda i: i["label"].lower())
    return out


# ---------------------------------------------------------------------------------------------------------------
# Finding one's way: the search box of every page, and a 404 page that offers the closest names

FIND_LIMIT = 20  # results on the search page
CLOSEST_LIMIT = 8  # names on a "not found" page


def _hits(candidates: list[Candidate], q: str) -> list[dict[str, Any]]:
    """Search candidates as the pages list them: name, types, the name that matched, a line of description."""
    from .matching import normalise
    from .reconcile import data

    d = data()
    tokens = set(normalise(q).split())
    hits = []
    for c in candidates:
        e = c.entity
        names = d.index.names(e.id)
        matched = next((original for norm, original, _ in names if c.exact_name and norm == c.exact_name), None)
        if matched is None and tokens:
            matched = next((original for norm, original, _ in names if tokens & set(norm.split())), None)
        hits.append({
            "name": e.name,
            "href": "/resource/" + urllib.parse.quote(e.id, safe="/"),
            "types": sorted(d.classes.get(t, shorten(t)) for t in e.asserted_types if t in d.classes),
            "matched": matched if matched and normalise(matched) != normalise(e.name) else None,
            "description": e.description,
        })  # fmt: skip
    return hits


@blueprint.get("/find")
def find() -> WerkzeugResponse | str:
    """The search box's answer: straight to the page of an unambiguous name ("Goita", "Diop"), else a list.

    Names are matched as /search and /reconcile match them (accents, case, punctuation and aliases in every
    language do not matter); the text typed is only ever compared in Python, never put into a query.
    """
    from .reconcile import MAX_QUERY_CHARS, data

    q = request.args.get("q", "")[:MAX_QUERY_CHARS].strip()
    type_name = request.args.get("type", "").strip()
    if type_name:  # /find?type=Coup: every thing of a class of the ontology (the home page's counts link here)
        cls = _class_iri(type_name)
        if cls is None:
            abort(404, f"No class {type_name} in the ontology.")
        return render_template("search.html", q="", of_class=type_name, results=_instances(cls), closest=[])
    found, closest = [], []
    if q:
        index = data().index
        found = index.search(q, limit=FIND_LIMIT)
        if index.is_unambiguous(found):
            return redirect("/resource/" + urllib.parse.quote(found[0].entity.id, safe="/"), 303)
        if not found:
            closest = index.closest(q, limit=CLOSEST_LIMIT)
    return render_template("search.html", q=q, results=_hits(found, q), closest=_hits(closest, q), search_query=q)


_INSTANCES = (
    sparql_prologue("rdfs")
    + f"""SELECT ?s ?c (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?description) WHERE {{
  GRAPH ?g {{ ?s a ?c }} FILTER(?g != <{INFERRED}>)
  OPTIONAL {{ ?s rdfs:label ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) }}
  OPTIONAL {{ ?s rdfs:comment ?d FILTER(LANG(?d) = "" || LANGMATCHES(LANG(?d), "en")) }}
}} GROUP BY ?s ?c"""
)


def _class_iri(name: str) -> str | None:
    """The ontology's class ``mkg:<name>``, or None when the name is not one (it is bound as a term, never pasted)."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,100}", name):
        return None
    iri = str(MKG) + name
    return iri if _ask(sparql_prologue("owl") + "ASK { ?c a owl:Class }", c=iri) else None


def _instances(cls: str) -> list[dict[str, Any]]:
    """The things the articles and the registry say are of class ``cls`` (asserted, as the home page counts them)."""
    rows = _select(_INSTANCES, c=cls)
    hits: list[dict[str, Any]] = [{"name": r["label"]["value"] if "label" in r else shorten(r["s"]["value"]),
             "href": local_href(r["s"]["value"]) or r["s"]["value"], "types": [],
             "matched": None, "description": r["description"]["value"] if "description" in r else None}
            for r in rows]  # fmt: skip
    return sorted(hits, key=lambda h: h["name"].lower())


def _guess(path: str) -> str:
    """The name a mistyped address most likely meant: the resource's local name, else the path's last part."""
    path = urllib.parse.unquote(path)
    rest = path.removeprefix("/resource/") if path.startswith("/resource/") else path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[-_/.]+", " ", rest).strip()[:200]


@blueprint.app_errorhandler(404)
def not_found(error: HTTPException) -> Response | tuple[str, int]:
    """Every 404: for a person, a page with the search box and the closest names; for a program, one line of text."""
    message = error.description or "Not found."
    accept = request.accept_mimetypes
    if _wants_rdf() or accept.best_match(["text/html", "text/plain", "application/json"]) != "text/html":
        return Response(message + "\n", 404, mimetype="text/plain")
    guess = _guess(request.path)
    closest = []
    if guess:
        from .reconcile import data

        try:
            closest = data().index.closest(guess, limit=CLOSEST_LIMIT)
        except HTTPException:  # the index could not be read just now (a busy server): the page still helps
            closest = []
    return render_template("not_found.html", message=message, guess=guess, closest=_hits(closest, guess)), 404
