"""Production serving: uvicorn with one HTTP process per core, each with its own query workers.

A single Python process handles HTTP under one GIL, so it uses one core however many threads it has; several
processes let request handling use them all. Each process builds the app itself (:func:`server.asgi.application`,
configured through MINUSMA_KG_* variables), so each has its own pool of query worker processes. Every process
serves the same pinned snapshot of the build (:mod:`server.snapshot`): a rebuild while the server runs changes
nothing it serves until it is restarted.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from dataclasses import replace

from server.config import Config
from server.snapshot import pinned


def _exit_on_sigterm(signum: int, frame: object) -> None:
    sys.exit(128 + signum)  # unwinds through ``pinned``, which removes the snapshot


def serve(config: Config, host: str, port: int, processes: int | None = None, threads: int | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then remove the snapshot."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from server.http_protocol import HeadTimeoutProtocol

    processes = processes or max(1, os.cpu_count() or 1)
    # uvicorn re-raises the signal that stopped it once it has shut down: exit through Python, not the default
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with pinned(config.data) as snapshot:
        served = replace(config, data=snapshot, threads=threads or config.threads)
        os.environ.update(served.to_env())  # the HTTP processes read their settings from the environment
        settings = uvicorn.Config(
            "server.asgi:application",
            factory=True,
            host=host,
            port=port,
            workers=processes,
            http=HeadTimeoutProtocol,
            h11_max_incomplete_event_size=config.max_url_bytes,  # request line and headers: the GET limit
            timeout_keep_alive=5,
            timeout_graceful_shutdown=5,
            log_level="warning",
            access_log=False,
            server_header=False,
            # X-Forwarded-For is believed only from the proxies named: the per-client bound counts addresses
            proxy_headers=bool(config.trusted_proxies),
            forwarded_allow_ips=list(config.trusted_proxies) or None,
        )
        if processes == 1:
            uvicorn.Server(settings).run()
            return
        sock = settings.bind_socket()
        # accepted connections inherit TCP_NODELAY from the listening socket; uvicorn's worker processes do not
        # set it themselves, and without it every keep-alive request waits ~40 ms for a delayed ACK
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Multiprocess(settings, sockets=[sock]).run()
