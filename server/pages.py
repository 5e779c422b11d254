"""Pages for people: the query page, a page for every resource, the ontology and the dumps.

Resource IRIs (https://w3id.org/minusma-kg/resource/...) dereference here: HTML for browsers, RDF (Turtle,
JSON-LD, ...) for clients that ask for it. Everything the pages load is served by this app, so they work
with no internet.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_from_directory

from kg import paths
from kg.namespaces import GRAPH, MKG, PREFIXES, RES
from kg.publish import NQUADS, ONTOLOGY_HTML, TRIG, TURTLE, VOID_FILE
from kg.queries import load_saved_queries
from server.engine import EngineBusy, QueryJob, QueryTimeout, WorkerCrashed
from server.formats import GRAPH_FORMATS, negotiate

blueprint = Blueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

YASGUI_BUILD = Path(__file__).parent / "ui" / "node_modules" / "@zazuko" / "yasgui" / "build"
DUMPS = {TRIG: "application/trig", NQUADS: "application/n-quads", TURTLE: "text/turtle"}
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _select(query: str, **bindings: str) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT through the same engine as /sparql; the pages show what a client would get.

    ``bindings`` give variables their IRIs as terms (never pasted into the text); the pages' queries are known
    and light, so they run on the workers kept back from ad hoc queries.
    """
    state = current_app.extensions["minusma-kg"]
    job = QueryJob(query, limit=5000, bindings=tuple(bindings.items()))
    try:
        outcome = state.engine.run(job, state.config.timeout, reserved=True)
    except (EngineBusy, WorkerCrashed):
        abort(503, "The server is busy; try again in a moment.")
    except QueryTimeout:
        abort(503, "This page took too long to compute; try again in a moment.")
    if outcome.error:
        raise RuntimeError(outcome.error)
    return json.loads(outcome.body)["results"]["bindings"]


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
    state = current_app.extensions["minusma-kg"]
    job = QueryJob(query, bindings=tuple(bindings.items()))
    try:
        outcome = state.engine.run(job, state.config.timeout, reserved=True)
    except (EngineBusy, WorkerCrashed, QueryTimeout):
        abort(503, "The server is busy; try again in a moment.")
    if outcome.error:
        raise RuntimeError(outcome.error)
    return bool(json.loads(outcome.body)["boolean"])


def short(iri: str) -> str:
    """A prefixed name where a known prefix fits (res:coup-2020, mkg:Coup), else the IRI."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        rest = iri[len(ns) :]
        if iri.startswith(ns) and (re.fullmatch(r"[\w.-]+", rest) or prefix == "res"):
            return f"{prefix}:{rest}"
    return iri


def local_href(iri: str) -> str | None:
    """The page of this app for an IRI of the graph, or None for outside IRIs."""
    if iri.startswith(str(RES)):
        return "/resource/" + iri[len(str(RES)) :]
    if iri.startswith(str(MKG)):
        return "/ontology#" + iri[len(str(MKG)) :]
    if iri.startswith(str(GRAPH)):
        return "/graph/" + iri[len(str(GRAPH)) :]
    return None


def _labels(iris: set[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(iris))  # IRIs from the data, written by pyoxigraph
    rows = _select(f"SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {values} }} ?s <{LABEL}> ?l }} GROUP BY ?s")
    return {r["s"]["value"]: r["label"]["value"] for r in rows if "label" in r}


def _overview() -> dict[str, Any]:
    state = current_app.extensions["minusma-kg"]
    stats = state.info.get("stats", {})
    articles = _select(
        "PREFIX mkg: <https://w3id.org/minusma-kg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "PREFIX schema: <https://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?a ?title ?publisher ?published ?pageDate ?note WHERE { ?a a mkg:NewsArticle ; dcterms:title ?title ; "
        "mkg:datePublishedNote ?note . OPTIONAL { ?a mkg:publisher/rdfs:label ?publisher } "
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


@blueprint.get("/")
def index() -> str:
    queries = load_saved_queries()
    by_tag: dict[str, list] = defaultdict(list)
    for q in queries:
        by_tag[q.tags[0]].append(q)
    return render_template(
        "index.html",
        queries=queries,
        by_tag=sorted(by_tag.items()),
        overview=_overview(),
        prefixes=PREFIXES,
        yasgui_installed=(YASGUI_BUILD / "yasgui.min.js").exists(),
        queries_json=json.dumps([q.to_json() for q in queries]),
        dataset_jsonld=dataset_jsonld(),
    )


def dataset_jsonld() -> dict[str, Any]:
    """The home page's schema.org Dataset (for dataset search engines): a JSON-LD data block, never executed."""
    from kg.void import DATASET, DUMPS, ISSUED, PUBLISHER, SITE

    creator = {"@type": "Organization", "name": PUBLISHER, "url": SITE}
    downloads = [{"@type": "DataDownload", "name": name + suffix, "contentUrl": f"{SITE}dumps/{name}{suffix}",
                  "encodingFormat": "application/gzip" if suffix else media_type}
                 for name, media_type in DUMPS.items() for suffix in ("", ".gz")]  # fmt: skip
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
def dump(name: str) -> Response:
    data = Path(current_app.extensions["minusma-kg"].config.data)
    if name.endswith(".gz") and name.removesuffix(".gz") in DUMPS:  # compressed once per version of the file
        from server.compression import gzipped_file

        body, etag = gzipped_file(data / name.removesuffix(".gz"))
        response = Response(body, mimetype="application/gzip", headers={"Cache-Control": "public, max-age=300"})
        response.set_etag(etag)
        return response.make_conditional(request)
    if name not in DUMPS:
        abort(404)
    return send_from_directory(data, name, mimetype=DUMPS[name], as_attachment=False, max_age=300)


