"""The HTTP front: an asynchronous server reads whole requests before a thread runs the Flask app.

A thread-per-connection server (gunicorn's gthread) gives each connection a thread while it reads the headers,
so a few clients that send half a request freeze it. Here uvicorn parses requests on an event loop, where a slow
client costs a coroutine, not a thread; :class:`BodyLimit` then reads the body (chunked or not) up to the
request limit, answering 413 past it and 408 if it dawdles, and only a complete request reaches the thread pool
of a2wsgi, which runs the Flask app.
"""

from __future__ import annotations

import asyncio
from typing import Any

from a2wsgi import WSGIMiddleware

Scope = dict[str, Any]
Message = dict[str, Any]


async def _plain(send: Any, status: int, text: str) -> None:
    body = (text.rstrip() + "\n").encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), (b"x-content-type-options", b"nosniff")]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: read the whole body within ``max_bytes`` and ``timeout`` seconds, then call ``app``."""

    def __init__(self, app: Any, max_bytes: int, timeout: float = 30.0, on_shutdown: Any = None) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout
        self.on_shutdown = on_shutdown

    def _too_large(self) -> str:
        return f"The request is larger than {self.max_bytes} bytes (MINUSMA_KG_MAX_REQUEST_BYTES)."

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
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
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as the server would say it

        await self.app(scope, replay, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
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

    async def _drain(self, receive: Any) -> None:
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

    async def _read(self, receive: Any) -> bytes | None:
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


def application() -> BodyLimit:
    """The app for each HTTP process (uvicorn's factory), configured from MINUSMA_KG_* variables."""
    from server import create_app
    from server.config import Config

    config = Config.from_env()
    flask_app = create_app(config)
    engine = flask_app.extensions["minusma-kg"].engine
    return BodyLimit(WSGIMiddleware(flask_app, workers=config.threads), config.max_request_bytes, on_shutdown=engine.close)
