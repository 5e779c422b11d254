"""Endpoint settings, from command-line options or MINUSMA_KG_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from kg import paths


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.replace(",", " ").split() if v)


@dataclass(frozen=True)
class Config:
    """Every setting has an environment variable: MINUSMA_KG_ plus its name in capitals."""

    data: Path = paths.DEFAULT_OUT
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
    #: Query worker processes.
    workers: int = 2
    #: Seconds a response may be cached by clients and proxies.
    cache_seconds: int = 300
    #: Results kept in memory (LRU), keyed by dataset version, query, dataset and format; 0 turns the cache off.
    result_cache: int = 256
    #: Query endpoint of an external SPARQL store to answer queries with (None: the built-in pyoxigraph engine).
    store: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Config:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if "MINUSMA_KG_DATA" in env:
            values["data"] = Path(env["MINUSMA_KG_DATA"])
        for name, cast in (("timeout", float), ("result_limit", int), ("max_request_bytes", int), ("workers", int),
                           ("cache_seconds", int), ("result_cache", int)):  # fmt: skip
            key = f"MINUSMA_KG_{name.upper()}"
            if key in env:
                values[name] = cast(env[key])
        if env.get("MINUSMA_KG_STORE"):
            values["store"] = env["MINUSMA_KG_STORE"]
        if "MINUSMA_KG_ALLOWED_SERVICES" in env:
            values["allowed_services"] = _split(env["MINUSMA_KG_ALLOWED_SERVICES"])
        if "MINUSMA_KG_CORS_ORIGINS" in env:
            values["cors_origins"] = _split(env["MINUSMA_KG_CORS_ORIGINS"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]
