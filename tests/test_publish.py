"""The published files: every form, every graph, byte-identical N-Quads from two builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from minusma_kg.kg import build as kg_build
from minusma_kg.kg.build import build
from minusma_kg.kg.layout import NQUADS, PUBLISHED, QUERIES, STORE, TRIG, TURTLE
from minusma_kg.kg.namespaces import INFERRED_GRAPH, LINKS_GRAPH, PREFIXES
from minusma_kg.kg.publish import STAGING_MARKER, dump, publish_atomically, write_dataset
from minusma_kg.kg.store import manifest
from rdflib import BNode, Dataset, Graph
from rdflib.compare import isomorphic

from minusma_kg.errors import UnsafeOutputDirError
from tests.corpus import Corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(articles, entities) -> Corpus:
    return Corpus(tuple(articles), tuple(entities))


def test_every_form_is_written_and_parses(built, corpus):
    out = built.out
    trig = Dataset()
    trig.parse(out / "minusma-kg.trig", format="trig")
    names = {str(g.identifier) for g in trig.graphs() if len(g)}
    assert names == set(corpus.named_graphs)  # one graph per article, and the five others
    union = Graph().parse(out / "minusma-kg.ttl", format="turtle")
    assert len(union) == len({(s, p, o) for s, p, o, _ in trig.quads((None, None, None, None))})
    report = Graph().parse(out / "validation-report.ttl", format="turtle")
    assert len(report) > 0
    info = json.loads((out / "build-info.json").read_text())
    assert info["stats"]["inferred_triples"] == len(trig.graph(INFERRED_GRAPH))


@pytest.mark.slow  # parses every dump whole with rdflib
def test_the_dumps_hold_the_same_quads_and_read_with_the_projects_prefixes(built):
    """N-Quads, TriG and Turtle are written from one sorted dump (pyoxigraph); rdflib reads each back the same."""
    out = built.out
    nquads, trig = Dataset(), Dataset()
    nquads.parse(out / NQUADS, format="nquads")
    trig.parse(out / TRIG, format="trig")
    turtle = Graph().parse(out / TURTLE, format="turtle")
    assert _quads(trig) == _quads(nquads)
    for g in nquads.graphs():  # the blank nodes (the ontology's RDF lists) too
        assert isomorphic(g, trig.graph(g.identifier)), g.identifier
    union = Graph()
    for s, p, o, _ in nquads.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(turtle, union)
    for name in (TRIG, TURTLE):
        text = (out / name).read_text(encoding="utf-8")
        assert all(f"@prefix {prefix}: <{ns}> ." in text for prefix, ns in PREFIXES.items()), name
        body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
        assert "mkg:" in body and "res:" in body, name  # the body reads with them


def _quads(ds: Dataset) -> set[tuple]:
    """Every quad without a blank node (a parser names those afresh), with its graph's name."""
    quads = ds.quads((None, None, None, None))
    return {(s, p, o, str(g)) for s, p, o, g in quads if not isinstance(s, BNode) and not isinstance(o, BNode)}