@blueprint.get("/.well-known/void")
@blueprint.get("/void")
def void() -> Response:
    """The dataset's VoID/DCAT description (written by the build): Turtle, or another RDF format a client asks for."""
    data = Path(current_app.extensions["minusma-kg"].config.data)
    fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is None or fmt.key == "turtle" or not (request.args.get("format") or _wants_rdf()):
        return send_from_directory(data, VOID_FILE, mimetype="text/turtle", max_age=300)
    from rdflib import Dataset, Graph

    from kg.namespaces import bind_prefixes

    if fmt.key in ("trig", "nquads"):  # the description in the default graph
        body = Dataset().parse(data / VOID_FILE, format="turtle").serialize(format=fmt.rdflib, encoding="utf-8")
    else:
        body = bind_prefixes(Graph()).parse(data / VOID_FILE).serialize(format=fmt.rdflib, encoding="utf-8")
    return Response(body, content_type=fmt.content_type, headers={"Cache-Control": "public, max-age=300"})


@blueprint.get("/ontology")
def ontology() -> Response:
    """The ontology: its documentation (pyLODE HTML) for browsers, Turtle or another RDF format for clients."""
    if not _wants_rdf():
        data = Path(current_app.extensions["minusma-kg"].config.data)
        response = send_from_directory(data, ONTOLOGY_HTML, mimetype="text/html", max_age=300)
        response.headers["Vary"] = "Accept"
        return response
    fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is None or fmt.key == "turtle":
        return Response(paths.ONTOLOGY.read_bytes(), content_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})
    from server.linked_data import rdf_response

    # the ontology graph of the build being served (TriG and N-Quads keep its graph name)
    response = rdf_response(_dataset_index().graphs.get(str(GRAPH["ontology"]), []))
    response.headers["Vary"] = "Accept"
    return response


def _wants_rdf() -> bool:
    from server.linked_data import wants_rdf

    return wants_rdf()


def _dataset_index():
    from server.linked_data import dataset_index

    return dataset_index(current_app.extensions["minusma-kg"].config.data)


def _quoted_path() -> str:
    from server.linked_data import _request_path

    return _request_path()


def alternates(path: str) -> list[dict[str, str]]:
    from server.linked_data import alternates as forms

    return forms(path)


