"""Who may run a query now: a bound per client, and the saved questions' right to the reserved workers.

Each HTTP process admits queries on its own (no shared state to lock across processes); the figures in
docs/reliability.md are per process, multiplied by the number of HTTP processes.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..errors import TooManyForClientError

_SPACE = re.compile(r"\s+")


class ClientSlots:
    """Count the queries each client (by address) is running, and refuse one past ``per_client``."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        with self._lock:
            if self.per_client > 0 and self._running[client] >= self.per_client:
                raise TooManyForClientError(client)
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if self._running[client] <= 0:
                    del self._running[client]


def _normal(query: str) -> str:
    return _SPACE.sub(" ", query).strip()


class KnownQueries:
    """The saved questions, recognised whatever their whitespace: known to be light, they may use the reserve."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._known = {_normal(t): t for t in texts}

    def __contains__(self, query: object) -> bool:
        return isinstance(query, str) and _normal(query) in self._known

    def canonical(self, query: str) -> str:
        """The saved text a known query stands for, so that every spelling of it shares one cache entry."""
        return self._known.get(_normal(query), query)
