"""Names carry their language, and names in other languages (kg/names/<lang>.tsv) come with their sources, in a
graph of their own per language, and are found by the reconciliation service and the search."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from minusma_kg.kg import paths
from minusma_kg.kg.annotations import EntityDecl
from minusma_kg.kg.assemble import assemble
from minusma_kg.kg.names import COLUMNS, NameDecl, read_all_names, read_names
from minusma_kg.kg.namespaces import ENTITIES_GRAPH, GRAPH, MKG, RES, names_graph
from minusma_kg.kg.sources import Sources, read_sources
from rdflib import Dataset, Literal
from rdflib.namespace import DCTERMS, PROV, RDFS

from minusma_kg.errors import AnnotationErrors

HEADER = "\t".join(COLUMNS) + "\n"
TWO = "https://example.org/a https://example.org/b"


@pytest.fixture(scope="module")
def names() -> list[NameDecl]:
    found, errors = read_all_names(paths.NAMES_DIR)
    assert not errors, "\n".join(map(str, errors))
    return found


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# --- the file format: every problem has its file and line -----------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"mali\tname\tMali\t{TWO}\thigh\t", "kind must be one of label, alias"),
        ("mali\tlabel\tMali\thttps://example.org/a\thigh\t", "confidence high needs at least 2 source(s)"),
        (f"mali\tlabel\tMali\t{TWO}\tlikely\t", "only verified names are listed"),
        ("mali\tlabel\tMali\texample.org\tmed-high\t", "sources must be http(s) URLs"),
        (f"mali\tlabel\t Mali\t{TWO}\thigh\t", "stray spaces"),
        (f"mali\tlabel\tMali\t{TWO}\thigh", "expected 6 tab-separated columns"),
    ],
)
def test_a_bad_row_is_reported_with_its_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "fr.tsv"
    path.write_text("# a comment\n" + HEADER + row + "\n", encoding="utf-8")
    found, errors = read_names(path)
    assert not found
    assert [e.line for e in errors] == [3]
    assert str(errors[0]).startswith(f"{path}:3: ")
    assert message in str(errors[0]), errors


def test_one_label_per_entity_and_no_repeated_name(tmp_path: Path) -> None:
    path = tmp_path / "fr.tsv"
    path.write_text(
        HEADER + f"unsc\tlabel\tConseil de sécurité\t{TWO}\thigh\t\n"
        f"unsc\tlabel\tConseil de sécurité des Nations unies\t{TWO}\thigh\t\n"
        f"unsc\talias\tConseil de sécurité\t{TWO}\thigh\t\n",
        encoding="utf-8",
    )
    found, errors = read_names(path)
    assert [n.name for n in found] == ["Conseil de sécurité"]
    assert [e.line for e in errors] == [3, 4]
    assert "already has a label at line 2" in str(errors[0])
    assert "already listed" in str(errors[1])


def test_the_file_name_is_the_language_and_the_header_is_checked(tmp_path: Path) -> None:
    (tmp_path / "french.tsv").write_text(HEADER, encoding="utf-8")
    assert "must be a language tag" in str(read_names(tmp_path / "french.tsv")[1][0])
    (tmp_path / "fr.tsv").write_text("entity\tname\n", encoding="utf-8")
    assert "the header must be" in str(read_names(tmp_path / "fr.tsv")[1][0])


def test_a_name_for_an_undeclared_entity_fails_the_build_with_file_and_line(workspace: Path) -> None:
    names = workspace / "names" / "fr.tsv"
    with names.open("a", encoding="utf-8") as fh:
        fh.write(f"no-such-entity\tlabel\tPersonne\t{TWO}\thigh\t\n")
    line = len(names.read_text(encoding="utf-8").splitlines())
    with pytest.raises(AnnotationErrors) as exc:
        assemble(read_sources(Sources.in_directory(workspace)))
    assert f"{names}:{line}: 'no-such-entity' is not a declared entity" in str(exc.value)


def test_the_project_names_are_verified(names: list[NameDecl]) -> None:
    """The rule the loader enforces holds for the committed files, and French names exist for the main entities."""
    assert {n.lang for n in names} >= {"fr"}
    french = {n.entity for n in names if n.lang == "fr" and n.kind == "label"}
    assert {"minusma", "unsc", "mali"} <= french


# --- in the built graph -------------------------------------------------------------------------------------------


def test_every_label_and_alias_of_a_resource_has_a_language_tag(dataset: Dataset) -> None:
    untagged = [
        (s, p, o)
        for p in (RDFS.label, MKG.alias)
        for s, o in dataset.subject_objects(p)
        if str(s).startswith(str(RES)) and (not isinstance(o, Literal) or not o.language)
    ]
    assert not untagged, untagged[:5]


def test_every_declared_entity_has_one_english_label_and_one_label_per_language(
    dataset: Dataset, entities: list[EntityDecl]
) -> None:
    for e in entities:
        labels = [o for o in dataset.objects(RES[e.id], RDFS.label) if isinstance(o, Literal)]
        languages = [o.language for o in labels]
        assert languages.count("en") == 1, (e.id, labels)
        assert len(languages) == len(set(languages)), (e.id, labels)
        assert Literal(e.label, lang="en") in labels


def test_each_name_is_in_its_language_graph_only_with_its_sources(built, names: list[NameDecl]) -> None:
    ds = Dataset()
    ds.parse(built.out / "minusma-kg.nq", format="nquads")
    for lang in {n.lang for n in names}:
        g = ds.graph(names_graph(lang))
        source = g.value(g.identifier, PROV.wasDerivedFrom)
        assert source is not None, f"the {lang} names graph says nothing of its source"
        cited = {str(u) for u in g.objects(source, DCTERMS.source)}
        assert cited == {u for n in names if n.lang == lang for u in n.sources}
    for n in names:
        triple = (RES[n.entity], RDFS.label if n.kind == "label" else MKG.alias, Literal(n.name, lang=n.lang))
        graphs = {c for *_, c in ds.quads((*triple, None))}
        assert graphs == {names_graph(n.lang)}, (n, graphs)  # never in an article's graph: no article states it


def test_names_graphs_dereference(client, names: list[NameDecl]) -> None:
    lang = names[0].lang
    iri = str(names_graph(lang))
    r = client.get(iri.removeprefix(str(GRAPH).rsplit("/graph/", 1)[0]), headers={"Accept": "application/n-quads"})
    assert r.status_code == 200, r.status_code
    assert f"<{iri}>" in r.get_data(as_text=True)


# --- found by the services integrators use ----------------------------------------------------------------------


@pytest.mark.slow  # reconciles every French name over HTTP
def test_reconciliation_finds_every_french_name_first_with_or_without_accents(client, names: list[NameDecl]) -> None:
    queries: dict[str, dict] = {}
    for i, n in enumerate(names):
        queries[f"q{i}"] = {"query": n.name}
        queries[f"a{i}"] = {"query": _strip_accents(n.name)}
    res: dict[str, dict] = {}
    keys = list(queries)
    for start in range(0, len(keys), 50):  # the manifest's batchSize is 100
        batch = {k: queries[k] for k in keys[start : start + 50]}
        r = client.post("/reconcile", data={"queries": json.dumps(batch)})
        assert r.status_code == 200, r.data
        res |= r.json
    for i, n in enumerate(names):
        for key in (f"q{i}", f"a{i}"):
            ids = [c["id"] for c in res[key]["result"]]
            assert ids and ids[0] == n.entity, (n.name, ids[:3])


def test_search_finds_the_mission_by_its_french_name(client, names: list[NameDecl]) -> None:
    official = next(n for n in names if n.entity == "minusma" and n.lang == "fr" and len(n.name) > 20)
    r = client.get("/search", query_string={"q": official.name.lower()}, headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.json["results"][0]["id"] == "minusma", r.json


def test_workspace_copy_keeps_names(workspace: Path) -> None:
    assert sorted(p.name for p in (workspace / "names").iterdir()) == sorted(p.name for p in paths.NAMES_DIR.iterdir())
    shutil.rmtree(workspace / "names")  # the directory is optional: a corpus without it still builds, unnamed
    ds = assemble(read_sources(Sources.in_directory(workspace))).dataset
    assert len(ds.graph(ENTITIES_GRAPH)) > 0
    assert not [g.identifier for g in ds.graphs() if str(g.identifier).startswith(str(names_graph(""))) and len(g)]


def test_an_article_in_another_language_tags_its_title_and_its_entities_names_with_it(workspace: Path) -> None:
    yaml_file = next(
        p for p in sorted((workspace / "articles").glob("*.yaml")) if "\nentities:" in p.read_text("utf-8")
    )
    text = yaml_file.read_text(encoding="utf-8")
    assert "  language: en\n" in text, "the article states its language"
    yaml_file.write_text(text.replace("  language: en\n", "  language: fr\n", 1), encoding="utf-8")
    ds = assemble(read_sources(Sources.in_directory(workspace))).dataset
    article = next(s for s, *_ in ds.quads((None, MKG.sourceFile, Literal(f"kg/articles/{yaml_file.stem}.txt"), None)))
    assert {o.language for _, _, o, _ in ds.quads((article, RDFS.label, None, None))} == {"fr"}
    declared = _declared_ids(yaml_file)
    assert declared
    for entity in declared:
        assert {o.language for _, _, o, _ in ds.quads((RES[entity], RDFS.label, None, None))} == {"fr"}, entity


def _declared_ids(annotation: Path) -> list[str]:
    from minusma_kg.kg.annotations import read_article

    article, errors = read_article(annotation)
    assert article is not None and not errors
    return [e.id for e in article.entities]
