"""Scale (issue 12): no numbering caps the corpus, and the synthetic corpora of benchmarks/scale.py build cleanly.

The checks assemble and validate (``kg.build.check``): those are the stages that read article numbers and file
names; reasoning and publishing see only IRIs.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from minusma_kg.kg.annotations import read_articles, read_entities
from minusma_kg.kg.assemble import article_iri, short_id
from minusma_kg.kg.build import check
from minusma_kg.kg.draft import next_number
from minusma_kg.kg.namespaces import GRAPH, MKG, RES, article_graph
from minusma_kg.kg.sources import Sources
from minusma_kg.kg.stats import compute
from rdflib import Literal

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def scale() -> ModuleType:
    """benchmarks/scale.py as a module (the benchmarks are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_scale", ROOT / "benchmarks" / "scale.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _renumber(articles: Path, old: str, new: str) -> str:
    """Give article ``old`` the number ``new`` (files and the date anchors that name it); return its new stem."""
    (yaml_path,) = articles.glob(f"{old}_*.yaml")
    stem = f"{new}_{yaml_path.stem.split('_', 1)[1]}"
    for suffix in (".txt", ".yaml"):
        yaml_path.with_suffix(suffix).rename(articles / f"{stem}{suffix}")
    for other in articles.glob("*.yaml"):
        text = other.read_text(encoding="utf-8")
        other.write_text(text.replace(f'article: "{old}"', f'article: "{new}"'), encoding="utf-8")
    return stem


def test_articles_numbered_1000_and_10000_build_and_validate(workspace: Path) -> None:
    """Four and five digits: the file-name pattern of the shapes, the IRIs and the anchors all follow."""
    articles = workspace / "articles"
    anchored = {
        str(v["anchor"]["article"])
        for f in articles.glob("*.yaml")
        for fact in yaml.safe_load(f.read_text(encoding="utf-8")).get("facts") or ()
        for v in fact.values()
        if isinstance(v, dict) and isinstance(v.get("anchor"), dict) and "article" in v["anchor"]
    }
    numbers = sorted(p.stem.split("_")[0] for p in articles.glob("*.yaml"))
    # one article another anchors a date to (if any), so that the anchor's number grows too, and one more
    first = sorted(anchored)[0] if anchored else numbers[0]
    second = next(n for n in numbers if n != first)
    stems = {"1000": _renumber(articles, first, "1000"), "10000": _renumber(articles, second, "10000")}

    assembly, report, errors = check(Sources.in_directory(workspace))
    assert not errors, "\n".join(errors)
    assert assembly is not None and report is not None
    assert report.conforms, "\n".join(str(v) for v in report.violations)
    for number, stem in stems.items():
        node = RES[f"article/{number}"]
        g = assembly.dataset.graph(article_graph(number))
        assert (node, MKG.sourceFile, Literal(f"kg/articles/{stem}.txt")) in g
        assert len(g) > 1


def test_the_next_number_passes_999(tmp_path: Path) -> None:
    """``minusma-kg add`` numbers on: after 999 comes 1000, after 9999 comes 10000 (not 000 or a clash)."""
    (tmp_path / "999_last.txt").write_text("x", encoding="utf-8")
    assert next_number(tmp_path) == 1000
    (tmp_path / "9999_later.yaml").write_text("x", encoding="utf-8")
    assert next_number(tmp_path) == 10000


# --- The synthetic corpora ------------------------------------------------------------------------------------------


def test_a_generated_corpus_copies_the_articles_with_unique_numbers_and_ids(scale: ModuleType, tmp_path: Path) -> None:
    originals, _ = read_articles()
    size = 2 * len(originals) + 1  # the originals, one full copy, and one article of a second copy
    corpus = scale.generate(size, tmp_path / "articles")
    articles, errors = read_articles(corpus.articles_dir)
    assert not errors
    assert len(articles) == corpus.articles == size
    numbers = [short_id(a) for a in articles]
    assert len(set(numbers)) == size
    assert sorted(int(n) for n in numbers) == list(range(size))
    declared = [e.id for a in articles for e in a.entities]
    assert len(set(declared)) == len(declared), "every copy declares its own entities"
    registry, _ = read_entities()
    names = [n for e in [*registry, *(e for a in articles for e in a.entities)] for n in (e.label, *e.aliases)]
    assert corpus.names == len(names)
    by_number = {short_id(a): a for a in articles}
    for a in articles:  # each copy says what its original says, about its own entities
        original = by_number[f"{int(short_id(a)) % len(originals):03d}"]
        assert a.text == original.text
        assert [f.evidence for f in a.facts] == [f.evidence for f in original.facts]
        assert [e.label for e in a.entities] == [e.label for e in original.entities]


@pytest.mark.slow  # assembles and validates a generated corpus
def test_a_generated_corpus_validates(scale: ModuleType, tmp_path: Path) -> None:
    originals, _ = read_articles()
    corpus = scale.generate(2 * len(originals), tmp_path / "articles")
    assembly, report, errors = check(Sources(articles_dir=corpus.articles_dir))
    assert not errors, "\n".join(errors[:5])
    assert assembly is not None and report is not None and report.conforms
    articles, _ = read_articles(corpus.articles_dir)
    for a in articles:
        assert any(assembly.dataset.graph(article_graph(short_id(a))).triples((article_iri(a), None, None)))
    # the counts of kg.stats, one pass over the store, against the annotations: one article graph per article,
    # one evidence node per fact, one claim per date
    stats = compute(assembly.dataset)
    assert sum(1 for g in stats.triples_per_graph if g.startswith(str(GRAPH["article/"]))) == len(articles)
    assert stats.instances_per_class["mkg:NewsArticle"] == len(articles)
    assert stats.instances_per_class["mkg:Evidence"] == sum(len(a.facts) for a in articles)
    assert stats.instances_per_class["mkg:DateClaim"] == sum(len(f.dates) for a in articles for f in a.facts)


def test_growth_exponents(scale: ModuleType) -> None:
    assert scale.exponent(5, 1.0, 50, 10.0) == pytest.approx(1.0)
    assert scale.exponent(50, 2.0, 500, 200.0) == pytest.approx(2.0)
    assert scale.exponent(5, 0.0, 50, 1.0) is None  # too small to tell
    assert math.isclose(scale.exponent(10, 3.0, 20, 3.0), 0.0, abs_tol=1e-12)


def test_the_table_has_a_row_per_size_and_one_per_step(scale: ModuleType, tmp_path: Path) -> None:
    stages = {s: 1.0 for s in scale.STAGES}
    runs = [
        scale.Run(
            scale.Corpus(tmp_path, n, 10 * n),
            {"total": 8.0 * k, "cpu": 7.0 * k, "peak_mib": 100.0 * k},
            stages=dict(stages),
        )
        for k, n in ((1, 5), (10, 50))
    ]
    runs[1].stages = {s: 10.0 for s in scale.STAGES}
    lines = scale.table(runs).splitlines()
    assert len(lines) == 2 + len(runs) + len(runs) - 1
    assert lines[-1].startswith("| 5→50 |")
    assert lines[-1].count("n^1.00") == len(scale.STAGES) + len(scale.WHOLE)
