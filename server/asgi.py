"""The HTTP front: an asynchronous server reads whole requests before a thread runs the Flask app.

A thread-per-connection server (gunicorn's gthread) gives each connection a thread while it reads the headers,
so a few clients that send half a request freeze it. Here uvicorn parses requests on an event loop, where a slow
client costs a coroutine, not a thread; :class:`BodyLimit` then reads the body (chunked or not) up to the
request limit, answering 413 past it and 408 if it dawdles, and only a complete request reaches the thread pool
of a2wsgi, which runs the Flask app. In between, :class:`AnswerCache` answers a /sparql request it has seen before
with the bytes the app sent then, without a thread, Flask, the query checks or the engine.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import io
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import build_environ
from a2wsgi.wsgi_typing import Environ

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text.rstrip() + "\n").encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), (b"x-content-type-options", b"nosniff")]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the body already read, in one message, then waits as the server's would
    (for the disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class BodyLimit:
    """ASGI middleware: read the whole body within ``max_bytes`` and ``timeout`` seconds, then call ``app``."""

    def __init__(self, app: Any, max_bytes: int, timeout: float = 30.0, on_shutdown: Any = None) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout
        self.on_shutdown = on_shutdown

    def _too_large(self) -> str:
        return f"The request is larger than {self.max_bytes} bytes (MINUSMA_KG_MAX_REQUEST_BYTES)."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _plain(send, 413, self._too_large())
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._read(receive)
        except TimeoutError:
            await _plain(send, 408, f"The request body did not arrive within {self.timeout:g} s.")
            return
        if body is None:
            await self._drain(receive)  # first: the server closes the connection once the 413 is sent
            await _plain(send, 413, self._too_large())
            return
        await self.app(scope, _replaying(body, receive), send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Start at once; on shutdown stop the query workers, so none is left starting from a removed snapshot."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.on_shutdown is not None:
                    await asyncio.to_thread(self.on_shutdown)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _drain(self, receive: Receive) -> None:
        """Read and drop (bounded) what the client is still sending before answering 413, so it can read the answer.

        Answering closes the connection; closing while the client still writes resets it, and the reset loses the 413.
        """
        dropped = 0
        try:
            async with asyncio.timeout(5):
                while dropped <= 4 * self.max_bytes:
                    message = await receive()
                    dropped += len(message.get("body", b""))
                    if message["type"] == "http.disconnect" or not message.get("more_body"):
                        return
        except TimeoutError:
            return

    async def _read(self, receive: Receive) -> bytes | None:
        """The body, or None when it runs past the limit (chunked bodies have no Content-Length to check)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)


#: The request headers a cacheable /sparql answer can depend on (content negotiation, CORS, conditional requests,
#: the public URL): they, and only they, are part of the cache key. Any other header cannot change the answer, and
#: keying on it would make every request a miss behind a balancer that stamps each one (HAProxy's X-Request-ID) and
#: let a client fill the cache with copies of one answer. A header the app starts to read must be added here.
_KEY_HEADERS = frozenset(
    {b"host", b"accept", b"accept-encoding", b"accept-language", b"origin", b"content-type", b"if-none-match",
     b"if-modified-since", b"x-forwarded-proto", b"x-forwarded-host"}
)  # fmt: skip
#: Request headers with which a client asks for a fresh answer (``no-cache``), not a kept one.
_NO_CACHE = (b"cache-control", b"pragma")
#: Most bytes of answers one HTTP process keeps (the app's own result cache holds as much again).
MAX_CACHED_BYTES = 64 * 1024 * 1024


