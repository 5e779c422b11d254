"""gzip content coding for clients that accept it, and the dumps as ``.gz`` files.

A few lines of our own rather than flask-compress (1.25): its streamed-response path (every ``send_file`` answer:
YASGUI, the dumps, the ontology page) offers no gzip and rewrites the ETag to ``"…:br"`` without re-evaluating
``If-None-Match`` for those endpoints, so a revalidation got 200 with the whole body instead of 304.

Here a compressible answer (text, JSON, JavaScript, RDF, SPARQL results) of at least ``MIN_SIZE`` bytes, status
200, is gzip-encoded when the request's ``Accept-Encoding`` allows gzip; its strong ETag becomes ``"<etag>-gzip"``
(another representation, another validator), and a request that revalidates with that tag is answered 304 by the
same handler that checks the plain tag: :func:`install` adds the plain tag to ``If-None-Match`` before the app
runs. Answers of static files are compressed once per file version and kept.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request

MIN_SIZE = 500
#: Compressed answers up to this size (before compression) are kept by their ETag, as the result cache keeps them.
CACHED_BODY = 2_000_000
SUFFIX = "-gzip"
COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/plain", "text/csv", "text/tab-separated-values", "text/javascript",
    "application/javascript", "application/json", "application/xml", "application/xhtml+xml", "image/svg+xml",
    "text/turtle", "application/n-triples", "application/n-quads", "application/trig", "application/rdf+xml",
    "application/ld+json", "application/sparql-results+json", "application/sparql-results+xml",
    "application/sparql-query",
})  # fmt: skip
_TAG = re.compile(r'"([^"]*)' + re.escape(SUFFIX) + '"')


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (q > 0, named or through ``*``)."""
    allowed: dict[str, float] = {}
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        if not name:
            continue
        q = 1.0
        for param in params:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        allowed[name.lower()] = q
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    if "x-gzip" in allowed:
        return allowed["x-gzip"] > 0
    return allowed.get("*", 0.0) > 0


def compress(data: bytes) -> bytes:
    """gzip with no timestamp: the same input always gives the same bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


@lru_cache(maxsize=8)
def _gzipped(path: str, mtime_ns: int, size: int) -> tuple[bytes, str]:
    del mtime_ns, size
    body = compress(Path(path).read_bytes())
    return body, hashlib.sha256(body).hexdigest()[:32]


def gzipped_file(path: Path) -> tuple[bytes, str]:
    """A file gzip-compressed (once per version of the file) and an ETag for it."""
    stat = path.stat()
    return _gzipped(str(path), stat.st_mtime_ns, stat.st_size)


class _StaticCache:
    """Compressed bodies by their (strong) ETag: YASGUI's megabyte, a dump, a repeated answer are compressed once."""

    def __init__(self, size: int = 64) -> None:
        self.size, self._lock = size, threading.Lock()
        self._items: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        body = make()
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return body


def install(app: Flask) -> None:
    """gzip-encode what can be, for clients that accept it; ETags and 304s keep working for both representations."""
    cache = _StaticCache()

    @app.before_request
    def plain_validators() -> None:
        # "abc-gzip" in If-None-Match also names "abc": the handler compares plain tags, and answers 304 for either
        header = request.environ.get("HTTP_IF_NONE_MATCH")
        if header and SUFFIX in header:
            tags = _TAG.findall(header)
            request.environ["minusma_kg.gzip_tags"] = frozenset(tags)
            request.environ["HTTP_IF_NONE_MATCH"] = header + "".join(f', "{t}"' for t in tags)
            request.__dict__.pop("if_none_match", None)

    @app.after_request
    def gzip_encode(response: Response) -> Response:
        if response.mimetype not in COMPRESSIBLE:
            return response
        vary = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
        if "accept-encoding" not in {v.lower() for v in vary}:
            response.headers["Vary"] = ", ".join([*vary, "Accept-Encoding"])
        etag, weak = response.get_etag()
        if response.status_code == 304:  # the representation the client holds: the gzip one if it named that tag
            if etag and not weak and etag in request.environ.get("minusma_kg.gzip_tags", ()):
                response.set_etag(etag + SUFFIX)
            return response
        if (
            response.status_code != 200
            or "Content-Encoding" in response.headers
            or request.method == "HEAD"
            or not accepts_gzip(request.headers.get("Accept-Encoding", ""))
            or (response.content_length is not None and response.content_length < MIN_SIZE)
        ):
            return response
        streamed = response.is_streamed  # a file (send_file): compressed once per version, by its ETag
        response.direct_passthrough = False
        if streamed and etag and not weak:
            original = response.response
            body = cache.get(etag, lambda: compress(response.get_data()))
            if hasattr(original, "close"):
                original.close()
        else:
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            if etag and not weak and len(data) <= CACHED_BODY:  # a repeated SPARQL answer is compressed once
                body = cache.get(etag, lambda: compress(data))
            else:
                body = compress(data)
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        if etag and not weak:
            response.set_etag(etag + SUFFIX)
        return response
