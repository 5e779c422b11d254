"""Production serving: uvicorn with one HTTP process per core, each with its own query workers.

A single Python process handles HTTP under one GIL, so it uses one core however many threads it has; several
processes let request handling use them all. Each process builds the app itself (:func:`server.asgi.application`,
configured through MINUSMA_KG_* variables), so each has its own pool of query worker processes.

Every process serves the same pinned snapshot of the build (:mod:`server.snapshot`), so the server never answers
from two versions at once. A curator who rebuilds wants to see the new article without a restart, so the
supervisor follows the data directory: when a new complete build appears there, it pins it, stops every HTTP
process, and starts new ones on the new snapshot. Connections that arrive meanwhile wait in the listening
socket's backlog and are answered by the new version; no process serves the old one after the switch.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import NotABuildError
from ..kg.dataset_dir import open_build
from .config import Config
from .http_protocol import HeadTimeoutProtocol
from .snapshot import hand_over, pin, pinned

log = logging.getLogger(__name__)
#: Seconds between two looks at the data directory for a new build.
FOLLOW_INTERVAL = 2.0


def _supervisor(settings: Any, sockets: list[socket.socket], data: Path, served: Path) -> Any:
    """uvicorn's process supervisor, which also switches to each new build of ``data`` (see the module doc)."""
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        def __init__(self) -> None:
            super().__init__(settings, sockets)
            self.served = served
            build = open_build(served)  # hashed once, by the CLI's check of the same files (hard links)
            hand_over(build)  # the HTTP processes take this check instead of hashing a gigabyte each
            self.version = build.version
            self.next_look = time.monotonic() + FOLLOW_INTERVAL

        def run(self) -> None:  # uvicorn's loop, plus following the builds
            self.init_processes()
            while not self.should_exit.wait(0.5):
                self.handle_signals()
                self.keep_subprocess_alive()
                self.follow_build()
            self.terminate_all()
            self.join_all()

        def follow_build(self) -> None:
            if time.monotonic() < self.next_look or self.should_exit.is_set():
                return
            self.next_look = time.monotonic() + FOLLOW_INTERVAL
            try:
                build = open_build(data)
            except NotABuildError:
                return  # missing or half-written: keep serving what we have
            if build.version == self.version:
                return
            snapshot = pin(data)
            try:
                build = open_build(snapshot)  # what was pinned, checked (the same files: no second hash)
            except NotABuildError:
                shutil.rmtree(snapshot, ignore_errors=True)
                return  # replaced again meanwhile: look again next time
            hand_over(build)
            log.warning("a new build in %s: switching to it", data)
            os.environ["MINUSMA_KG_DATA"] = str(snapshot)  # read by the new HTTP processes
            self.terminate_all()
            self.join_all()
            self.processes = []
            self.init_processes()
            old, self.served, self.version = self.served, snapshot, build.version
            shutil.rmtree(old, ignore_errors=True)

        def cleanup(self) -> None:
            shutil.rmtree(self.served, ignore_errors=True)

    return Supervisor()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    sys.exit(128 + signum)  # unwinds through ``pinned``, which removes the snapshot


def serve(config: Config, host: str, port: int, processes: int | None = None, threads: int | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then remove the snapshot."""
    import uvicorn

    processes = processes or max(1, os.cpu_count() or 1)
    # uvicorn re-raises the signal that stopped it once it has shut down: exit through Python, not the default
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with pinned(config.data) as snapshot:
        served = replace(config, data=snapshot, threads=threads or config.threads)
        os.environ.update(served.to_env())  # the HTTP processes read their settings from the environment
        settings = uvicorn.Config(
            "minusma_kg.server.asgi:application",
            factory=True,
            host=host,
            port=port,
            workers=processes,
            http=HeadTimeoutProtocol,  # its head limit is max_url_bytes: the GET limit
            timeout_keep_alive=5,
            timeout_graceful_shutdown=5,
            log_level="warning",
            access_log=False,
            server_header=False,
            # X-Forwarded-For is believed only from the proxies named: the per-client bound counts addresses
            proxy_headers=bool(config.trusted_proxies),
            forwarded_allow_ips=list(config.trusted_proxies) or None,
        )
        sock = settings.bind_socket()
        # accepted connections inherit TCP_NODELAY from the listening socket; uvicorn's worker processes do not
        # set it themselves, and without it every keep-alive request waits ~40 ms for a delayed ACK
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        supervisor = _supervisor(settings, [sock], config.data, snapshot)
        try:
            supervisor.run()
        finally:
            supervisor.cleanup()  # the snapshot it switched to last (``pinned`` removes the first)
