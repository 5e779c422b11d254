"""The Flask application: SPARQL endpoint over the published dataset."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request
from flask_cors import CORS

from ..kg.dataset_dir import open_build
from ..kg.formats import GRAPH_FORMATS
from ..kg.layout import QUERIES
from ..kg.queries import SavedQuery, load_saved_queries
from .admission import ClientSlots, KnownQueries
from .config import Config
from .engine import Engine, WorkerSettings
from .formats import negotiate
from .headers import install as install_security_headers
from .remote import RemoteStore
from .service_description import describe

log = logging.getLogger(__name__)

#: A serialised answer as the cache keeps it: body, content type and response headers.
CachedResult = tuple[bytes, str, dict[str, str]]


class ResultCache:
    """A small thread-safe LRU of serialised results; the dataset never changes while the server runs."""

    def __init__(self, size: int, max_body: int = 2_000_000) -> None:
        self.size, self.max_body = size, max_body
        self._items: OrderedDict[str, CachedResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResult | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, item: CachedResult) -> None:
        if self.size <= 0 or len(item[0]) > self.max_body:
            return
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass
class AppState:
    """What every request handler shares: settings, the query engine and the dataset's version."""

    config: Config
    engine: Engine | RemoteStore
    info: dict[str, Any]  # the build's build-info.json
    cache: ResultCache
    slots: ClientSlots
    known: KnownQueries  # the saved questions: light, so they may use the reserved workers
    #: The saved questions the build published (its ``queries/``), read once: the build never changes while serving.
    saved: list[SavedQuery]

    @property
    def version(self) -> str:
        return str(self.info.get("dataset_sha256", ""))

    def service_description_response(self, format_param: str | None) -> Response:
        fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, format_param)
        if fmt is None:
            return Response("No acceptable RDF format for the service description.\n", 406, mimetype="text/plain")
        stats = self.info.get("stats", {})
        per_graph = stats.get("triples_per_graph", {})
        # the endpoint's IRI: the configured public URL, else this request's, taken from a Host header anyone can
        # forge, so that answer is for this client only and a shared cache must not keep it
        if self.config.base_url:
            endpoint = self.config.base_url.rstrip("/") + "/sparql"
            cache = f"public, max-age={self.config.cache_seconds}"
        else:
            endpoint, cache = request.base_url, "private, no-store"
        from .linked_data import dataset_index

        # the default graph is the union: each triple once, however many graphs state it
        distinct = dataset_index(self.config.data).distinct_triples
        void_url = endpoint.removesuffix("/sparql") + "/.well-known/void"
        g = describe(endpoint, per_graph, distinct, bool(self.config.allowed_services), void=void_url)
        body = g.serialize(format=fmt.rdflib, encoding="utf-8")
        return Response(body, 200, content_type=fmt.content_type, headers={"Vary": "Accept", "Cache-Control": cache})


def create_app(config: Config | None = None) -> Flask:
    """Build the app over the dataset in ``config.data`` (built by ``minusma-kg build``)."""
    config = config or Config.from_env()
    from .snapshot import take_over

    take_over()  # in an HTTP process of `serve`: the supervisor checked the pinned build; not hashed again
    build = open_build(config.data)  # NotABuildError says what is missing, empty, incomplete or truncated
    nquads, info = build.nquads, build.info
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    origins = "*" if "*" in config.cors_origins else list(config.cors_origins)
    CORS(app, origins=origins, methods=["GET", "POST"], max_age=3600,  # preflights offer only what /sparql accepts
         expose_headers=["ETag", "X-Result-Truncated", "X-Result-Count"])  # fmt: skip
    from . import assets, compression, linked_data

    compression.install(app)  # registered first, so it runs last: gzip what the other hooks have finished
    assets.install(app)  # /static/app.css?v=<content hash> is cached for a year
    install_security_headers(app, config)  # CSP on HTML pages, nosniff, Referrer-Policy, X-Frame-Options
    linked_data.install(app)  # /graph/..., /ontology/<version>, /.well-known/sparql-examples; Vary and Link
    engine = (
        RemoteStore(config.store)
        if config.store
        else Engine(
            nquads,
            store=build.store,  # the build's read-only store: workers start in milliseconds and share the page cache
            workers=config.workers,
            reserved=config.reserved_workers,
            # a worker may reach the network only when SERVICE calls are allowed at all
            settings=WorkerSettings(deny_network=not config.allowed_services, max_memory=config.worker_memory),
        )
    )
    published = load_saved_queries(build.path / QUERIES)
    known = KnownQueries(q.text for q in published)
    app.extensions["minusma-kg"] = AppState(
        config, engine, info, ResultCache(config.result_cache), ClientSlots(config.per_client), known, published
    )

    from . import pages, reconcile, saved
    from .protocol import blueprint

    app.register_blueprint(blueprint)
    app.register_blueprint(saved.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(reconcile.blueprint)  # /reconcile, /search

    @app.errorhandler(413)
    def too_large(_: Exception) -> Response:
        return Response(f"The request is larger than {config.max_request_bytes} bytes.\n", 413, mimetype="text/plain")

    return app
