"""Security headers on every response, and a Content-Security-Policy on every HTML page.

The pages load only this server's own scripts and styles (YASGUI is served from /vendor/yasgui), so the policy
allows 'self' and nothing else: no inline script, no eval, no other origin. The query page's one inline
``<script type="application/json">`` is a data block, which browsers never execute, so CSP does not apply to it.
The ontology's documentation (build/ontology.html, written by pyLODE) has inline ``<style>`` (and possibly
``<script>``) blocks: exactly those are allowed by their SHA-256 hashes, computed from the file that is served.

YASGUI sets its run-time styles through ``element.style``, which CSP does not restrict, with one exception: YASQE's
syntax-error tooltip underlines the expected tokens with ``<strong style='text-decoration:underline'>``. The query
page allows exactly that attribute value by its hash (``style-src-attr 'unsafe-hashes' 'sha256-…'``), not with
'unsafe-inline'; a browser without style-src-attr falls back to ``style-src 'self'`` and only loses the underline.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request

from ..kg.layout import ONTOLOGY_HTML
from .config import Config

#: The policy of every HTML page; the ontology page adds its inline blocks' hashes to script-src and style-src.
POLICY: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("frame-ancestors", "'none'"),
    ("form-action", "'self'"),
)
#: The one inline style attribute YASGUI writes into markup (see above); tests check it is still in the bundle.
YASQE_TOOLTIP_STYLE = "text-decoration:underline"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Headers every response gets (unless its handler set them already).
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}

_INLINE = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1[\s/>]", re.IGNORECASE | re.DOTALL)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
#: Script types a browser runs (the HTML standard's JavaScript MIME types, "module", or no type at all).
_JS_TYPES = frozenset({"", "module", "text/javascript", "application/javascript", "application/ecmascript",
                       "text/ecmascript", "application/x-javascript", "text/jscript", "text/livescript"})  # fmt: skip


def policy(extra: dict[str, tuple[str, ...]] | None = None) -> str:
    """The Content-Security-Policy header value, with ``extra`` sources added to (or as) the directives named."""
    extra = dict(extra or {})
    directives = [" ".join((name, value, *extra.pop(name, ()))) for name, value in POLICY]
    directives += [" ".join((name, *sources)) for name, sources in extra.items()]
    return "; ".join(directives)


def _quoted(hashes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"'{h}'" for h in hashes)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def inline_hashes(html: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The hashes of a page's inline executable ``<script>`` blocks and of its ``<style>`` blocks.

    A browser hashes an element's text as parsed, after turning CR LF and CR into LF; data blocks
    (``type="application/ld+json"``, ...) and scripts with ``src`` are not run inline and get no hash.
    """
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    scripts: list[str] = []
    styles: list[str] = []
    for match in _INLINE.finditer(html):
        tag, attrs, body = match.group(1).lower(), match.group(2), match.group(3)
        if tag == "style":
            styles.append(_sha256(body))
            continue
        if _SRC.search(attrs):
            continue
        found = _TYPE.search(attrs)
        kind = next((g for g in found.groups() if g is not None), "") if found else ""
        if kind.split(";")[0].strip().lower() in _JS_TYPES:
            scripts.append(_sha256(body))
    return tuple(dict.fromkeys(scripts)), tuple(dict.fromkeys(styles))


@lru_cache(maxsize=8)
def _file_hashes(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    del mtime_ns, size  # part of the cache key only: a rebuilt file is hashed again
    return inline_hashes(Path(path).read_text(encoding="utf-8-sig"))


def file_hashes(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`inline_hashes` of a file, computed once per version of the file."""
    try:
        stat = path.stat()
    except OSError:
        return (), ()
    return _file_hashes(str(path), stat.st_mtime_ns, stat.st_size)


def install(app: Flask, config: Config) -> None:
    """Add the headers to every response of ``app``, error pages included."""
    ontology_html = Path(config.data) / ONTOLOGY_HTML  # the file /ontology serves to browsers

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in ALWAYS.items():
            response.headers.setdefault(name, value)
        if response.mimetype in HTML_TYPES:
            extra: dict[str, tuple[str, ...]] = {}
            if request.endpoint == "pages.ontology":
                scripts, styles = file_hashes(ontology_html)
                extra = {"script-src": _quoted(scripts), "style-src": _quoted(styles)}
            elif request.endpoint == "pages.index":
                extra = {"style-src-attr": ("'unsafe-hashes'", f"'{_sha256(YASQE_TOOLTIP_STYLE)}'")}
            response.headers["Content-Security-Policy"] = policy(extra)
            if request.endpoint == "reconcile.preview":  # OpenRefine shows the preview card in an iframe
                response.headers["Content-Security-Policy"] = response.headers["Content-Security-Policy"].replace(
                    "frame-ancestors 'none'", "frame-ancestors *"
                )
                del response.headers["X-Frame-Options"]
        return response
