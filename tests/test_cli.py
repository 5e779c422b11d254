"""The minusma-kg command as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from minusma_kg.kg import build as kg_build
from minusma_kg.server import wsgi as server_wsgi

from minusma_kg.cli import main
from minusma_kg.errors import QueryFileError
from tests.commands import console_script, free_port
from tests.test_publish import fake_checkout, snapshot


@pytest.mark.slow  # a full build
def test_build_prints_counts_and_publishes(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Triples per named graph:" in out and "mkg:Statement" in out and "Inferred triples" in out
    assert (tmp_path / "out" / "minusma-kg.trig").exists()


def test_validate_reports_conformance(capsys):
    assert main(["validate"]) == 0
    assert "conforms" in capsys.readouterr().out


def test_stats_reads_a_built_dataset(built, capsys):
    assert main(["stats", "--data", str(built.out)]) == 0
    out = capsys.readouterr().out
    assert "https://w3id.org/minusma-kg/graph/article/003" in out and "mkg:Withdrawal" in out


def test_stats_without_a_build_says_what_to_do(tmp_path, capsys):
    assert main(["stats", "--data", str(tmp_path)]) == 1
    assert "minusma-kg build" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["build", "validate", "stats"])
def test_each_subcommand_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert len(capsys.readouterr().out) > 100


def test_the_installed_console_script_runs():
    exe = console_script()
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)  # noqa: S603 (our own script)
    assert "build" in done.stdout and "validate" in done.stdout


def test_query_list_names_every_saved_query(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "14-coup-leaders-inferred" in out and "Who led the coups (inferred)" in out
    assert len(out.strip().splitlines()) >= 25


def test_query_prints_a_table_csv_or_json(built, capsys):
    import re

    from minusma_kg.kg.queries import find_saved_query
    from minusma_kg.kg.sparql import QueryJob, execute
    from minusma_kg.kg.store import load_in_memory

    assert main(["query", "14", "--data", str(built.out)]) == 0
    table = capsys.readouterr().out
    assert "res:assimi-goita" in table and "Assimi Goïta" in table
    leaders = execute(load_in_memory(built.out / "minusma-kg.nq"), QueryJob(find_saved_query("14").text)).count
    assert leaders >= 1 and re.search(rf"\({leaders} rows?\)\n$", table)  # as many rows as the query has
    assert main(["query", "12-security-council", "--format", "csv", "--data", str(built.out)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "members,votesRequired,vetoHolder"
    assert main(["query", "18", "--data", str(built.out)]) == 0
    assert capsys.readouterr().out == "yes\n"


def test_query_runs_a_file_and_reports_a_bad_one(built, entities, tmp_path, capsys):
    good = tmp_path / "mine.rq"
    good.write_text("# title: t\n# description: d\n# tags: people\n"
                    "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/minusma-kg/ontology#Coup> }\n")  # fmt: skip
    assert main(["query", str(good), "--format", "json", "--data", str(built.out)]) == 0
    import json

    coups = sum(e.type == "Coup" for e in entities)  # the 2020 and 2021 coups today
    assert coups >= 2 and json.loads(capsys.readouterr().out)["results"]["bindings"][0]["n"]["value"] == str(coups)
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: t\n# description: d\n# tags: people\nSELECT * WHERE { ?s }\n")
    assert main(["query", str(bad), "--data", str(built.out)]) == 1
    assert "syntax error" in capsys.readouterr().err


def test_serve_runs_the_production_server_on_loopback(built, tmp_path):
    """`minusma-kg serve` as the README runs it: gunicorn on 127.0.0.1, answering SPARQL until stopped."""
    import json
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = console_script()
    proc = subprocess.Popen([exe, "serve", "--data", str(built.out), "--port", str(port), "--processes", "1"],  # noqa: S603
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20a%20%3Chttps%3A%2F%2Fw3id.org%2Fminusma-kg%2Fontology%23Coup%3E%7D"
        deadline, answer = time.time() + 60, None
        while time.time() < deadline and answer is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    answer = json.load(resp)
            except OSError:
                time.sleep(0.3)
        assert answer == {"head": {}, "boolean": True}
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/sparql" in out


# --- never lose a user's files; one clear line for every mistake -------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m minusma_kg`` from this checkout, as a user runs it: exit code and output, tracebacks included."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "minusma_kg", *args], cwd=cwd, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


@pytest.fixture
def no_build_no_serve(monkeypatch):
    """Fail the test if a command starts a build or a server."""
    monkeypatch.setattr(kg_build, "build", lambda *_, **__: pytest.fail("a build was started"))
    monkeypatch.setattr(server_wsgi, "serve", lambda *_, **__: pytest.fail("the server was started"))


def test_build_refuses_a_checkout_with_one_clear_line(tmp_path):
    checkout = fake_checkout(tmp_path / "checkout")
    before = snapshot(checkout)
    done = run_cli("build", "--out", str(checkout))
    assert done.returncode == 1
    assert done.stderr == (f"{checkout.resolve()} holds files that are not a minusma-kg build; refusing to replace it. "
                           "Choose an empty or new directory with --out.\n")  # fmt: skip
    assert snapshot(checkout) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkout"]


def test_build_refuses_before_building(tmp_path, capsys, monkeypatch):
    checkout = fake_checkout(tmp_path / "checkout")
    monkeypatch.setattr(kg_build, "check", lambda *_: pytest.fail("the build started before refusing"))
    assert main(["build", "--out", str(checkout)]) == 1
    assert "refusing to replace it" in capsys.readouterr().err


READERS = [["query", "18"], ["serve", "--port", "PORT"], ["publish", "--to", "http://127.0.0.1:9/store"], ["stats"]]


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_a_named_data_directory_must_hold_a_build(command, tmp_path, capsys, no_build_no_serve):
    """--data DIR is read, never built into: a checkout, an empty or a missing directory stays as it was."""
    command = [str(free_port()) if c == "PORT" else c for c in command]
    checkout = fake_checkout(tmp_path / "checkout")
    empty, missing = tmp_path / "empty", tmp_path / "missing"
    empty.mkdir()
    before = snapshot(checkout)
    cases = ((checkout, "is not a minusma-kg build"), (empty, "is empty"), (missing, "no built dataset at"))
    for data, message in cases:
        assert main([*command, "--data", str(data)]) == 1
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert snapshot(checkout) == before
    assert list(empty.iterdir()) == [] and not missing.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkout", "empty"]


def test_query_on_a_checkout_fails_without_a_traceback(tmp_path):
    checkout = fake_checkout(tmp_path / "checkout")
    before = snapshot(checkout)
    done = run_cli("query", "18", "--data", str(checkout))
    assert done.returncode == 1 and done.stdout == ""
    assert "is not a minusma-kg build" in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert snapshot(checkout) == before


def test_a_truncated_build_is_an_error_not_a_rebuild(built, tmp_path, capsys, no_build_no_serve):
    copy = Path(shutil.copytree(built.out, tmp_path / "copy"))
    nq = copy / "minusma-kg.nq"
    nq.write_bytes(nq.read_bytes()[:-200])
    assert main(["query", "18", "--data", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "does not match the dataset_sha256" in err and len(err.strip().splitlines()) == 1


def test_a_stale_build_is_used_with_a_warning(built, tmp_path, capsys, no_build_no_serve):
    copy = Path(shutil.copytree(built.out, tmp_path / "copy"))
    info = json.loads((copy / "build-info.json").read_text())
    (copy / "build-info.json").write_text(json.dumps({**info, "sources_sha256": "0" * 64}))
    assert main(["query", "18", "--data", str(copy)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "yes\n"
    assert captured.err.startswith("warning:") and "older sources" in captured.err
    assert len(captured.err.splitlines()) == 1


@pytest.mark.slow  # a second server process on a copied build (serve itself stays in the default run)
def test_a_relative_data_directory_serves_every_route(built, tmp_path):
    """Flask resolves a relative directory against server/; the dumps, the VoID and the ontology page must not 404."""
    import urllib.request

    shutil.copytree(built.out, tmp_path / "copy")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "minusma_kg", "serve", "--data", "copy", "--port", str(port),  # noqa: S603
                             "--processes", "1"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, up = time.time() + 60, False
        while time.time() < deadline and not up and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/sparql", timeout=5):  # noqa: S310
                    up = True
            except OSError:
                time.sleep(0.3)
        assert up, proc.stderr.read() if proc.poll() is not None else "the server did not answer"
        for path in ("/dumps/minusma-kg.nq", "/.well-known/void", "/ontology"):
            req = urllib.request.Request(base + path, headers={"Accept": "text/html"})  # noqa: S310
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
                assert resp.status == 200 and resp.read(), path
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


@pytest.mark.parametrize("port", ["80000", "0", "-1", "eighty"])
def test_serve_rejects_a_port_out_of_range_as_a_usage_error(port, capsys, no_build_no_serve):
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", port])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --port" in err and "Traceback" not in err


def test_serve_says_when_the_port_is_in_use(built, listener, capsys, no_build_no_serve):
    assert main(["serve", "--data", str(built.out), "--port", str(listener.port)]) == 1
    captured = capsys.readouterr()
    assert str(listener.port) in captured.err and "--port" in captured.err
    assert len(captured.err.splitlines()) == 1 and "SPARQL endpoint" not in captured.out


def test_query_runs_an_ad_hoc_file_without_a_header(built, tmp_path, capsys):
    mine = tmp_path / "mine.rq"
    mine.write_text("# just my own comment\n"
                    "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/minusma-kg/ontology#Coup> }\n")  # fmt: skip
    assert main(["query", str(mine), "--format", "json", "--data", str(built.out)]) == 0
    assert int(json.loads(capsys.readouterr().out)["results"]["bindings"][0]["n"]["value"]) >= 1


def test_saved_queries_still_need_their_header(tmp_path):
    from minusma_kg.kg.queries import find_saved_query

    headerless = tmp_path / "queries" / "99-mine.rq"
    headerless.parent.mkdir()
    headerless.write_text("ASK { ?s ?p ?o }\n")
    with pytest.raises(QueryFileError):
        find_saved_query(str(headerless), directory=headerless.parent)
    assert find_saved_query(str(headerless), directory=tmp_path / "elsewhere").title == "99-mine"


def test_query_refuses_a_service_call_off_the_allow_list(built, tmp_path, listener, capsys, monkeypatch):
    """The command line applies the endpoint's SERVICE rule: no connection unless MINUSMA_KG_ALLOWED_SERVICES says."""
    target = f"http://127.0.0.1:{listener.port}/"
    federated = tmp_path / "federated.rq"
    header = "# title: t\n# description: d\n# tags: federated\n"  # a saved query's header: it is not what stops it
    federated.write_text(f"{header}SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}\n")
    monkeypatch.delenv("MINUSMA_KG_ALLOWED_SERVICES", raising=False)
    assert main(["query", str(federated), "--data", str(built.out)]) == 1
    assert "is not allowed" in capsys.readouterr().err
    time.sleep(0.5)
    assert listener.connections == []

    monkeypatch.setenv("MINUSMA_KG_ALLOWED_SERVICES", target)  # allowed: the query runs and calls the listener
    main(["query", str(federated), "--data", str(built.out)])
    deadline = time.time() + 5
    while not listener.connections and time.time() < deadline:
        time.sleep(0.1)
    assert listener.connections


def test_a_union_graph_without_a_store_is_an_error_not_ignored(capsys, monkeypatch):
    """Regression: --store-union-graph without --store was silently ignored and the built-in engine served."""
    monkeypatch.delenv("MINUSMA_KG_STORE", raising=False)
    assert main(["serve", "--store-union-graph", "--port", "9"]) == 1
    assert "--store URL" in capsys.readouterr().err


def test_query_tables_shorten_graph_names_as_the_project_names_them(built, capsys):
    """Regression: one shortener for all left graph IRIs whole in tables (``mkgg:article/003`` has a slash)."""
    assert main(["query", "33", "--data", str(built.out)]) == 0
    table = capsys.readouterr().out
    assert "mkgg:article/" in table and "https://w3id.org/minusma-kg/graph/" not in table
