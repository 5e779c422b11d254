"""The SPARQL 1.1 Protocol at /sparql: query by GET, POST form or POST body; read-only; bounded."""

from __future__ import annotations

import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from ..errors import EngineBusyError, QueryRefusedError, QueryTimeoutError, TooManyForClientError, WorkerCrashedError
from ..kg.formats import BOOLEAN_FORMATS, BY_KIND, GRAPH_FORMATS, SOLUTION_FORMATS
from ..kg.sparql import QueryJob
from .formats import acceptable, negotiate
from .safety import Limits, check_query

if TYPE_CHECKING:
    from .state import AppState

log = logging.getLogger(__name__)
blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class ProtocolRequest:
    """A query request as the protocol defines it, whichever of the three ways it came."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None


def _text(status: int, message: str, **headers: str) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain", headers=headers)


def parse_request() -> ProtocolRequest:
    """Read query, dataset and format from the request; raise :class:`QueryRefusedError` for what the protocol
    forbids."""
    if request.method == "GET":
        params = request.args
        if "update" in params:
            raise QueryRefusedError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
        queries = params.getlist("query")
    else:
        mimetype = request.mimetype
        if mimetype == UPDATE:
            raise QueryRefusedError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
        if mimetype == FORM:
            params = request.form
            if "update" in params:
                raise QueryRefusedError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
            queries = params.getlist("query")
        elif mimetype == DIRECT:
            params = request.args
            queries = [request.get_data(as_text=True)]
        else:
            raise QueryRefusedError(
                415,
                f"POST a query as {FORM} (query=...) or as {DIRECT} (the query as the body); "
                f"got {mimetype or 'no content type'}.",
            )
    if len(queries) > 1:
        raise QueryRefusedError(400, "Exactly one 'query' parameter is allowed; this request has several.")
    default_graphs = tuple(params.getlist("default-graph-uri")) or tuple(request.args.getlist("default-graph-uri"))
    named_graphs = tuple(params.getlist("named-graph-uri")) or tuple(request.args.getlist("named-graph-uri"))
    for name, values in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for value in values:
            _check_graph_iri(name, value)
    fmt = params.get("format") or request.args.get("format")
    return ProtocolRequest(queries[0] if queries else None, default_graphs, named_graphs, fmt)


def _check_graph_iri(parameter: str, value: str) -> None:
    """A dataset parameter must be an absolute IRI, written without angle brackets."""
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        message = f"{parameter}={value!r} is not an absolute IRI ({exc}); give the graph's IRI without <>."
        raise QueryRefusedError(400, message) from None


def _dataset(req: ProtocolRequest) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The protocol's dataset: none given, the union default graph and every named graph; else exactly those given."""
    if not req.default_graphs and not req.named_graphs:
        return None, None
    return req.default_graphs, req.named_graphs


def _job_key(version: str, job: QueryJob) -> str:
    """What an answer depends on, as text: the dataset's version, the query and its dataset, the formats' names and
    the caps. Formats count by key only, so relabelling one (its label, its aliases) changes no ETag."""
    formats = tuple(f.key if f else None for f in (job.solution_format, job.boolean_format, job.graph_format))
    return repr((version, job.query, job.default_graphs, job.named_graphs, formats, job.limit, job.max_bytes,
                 job.bindings))  # fmt: skip


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    state: AppState = current_app.extensions["minusma-kg"]
    config = state.config
    try:
        req = parse_request()
        if req.query is None:
            return state.service_description_response(req.format)
        if len(req.query.encode("utf-8")) > config.max_request_bytes:
            raise QueryRefusedError(413, f"The query is longer than {config.max_request_bytes} bytes.")
        if not req.query.strip():
            raise QueryRefusedError(400, "The query is empty.")
        check_query(req.query, config.allowed_services, Limits(max_depth=config.max_depth))
    except QueryRefusedError as exc:
        return _text(exc.status, str(exc))

    if req.query in state.known:  # a saved question, however spaced: one cache entry, the reserved workers
        return answer(replace(req, query=state.known.canonical(req.query)), reserved=True)
    return answer(req)


def answer(req: ProtocolRequest, bindings: tuple[tuple[str, str], ...] = (), reserved: bool = False) -> Response:
    """Run a checked query and answer in the negotiated format; shared by /sparql and the resource pages.

    ``bindings`` bind variables to IRIs (user input as terms, never as query text); ``reserved`` lets a query
    known to be light (a page's, a saved question) use the workers kept back from ad hoc queries.
    """
    state = current_app.extensions["minusma-kg"]
    config = state.config
    accept = request.accept_mimetypes
    if req.query is None:  # parse_request returns a query or raises; this says so to the type checker
        raise QueryRefusedError(400, "No query given.")
    solution = negotiate(SOLUTION_FORMATS, accept, req.format)
    boolean = negotiate(BOOLEAN_FORMATS, accept, req.format)
    graph = negotiate(GRAPH_FORMATS, accept, req.format)
    default_graphs, named_graphs = _dataset(req)
    job = QueryJob(
        req.query,
        default_graphs,
        named_graphs,
        solution,
        boolean,
        graph,
        config.result_limit,
        config.max_result_bytes,
        bindings,
    )
    etag = hashlib.sha256(_job_key(state.version, job).encode("utf-8")).hexdigest()[:32]
    if request.method == "GET" and etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    cached = state.cache.get(etag)
    if cached is not None:
        body, content_type, headers = cached
        return Response(body, status=200, content_type=content_type, headers=headers)
    # the saved questions and the pages are light and bounded by the reserve: only ad hoc queries count per client
    slot = nullcontext() if reserved else state.slots.slot(request.remote_addr or "")
    try:
        with slot:
            outcome = state.engine.run(job, config.timeout, reserved=reserved)
    except TooManyForClientError:
        return _text(
            429, f"You are already running {config.per_client} queries; wait for one to finish.", **{"Retry-After": "1"}
        )
    except EngineBusyError:
        return _text(503, "Every query worker is busy; try again shortly.", **{"Retry-After": "1"})
    except QueryTimeoutError as exc:
        return _text(503, f"Query timed out: {exc}. Narrow it (add a LIMIT, more specific patterns) and try again.")
    except WorkerCrashedError as exc:
        return _text(
            503, f"The query could not be completed: {exc} (too large for its memory, or an engine crash). "
            "Narrow it and try again.", **{"Retry-After": "1"},
        )  # fmt: skip
    if outcome.error:
        return _text(400, outcome.error)
    if outcome.not_acceptable:
        offered = BY_KIND[outcome.kind or "solutions"]
        return _text(406, f"No acceptable format for this {outcome.kind} result. Offered: {acceptable(offered)}.")
    fmt = outcome.format
    if fmt is None:  # an answer always has its format; an outcome without one is an error or a 406 above
        return _text(500, "The engine answered without a format.")
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": f"public, max-age={config.cache_seconds}",
        "Vary": "Accept, Accept-Encoding",
    }
    if outcome.kind != "boolean":
        headers["X-Result-Count"] = str(outcome.count)
    if outcome.truncated_by == "bytes":
        headers["X-Result-Truncated"] = f"true; max-bytes={config.max_result_bytes}"
    elif outcome.truncated:
        headers["X-Result-Truncated"] = f"true; limit={config.result_limit}"
    state.cache.put(etag, (outcome.body, fmt.content_type, headers))
    return Response(outcome.body, status=200, content_type=fmt.content_type, headers=headers)
