"""The minusma-kg command as a user runs it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kg.cli import main


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
    exe = shutil.which("minusma-kg")
    assert exe, "minusma-kg is not on PATH: install the project (pip install -e .)"
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)
    assert "build" in done.stdout and "validate" in done.stdout


def test_query_list_names_every_saved_query(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "14-coup-leaders-inferred" in out and "Who led the coups (inferred)" in out
    assert len(out.strip().splitlines()) >= 25


def test_query_prints_a_table_csv_or_json(built, capsys):
    assert main(["query", "14", "--data", str(built.out)]) == 0
    table = capsys.readouterr().out
    assert "res:assimi-goita" in table and "Assimi Goïta" in table and "(1 row)" in table
    assert main(["query", "12-security-council", "--format", "csv", "--data", str(built.out)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "members,votesRequired,vetoHolder"
    assert main(["query", "18", "--data", str(built.out)]) == 0
    assert capsys.readouterr().out == "yes\n"


def test_query_runs_a_file_and_reports_a_bad_one(built, tmp_path, capsys):
    good = tmp_path / "mine.rq"
    good.write_text("# title: t\n# description: d\n# tags: people\nSELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/minusma-kg/ontology#Coup> }\n")
    assert main(["query", str(good), "--format", "json", "--data", str(built.out)]) == 0
    import json

    assert json.loads(capsys.readouterr().out)["results"]["bindings"][0]["n"]["value"] == "2"
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: t\n# description: d\n# tags: people\nSELECT * WHERE { ?s }\n")
    assert main(["query", str(bad), "--data", str(built.out)]) == 1
    assert "syntax error" in capsys.readouterr().err


def test_serve_runs_the_production_server_on_loopback(built, tmp_path):
    """`minusma-kg serve` as the README runs it: gunicorn on 127.0.0.1, answering SPARQL until stopped."""
    import json
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = shutil.which("minusma-kg")
    assert exe
    proc = subprocess.Popen([exe, "serve", "--data", str(built.out), "--port", str(port), "--processes", "1"],
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
