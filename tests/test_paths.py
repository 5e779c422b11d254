"""Where inputs are found, and how a file is named in a message."""

from __future__ import annotations

from pathlib import Path

import pytest
from minusma_kg.kg import paths


def test_a_file_is_shown_relative_to_the_directory_the_command_runs_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Regression: the name was cached by file only, so a later working directory got an earlier one's answer."""
    file = tmp_path / "kg" / "articles" / "005_x.yaml"
    monkeypatch.chdir(tmp_path)
    assert paths.shown(file) == "kg/articles/005_x.yaml"
    monkeypatch.chdir(tmp_path / "..")
    assert paths.shown(file) == f"{tmp_path.name}/kg/articles/005_x.yaml"
    monkeypatch.chdir("/")
    assert paths.shown(file) == file.resolve().relative_to("/").as_posix()


def test_the_inputs_are_found_in_the_installed_package():
    assert paths.ONTOLOGY.is_file() and paths.SHAPES.is_file() and paths.ENTITIES.is_file()
    assert any(paths.ARTICLES_DIR.glob("*.yaml")) and any(paths.QUERIES_DIR.glob("*.rq"))
