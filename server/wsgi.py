"""Production serving: uvicorn with one HTTP process per core, each with its own query workers.

A single Python process handles HTTP under one GIL, so it uses one core however many threads it has; several
processes let request handling use them all. Each process builds the app itself (:func:`server.asgi.application`,
configured through MINUSMA_KG_* variables), so each has its own pool of query worker processes. Every process
serves the same pinned snapshot of the build (:mod:`server.snapshot`): a rebuild while the server runs changes
nothing it serves until it is restarted.
"""

from __future__ import annotations

import os
from dataclasses import replace

from server.config import Config
from server.snapshot import pinned


def serve(config: Config, host: str, port: int, processes: int | None = None, threads: int | None = None) -> None:
    """Serve until interrupted."""
    import uvicorn

    processes = processes or max(1, os.cpu_count() or 1)
    with pinned(config.data) as snapshot:
        served = replace(config, data=snapshot, threads=threads or config.threads)
        os.environ.update(served.to_env())  # the HTTP processes read their settings from the environment
        uvicorn.run(
            "server.asgi:application",
            factory=True,
            host=host,
            port=port,
            workers=processes,
            http="h11",
            h11_max_incomplete_event_size=config.max_url_bytes,  # request line and headers: the GET limit
            timeout_keep_alive=5,
            timeout_graceful_shutdown=5,
            log_level="warning",
            access_log=False,
            server_header=False,
        )