class AnswerCache:
    """ASGI middleware: answer a repeated /sparql request with the bytes the app sent for it before.

    The app's own result cache saves the engine, but each hit still costs a thread hand-off, Flask's request and
    response objects and the query checks (a lexer in Python): most of the CPU of a cached answer. The dataset never
    changes while an HTTP process runs (a new build starts new processes), so the same request gets the same answer:
    this keeps, per request (method, path, query string, body and the headers in :data:`_KEY_HEADERS`), the whole
    response of a 200 that says it may be shared (``Cache-Control: public`` and an ETag, so the app's own caching
    rules decide), not HTML, within ``max_body`` bytes; an LRU of ``size`` entries (0: off) and ``max_total`` bytes.
    A request that says ``Cache-Control: no-cache`` (a balancer's health check, which must reach the app and its
    workers) is passed to the app.
    """

    def __init__(
        self,
        app: Any,
        size: int,
        max_body: int = 2_000_000,
        paths: frozenset[str] = frozenset({"/sparql"}),
        max_total: int = MAX_CACHED_BYTES,
    ) -> None:
        self.app, self.size, self.max_body, self.paths, self.max_total = app, size, max_body, paths, max_total
        self._items: OrderedDict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._bytes = 0

    @staticmethod
    def _key(scope: Scope, body: bytes) -> bytes:
        digest = hashlib.blake2b(digest_size=20)
        headers = sorted((k.lower(), v) for k, v in scope["headers"] if k.lower() in _KEY_HEADERS)
        parts = [scope["method"].encode(), scope.get("scheme", "http").encode(), scope.get("root_path", "").encode(),
                 scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b""), body]  # fmt: skip
        parts += [b"%s: %s" % (k.lower(), v) for k, v in headers]
        for part in parts:  # each length-prefixed: no two different requests run together into the same bytes
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.digest()

    def _cacheable(self, status: int, headers: list[tuple[bytes, bytes]], size: int) -> bool:
        if status != 200 or size > self.max_body:
            return False
        named = {k.lower(): v for k, v in headers}
        return (
            b"etag" in named
            and b"public" in named.get(b"cache-control", b"")
            and not named.get(b"content-type", b"").startswith(b"text/html")
            and b"set-cookie" not in named
        )

    def _store(self, key: bytes, item: tuple[int, list[tuple[bytes, bytes]], bytes]) -> None:
        """Keep ``item``, then drop the least recently used entries past ``size`` entries or ``max_total`` bytes."""
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old[2])
        self._items[key] = item
        self._bytes += len(item[2])
        while self._items and (len(self._items) > self.size or self._bytes > self.max_total):
            self._bytes -= len(self._items.popitem(last=False)[1][2])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.size <= 0 or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:  # the whole body (BodyLimit has read and bounded it already, and replays it as one message)
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(chunks)
        key = self._key(scope, body)
        fresh = any(k.lower() in _NO_CACHE and b"no-cache" in v.lower() for k, v in scope["headers"])
        hit = None if fresh else self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
            status, headers, content = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})
            return
        start: Message | None = None
        sent: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal start, size
            await send(message)
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None and size <= self.max_body:
                sent.append(message.get("body", b""))
                size += len(sent[-1])
                if not message.get("more_body"):
                    headers = [(bytes(k), bytes(v)) for k, v in start.get("headers", [])]
                    if self._cacheable(start["status"], headers, size):
                        self._store(key, (start["status"], headers, b"".join(sent)))

        await self.app(scope, _replaying(body, receive), capture)


class WholeAnswers:
    """ASGI to WSGI for /sparql: the app runs in one thread hand-off on the whole body and its answer is sent whole.

    a2wsgi streams both ways: the app's thread asks the event loop for the body, then for each part of the answer,
    and waits each time, four or five round trips between threads per request. A /sparql request is complete when
    it gets here (BodyLimit has read it) and its answer is bytes the app holds anyway (capped by
    MINUSMA_KG_MAX_RESULT_BYTES), so one hand-off does; every other path (pages, dumps, files) is streamed by a2wsgi
    in the same thread pool.
    """

    def __init__(self, wsgi: Any, streamed: WSGIMiddleware, paths: frozenset[str] = frozenset({"/sparql"})) -> None:
        self.wsgi, self.streamed, self.paths = wsgi, streamed, paths

    def _run(self, environ: Environ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        started: list[Any] = []
        written: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return written.append

        iterable = self.wsgi(environ, start_response)
        try:
            written.extend(iterable)
        finally:
            getattr(iterable, "close", lambda: None)()
        status, headers = started
        encoded = [(k.strip().encode("latin1").lower(), v.strip().encode("latin1")) for k, v in headers]
        return int(status.split(" ", 1)[0]), encoded, b"".join(written)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            # a2wsgi types the scope and messages as TypedDicts; uvicorn passes the plain dicts this module handles
            await self.streamed(scope, receive, send)  # type: ignore[arg-type]
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        environ = build_environ(scope, io.BytesIO(b"".join(chunks)))  # type: ignore[arg-type]
        call = functools.partial(contextvars.copy_context().run, self._run, environ)
        status, headers, body = await asyncio.get_running_loop().run_in_executor(self.streamed.executor, call)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def application() -> BodyLimit:
    """The app for each HTTP process (uvicorn's factory), configured from MINUSMA_KG_* variables."""
    from .app import create_app
    from .config import Config

    config = Config.from_env()
    flask_app = create_app(config)
    engine = flask_app.extensions["minusma-kg"].engine
    # Flask's __call__ takes typeshed's WSGIEnvironment (a dict), a2wsgi's app type its own Environ TypedDict
    streamed = WSGIMiddleware(flask_app, workers=config.threads)  # type: ignore[arg-type]
    answers = WholeAnswers(flask_app, streamed)
    cached = AnswerCache(answers, config.result_cache)
    return BodyLimit(cached, config.max_request_bytes, on_shutdown=engine.close)
