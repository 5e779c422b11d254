"""Replicas behind a real load balancer: Debian's HAProxy running deploy/haproxy/minusma-kg.cfg, unchanged.

Two `minusma-kg serve` replicas on one build and the balancer listen on loopback ports; clients query the saved
questions through the balancer (GET and POST) while one replica is killed (SIGKILL to its whole process group, as
when its machine dies) and later started again. HAProxy is a system package (`apt-get install haproxy`, which
.ci/run does): where it is missing these tests fail and say so, they do not skip.
"""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from minusma_kg.kg.queries import SavedQuery, load_saved_queries
from minusma_kg.server.config import Config

from tests.commands import free_port

ROOT = Path(__file__).resolve().parent.parent
CFG = ROOT / "deploy" / "haproxy" / "minusma-kg.cfg"
STORES_CFG = ROOT / "deploy" / "haproxy" / "oxigraph-stores.cfg"
BACKEND = "minusma-kg"
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
#: Never finishes on any build: it holds a query worker (and its client's slot) until the endpoint's timeout.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: The replicas' query timeout in these tests (seconds): how long a runaway query holds its client's slot.
QUERY_TIMEOUT = 3


def haproxy() -> str:
    """The haproxy binary (in /usr/sbin, which a user's PATH may lack); a clear failure where it is not installed."""
    found = shutil.which("haproxy", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if found is None:
        pytest.fail("HAProxy is not installed: run `apt-get install haproxy` (Debian's 2.6; .ci/run installs it)")
    return found


def saved_questions() -> list[SavedQuery]:
    """The saved questions a replica answers from its own data (the federated one needs the internet)."""
    return [q for q in load_saved_queries() if "needs-internet" not in q.tags]


def lb_env(bind: str, socket_path: Path, replicas: list[str]) -> dict[str, str]:
    env = {**os.environ, "MINUSMA_KG_LB_BIND": bind, "MINUSMA_KG_LB_SOCKET": str(socket_path)}
    env.update({f"MINUSMA_KG_REPLICA{i}": address for i, address in enumerate(replicas, 1)})
    return env


# --- the configuration itself (fast) ------------------------------------------------------------------------------


@pytest.mark.parametrize("files", [(CFG,), (CFG, STORES_CFG)], ids=["replicas", "replicas+stores"])
def test_haproxy_accepts_the_configuration(tmp_path, files):
    """`haproxy -c` parses the shipped files with their defaults and with the variables set, warning about nothing."""
    defaults = {k: v for k, v in os.environ.items() if not k.startswith("MINUSMA_KG_")}
    command = [haproxy(), "-c", *(arg for f in files for arg in ("-f", str(f)))]
    for env in (defaults, lb_env("127.0.0.1:1", tmp_path / "lb.sock", ["127.0.0.1:2", "127.0.0.1:3"])):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        assert done.returncode == 0, done.stdout + done.stderr
        assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr


def _directives() -> dict[str, list[str]]:
    """Each directive of the cfg (comments removed) -> its arguments, by the directive's first one or two words."""
    found: dict[str, list[str]] = {}
    for line in CFG.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split() if not line.lstrip().startswith("http-check") else line.split()
        if words:
            found.setdefault(words[0], words[1:])
            if len(words) > 1:
                found.setdefault(" ".join(words[:2]), words[2:])
    return found


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m)?", value).groups()  # type: ignore[union-attr]
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, None: 0.001}[unit]


def test_the_balancer_limits_follow_the_endpoints():
    """The balancer lets through what a replica accepts and waits as long as a replica may take (server/config.py)."""
    config, cfg = Config(), _directives()
    # a replica answers every query, 200 or 503, within its timeout: the balancer must wait longer than that
    assert _seconds(cfg["timeout server"][0]) > config.timeout
    # a head the balancer lets through (bufsize - maxrewrite) stays within a replica's limit once the balancer has
    # added its own headers (X-Request-ID, X-Forwarded-For, X-Forwarded-Proto: well under 512 bytes), and is not
    # much shorter than what a replica accepts
    accepted = int(cfg["tune.bufsize"][0]) - int(cfg["tune.maxrewrite"][0])
    assert config.max_url_bytes - 2048 <= accepted <= config.max_url_bytes - 512
    assert _seconds(cfg["timeout http-request"][0]) == config.head_timeout
    # the same body limit as a replica's
    deny = " ".join(cfg["http-request deny"])
    assert f"gt {config.max_request_bytes} " in deny + " " and "deny_status 413" in deny
    # the client's own X-Forwarded-For is dropped before HAProxy adds the real one
    lines = [ln.strip() for ln in CFG.read_text(encoding="utf-8").splitlines()]
    assert lines.index("http-request del-header X-Forwarded-For") < lines.index("option forwardfor")


