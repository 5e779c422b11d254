"""The saved queries, machine-readable: /queries as JSON, /queries/NAME.rq as the query text."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify

from kg.namespaces import PREFIXES
from kg.queries import load_saved_queries

blueprint = Blueprint("saved_queries", __name__)


@blueprint.get("/queries")
def list_queries() -> Response:
    """Every saved query with its metadata and text, and the prefixes the endpoint announces."""
    queries = [q.to_json() for q in load_saved_queries()]
    for q in queries:
        q["endpoint"] = "/sparql"
    return jsonify({"prefixes": PREFIXES, "queries": queries})


@blueprint.get("/prefixes.json")
def prefixes() -> Response:
    """The prefixes the endpoint announces, as prefix.cc's JSON (prefix -> namespace), for editors' completion."""
    return jsonify(PREFIXES)


@blueprint.get("/queries/<name>.rq")
def query_text(name: str) -> Response:
    for q in load_saved_queries():
        if q.name == name:
            return Response(q.text, mimetype="application/sparql-query")
    abort(404)
