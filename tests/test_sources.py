"""Every input is named by ``Sources`` and read by ``kg.sources``, each problem with its file and line."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from minusma_kg.kg import paths
from minusma_kg.kg.assemble import assemble
from minusma_kg.kg.build import build, sources_digest
from minusma_kg.kg.namespaces import EXTERNAL_GRAPH, MKG, RES
from minusma_kg.kg.sources import PACKAGE_SOURCES, Sources, read_sources, read_turtle
from rdflib import Literal

from minusma_kg.errors import AnnotationErrors


def _errors(workspace: Path) -> list[str]:
    with pytest.raises(AnnotationErrors) as info:
        assemble(read_sources(Sources.in_directory(workspace)))
    return [str(e) for e in info.value.errors]


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; return the line it stood on."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "message", "at"),
    [
        ("  label:", "  lable:", "unknown key 'lable' in source", "  label:"),
        ("  label:", "  # label:", "missing required key 'label' in source", "source:"),
        ("source:", "sources:", "unknown key 'sources'", "source:"),
        ("source:", "sources:", "missing required key 'source'", "source:"),
        ("- about: resolution-renewal", "- abut: resolution-renewal", "missing required key 'about'", "- about"),
        ("about: resolution-renewal", "about: resolution-renewl", "'resolution-renewl' is not a declared entity",
         "about: resolution-renewal"),
        ("resolutionNumber: 2640", "resolutionNumbr: 2640", "unknown datatype property mkg:resolutionNumbr",
         "resolutionNumber: 2640"),
        ("resolutionNumber: 2640", "resolutionNumber: two", "resolutionNumber: 'two' is not an integer",
         "resolutionNumber: 2640"),
        ("resolutionNumber: 2640", "resolutionNumber: [2640]", "resolutionNumber: the value must be a single value",
         "resolutionNumber: 2640"),
        ("  id: unsc-resolution-documents", "  id: [unsc]", "source id must be text", "  id:"),
    ],
)  # fmt: skip
def test_a_typo_in_external_yaml_names_file_and_line_not_a_key_error(
    workspace: Path, old: str, new: str, message: str, at: str
) -> None:
    external = workspace / "external.yaml"
    text = external.read_text(encoding="utf-8")
    line = text[: text.index(at)].count("\n") + 1
    external.write_text(text.replace(old, new, 1), encoding="utf-8")
    errors = _errors(workspace)
    assert any(f"external.yaml:{line}: {message}" in e for e in errors), errors


def test_the_external_facts_are_published_with_their_source(workspace: Path) -> None:
    ds = assemble(read_sources(Sources.in_directory(workspace))).dataset
    g = ds.graph(EXTERNAL_GRAPH)
    assert (RES["resolution-renewal"], MKG.resolutionNumber, Literal(2640)) in g
    assert (RES["resolution-termination"], MKG.resolutionNumber, Literal(2690)) in g


def test_a_links_row_without_a_qid_names_file_and_line_not_an_index_error(workspace: Path) -> None:
    links = workspace / "wikidata" / "links.tsv"
    line = links.read_text(encoding="utf-8").count("\n") + 1
    links.write_text(links.read_text(encoding="utf-8") + "wagner-group\n", encoding="utf-8")
    assert any(f"links.tsv:{line}: expected at least 2 tab-separated columns" in e for e in _errors(workspace))


def test_a_wrong_header_in_qids_tsv_names_file_and_line_not_a_key_error(workspace: Path) -> None:
    line = _edit(workspace / "wikidata" / "qids.tsv", "qid\tlabel\twhat it is\tstatus", "qid\tlabel\tkind\tstatus")
    assert any(f"qids.tsv:{line}: the header must start" in e for e in _errors(workspace))


# --- Sources lists every input --------------------------------------------------------------------------------------


@pytest.fixture
def copied(tmp_path: Path, workspace: Path) -> Sources:
    """Every input copied under ``tmp_path`` (the ontology, shapes and saved queries too), and Sources naming them."""
    ontology, queries = tmp_path / "ontology", tmp_path / "queries"
    ontology.mkdir()
    shutil.copy(paths.ONTOLOGY, ontology / paths.ONTOLOGY.name)
    shutil.copy(paths.SHAPES, ontology / paths.SHAPES.name)
    shutil.copytree(paths.QUERIES_DIR, queries, ignore=shutil.ignore_patterns("__*"))
    return replace(
        Sources.in_directory(workspace),
        ontology_file=ontology / paths.ONTOLOGY.name,
        shapes_file=ontology / paths.SHAPES.name,
        queries_dir=queries,
    )


def test_every_listed_file_changes_the_digest(copied: Sources) -> None:
    files = copied.files()
    for kind in ("articles", "entities", "external", "links", "qids", "properties", "mappings", "fr", "coordinates",
                 "minusma", "shapes", "01-timeline"):  # fmt: skip
        assert any(f.stem == kind or f.parent.name == kind for f in files), f"Sources.files() lists no {kind}"
    before = sources_digest(copied)
    for f in files:
        original = f.read_bytes()
        f.write_bytes(original + b"\n")
        assert sources_digest(copied) != before, f"changing {f.name} leaves the digest as it was"
        f.write_bytes(original)
    assert sources_digest(copied) == before


def _reads(mode: object, flags: object) -> bool:
    if isinstance(mode, str):
        return "r" in mode and "+" not in mode
    return isinstance(flags, int) and not flags & (os.O_WRONLY | os.O_RDWR)


@pytest.fixture
def opened() -> Iterator[list[Path]]:
    """The files opened for reading while the test runs (an audit hook stays for good, so it records only meanwhile)."""
    recording: list[Path] = []
    active = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if active and event == "open" and isinstance(args[0], str | Path) and _reads(args[1], args[2]):
            recording.append(Path(args[0]).resolve())

    sys.addaudithook(hook)
    yield recording
    active.clear()


@pytest.mark.slow  # a whole build under an audit hook
def test_the_build_reads_no_input_that_sources_does_not_list(copied: Sources, tmp_path: Path, opened: list[Path]):
    """Built from a copy of every input, the build opens none of the package's own inputs, and of the copy only what
    ``Sources.files()`` lists."""
    result = build(tmp_path / "out", copied)
    assert result.ok, result.errors
    package_inputs = {f.resolve() for f in PACKAGE_SOURCES.files()}
    package_dirs = [d.resolve() for d in (paths.ARTICLES_DIR, paths.WIKIDATA_DIR, paths.NAMES_DIR, paths.PLACES_DIR)]
    hidden = sorted({f for f in opened if f in package_inputs or any(d in f.parents for d in package_dirs)})
    assert not hidden, f"the build read inputs Sources does not name: {hidden}"
    listed = {f.resolve() for f in copied.files()}
    roots = [(tmp_path / name).resolve() for name in ("kg", "ontology", "queries")]
    unlisted = sorted({f for f in opened if any(r in f.parents for r in roots) and f not in listed and f.is_file()})
    assert not unlisted, f"the build read files Sources.files() does not list: {unlisted}"
    assert {copied.external_file.resolve(), copied.mappings_file.resolve()} <= set(opened)  # the hook does see reads


def test_a_turtle_file_edited_between_two_reads_is_read_again(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shutil.copy(paths.SHAPES, shapes)
    first = read_turtle(shapes)
    first.remove((None, None, None))  # a caller's change stays in its own copy
    assert len(read_turtle(shapes)) == len(read_turtle(paths.SHAPES)) > 0
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    assert len(read_turtle(shapes)) == len(read_turtle(paths.SHAPES)) + 1