@pytest.mark.slow  # builds the graph again, twice
def test_two_builds_give_byte_identical_dumps(built, tmp_path):
    """Built again in another process (another hash seed, so another order of every set and dict): the same bytes."""
    again = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    done = subprocess.run([sys.executable, "-m", "minusma_kg", "build", "--out", str(again)],  # noqa: S603
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr
    for name in (NQUADS, TRIG, TURTLE):
        assert (built.out / name).read_bytes() == (again / name).read_bytes(), name
    lines = (built.out / NQUADS).read_text().splitlines()
    assert lines == sorted(lines)
    assert len(set(lines)) == len(lines)


@pytest.mark.slow  # builds the graph again, twice
def test_building_into_an_empty_directory_then_rebuilding_replaces_the_output_whole(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert build(out).ok
    assert json.loads((out / "build-info.json").read_text())["generator"] == "minusma-kg"
    (out / "stale.txt").write_text("from an older build")
    assert build(out).ok
    assert not (out / "stale.txt").exists()
    assert (out / "minusma-kg.nq").stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging directory left beside it
    assert not (out / STAGING_MARKER).exists()


def test_every_core_class_has_instances(built, corpus):
    counts = built.stats.instances_per_class
    for cls, least in {
        "mkg:Mission": 1, "mkg:Mandate": 3, "mkg:Resolution": 2, "mkg:Coup": 2, "mkg:Withdrawal": 7,
        "mkg:Statement": 25, "mkg:Person": 10, "mkg:Country": 10, "mkg:NewsArticle": 5,
    }.items():  # fmt: skip
        assert counts.get(cls, 0) >= least, cls
    # exactly what the annotations declare, plus one article, one evidence node per fact and one claim per date
    assert counts == dict(corpus.instance_counts())


def test_the_dataset_describes_itself_in_void_and_dcat(built, corpus):
    from minusma_kg.kg.namespaces import RES, VOID
    from rdflib import URIRef
    from rdflib.namespace import DCAT, RDF

    g = Graph().parse(built.out / "void.ttl", format="turtle")
    dataset = RES["dataset"]
    assert (dataset, RDF.type, VOID.Dataset) in g and (dataset, RDF.type, DCAT.Dataset) in g
    subsets = {str(s): int(g.value(s, VOID.triples)) for s in g.objects(dataset, VOID.subset)}
    assert subsets == built.stats.triples_per_graph
    assert len(list(g.objects(dataset, DCAT.distribution))) == 6  # each dump, and each gzip-compressed
    assert int(g.value(URIRef(LINKS_GRAPH), VOID.triples)) >= 25
    sources = {str(s) for s in g.objects(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))}
    assert sources == corpus.article_iris  # the source articles, every one


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes, to show that nothing was touched."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def fake_checkout(directory: Path) -> Path:
    (directory / "kg").mkdir(parents=True)
    (directory / "README.md").write_text("# my project\n")
    (directory / "kg" / "x.py").write_text("print('mine')\n")
    return directory


def write_one_file(directory: Path) -> None:
    (directory / "build-info.json").write_text(json.dumps({"generator": "minusma-kg", "format_version": 1}))


def snapshot_of(write) -> dict[str, bytes]:
    """What ``write`` puts in an empty directory."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        write(Path(d))
        return snapshot(Path(d))


def test_build_refuses_a_directory_of_user_files_before_any_work(tmp_path, monkeypatch):
    checkout = fake_checkout(tmp_path / "checkout")
    before = snapshot(checkout)
    monkeypatch.setattr(kg_build, "check", lambda *_: pytest.fail("the build started before refusing"))
    with pytest.raises(UnsafeOutputDirError) as caught:
        build(checkout)
    assert str(caught.value) == (f"{checkout.resolve()} holds files that are not a minusma-kg build; refusing to "
                                 "replace it. Choose an empty or new directory with --out.")  # fmt: skip
    assert snapshot(checkout) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkout"]


def test_publish_refuses_user_files_and_a_plain_file(tmp_path):
    checkout = fake_checkout(tmp_path / "checkout")
    before = snapshot(checkout)
    with pytest.raises(UnsafeOutputDirError, match="not a minusma-kg build"):
        publish_atomically(checkout, lambda d: pytest.fail("wrote before refusing"))
    assert snapshot(checkout) == before
    with pytest.raises(UnsafeOutputDirError, match="not a directory"):
        publish_atomically(checkout / "README.md", write_one_file)
    assert snapshot(checkout) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkout"]


def test_publish_checks_again_just_before_the_swap(tmp_path):
    """A file that appears in the output while the build runs stops the swap; the staging directory goes."""
    out = tmp_path / "out"
    out.mkdir()

    def write(directory: Path) -> None:
        write_one_file(directory)
        (out / "notes.txt").write_text("written meanwhile")

    with pytest.raises(UnsafeOutputDirError):
        publish_atomically(out, write)
    assert snapshot(out) == {"notes.txt": b"written meanwhile"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_legacy_build_is_replaced_only_if_it_holds_nothing_else(built, tmp_path):
    legacy = Path(shutil.copytree(built.out, tmp_path / "legacy"))
    shutil.rmtree(legacy / STORE)  # builds from before the generator key had no store either,
    shutil.rmtree(legacy / QUERIES)  # nor a copy of the saved queries
    info = json.loads((legacy / "build-info.json").read_text())
    del info["generator"], info["format_version"], info["store"]
    (legacy / "build-info.json").write_text(json.dumps(info))
    assert {p.name for p in legacy.iterdir()} <= PUBLISHED
    publish_atomically(legacy, write_one_file)
    assert snapshot(legacy) == snapshot_of(write_one_file)

    mixed = Path(shutil.copytree(built.out, tmp_path / "mixed"))
    shutil.rmtree(mixed / STORE)
    shutil.rmtree(mixed / QUERIES)
    (mixed / "build-info.json").write_text(json.dumps(info))
    (mixed / "notes.txt").write_text("mine")
    before = snapshot(mixed)
    with pytest.raises(UnsafeOutputDirError):
        publish_atomically(mixed, write_one_file)
    assert snapshot(mixed) == before


def test_a_killed_build_leaves_staging_that_the_next_build_removes(built, tmp_path):
    """Only directories that carry the staging marker (or old ones that hold a build) are removed."""
    out = tmp_path / "out"
    killed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import os, sys; from pathlib import Path; "
         "from minusma_kg.kg.publish import publish_atomically; "
         "publish_atomically(Path(sys.argv[1]), lambda d: os._exit(9))", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == 9, killed.stderr
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".out.new-")]
    assert len(left) == 1 and (left[0] / STAGING_MARKER).is_file()

    look_alikes = [tmp_path / ".out.new-mine", tmp_path / ".out.old-mine"]
    for d in look_alikes:
        d.mkdir()
        (d / "notes.txt").write_text("mine, not a build's")
    shutil.copytree(built.out, tmp_path / ".out.old-previous")  # killed between the rename and its marker
    running = tmp_path / ".out.new-running"  # a build still running (this process) keeps its directory
    running.mkdir()
    (running / STAGING_MARKER).write_text(json.dumps({"pid": os.getpid()}))
    before = {d.name: snapshot(d) for d in [*look_alikes, running]}

    publish_atomically(out, write_one_file)
    assert snapshot(out) == snapshot_of(write_one_file)
    assert {d.name: snapshot(d) for d in [*look_alikes, running]} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", *before])


def test_a_failure_while_the_store_loads_is_raised_after_the_store_stopped_writing(built, tmp_path):
    """The store loads in a thread while the documentation is written: when the documentation fails, the error
    reaches the build only once nothing writes into the staging directory any more (the build then removes it)."""
    ds = Dataset()
    ds.parse(built.out / NQUADS, format="nquads")
    dumped = dump(ds)

    def docs_fail() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_dataset(dumped, tmp_path, meanwhile=docs_fail)
    assert not [t for t in threading.enumerate() if t.name.startswith("store")]
    assert manifest(tmp_path / STORE)  # complete: written to the end before the error was raised
    assert len(ox.Store.read_only(str(tmp_path / STORE))) >= len(ds)  # every quad, and the union