# --- two replicas and the balancer (slow) -------------------------------------------------------------------------


@dataclass
class Replica:
    """One `minusma-kg serve` on a loopback port, in its own process group (killed whole, as a machine dies)."""

    name: str
    data: Path
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "MINUSMA_KG_TRUSTED_PROXIES": "127.0.0.1",  # the balancer, as the replica sees it
            "MINUSMA_KG_WORKERS": "3",  # with the reserve, as many query workers as the load has clients
            "MINUSMA_KG_PER_CLIENT": "1",
            "MINUSMA_KG_TIMEOUT": str(QUERY_TIMEOUT),
            "TMPDIR": str(self.workdir),  # a killed replica leaves its snapshot of the build here, not in /tmp
        }
        log = (self.workdir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "minusma_kg", "serve", "--data", str(self.data), "--port", str(self.port),
             "--processes", "1"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited: {(self.workdir / f'{self.name}.log').read_text()}")
            try:
                if get(self.address, "ASK {}")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"{self.name} did not start within 90 s")

    def kill(self) -> None:
        """SIGKILL to the supervisor, its HTTP process and its query workers at once; back when all are gone."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the port refuses once no process of the group holds it any more
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except ConnectionRefusedError:
                return
            time.sleep(0.01)
        pytest.fail(f"{self.name} still accepts connections after SIGKILL")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the supervisor stops its children and removes its snapshot
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything left behind in the group


@dataclass
class Balancer:
    """HAProxy running the shipped cfg, with its admin socket and its log (one line per request)."""

    process: subprocess.Popen
    port: int
    socket_path: Path
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.socket_path))
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def servers(self) -> dict[str, dict[str, str]]:
        """`show stat` for the replicas: name -> its row (status, check_status, ...)."""
        text = self.command("show stat").lstrip("# ")
        return {row["svname"]: row for row in csv.DictReader(io.StringIO(text))
                if row["pxname"] == BACKEND and row["svname"] not in ("FRONTEND", "BACKEND")}  # fmt: skip

    def wait_status(self, name: str, status: str, timeout: float = 30) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.servers()[name]
            if row["status"] == status:
                return row
            time.sleep(0.1)
        pytest.fail(f"{name} not {status} after {timeout} s: {self.servers()[name]}")


def get(address: str, query: str, headers: dict[str, str] | None = None,
        source: str = "127.0.0.1") -> tuple[int, http.client.HTTPResponse, bytes]:  # fmt: skip
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        path = "/sparql?" + urllib.parse.urlencode({"query": query})
        conn.request("GET", path, headers={"Accept": ACCEPT, **(headers or {})})
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


@dataclass
class Answer:
    sent: float
    method: str
    query: str
    status: int  # 0: no HTTP answer at all (the connection failed)
    served_by: str  # the replica that answered (the balancer's X-Served-By)
    complete: bool  # the whole body arrived (False: the connection closed part-way through it)
    error: str = ""


class Load:
    """Client threads asking the saved questions through the balancer, GET and POST in turn, on keep-alive."""

    def __init__(self, address: str, threads: int = 4) -> None:
        self.address, self.queries = address, saved_questions()
        self.answers: list[Answer] = []
        self._lock, self._stop = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(threads)]
        for t in self.threads:
            t.start()

    def _client(self, index: int) -> None:
        host, port = self.address.split(":")
        conn, n = http.client.HTTPConnection(host, int(port), timeout=30), index
        while not self._stop.is_set():
            query = self.queries[n % len(self.queries)]
            method = "GET" if n % 2 else "POST"
            n += 1
            sent, response = time.monotonic(), None
            try:
                if method == "GET":
                    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query.text}),
                                 headers={"Accept": ACCEPT})  # fmt: skip
                else:
                    form = {"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
                    conn.request("POST", "/sparql", body=urllib.parse.urlencode({"query": query.text}), headers=form)
                response = conn.getresponse()
                response.read()  # IncompleteRead when the body stops short of its length or last chunk
                answer = Answer(sent, method, query.name, response.status, response.getheader("X-Served-By", ""), True)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                status, server = (response.status, response.getheader("X-Served-By", "")) if response else (0, "")
                answer = Answer(sent, method, query.name, status, server, False, repr(exc))
            with self._lock:
                self.answers.append(answer)
            time.sleep(0.005)  # a steady load, not a benchmark: the machine is shared
        conn.close()

    def since(self, moment: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.sent >= moment]

    def stop(self) -> list[Answer]:
        self._stop.set()
        for t in self.threads:
            t.join(60)
        return self.answers


@pytest.fixture(scope="module")
def cluster(built, tmp_path_factory) -> Iterator[tuple[Balancer, list[Replica]]]:
    """Two replicas on the session's build and HAProxy in front of them, all on loopback."""
    exe = haproxy()
    workdir = tmp_path_factory.mktemp("replicas")
    replicas = [Replica(f"replica{i}", built.out, workdir) for i in (1, 2)]
    balancer = None
    try:
        for replica in replicas:
            replica.start()
        port, socket_path, log = free_port(), workdir / "lb.sock", workdir / "haproxy.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - the system's haproxy on our cfg
                [exe, "-db", "-f", str(CFG)],
                env=lb_env(f"127.0.0.1:{port}", socket_path, [r.address for r in replicas]),
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        balancer = Balancer(process, port, socket_path, log)
        deadline = time.monotonic() + 10
        while not socket_path.exists() and time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"haproxy exited: {log.read_text()}")
            time.sleep(0.05)
        for replica in replicas:
            balancer.wait_status(replica.name, "UP")
        yield balancer, replicas
    finally:
        if balancer is not None:
            balancer.process.terminate()
            balancer.process.wait(10)
        for replica in replicas:
            replica.stop()


