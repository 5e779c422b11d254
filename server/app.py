"""The Flask application factory: the SPARQL endpoint, the pages and their shared state over one published build."""

from __future__ import annotations

import logging

from flask import Flask, Response
from flask_cors import CORS

from ..kg.dataset_dir import open_build
from ..kg.layout import QUERIES
from ..kg.queries import load_saved_queries
from .admission import ClientSlots, KnownQueries
from .config import Config
from .engine import Engine, WorkerSettings
from .headers import install as install_security_headers
from .remote import RemoteStore
from .state import AppState, ResultCache

log = logging.getLogger(__name__)


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
