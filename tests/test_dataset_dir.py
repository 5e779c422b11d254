"""A built dataset directory is checked whole before anything reads it, and every way it can be wrong says so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from minusma_kg.kg.dataset_dir import open_build

from minusma_kg.errors import NotABuildError


@pytest.fixture
def copy(built, tmp_path) -> Path:
    """A copy of the session's build that a test may damage."""
    return Path(shutil.copytree(built.out, tmp_path / "copy"))


def test_a_build_opens_with_its_info_and_version(built, tmp_path, monkeypatch):
    monkeypatch.chdir(built.out.parent)
    found = open_build(built.out.name)  # relative: the result is absolute all the same
    assert found.path.is_absolute() and found.path == built.out.resolve()
    assert found.nquads == found.path / "minusma-kg.nq" and found.nquads.is_file()
    info = json.loads((built.out / "build-info.json").read_text())
    assert found.info == info and found.version == info["dataset_sha256"]
    assert info["generator"] == "minusma-kg" and isinstance(info["format_version"], int)


def test_a_missing_directory_says_how_to_build_it(tmp_path):
    missing = tmp_path.resolve() / "nope"
    with pytest.raises(NotABuildError) as caught:
        open_build(missing)
    assert str(caught.value) == f"no built dataset at {missing}; run `minusma-kg build --out {missing}`"
    assert not (tmp_path / "nope").exists()


def test_an_empty_directory_is_not_a_build(tmp_path):
    with pytest.raises(NotABuildError, match=r"is empty.*minusma-kg build --out"):
        open_build(tmp_path)


def test_a_directory_of_other_files_is_not_a_build(tmp_path):
    (tmp_path / "README.md").write_text("mine\n")
    with pytest.raises(NotABuildError, match="is not a minusma-kg build"):
        open_build(tmp_path)
    with pytest.raises(NotABuildError, match="not a directory"):
        open_build(tmp_path / "README.md")


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "is not valid JSON"),
    ("[1, 2]", "has no dataset_sha256"),
    ('{"version": "1"}', "has no dataset_sha256"),
    (b"\xff\xfe\x00", "is not valid JSON"),
])  # fmt: skip
def test_an_invalid_build_info_is_named(copy, content, message):
    info = copy / "build-info.json"
    info.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(NotABuildError, match=message):
        open_build(copy)


def test_a_missing_build_info_is_named(copy):
    (copy / "build-info.json").unlink()
    with pytest.raises(NotABuildError, match=r"no build-info\.json"):
        open_build(copy)


def test_an_unreadable_build_info_is_named(copy):
    (copy / "build-info.json").unlink()
    (copy / "build-info.json").mkdir()  # unreadable as a file, whoever runs the tests (root reads mode-000 files)
    with pytest.raises(NotABuildError, match=r"build-info\.json"):
        open_build(copy)


def test_a_missing_nquads_file_is_named(copy):
    (copy / "minusma-kg.nq").unlink()
    with pytest.raises(NotABuildError, match=r"holds no minusma-kg\.nq"):
        open_build(copy)


def test_a_truncated_nquads_file_is_caught_by_its_digest(copy):
    nq = copy / "minusma-kg.nq"
    data = nq.read_bytes()
    nq.write_bytes(data[: len(data) // 2])
    with pytest.raises(NotABuildError, match="does not match the dataset_sha256"):
        open_build(copy)


def test_the_server_refuses_a_truncated_build(copy):
    from minusma_kg.server.app import create_app
    from minusma_kg.server.config import Config

    nq = copy / "minusma-kg.nq"
    nq.write_bytes(nq.read_bytes()[:-100])
    with pytest.raises(NotABuildError, match="does not match"):
        create_app(Config(data=copy, workers=1))


def test_config_makes_a_relative_data_directory_absolute(tmp_path, monkeypatch):
    """Flask resolves relative paths against server/, so /dumps, /ontology and /.well-known/void would 404."""
    from minusma_kg.server.config import Config

    monkeypatch.chdir(tmp_path)
    assert Config(data=Path("out")).data == tmp_path.resolve() / "out"
    assert Config.from_env({"MINUSMA_KG_DATA": "out"}).data == tmp_path.resolve() / "out"
    assert Config.from_env({}, data=Path("x")).data == tmp_path.resolve() / "x"


def test_a_build_of_an_older_format_is_refused_not_served_without_its_queries_and_ontology(copy):
    """Regression: a build from before the server read saved queries and ontology.ttl from the build directory
    was served with no saved questions and a 404 for /ontology's Turtle, and nothing said why."""
    shutil.rmtree(copy / "queries")
    (copy / "ontology.ttl").unlink()
    info = json.loads((copy / "build-info.json").read_text())
    (copy / "build-info.json").write_text(json.dumps({**info, "format_version": 1}))
    with pytest.raises(NotABuildError) as caught:
        open_build(copy)
    assert "built by another version of minusma-kg (format 1" in str(caught.value)
    assert f"run `minusma-kg build --out {copy.resolve()}`" in str(caught.value)