@pytest.mark.slow
def test_an_etag_from_one_replica_holds_at_every_replica(cluster):
    """Replicas of one build give a query the same ETag, so a conditional request through the balancer gets its
    304 whichever replica it reaches, and the endpoint's caching headers pass the balancer unchanged."""
    balancer, replicas = cluster
    query = saved_questions()[0].text
    direct = [get(r.address, query) for r in replicas]
    assert [status for status, _, _ in direct] == [200, 200]
    etags = {response.getheader("ETag") for _, response, _ in direct}
    assert len(etags) == 1 and None not in etags
    status, response, body = get(balancer.address, query)
    assert status == 200 and body == direct[0][2]
    for header in ("ETag", "Vary", "Cache-Control", "X-Result-Count"):
        assert response.getheader(header) == direct[0][1].getheader(header), header
    etag = etags.pop()
    statuses = [get(balancer.address, query, {"If-None-Match": etag})[0] for _ in range(4)]
    assert statuses == [304] * 4
    # leastconn between idle replicas takes them in turn: both answered, through the same headers
    assert {get(balancer.address, query)[1].getheader("X-Served-By") for _ in range(4)} == {r.name for r in replicas}


@pytest.mark.slow
def test_clients_keep_being_answered_when_a_replica_dies_and_comes_back(cluster):
    balancer, replicas = cluster
    dead, survivor = replicas
    load = Load(balancer.address)
    try:
        # both replicas answer before the kill
        deadline = time.monotonic() + 30
        while not {dead.name, survivor.name} <= {a.served_by for a in load.since(0)} and time.monotonic() < deadline:
            time.sleep(0.1)
        dead.kill()
        killed_at = time.monotonic()  # from here on the dead replica cannot answer anything
        row = balancer.wait_status(dead.name, "DOWN", timeout=15)
        # the balancer saw it go: connection refused (L4CON) is how a dead replica's check fails
        assert row["check_status"] in ("L4CON", "L4TOUT", "L7RSP", "L7TOUT"), row
        down_at = time.monotonic()
        while len(load.since(down_at)) < 20 and time.monotonic() < down_at + 30:
            time.sleep(0.1)
        restarted_at = time.monotonic()
        dead.start()  # on the same port, as a restarted machine would
        balancer.wait_status(dead.name, "UP", timeout=30)
        up_at = time.monotonic()
        deadline = time.monotonic() + 30
        while sum(a.served_by == dead.name for a in load.since(up_at)) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        answers = load.stop()

    # What the cfg promises: a request is sent again to the other replica whenever the dead one had not begun to
    # answer it (connection refused, or closed with nothing sent), so every request gets a whole 200 except one
    # whose answer the killed replica had begun to send: its status line and part of its body are with the client
    # already, nothing can be sent again, and the client sees the connection close before the body's end (an
    # error, never a short answer taken for a whole one). At most one such request per client connection.
    cut = [a for a in answers if not (a.status == 200 and a.complete)]
    report = "\n".join(
        [f"{a.sent - killed_at:+.3f} s {a.method} {a.query}: {a.status} from {a.served_by!r} {a.error}" for a in cut]
        + [line for line in balancer.log.read_text().splitlines() if " ---- " not in line]
        + [
            f"{k}={v}"
            for k, v in balancer.servers()[dead.name].items()
            if k in ("wretr", "wredis", "eresp", "srv_abrt", "cli_abrt", "econ")
        ]
        + [line for line in balancer.command("show info").splitlines() if "Dropped" in line]
    )
    assert all(a.status == 200 and a.served_by == dead.name and a.sent < killed_at for a in cut), report
    assert len(cut) <= len(load.threads)
    after_kill = [a for a in answers if killed_at <= a.sent < restarted_at]
    assert len(after_kill) >= 20 and {a.method for a in after_kill} == {"GET", "POST"}
    # sent after the kill: every one answered whole, by the survivor, whichever replica the balancer tried first
    assert all(a.status == 200 and a.complete for a in after_kill)
    assert {a.served_by for a in after_kill} == {survivor.name}
    # back up: the restarted replica takes its share again, and every answer is whole
    back = [a for a in answers if a.sent >= up_at]
    assert all(a.status == 200 and a.complete for a in back)
    assert [a.served_by for a in back].count(dead.name) >= 5


