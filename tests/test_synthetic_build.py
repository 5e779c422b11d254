"""benchmarks/synthetic_build.py (issue 12): N articles copied from a real build make a directory a server accepts.

The synthetic dataset is for benchmarks, but a benchmark is only as good as its data: copy 0 must be the source
byte for byte, every copy must be a renamed twin of its original article, and the directory must pass the same
checks a real build passes before it is served.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest
from minusma_kg.kg.build import BuildResult
from minusma_kg.kg.dataset_dir import open_build
from minusma_kg.kg.layout import INFO, NQUADS
from minusma_kg.kg.namespaces import GRAPH, MKG, RES
from minusma_kg.kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synthetic() -> ModuleType:
    """benchmarks/synthetic_build.py as a module (the benchmarks are scripts, not a package)."""
    path = ROOT / "benchmarks" / "synthetic_build.py"
    spec = importlib.util.spec_from_file_location("benchmarks_synthetic_build", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _info(directory: Path) -> dict:
    return json.loads((directory / INFO).read_text(encoding="utf-8"))


def test_as_many_articles_as_the_source_is_the_source_itself(synthetic, built: BuildResult, tmp_path: Path):
    articles = sum(g.startswith(str(GRAPH["article/"])) for g in built.stats.triples_per_graph)
    out = synthetic.make_build(articles, tmp_path / "same", built.out)
    assert (out / NQUADS).read_bytes() == (built.out / NQUADS).read_bytes()
    assert _info(out)["stats"] == _info(built.out)["stats"]
    assert open_build(out).version == open_build(built.out).version


def test_copies_are_renamed_twins_and_the_directory_is_served(synthetic, built: BuildResult, tmp_path: Path):
    source = _info(built.out)["stats"]["triples_per_graph"]
    originals = sorted(g for g in source if g.startswith(str(GRAPH["article/"])))
    m = len(originals)
    size = 2 * m + 2  # two whole copies and a partial third
    out = synthetic.make_build(size, tmp_path / "synthetic", built.out)

    found = open_build(out)  # the digest and the store's manifest are checked, as before serving
    assert found.store is not None and found.info["synthetic"]["articles"] == size
    per_graph = found.info["stats"]["triples_per_graph"]
    copied = sorted(g for g in per_graph if g.startswith(str(GRAPH["article/"])))
    assert len(copied) == size
    for n, graph in enumerate(copied):  # each copy's graph is as large as the original it copies
        assert graph == str(GRAPH[f"article/{n:03d}"]) and per_graph[graph] == source[originals[n % m]]
    for graph in set(source) - set(originals):  # graphs from other sources than the articles are not copied
        if graph not in synthetic.DERIVED_GRAPHS:
            assert per_graph[graph] == source[graph]

    declared = synthetic.declared_entities(synthetic.paths.ARTICLES_DIR)
    store = open_store(found.nquads, found.store)

    def declared_in(graph: str, suffix: str = "") -> set[str]:
        """The entities declared by an article (their IRIs in the source, plus ``suffix``) that ``graph`` names."""
        iris = {str(RES[e]) + suffix: str(RES[e]) for e in declared}
        named = set()
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            named |= {t.value for t in (q.subject, q.object) if isinstance(t, ox.NamedNode) and t.value in iris}
        return {iris[n] for n in named}

    for k in (1, 2):  # copy k of an article names the copy's entities where the original names the originals
        assert declared_in(copied[k * m]) == set()
        assert declared_in(copied[k * m], f"-c{k}") == declared_in(copied[0]) != set()
    articles = store.query(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{MKG.NewsArticle}> }}")
    assert int(next(iter(articles))["n"].value) == size  # the union default graph was materialised


def test_a_size_below_the_source_is_refused(synthetic, built: BuildResult, tmp_path: Path):
    with pytest.raises(ValueError, match="at least"):
        synthetic.make_build(1, tmp_path / "too-small", built.out)


@pytest.mark.slow  # makes two synthetic builds and their stores
def test_the_same_dataset_is_reused_and_another_is_written(synthetic, built: BuildResult, tmp_path: Path):
    articles = sum(g.startswith(str(GRAPH["article/"])) for g in built.stats.triples_per_graph)
    dest = synthetic.make_build(articles + 1, tmp_path / "again", built.out)
    written = (dest / NQUADS).stat()
    synthetic.make_build(articles + 1, dest, built.out)  # the same size and source: kept as it is
    assert (dest / NQUADS).stat().st_ino == written.st_ino
    synthetic.make_build(articles + 2, dest, built.out)  # another size: written anew
    assert open_build(dest).info["synthetic"]["articles"] == articles + 2
    assert (dest / NQUADS).stat().st_ino != written.st_ino
