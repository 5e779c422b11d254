"""uvicorn's HTTP/1.1 protocol with a deadline and a size limit for the request head.

uvicorn closes a connection that stays idle after a response (keep-alive timeout) but waits for ever for the
headers of a request that has begun: a client that sends half a request line holds its connection (and a
file descriptor) until it goes away. Here every connection must deliver a complete request head within
``head_timeout`` seconds (MINUSMA_KG_HEAD_TIMEOUT) of opening, or of its previous response, or it is closed.
The protocol is uvicorn's httptools (C) one: h11, in pure Python, took about a third of the CPU of a cached answer.
httptools would buffer a head of any length, so its bytes are counted here: past ``max_url_bytes``
(MINUSMA_KG_MAX_URL_BYTES) the request gets uvicorn's 400 and the connection is closed; the body does not count.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .config import Config

#: Read when the module is imported, in each HTTP process, from the settings ``serve`` passes down.
HEAD_TIMEOUT = Config.from_env().head_timeout
#: Longest request line and headers (MINUSMA_KG_MAX_URL_BYTES), read likewise.
MAX_HEAD_BYTES = Config.from_env().max_url_bytes


class HeadTimeoutProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that closes a connection whose request head does not arrive in time or is too long."""

    _head_timer: asyncio.TimerHandle | None = None
    _in_head = True  # the next bytes belong to a request head
    _head_bytes = 0

    def _arm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        waiting_for = self.cycle  # a new request head replaces the cycle; the same one means none arrived
        self._head_timer = self.loop.call_later(HEAD_TIMEOUT, self._expire, waiting_for)

    def _expire(self, waiting_for: Any) -> None:
        self._head_timer = None
        # close only a connection that waits for a head: no new request since arming, and none being answered
        # (a fast client may have sent its next request before the timer was armed: that one is waiting_for)
        idle = self.cycle is None or self.cycle.response_complete
        if self.cycle is waiting_for and idle and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0

    def data_received(self, data: bytes) -> None:
        if not self._in_head:
            super().data_received(data)
            return
        room = MAX_HEAD_BYTES - self._head_bytes
        head, rest = data[:room], data[room:]  # the body may follow the head in the same read
        self._head_bytes += len(head)
        super().data_received(head)
        if not rest or self.transport.is_closing():
            return
        if self._in_head:
            self.send_400_response("Invalid HTTP request received.")
            return
        # mypy keeps `_in_head` narrowed to True, but super().data_received() ends the head (on_headers_complete)
        self.data_received(rest)  # type: ignore[unreachable]