@pytest.mark.slow
def test_the_replicas_count_the_real_client_not_the_balancer_nor_a_forged_header(cluster):
    """The per-client bound sees each client's own address (X-Forwarded-For from the balancer, which replicas
    trust), and a client cannot pass for another by sending its own X-Forwarded-For (the balancer drops it)."""
    balancer, replicas = cluster
    for replica in replicas:
        balancer.wait_status(replica.name, "UP")
    balancer.command(f"set server {BACKEND}/{replicas[1].name} state maint")  # one replica: one per-client count
    balancer.wait_status(replicas[1].name, "MAINT")
    try:

        def runaway(source: str, forged: str | None = None) -> int:
            headers = {"X-Forwarded-For": forged} if forged else {}
            return get(balancer.address, RUNAWAY, headers, source=source)[0]

        def together(*calls: tuple[str, str | None]) -> list[int]:
            results: list[int] = [0] * len(calls)

            def run(i: int) -> None:
                results[i] = runaway(*calls[i])

            threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
            for t in threads:
                t.start()
                time.sleep(0.5)  # the first holds its slot (for QUERY_TIMEOUT seconds) when the next arrives
            for t in threads:
                t.join(QUERY_TIMEOUT * 10)
            return results

        # one client, two forged addresses: still one client, so its second query is refused (per_client = 1). The
        # client is on the balancer's own address, which the replicas trust: were its header kept, the replicas
        # would take the forged address (the rightmost one they do not trust) for the client
        assert sorted(together(("127.0.0.1", "10.9.8.7"), ("127.0.0.1", "10.9.8.6"))) == [429, 503]
        # two clients, one balancer between them and the replica: each runs its query (stopped at the timeout)
        assert together(("127.0.0.2", None), ("127.0.0.3", None)) == [503, 503]
    finally:
        balancer.command(f"set server {BACKEND}/{replicas[1].name} state ready")
