"""uvicorn's HTTP/1.1 protocol with a deadline for the request head, so half-open connections are closed.

uvicorn closes a connection that stays idle after a response (keep-alive timeout) but waits for ever for the
headers of a request that has begun: a client that sends half a request line holds its connection (and a
file descriptor) until it goes away. Here every connection must deliver a complete request head within
``head_timeout`` seconds (MINUSMA_KG_HEAD_TIMEOUT) of opening, or of its previous response, or it is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from server.config import Config

#: Read when the module is imported, in each HTTP process, from the settings ``serve`` passes down.
HEAD_TIMEOUT = Config.from_env().head_timeout


class HeadTimeoutProtocol(H11Protocol):
    """H11Protocol that closes a connection whose request head does not arrive in time."""

    _head_timer: asyncio.TimerHandle | None = None

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