@blueprint.get("/resource/<path:local>")
def resource(local: str) -> Response | str:
    """A resource of the graph: everything said about it, by whom, with the evidence; 404 in every format if unknown."""
    iri = resource_iri(local)
    if local == "dataset":  # the dataset itself (res:dataset): its VoID/DCAT description
        query = "?" + request.query_string.decode("latin-1") if request.query_string else ""
        return redirect("/.well-known/void" + query, 303)
    if iri is None or not _ask(_KNOWN, iri=iri):
        abort(404, f"No resource {RES}{local} in this graph.")
    if _wants_rdf():
        from server.linked_data import QUAD_FORMATS, rdf_response

        fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
        if fmt is not None and fmt.key in QUAD_FORMATS:  # each triple in the graphs that state it
            return rdf_response(_dataset_index().quads_about(iri))
        from server.protocol import ProtocolRequest, answer

        q = "CONSTRUCT { ?iri ?p ?o . ?s ?q ?iri } WHERE { { ?iri ?p ?o } UNION { ?s ?q ?iri } }"
        response = answer(ProtocolRequest(q, (), (), request.args.get("format")), bindings=(("iri", iri),), reserved=True)
        response.headers["Vary"] = "Accept"
        return response
    # a substituted variable must be projected (pyoxigraph's rule), hence ?iri in each SELECT
    outgoing = _select("SELECT ?iri ?p ?o ?g WHERE { GRAPH ?g { ?iri ?p ?o } }", iri=iri)
    incoming = _select(
        f"SELECT DISTINCT ?iri ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p ?iri }} FILTER(?g != <{GRAPH['inferred']}>) }} LIMIT 300",
        iri=iri,
    )
    evidence = _select(
        "PREFIX mkg: <https://w3id.org/minusma-kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT DISTINCT ?iri ?text ?article ?line WHERE { ?iri mkg:evidence ?ev . ?ev mkg:evidenceText ?text ; "
        "prov:wasQuotedFrom ?article OPTIONAL { ?ev mkg:sourceLine ?line } } ORDER BY ?article ?line",
        iri=iri,
    )
    iris = {iri}
    for row in outgoing:
        iris.add(row["p"]["value"])
        if row["o"]["type"] == "uri":
            iris.add(row["o"]["value"])
    for row in incoming:
        iris.update({row["s"]["value"], row["p"]["value"]})
    iris.update(row["article"]["value"] for row in evidence)
    labels = _labels(iris)

    properties: dict[str, dict] = {}
    for row in outgoing:
        p, o, g = row["p"]["value"], row["o"], row["g"]["value"]
        if p == str(MKG.evidence):
            continue
        entry = properties.setdefault(p, {"iri": p, "label": labels.get(p, short(p)), "values": {}})
        key = (o["type"], o["value"], o.get("xml:lang"), o.get("datatype"))
        value = entry["values"].setdefault(key, {"term": o, "graphs": set()})
        value["graphs"].add(g)
    rows = []
    for p, entry in sorted(properties.items(), key=lambda kv: (kv[0] != LABEL, kv[1]["label"])):
        values = []
        for v in entry["values"].values():
            term = v["term"]
            inferred = v["graphs"] == {str(GRAPH["inferred"])}
            graphs = sorted(
                ({"name": ("article " if "/article/" in g else "") + g.rsplit("/", 1)[-1], "href": local_href(g)}
                 for g in v["graphs"]), key=lambda x: x["name"],
            )  # fmt: skip
            if term["type"] == "uri":
                values.append({"kind": "iri", "iri": term["value"], "label": labels.get(term["value"], short(term["value"])),
                               "href": local_href(term["value"]), "inferred": inferred, "graphs": graphs})  # fmt: skip
            else:
                values.append({"kind": "literal", "text": term["value"], "lang": term.get("xml:lang"),
                               "datatype": short(term["datatype"]) if term.get("datatype") else None,
                               "inferred": inferred, "graphs": graphs})  # fmt: skip
        values.sort(key=lambda v: (v["inferred"], v.get("label") or v.get("text") or ""))
        rows.append({"iri": p, "label": entry["label"], "href": local_href(p), "values": values})
    types = [v for r in rows if r["iri"] == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" for v in r["values"] if not v["inferred"]]
    wikidata = [v["iri"] for r in rows if r["iri"] == "http://www.w3.org/2002/07/owl#sameAs" for v in r["values"]
                if v["iri"].startswith("http://www.wikidata.org/entity/")]  # fmt: skip
    back = sorted(
        ({"iri": r["s"]["value"], "label": labels.get(r["s"]["value"], short(r["s"]["value"])),
          "href": local_href(r["s"]["value"]), "property": labels.get(r["p"]["value"], short(r["p"]["value"]))}
         for r in incoming if r["s"]["type"] == "uri"),
        key=lambda x: (x["property"], x["label"]),
    )  # fmt: skip
    quotes = [{"text": r["text"]["value"], "article": r["article"]["value"],
               "title": labels.get(r["article"]["value"], short(r["article"]["value"])),
               "href": local_href(r["article"]["value"])} for r in evidence]  # fmt: skip
    return render_template(
        "resource.html", iri=iri, label=labels.get(iri, local), short=short(iri), types=types, rows=rows,
        incoming=back, evidence=quotes, wikidata=wikidata, alternates=alternates(_quoted_path()),
    )  # fmt: skip
