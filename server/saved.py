"""The saved queries, machine-readable (/queries as JSON, /queries/NAME.rq as the query text), and what the query
page's editor needs from this server: the prefixes, the graph's own terms for completion, the download formats."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, send_file

from ..kg.formats import BOOLEAN_FORMATS, GRAPH_FORMATS, SOLUTION_FORMATS, Format
from ..kg.namespaces import PREFIXES
from ..kg.sparql import QueryJob

blueprint = Blueprint("saved_queries", __name__)

#: The terms the editor completes: the classes and properties used or defined in the graph, and its resources.
COMPLETION_QUERY = f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind ?iri (SAMPLE(?l) AS ?label) WHERE {{
  {{ {{ ?iri a owl:Class }} UNION {{ ?iri a rdfs:Class }} UNION {{ [] a ?iri }} BIND("classes" AS ?kind) }}
  UNION
  {{ {{ ?iri a rdf:Property }} UNION {{ ?iri a owl:ObjectProperty }} UNION {{ ?iri a owl:DatatypeProperty }}
    UNION {{ [] ?iri [] }} BIND("properties" AS ?kind) }}
  UNION
  {{ ?iri rdfs:label [] FILTER(STRSTARTS(STR(?iri), "{PREFIXES["res"]}")) BIND("resources" AS ?kind) }}
  FILTER(isIRI(?iri))
  OPTIONAL {{ ?iri rdfs:label ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) }}
}}
GROUP BY ?kind ?iri
ORDER BY ?kind ?iri
"""
#: The time axis's files, served by this app (nothing loads from elsewhere): the peer build, which leaves its CSS
#: to a stylesheet instead of injecting a <style> element that the page's CSP would refuse.
UI_MODULES = Path(__file__).parent / "ui" / "node_modules"
TIMELINE_FILES = {
    "moment.min.js": "moment/min/moment.min.js",
    "vis-data.min.js": "vis-data/peer/umd/vis-data.min.js",
    "vis-timeline.min.js": "vis-timeline/peer/umd/vis-timeline-graph2d.min.js",
    "vis-timeline.min.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
}
#: The chart, graph and map views' files (server/static/views.js loads them on the first graph or map): d3 for the
#: force layout and the projection, topojson-client and Natural Earth's country outlines (world-atlas, 1:50m).
VIEW_FILES = {
    "d3.min.js": "d3/dist/d3.min.js",
    "topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "countries-50m.json": "world-atlas/countries-50m.json",
}
_completions: dict[str, bytes] = {}  # dataset version -> JSON body; the dataset never changes while serving
_lock = threading.Lock()


def _format_json(fmt: Format) -> dict[str, str]:
    return {"format": fmt.aliases[0], "label": fmt.label, "extension": fmt.extension}


def result_formats() -> dict[str, list[dict[str, str]]]:
    """The download formats per kind of result, as /sparql negotiates them: CSV and TSV exist only for SELECT."""
    return {
        "solutions": [_format_json(f) for f in SOLUTION_FORMATS],
        "boolean": [_format_json(f) for f in BOOLEAN_FORMATS],
        "graph": [_format_json(f) for f in GRAPH_FORMATS],
    }


@blueprint.app_context_processor
def _page_context() -> dict[str, object]:
    """Every template may offer downloads in exactly the formats the endpoint produces."""
    return {"result_formats": result_formats()}


@blueprint.get("/queries")
def list_queries() -> Response:
    """Every saved query with its metadata and text, and the prefixes the endpoint announces."""
    queries = [q.to_json() for q in current_app.extensions["minusma-kg"].saved]
    for q in queries:
        q["endpoint"] = "/sparql"
    return jsonify({"prefixes": PREFIXES, "queries": queries})


@blueprint.get("/prefixes.json")
def prefixes() -> Response:
    """The prefixes the endpoint announces, as prefix.cc's JSON (prefix -> namespace), for editors' completion."""
    return jsonify(PREFIXES)


@blueprint.get("/completions.json")
def completions() -> Response:
    """The graph's classes, properties and resources with their labels, for the editor's completion.

    The editor's stock completers ask a web service (LOV) and so send what a student types off the machine; these
    come from this server's own data, computed once per dataset version.
    """
    state = current_app.extensions["minusma-kg"]
    with _lock:
        body = _completions.get(state.version)
    if body is None:
        from .pages import run_known

        terms: dict[str, list[list[str]]] = {"classes": [], "properties": [], "resources": []}
        for row in run_known(QueryJob(COMPLETION_QUERY, limit=50_000))["results"]["bindings"]:
            terms[row["kind"]["value"]].append([row["iri"]["value"], row.get("label", {}).get("value", "")])
        body = json.dumps(terms, ensure_ascii=False).encode("utf-8")
        with _lock:
            _completions[state.version] = body
    return Response(body, mimetype="application/json", headers={"Cache-Control": "public, max-age=300"})


def _vendored(files: dict[str, str], name: str, what: str) -> Response:
    """One allow-listed file of an npm package in server/ui/node_modules: served here, so nothing loads from outside."""
    if name not in files:
        abort(404)
    path = UI_MODULES / files[name]
    if not path.exists():
        abort(404, f"{what} not installed: run 'npm ci --prefix server/ui'")
    return send_file(path, max_age=86400)


@blueprint.get("/vendor/timeline/<name>")
def timeline_file(name: str) -> Response:
    return _vendored(TIMELINE_FILES, name, "The time axis is")


@blueprint.get("/vendor/views/<name>")
def view_file(name: str) -> Response:
    """A library of the graph and map views, or the base map's outlines."""
    return _vendored(VIEW_FILES, name, "The views' libraries are")


@blueprint.get("/queries/<name>.rq")
def query_text(name: str) -> Response:
    for q in current_app.extensions["minusma-kg"].saved:
        if q.name == name:
            return Response(q.text, mimetype="application/sparql-query")
    abort(404)
