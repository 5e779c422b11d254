"""Endpoint settings, from command-line options or MINUSMA_KG_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..kg.dataset_dir import DEFAULT_BUILD_DIR


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.replace(",", " ").split() if v)


@dataclass(frozen=True)
class Config:
    """Every setting has an environment variable: MINUSMA_KG_ plus its name in capitals."""

    data: Path = DEFAULT_BUILD_DIR
    #: Seconds a query may run before it is stopped.
    timeout: float = 10.0
    #: Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned; a longer result is cut and says so.
    result_limit: int = 10_000
    #: SERVICE IRIs a query may call; empty: no federated query, the server opens no connection.
    allowed_services: tuple[str, ...] = ()
    #: Origins allowed by CORS ("*" for any).
    cors_origins: tuple[str, ...] = ("*",)
    #: Largest request body (and GET query) in bytes; larger gets 413.
    max_request_bytes: int = 1_000_000
    #: Query worker processes for any client (per HTTP process); when all are busy a query gets 503 at once.
    workers: int = 2
    #: Further query workers kept for the pages and the saved questions, so runaway queries cannot stall them.
    reserved_workers: int = 1
    #: Queries one client (IP address) may run at once per HTTP process; more get 429 with Retry-After.
    per_client: int = 2
    #: Most bytes of one answer; a longer one is cut at a row and says so (X-Result-Truncated).
    max_result_bytes: int = 64 * 1024 * 1024
    #: Address space of a query worker in bytes (0: unlimited); a query that needs more kills its worker (503).
    worker_memory: int = 4 * 1024 * 1024 * 1024
    #: Threads per HTTP process that run the app (pages, static files, and queries waiting on a worker).
    threads: int = 8
    #: Longest request line and headers in bytes (so the longest GET query URL); longer: use POST.
    max_url_bytes: int = 65_536
    #: Seconds a connection may take to send a complete request head (at opening, or after a response).
    head_timeout: float = 10.0
    #: Addresses of reverse proxies whose X-Forwarded-For is believed (per-client bounds then see the real client).
    trusted_proxies: tuple[str, ...] = ()
    #: Deepest nesting of braces, parentheses and brackets a query may have (deeper ones crash the engine).
    max_depth: int = 64
    #: Seconds a response may be cached by clients and proxies.
    cache_seconds: int = 300
    #: Results kept in memory (LRU), keyed by dataset version, query, dataset and format; 0 turns the cache off.
    result_cache: int = 256
    #: Query endpoint of an external SPARQL store to answer queries with (None: the built-in pyoxigraph engine).
    store: str | None = None
    #: The endpoint's public URL without /sparql (https://example.org): the service description names
    #: base_url + "/sparql" as the endpoint whatever the Host header says (None: the request's host, not cached).
    base_url: str | None = None

    def __post_init__(self) -> None:
        # absolute, as the process's directory when started: Flask would resolve a relative one against server/
        object.__setattr__(self, "data", Path(self.data).resolve())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Config:
        """Defaults, overridden by MINUSMA_KG_<NAME> variables, overridden by ``overrides`` that are not None.

        A malformed number is a ValueError that names the variable.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            key = f"MINUSMA_KG_{f.name.upper()}"
            raw = env.get(key)
            if raw is None or (raw == "" and f.name in ("store", "base_url")):
                continue
            kind = str(f.type)
            try:
                if "tuple" in kind:
                    values[f.name] = _split(raw)
                elif kind == "Path":
                    values[f.name] = Path(raw)
                elif kind in ("int", "float"):
                    values[f.name] = int(raw) if kind == "int" else float(raw)
                else:
                    values[f.name] = raw
            except ValueError:
                raise ValueError(f"{key}={raw!r} is not a{'n integer' if kind == 'int' else ' number'}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The MINUSMA_KG_* variables that make :meth:`from_env` give this configuration back (for child processes)."""
        env: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                env[f"MINUSMA_KG_{f.name.upper()}"] = " ".join(value) if isinstance(value, tuple) else str(value)
        return env
