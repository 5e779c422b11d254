"""What every request handler shares: the settings, the query engine, the build's description, the result cache.

Kept apart from the app factory (:mod:`minusma_kg.server.app`) so that handlers and their type annotations can name
it without importing the factory and everything it wires together.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Response, request

from ..kg.formats import GRAPH_FORMATS
from ..kg.queries import SavedQuery
from .admission import ClientSlots, KnownQueries
from .config import Config
from .engine import Engine
from .formats import negotiate
from .remote import RemoteStore
from .service_description import describe

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
