"""The build's read-only store (kg/store.py): the same answers as the N-Quads, opened by every worker, never changed
by serving, pinned with the rest of the build, and ignored (with the N-Quads served instead) when it is damaged."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from minusma_kg.kg.dataset_dir import open_build
from minusma_kg.kg.layout import STORE
from minusma_kg.kg.sparql import QueryJob, execute
from minusma_kg.kg.store import load_in_memory, manifest, open_store
from minusma_kg.server.engine import Engine, WorkerSettings
from minusma_kg.server.snapshot import pin

from tests.comparison import COMPARISON_QUERIES, UNORDERED, rows_of

QUERIES = {
    "union-size": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # the union default graph, each triple once
    **COMPARISON_QUERIES,
}


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture
def copy(built, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built.out, tmp_path / "build"))


def test_the_build_writes_a_store_that_build_info_describes(built) -> None:
    info = json.loads((built.out / "build-info.json").read_text(encoding="utf-8"))
    assert info["store"] == {"files": manifest(built.out / STORE), "dataset_sha256": info["dataset_sha256"]}
    assert open_build(built.out).store == built.out / STORE


def test_a_store_older_than_the_dataset_is_not_trusted(copy: Path) -> None:
    """N-Quads changed (and build-info.json with them) but the store left as it was: the N-Quads are served."""
    nq = copy / "minusma-kg.nq"
    nq.write_bytes(nq.read_bytes() + b'<https://example.org/s> <https://example.org/p> "new" .\n')
    info = json.loads((copy / "build-info.json").read_text(encoding="utf-8"))
    info["dataset_sha256"] = hashlib.sha256(nq.read_bytes()).hexdigest()
    (copy / "build-info.json").write_text(json.dumps(info), encoding="utf-8")
    build = open_build(copy)
    assert build.store is None
    on_disk = open_store(build.nquads, build.store)
    assert json.loads(execute(on_disk, QueryJob('ASK { ?s ?p "new" }')).body)["boolean"] is True


@pytest.fixture(scope="module")
def stores(built):
    build = open_build(built.out)
    return open_store(build.nquads, build.store), load_in_memory(build.nquads)


@pytest.mark.parametrize("name", QUERIES)
def test_the_store_answers_as_the_nquads_do(stores, name: str) -> None:
    on_disk, in_memory = stores
    job = QueryJob(QUERIES[name], limit=100_000)
    unordered = UNORDERED.get(name)
    got, expected = (json.loads(execute(s, job).body) for s in (on_disk, in_memory))
    assert rows_of(got, unordered) == rows_of(expected, unordered)
    assert got["results"]["bindings"], name  # every comparison query has answers


def test_serving_never_changes_the_store(built, tmp_path: Path) -> None:
    before = _digests(built.out / STORE)
    engine = Engine(built.out / "minusma-kg.nq", workers=2, reserved=1, store=built.out / STORE)
    try:
        for _ in range(3):
            assert json.loads(engine.run(QueryJob("ASK { ?s ?p ?o }"), 10.0).body)["boolean"] is True
    finally:
        engine.close()
    assert _digests(built.out / STORE) == before


def test_a_damaged_store_is_not_trusted_and_the_nquads_are_served(copy: Path) -> None:
    sst = next(p for p in sorted((copy / STORE).iterdir()) if p.suffix == ".sst")
    with sst.open("ab") as fh:
        fh.write(b"\0")  # a size that build-info.json does not list: a truncated or altered copy
    build = open_build(copy)
    assert build.store is None
    engine = Engine(build.nquads, workers=1, reserved=0, store=build.store)
    try:
        body = engine.run(QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), 10.0).body
    finally:
        engine.close()
    expected = execute(load_in_memory(build.nquads), QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")).body
    assert body == expected


def test_a_build_without_a_store_is_still_served(built, copy: Path) -> None:
    """An older build (no store): the N-Quads give the same union as the original build's store."""
    shutil.rmtree(copy / STORE)
    build = open_build(copy)
    assert build.store is None
    job = QueryJob(QUERIES["union-size"])
    with_store = open_build(built.out)
    assert with_store.store is not None
    expected = execute(open_store(with_store.nquads, with_store.store), job).body
    assert execute(open_store(build.nquads, build.store), job).body == expected


def test_the_snapshot_pins_the_store_with_hard_links(copy: Path) -> None:
    snapshot = pin(copy)
    try:
        assert manifest(snapshot / STORE) == manifest(copy / STORE)
        for f in (copy / STORE).iterdir():
            assert os.stat(snapshot / STORE / f.name).st_ino == f.stat().st_ino  # no copy of the data
        assert open_build(snapshot).store == snapshot / STORE
        shutil.rmtree(copy)  # a rebuild replaces the directory: the pinned store lives on
        assert len(open_store(snapshot / "minusma-kg.nq", snapshot / STORE)) > 0
    finally:
        shutil.rmtree(snapshot)


def test_the_app_opens_the_store(app) -> None:
    engine = app.extensions["minusma-kg"].engine
    assert engine.store is not None and engine.store.name == STORE


def test_workers_on_the_store_keep_their_sandbox(built) -> None:
    engine = Engine(built.out / "minusma-kg.nq", workers=1, reserved=0, store=built.out / STORE,
                    settings=WorkerSettings(deny_network=True, max_memory=1024 * 1024 * 1024))  # fmt: skip
    try:
        assert engine.sandboxed
        assert json.loads(engine.run(QueryJob("ASK { ?s ?p ?o }"), 10.0).body)["boolean"] is True
    finally:
        engine.close()
