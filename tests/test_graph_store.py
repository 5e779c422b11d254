"""Uploading a build to a Graph Store: what is sent where, and never a password in clear or in a log."""

from __future__ import annotations

import http.server
import threading

import pytest
from minusma_kg.kg.graph_store import Credentials, _in_clear_is_safe, _session


def test_a_password_is_not_shown_in_a_traceback_or_log():
    assert "s3cret" not in repr(Credentials("dba", "s3cret"))


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://store.example.org/sparql-graph-crud-auth", True),
        ("http://127.0.0.1:8890/sparql-graph-crud-auth", True),
        ("http://[::1]:8890/store", True),
        ("http://localhost:7878/store", True),
        ("http://store.example.org/sparql-graph-crud-auth", False),
        ("http://10.0.0.5:8890/store", False),
    ],
)
def test_basic_auth_goes_only_over_https_or_to_this_machine(url, safe):
    assert _in_clear_is_safe(url) is safe


class _AsksForBasic(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="store"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_store_on_this_machine_that_asks_for_basic_gets_it():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AsksForBasic)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/store"
        with _session(url, Credentials("dba", "s3cret"), timeout=5) as session:
            assert session.auth is not None and type(session.auth).__name__ == "HTTPBasicAuth"
    finally:
        server.shutdown()
        server.server_close()
