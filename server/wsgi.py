"""Production serving: gunicorn with one HTTP process per core, each with its own query workers.

A single Python process handles HTTP under one GIL, so it uses one core however many threads it has;
gunicorn's processes let request handling use them all. Each process builds the app after the fork
(``create_app``), so each has its own pool of query worker processes.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

from server import create_app
from server.config import Config


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, config: Config, options: dict[str, Any]) -> None:
        self._config = config
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self._config)


def serve(config: Config, host: str, port: int, processes: int | None = None, threads: int = 4) -> None:
    """Serve until interrupted."""
    processes = processes or max(1, os.cpu_count() or 1)
    options = {
        "bind": f"{host}:{port}",
        "workers": processes,
        "worker_class": "gthread",
        "threads": threads,
        # a query is stopped by its own timeout; this only catches a process that hangs for another reason
        "timeout": int(config.timeout) + 30,
        "graceful_timeout": 5,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "minusma-kg",
        "limit_request_line": 8190,
    }
    _Gunicorn(config, options).run()
