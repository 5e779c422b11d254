"""Static files by content hash: pages link ``/static/app.css?v=<hash>``, and an answer to exactly that address is
cached for a year (``immutable``); a new version of the file gets a new address, so no one keeps a stale copy.

The address keeps the file's name (a ``v`` query parameter, not ``app.<hash>.css``), so a script's relative URLs,
the vendored YASGUI and the routes that serve them stay as they are. An address whose ``v`` is not the file's
current hash (an old page, a guess) gets the file with the routes' ordinary short cache.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request, url_for

STATIC = Path(__file__).parent / "static"
YASGUI_BUILD = Path(__file__).parent / "ui" / "node_modules" / "@zazuko" / "yasgui" / "build"
IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    del mtime_ns, size  # part of the cache key only: a changed file is hashed again
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def content_hash(path: Path) -> str | None:
    """The first 16 hex digits of the file's SHA-256 (computed once per version of the file), or None if absent."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def _file_of(endpoint: str | None, args: dict[str, str]) -> Path | None:
    """The file a request for a static or vendored asset is answered with (None for anything else)."""
    from .saved import TIMELINE_FILES, UI_MODULES

    if endpoint == "pages.static" and "filename" in args:
        return STATIC / args["filename"]
    if endpoint == "pages.yasgui_file" and "name" in args:
        return YASGUI_BUILD / args["name"]
    if endpoint == "saved_queries.timeline_file" and args.get("name") in TIMELINE_FILES:
        return UI_MODULES / TIMELINE_FILES[args["name"]]
    return None


def asset_url(endpoint: str, **args: str) -> str:
    """An asset's address with its content hash, for templates: ``asset_url('pages.static', filename='app.js')``."""
    # the keys are route arguments (templates pass filename= or name=), never url_for's own _external and kin
    url = url_for(endpoint, **args)  # type: ignore[arg-type]
    path = _file_of(endpoint, args)
    digest = content_hash(path) if path is not None else None
    return f"{url}?v={digest}" if digest else url


def install(app: Flask) -> None:
    """Offer ``asset_url`` to every template, and cache hashed addresses for a year."""
    app.add_template_global(asset_url)

    @app.after_request
    def immutable(response: Response) -> Response:
        wanted = request.args.get("v")
        if wanted and response.status_code in (200, 304) and request.view_args is not None:
            path = _file_of(request.endpoint, request.view_args)
            if path is not None and content_hash(path) == wanted:
                response.headers["Cache-Control"] = IMMUTABLE
        return response
