"""Shared fixtures: the real build, run once per session into a temporary directory."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from minusma_kg.kg.annotations import Article, EntityDecl, load_articles, load_entities
from minusma_kg.kg.build import BuildResult, build
from rdflib import Dataset

DATA = Path(__file__).parent / "data"


def _digests(directory: Path) -> dict[str, str]:
    """Each file under ``directory`` with the SHA-256 of its bytes, to tell whether anything wrote into it."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (pyproject's addopts): one worker more than cores when the slow tests are left out, else none.

    Many tests wait on a server, a browser or a subprocess; a third worker on two cores fills those waits (75 s ->
    66 s measured side by side). The slow tests start servers under load and measure time, which other workers on
    the same cores would skew.
    """
    return (os.cpu_count() or 1) + 1 if "not slow" in config.option.markexpr else 0


def _build_once(root: Path) -> tuple[BuildResult, dict[str, str]]:
    """The build in ``root/out`` with its files' digests, made by the first xdist worker to ask and read back by the
    others: one build per run, not one per worker (each is seconds of CPU on a two-core machine)."""
    root.mkdir(parents=True, exist_ok=True)
    saved = root / "result.pickle"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this worker dies
        if saved.exists():
            return pickle.loads(saved.read_bytes())  # noqa: S301 - written just above by this run's own worker
        result = build(root / "out")
        assert result.ok, "\n".join(result.errors)
        made = (result, _digests(result.out))
        saved.write_bytes(pickle.dumps(made))
        return made


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[BuildResult]:
    """The project's graph, built exactly as ``minusma-kg build`` builds it, once for the whole run.

    xdist workers share one build in the run's common temporary directory. Every test reads the same directory, so
    none may change it: a test that needs a changed build copies it (``shutil.copytree``). The check at the end of
    each worker's session names the files a test wrote.
    """
    base = tmp_path_factory.getbasetemp()
    result, before = _build_once((base.parent if worker_id != "master" else base) / "shared-build")
    yield result
    after = _digests(result.out)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"a test changed the shared build directory (copy it first): {changed}"


@pytest.fixture(scope="session")
def dataset(built: BuildResult) -> Iterator[Dataset]:
    """The published dataset, read back from its N-Quads dump; shared, so read-only (checked at the end)."""
    ds = Dataset(default_union=True)  # triple patterns see every graph, as the endpoint's default graph does
    ds.parse(built.out / "minusma-kg.nq", format="nquads")
    quads = set(ds.quads((None, None, None, None)))
    yield ds
    assert ds.default_union, "a test turned the shared dataset's union view off"
    assert set(ds.quads((None, None, None, None))) == quads, "a test changed the shared dataset: copy it first"


@pytest.fixture(scope="session")
def articles() -> list[Article]:
    return load_articles()


@pytest.fixture(scope="session")
def entities(articles: list[Article]) -> list[EntityDecl]:
    return [*load_entities(), *(e for a in articles for e in a.entities)]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the project's annotations (articles, entities, Wikidata links, external facts, names, coordinates)
    a test may change."""
    from minusma_kg.kg import paths

    kg = tmp_path / "kg"
    shutil.copytree(paths.ARTICLES_DIR, kg / "articles")
    shutil.copytree(paths.WIKIDATA_DIR, kg / "wikidata")
    shutil.copytree(paths.NAMES_DIR, kg / "names")
    shutil.copytree(paths.NAMES_DIR.parent / "places", kg / "places")
    shutil.copy(paths.ENTITIES, kg / "entities.yaml")
    shutil.copy(paths.ENTITIES.parent / "external.yaml", kg / "external.yaml")
    return kg


@pytest.fixture(scope="session")
def app(built: BuildResult) -> Iterator[Flask]:
    """The Flask app over the built dataset, with a short timeout and a small result cap for the tests."""
    from minusma_kg.server.app import create_app
    from minusma_kg.server.config import Config

    application = create_app(Config(data=built.out, timeout=3.0, result_limit=500, workers=2))
    yield application
    application.extensions["minusma-kg"].engine.close()


@pytest.fixture(scope="session")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class LiveServer:
    """A real HTTP server (waitress) on a loopback port, in a thread."""

    def __init__(self, app: Flask) -> None:
        from waitress import create_server

        self.sockets: dict[int, object] = {}  # waitress's socket map: the listener and every open connection
        self.server = create_server(app, map=self.sockets, host="127.0.0.1", port=0, threads=6)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # the listening socket was closed under select(): the server is stopping
            self.server.run()

    def close(self) -> None:
        """Stop at once: closing only the listener would leave a browser's keep-alive connections in the map, and
        the loop would serve them until the join gave up (5 s at the end of every run)."""
        from waitress import wasyncore

        self.server.close()
        self.server.task_dispatcher.shutdown()
        wasyncore.close_all(self.sockets)
        self.thread.join(5)
        assert not self.thread.is_alive(), "the live server did not stop"


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.close()


class Listener:
    """A TCP listener on a loopback port that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(1)
            try:
                self.connections.append(conn.recv(4096))
            except OSError:
                self.connections.append(b"")
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()
