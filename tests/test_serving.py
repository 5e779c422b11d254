"""The server as `minusma-kg serve` runs it (uvicorn, query workers), under hostile and careless clients.

Every test talks to a real server process on a loopback port; loads are bounded in count and time.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from minusma_kg.kg.queries import load_saved_queries

from tests.commands import free_port

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Served:
    """A running `minusma-kg serve` and the directory it was started on."""

    process: subprocess.Popen
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 30) -> tuple[int, Message, bytes]:  # fmt: skip
        req = urllib.request.Request(self.url + path, data=data, headers=headers or {})  # noqa: S310 - loopback
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 - loopback only
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def query(
        self, query: str, accept: str = "application/sparql-results+json", **kw: float
    ) -> tuple[int, Message, bytes]:
        body = urllib.parse.urlencode({"query": query}).encode()
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        return self.request("/sparql", body, headers, **kw)

    def tree_rss(self) -> int:
        """Resident memory of the server and all its descendant processes, in bytes."""
        total, todo = 0, [self.process.pid]
        while todo:
            pid = todo.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1]) * 1024
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, StopIteration):
                continue
        return total


def _serve(data: Path, processes: int = 1, **env: str) -> Served:
    port = free_port()
    environ = {**os.environ, "MINUSMA_KG_TIMEOUT": "3", "MINUSMA_KG_WORKERS": "2", "MINUSMA_KG_RESERVED_WORKERS": "1",
               "MINUSMA_KG_PER_CLIENT": "2", "MINUSMA_KG_RESULT_CACHE": "0", **env}  # fmt: skip
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "minusma_kg", "serve", "--data", str(data), "--port", str(port),
         "--processes", str(processes)],
        env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    served = Served(process, data, port)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited: {process.stdout.read().decode() if process.stdout else ''}")
        try:
            if served.request("/sparql", timeout=2)[0] == 200:
                return served
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("serve did not start")


def _stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(15)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait(5)


@pytest.fixture(scope="module")
def server(built, tmp_path_factory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("serving") / "build"
    shutil.copytree(built.out, data)
    # two HTTP processes, as on a 2-CPU machine by default
    served = _serve(data, processes=2, MINUSMA_KG_MAX_RESULT_BYTES=str(1_000_000), MINUSMA_KG_HEAD_TIMEOUT="2")
    yield served
    _stop(served)


def _probe(server: Served) -> list[tuple[str, int, float]]:
    """Light requests a student makes: a saved question, a page, a resource page, a static file."""
    saved = load_saved_queries()[0].text
    timings = []
    for name, call in (
        ("saved question", lambda: server.query(saved)),
        ("home page", lambda: server.request("/")),
        ("resource page", lambda: server.request("/resource/coup-2020")),
        ("static file", lambda: server.request("/static/app.css")),
    ):
        start = time.monotonic()
        status = call()[0]
        timings.append((name, status, time.monotonic() - start))
    return timings


@pytest.mark.slow
def test_light_requests_are_answered_while_twenty_slow_clients_dawdle(server):
    dawdlers = []
    try:
        for i in range(20):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: " + str(i).encode())  # no end
            dawdlers.append(s)
        for _ in range(5):  # and slow bodies: a promised 1000 bytes that never come
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                      b"Content-Length: 1000\r\n\r\nASK")  # fmt: skip
            dawdlers.append(s)
        time.sleep(0.5)
        for name, status, seconds in _probe(server):
            assert status == 200, name
            assert seconds < 1.0, f"{name} took {seconds:.2f} s while slow clients dawdled"
    finally:
        for s in dawdlers:
            s.close()


@pytest.mark.slow
def test_runaway_queries_get_refused_at_once_and_never_stall_light_requests(server):
    outcomes: list[tuple[int, float, str | None]] = []

    def runaway(i: int) -> None:
        start = time.monotonic()
        status, headers, _ = server.query(f"{RUNAWAY} # {i}")
        outcomes.append((status, time.monotonic() - start, headers.get("Retry-After")))

    threads = [threading.Thread(target=runaway, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    time.sleep(0.7)
    try:
        for name, status, seconds in _probe(server):
            assert status == 200, name
            assert seconds < 1.0, f"{name} took {seconds:.2f} s during 10 runaway queries"
    finally:
        for t in threads:
            t.join(30)
    refused = [o for o in outcomes if o[0] in (429, 503) and o[1] < 1.0]
    assert refused and all(o[2] for o in refused), "the excess must be refused at once, with Retry-After"
    timed_out = [o for o in outcomes if o[1] >= 1.0]
    assert timed_out and all(o[0] == 503 and o[1] < 3.0 + 2.0 for o in timed_out), outcomes
    _until_workers_are_back(server)


def _until_workers_are_back(server: Served) -> None:
    """Killed workers are replaced in the background; wait (bounded) until ad hoc queries run again.

    Each HTTP process replaces its own workers, one at a time, and each new connection may land on either
    process: only a run of answers in a row shows that every process has its workers back.
    """
    deadline, in_a_row = time.monotonic() + 90, 0
    while in_a_row < 12:
        assert time.monotonic() < deadline, "the pool of query workers did not recover"
        if server.query(COUNT + f" # {time.monotonic()}")[0] == 200:
            in_a_row += 1
        else:
            in_a_row = 0
            time.sleep(0.3)


def test_a_chunked_body_over_the_limit_gets_413(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"#" * 100_000  # 2 MB in all, past the 1 MB default

    conn.request("POST", "/sparql", body=chunks(), encode_chunked=True,
                 headers={"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"})  # fmt: skip
    response = conn.getresponse()
    assert response.status == 413
    assert b"larger than" in response.read()


def test_a_get_query_of_sixty_kilobytes_works(server):
    query = COUNT + " #" + "x" * 60_000
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 200, body[:200]


def test_a_request_head_past_the_limit_gets_400_but_a_body_of_that_size_is_fine(server):
    from minusma_kg.server.config import Config

    query = COUNT + " #" + "x" * Config().max_url_bytes  # past the GET limit (MINUSMA_KG_MAX_URL_BYTES)
    status, _, body = server.request("/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 400, body[:200]
    # the same text as a POST body, sent with its head in one write: the head limit does not count the body
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        form = urllib.parse.urlencode({"query": query}).encode()
        head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        head += b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(form)
        sock.sendall(head + form)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


def test_answers_are_capped_in_bytes_and_the_server_stays_small(server):
    big = (
        "PREFIX mkg: <https://w3id.org/minusma-kg/ontology#> "
        "SELECT ?t (CONCAT(?t, ?t, ?t, ?t, ?t, ?t, ?t, ?t) AS ?x) "
        "WHERE { ?e mkg:evidenceText ?t . ?a ?b ?c } LIMIT 100000"
    )
    before = server.tree_rss()
    for i in range(5):
        status, headers, body = server.query(f"{big} # {i}", timeout=60)
        assert status == 200
        assert len(body) <= 1_000_000
        assert headers["X-Result-Truncated"].startswith("true; max-bytes=")
        assert json.loads(body)["results"]["bindings"], "a cut answer is still a valid, non-empty document"
    grown = server.tree_rss() - before
    assert grown < 300 * 1024 * 1024, f"the server grew by {grown / 2**20:.0f} MB answering capped queries"


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _version(served: Served) -> tuple[str, str, str]:
    """What the server serves now: the count of quads, the ETag of that answer, and the dump's digest.

    The query is bracketed by two reads of the dump and the sample taken again when they differ: a switch between
    two requests is not a mixed answer (a regression test: the switch once fell between the query and the dump)."""
    while True:
        before = _digest(served.request("/dumps/minusma-kg.nq")[2])
        _, headers, body = served.query(COUNT)
        after = _digest(served.request("/dumps/minusma-kg.nq")[2])
        if before == after:
            count = json.loads(body)["results"]["bindings"][0]["n"]["value"]
            return count, headers["ETag"], after


@pytest.mark.slow
def test_a_rebuild_is_served_whole_and_alone_without_a_restart(built, tmp_path):
    """A curator rebuilds while the server runs: it switches to the new build, never mixing the two versions."""
    data = tmp_path / "build"
    shutil.copytree(built.out, data)
    served = _serve(data, processes=2)
    try:
        old = _version(served)
        old_etag_of = {old[0]: old[1]}

        # a rebuild as publish_atomically does it: a new directory, with one more quad, swapped in
        new = tmp_path / "new"
        shutil.copytree(data, new)
        nq = new / "minusma-kg.nq"
        extra = b'<https://example.org/s> <https://example.org/p> "new" '
        extra += b"<https://w3id.org/minusma-kg/graph/entities> .\n"
        nq.write_bytes(nq.read_bytes() + extra)
        info = json.loads((new / "build-info.json").read_text())
        info["dataset_sha256"] = _digest(nq.read_bytes())
        (new / "build-info.json").write_text(json.dumps(info))
        data.rename(tmp_path / "old")
        new.rename(data)
        shutil.rmtree(tmp_path / "old")
        new_dump = _digest(nq.read_bytes()) if nq.exists() else _digest((data / "minusma-kg.nq").read_bytes())

        seen: list[tuple[str, str, str]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                seen.append(_version(served))
            except (OSError, json.JSONDecodeError, KeyError):
                time.sleep(0.2)  # processes switching: a connection may be refused for a moment
                continue
            if seen[-1][0] != old[0] and len(seen) > 3 and all(v[0] == seen[-1][0] for v in seen[-3:]):
                break
            time.sleep(0.1)
        counts = [v[0] for v in seen]
        assert counts[-1] == str(int(old[0]) + 1), "the server did not switch to the new build"
        switched = counts.index(counts[-1])
        assert all(c == old[0] for c in counts[:switched]) and all(c == counts[-1] for c in counts[switched:]), (
            "after the switch an answer came from the old build"
        )
        for count, etag, dump in seen:  # each answer is whole: its ETag and the dump belong to its version
            assert old_etag_of.setdefault(count, etag) == etag
            assert dump == (old[2] if count == old[0] else new_dump)
    finally:
        _stop(served)


def test_a_connection_that_never_finishes_its_request_head_is_closed(server):
    sock = socket.create_connection(("127.0.0.1", server.port))
    try:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHo")  # and nothing more
        sock.settimeout(15)
        start = time.monotonic()
        assert sock.recv(100) == b"", "the server should close the connection, not answer it"
        assert time.monotonic() - start < 2 + 3  # MINUSMA_KG_HEAD_TIMEOUT=2 for this server
    finally:
        sock.close()


def test_keep_alive_requests_are_not_delayed(server):
    """With several HTTP processes, each request on a reused connection must not wait for a delayed ACK (~40 ms)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    times = []
    for i in range(30):
        start = time.monotonic()
        conn.request("GET", "/static/app.css" if i % 2 else "/favicon.ico")
        conn.getresponse().read()
        times.append(time.monotonic() - start)
    times.sort()
    assert times[len(times) // 2] < 0.02, f"median {times[len(times) // 2] * 1000:.0f} ms per keep-alive request"


def _tree(pid: int) -> set[int]:
    """The process and all its descendants."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        found.add(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_a_long_query_on_a_reused_connection_gets_its_answer_not_the_head_timeout(built, tmp_path):
    data = tmp_path / "build"
    shutil.copytree(built.out, data)
    served = _serve(data, MINUSMA_KG_HEAD_TIMEOUT="1", MINUSMA_KG_TIMEOUT="3")
    try:
        body = urllib.parse.urlencode({"query": RUNAWAY}).encode()
        pipelined = (  # the second request is already there when the first one's answer completes
            b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n"
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
            sock.sendall(pipelined)
            received = b""
            while b"timed out" not in received:  # 3 s of query on a connection whose head timer is 1 s
                chunk = sock.recv(65536)
                assert chunk, f"the connection was closed before the query's answer: {received[:300]!r}"
                received += chunk
        assert b"HTTP/1.1 503" in received
    finally:
        _stop(served)


@pytest.mark.slow
def test_stopping_the_server_during_a_runaway_query_leaves_no_process_behind(built, tmp_path):
    data = tmp_path / "build"
    shutil.copytree(built.out, data)
    served = _serve(data, MINUSMA_KG_TIMEOUT="60")
    thread = threading.Thread(target=lambda: served.query(RUNAWAY, timeout=60), daemon=True)
    thread.start()
    time.sleep(1.5)
    processes = _tree(served.process.pid)
    assert len(processes) > 2  # the server, its query workers
    _stop(served)
    deadline = time.monotonic() + 15
    alive = processes
    while alive and time.monotonic() < deadline:
        alive = {p for p in processes if Path(f"/proc/{p}").exists() and "Z" not in _state(p)}
        time.sleep(0.3)
    assert not alive, f"left running after the server stopped: {sorted(alive)}"


def _state(pid: int) -> str:
    try:
        return next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("State"))
    except (OSError, StopIteration):
        return "Z"


# --- the answer cache in front of the app (server.asgi.AnswerCache) --------------------------------------------------


class _Counted:
    """The real app behind a2wsgi, counting the requests that reach it (the ones the cache did not answer)."""

    def __init__(self, app) -> None:
        from a2wsgi import WSGIMiddleware

        self.inner, self.calls = WSGIMiddleware(app), 0

    async def __call__(self, scope, receive, send) -> None:
        self.calls += 1
        await self.inner(scope, receive, send)


def _asgi(
    front, query: str, accept: str = "application/sparql-results+json", **headers: str
) -> tuple[int, dict, bytes]:
    """POST ``query`` as a form through the ASGI ``front``, the way uvicorn calls it; (status, headers, body)."""
    import asyncio

    body = urllib.parse.urlencode({"query": query}).encode()
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    fields = {"host": "test", "accept": accept, "content-type": "application/x-www-form-urlencoded",
              "content-length": str(len(body)), **headers}  # fmt: skip
    scope = {"type": "http", "method": "POST", "path": "/sparql", "raw_path": b"/sparql", "query_string": b"",
             "headers": [(k.encode(), v.encode()) for k, v in fields.items()], "scheme": "http",
             "server": ("test", 80), "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": ""}  # fmt: skip
    asyncio.run(front(scope, receive, send))
    return sent[0]["status"], dict(sent[0]["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def test_a_repeated_request_is_answered_with_the_same_bytes_without_reaching_the_app(app):
    from minusma_kg.server.asgi import AnswerCache

    counted = _Counted(app)
    front = AnswerCache(counted, size=8)
    query = load_saved_queries()[0].text
    first = _asgi(front, query, **{"user-agent": "one"})
    again = _asgi(front, query, **{"user-agent": "another"})  # a header that cannot change the answer
    assert first[0] == 200 and again == first and counted.calls == 1
    # what the app reads makes another entry: the format asked for, a different text (a comment), the origin
    csv = _asgi(front, query, accept="text/csv")
    assert csv[0] == 200 and csv[1][b"content-type"].startswith(b"text/csv") and counted.calls == 2
    assert _asgi(front, query + "\n# again")[2] == first[2] and counted.calls == 3
    assert _asgi(front, query, origin="https://example.org")[0] == 200 and counted.calls == 4


def test_answers_that_may_not_be_shared_are_not_kept(app):
    from minusma_kg.server.asgi import AnswerCache

    counted = _Counted(app)
    front = AnswerCache(counted, size=8)
    for _ in range(2):  # a syntax error and a refused update reach the app every time
        assert _asgi(front, "SELECT WHERE {")[0] == 400
        assert _asgi(front, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")[0] in (400, 403)
    assert counted.calls == 4
    off = AnswerCache(counted, size=0)  # MINUSMA_KG_RESULT_CACHE=0 turns this cache off too
    query = load_saved_queries()[0].text
    assert _asgi(off, query)[0] == _asgi(off, query)[0] == 200 and counted.calls == 6


def test_the_cache_keeps_at_most_its_size(app):
    from minusma_kg.server.asgi import AnswerCache

    counted = _Counted(app)
    front = AnswerCache(counted, size=2)
    queries = [q.text for q in load_saved_queries() if "needs-internet" not in q.tags][:3]
    for query in queries:
        assert _asgi(front, query)[0] == 200
    assert len(front._items) == 2
    _asgi(front, queries[0])  # the oldest was dropped: asked again, it reaches the app
    assert counted.calls == 4


def test_headers_a_balancer_stamps_on_each_request_share_one_entry(app):
    """Regression: behind HAProxy every request carries its own X-Request-ID; keyed on it, the cache never hit
    and filled with copies of one answer. Only the headers an answer can depend on are part of the key."""
    from minusma_kg.server.asgi import AnswerCache

    counted = _Counted(app)
    front = AnswerCache(counted, size=8)
    query = load_saved_queries()[0].text
    answers = {_asgi(front, query, **{"x-request-id": str(n), "x-forwarded-for": f"10.0.0.{n}"})[2] for n in range(5)}
    assert len(answers) == 1 and counted.calls == 1 and len(front._items) == 1


def test_a_request_for_a_fresh_answer_reaches_the_app(app):
    """A balancer's health check says Cache-Control: no-cache: it must exercise the app and its workers, not be
    replayed from memory while they are stuck."""
    from minusma_kg.server.asgi import AnswerCache

    counted = _Counted(app)
    front = AnswerCache(counted, size=8)
    query = load_saved_queries()[0].text
    assert _asgi(front, query)[0] == 200 and counted.calls == 1
    assert _asgi(front, query, **{"cache-control": "no-cache"})[0] == 200 and counted.calls == 2
    assert _asgi(front, query)[0] == 200 and counted.calls == 2


def test_the_cache_keeps_at_most_its_bytes(app):
    from minusma_kg.server.asgi import AnswerCache

    counted = _Counted(app)
    queries = [q.text for q in load_saved_queries() if "needs-internet" not in q.tags][:3]
    sizes = [len(_asgi(AnswerCache(counted, size=0), q)[2]) for q in queries]
    front = AnswerCache(counted, size=8, max_total=sizes[0] + sizes[1])
    for query in queries:
        assert _asgi(front, query)[0] == 200
    assert front._bytes <= sizes[0] + sizes[1] and len(front._items) < 3
    assert front._bytes == sum(len(item[2]) for item in front._items.values())
