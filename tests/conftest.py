"""Shared fixtures: the real build, run once per session into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from kg.annotations import Article, EntityDecl, load_articles, load_entities
from kg.build import BuildResult, build

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The project's graph, built exactly as ``minusma-kg build`` builds it."""
    result = build(tmp_path_factory.mktemp("build") / "out")
    assert result.ok, "\n".join(result.errors)
    return result


@pytest.fixture(scope="session")
def dataset(built: BuildResult) -> Dataset:
    """The published dataset, read back from its N-Quads dump."""
    ds = Dataset(default_union=True)  # triple patterns see every graph, as the endpoint's default graph does
    ds.parse(built.out / "minusma-kg.nq", format="nquads")
    return ds


@pytest.fixture(scope="session")
def articles() -> list[Article]:
    return load_articles()


@pytest.fixture(scope="session")
def entities(articles: list[Article]) -> list[EntityDecl]:
    return [*load_entities(), *(e for a in articles for e in a.entities)]
