"""The annotation format: the JSON Schema, the strict loader, review markers, validate FILE and the near-duplicate lint.

Brick style: a small valid article (BASE, with its text) and one change per case.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from minusma_kg.kg import paths
from minusma_kg.kg.annotations import SCHEMA_FILE, _parse, _plain, load_article, read_article, read_entities, schema
from minusma_kg.kg.assemble import assemble
from minusma_kg.kg.build import build
from minusma_kg.kg.lint import check_files, near_duplicates
from minusma_kg.kg.namespaces import MKG
from minusma_kg.kg.sources import Sources, load_ontology, read_sources

from minusma_kg.cli import main
from minusma_kg.errors import DRAFT_MESSAGE, AnnotationErrors

TEXT = """\
Last convoy leaves Gao

12 December 2023

The last convoy of peacekeepers left the UN camp in Gao on Monday, the mission said.

"We are leaving with our heads high," said Awa Kontao, the spokesperson of MINUSMA.
"""

BASE = """\
article:
  title: Last convoy leaves Gao
  publisher: null
  language: en
  published: 2023-12-12
  published_evidence: 12 December 2023
  date_note: Dated 12 December 2023 under the headline.

entities:
  - {id: test-last-convoy, type: Event, label: The last convoy from Gao}
  - id: test-kontao
    type: Person
    label: Awa Kontao
    aliases: [Kontao]
  - {id: test-kontao-heads-high, type: Statement, label: "Awa Kontao: leaving with heads high"}

facts:
  - about: test-last-convoy
    evidence: The last convoy of peacekeepers left the UN camp in Gao on Monday
    when: on Monday
    set: {agent: minusma, occurredIn: gao}
  - about: test-kontao-heads-high
    evidence: >-
      "We are leaving with our heads high," said Awa Kontao, the spokesperson of MINUSMA.
    set:
      speaker: test-kontao
      about: test-last-convoy
      quote: We are leaving with our heads high
"""


def _article(directory: Path, yaml_text: str, name: str = "900_schema-test") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    path = directory / f"{name}.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    return path


def _change(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _line(text: str, needle: str, nth: int = 1) -> int:
    """The line of the nth occurrence of ``needle``."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text[:at].count("\n") + 1


def _sources(kg: Path) -> Sources:
    return Sources.in_directory(kg)


# --- The schema and the real files ------------------------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


REAL_FILES = [paths.ENTITIES, *sorted(paths.ARTICLES_DIR.glob("*.yaml"))]


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_the_schema_validates_the_real_files_as_an_editor_sees_them(path: Path):
    data, duplicates = _parse(path)
    assert duplicates == []
    errors = list(
        Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(_plain(data))
    )
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_the_loader_accepts_the_real_files(path: Path):
    problems = read_entities(path)[1] if path == paths.ENTITIES else read_article(path)[1]
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_the_real_files_point_an_editor_at_the_schema(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert m, f"{path.name} should start with '# yaml-language-server: $schema=...' (docs/annotating.md), not {first!r}"
    assert (path.parent / m[1]).resolve() == SCHEMA_FILE


def test_entity_types_are_the_ontology_classes():
    """The schema's list of types follows ontology/minusma.ttl (add a new class to kg/annotation.schema.json too)."""
    from rdflib.namespace import OWL, RDF

    classes = {
        str(c).removeprefix(str(MKG)) for c in load_ontology().subjects(RDF.type, OWL.Class) if c.startswith(str(MKG))
    }  # the ontology's own classes, not the external ones it declares
    built_by_the_build = {"Assertion", "DateClaim", "Evidence", "NewsArticle", "ReportedCount", "WithdrawalStatus"}
    assert set(schema()["$defs"]["entity"]["properties"]["type"]["enum"]) == classes - built_by_the_build


# --- Strictness: one change to a valid base per case ------------------------------------------------------------------


def test_the_base_is_valid(tmp_path: Path):
    article = load_article(_article(tmp_path, BASE))
    assert [f.about for f in article.facts] == ["test-last-convoy", "test-kontao-heads-high"]
    assert article.facts[0].dates["when"].line == _line(BASE, "when: on Monday")


CASES = {
    # name: (old, new, the line's needle, what the message says)
    "unknown fact key": (
        "    when: on Monday",
        "    wehn: on Monday",
        "wehn:",
        "unknown key 'wehn' in a fact (did you mean 'when'?)",
    ),
    "unknown metadata key": (
        "  language: en",
        "  languag: en",
        "languag:",
        "unknown key 'languag' in the article metadata",
    ),
    "property outside set": (
        "    when: on Monday\n",
        "    when: on Monday\n    agent: minusma\n",
        "agent: minusma",
        "unknown key 'agent' in a fact (ontology properties go under 'set:')",
    ),
    "unknown entity key": (
        "    aliases: [Kontao]",
        "    alias: [Kontao]",
        "alias:",
        "unknown key 'alias' in an entity",
    ),
    "unknown top-level key": (
        "facts:\n",
        "fact:\n",
        "fact:",
        "unknown key 'fact' in an article file (did you mean 'facts'?)",
    ),
    "duplicate key": (
        "    when: on Monday\n",
        "    when: on Monday\n    when: on Tuesday\n",
        "when: on Tuesday",
        "duplicate key 'when' (first given on line",
    ),
    "duplicate key in a flow mapping": (
        "{id: test-last-convoy, type: Event,",
        "{id: test-last-convoy, type: Event, id: other,",
        "id: other",
        "duplicate key 'id'",
    ),
    "misspelled direction": (
        "    when: on Monday",
        "    when: {text: on Monday, direction: pst}",
        "when: {text",
        "direction: 'pst' is not allowed (did you mean 'past'?); allowed: past, future",
    ),
    "misspelled entity type": (
        "type: Event",
        "type: Evnt",
        "type: Evnt",
        "type: 'Evnt' is not allowed (did you mean 'Event'?)",
    ),
    "misspelled review": (
        "    when: on Monday",
        "    when: on Monday\n    review: drafted",
        "review: drafted",
        "review: 'drafted' is not allowed; the only value is 'draft'",
    ),
    "aliases not a list": (
        "aliases: [Kontao]",
        "aliases: Kontao",
        "aliases: Kontao",
        "aliases must be a list, not text",
    ),
    "published not a date": (
        "published: 2023-12-12",
        "published: last Tuesday",
        "published: last",
        "published: 'last Tuesday' is not a date",
    ),
    "impossible date": (
        "published: 2023-12-12",
        "published: 2023-13-12",
        "published: 2023-13",
        "is not a date (YYYY-MM-DD)",
    ),
    "evidence a number": (
        "    evidence: The last convoy of peacekeepers left the UN camp in Gao on Monday",
        "    evidence: 42",
        "evidence: 42",
        "evidence must be text or a list, not the number 42",
    ),
    "set a list": (
        "set: {agent: minusma, occurredIn: gao}",
        "set: [minusma, gao]",
        "set: [minusma",
        "set must be a mapping",
    ),
    "anchor article unquoted": (
        "    when: on Monday",
        "    when: {text: on Monday, anchor: {text: August 2020, article: 004}}",
        "when: {text",
        'article must be text (an article number in quotes, such as "004"), not the number 4',
    ),
    "missing required key": (
        "  - about: test-last-convoy\n    evidence: The last",
        "  - evidence: The last",
        "- evidence: The last",
        "missing required key 'about' in a fact",
    ),
    "published without its evidence": (
        "  published_evidence: 12 December 2023\n",
        "",
        "article:",
        "missing required key 'published_evidence'",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_malformed_annotation_names_its_file_and_line(tmp_path: Path, case: str):
    old, new, needle, message = CASES[case]
    text = _change(old, new)
    path = _article(tmp_path, text)
    with pytest.raises(AnnotationErrors) as info:
        load_article(path)
    line = _line(text, needle)
    hits = [e for e in info.value.errors if message in str(e)]
    assert hits, [str(e) for e in info.value.errors]
    assert str(hits[0]).startswith(f"{path}:{line}: "), str(hits[0])
    assert (hits[0].file, hits[0].line) == (str(path), line)


def test_an_item_with_a_schema_error_is_left_out_and_the_rest_still_read(tmp_path: Path):
    text = _change("    when: on Monday", "    when: {text: on Monday, direction: pst}")
    article, errors = read_article(_article(tmp_path, text))
    assert article is not None and len(errors) == 1
    assert [f.about for f in article.facts] == ["test-kontao-heads-high"]


def test_a_misspelled_entity_type_in_the_registry_names_its_line(tmp_path: Path):
    registry = tmp_path / "entities.yaml"
    text = "- id: mali\n  type: Country\n  label: Mali\n- id: gao\n  type: Plaec\n  label: Gao\n"
    registry.write_text(text, encoding="utf-8")
    entities, errors = read_entities(registry)
    assert [e.id for e in entities] == ["mali"]
    assert [str(e) for e in errors] == [f"{registry}:5: type: 'Plaec' is not allowed (did you mean 'Place'?)"]


# --- Review markers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("articles/003_bce8059bd345a7e1.yaml", "  language: en\n", "  language: en\n  review: draft\n"),
        (
            "articles/003_bce8059bd345a7e1.yaml",
            "    set: {memberCount: 15}\n",
            "    set: {memberCount: 15}\n    review: draft\n",
        ),
        ("articles/003_bce8059bd345a7e1.yaml", "aliases: [Some experts]}", "aliases: [Some experts], review: draft}"),
        ("entities.yaml", "  label: Assimi Goïta\n", "  label: Assimi Goïta\n  review: draft\n"),
    ],
    ids=["article metadata", "fact", "entity in an article", "entity in the registry"],
)
def test_the_build_refuses_a_drafted_item_with_file_and_line(
    workspace: Path, tmp_path: Path, file: str, old: str, new: str
):
    path = workspace / file
    text = _change(old, new, path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    result = build(tmp_path / "out", _sources(workspace))
    assert not result.ok and not (tmp_path / "out").exists()
    assert result.errors == [f"{path}:{_line(text, 'review: draft')}: {DRAFT_MESSAGE}"]
    assert DRAFT_MESSAGE == "drafted item not yet reviewed (remove 'review: draft' once checked)"


def test_validate_file_lists_drafts_and_every_other_problem_in_one_run(
    workspace: Path, tmp_path: Path, capsys, monkeypatch
):
    """A drafted article outside kg/articles: drafts, a schema error, evidence not in the text, an unknown id and a
    shape violation, all in one run."""
    text = _change("  date_note: Dated", "  review: draft\n  date_note: Dated")
    text = _change(
        "    set: {agent: minusma, occurredIn: gao}\n",
        "    set: {agent: minusma, occurredIn: gao}\n    review: draft\n",
        text,
    )
    text = _change(
        "label: The last convoy from Gao}",
        "label: The last convoy from Gao}\n  - {id: test-withdrawal, type: Withdrawal, label: A withdrawal}",
        text,
    )
    text += (
        "  - about: test-last-convoy\n    evidence: The first convoy left\n"  # not in the text
        "  - about: test-kontao\n    evidence: Awa Kontao\n"
        "    set: {holdsPosition: spokesperson-of-nowhere}\n"  # an unknown id
        "  - about: test-kontao\n    evidence: Awa Kontao\n    when: {text: on Monday, direction: pst}\n"  # schema
        "  - about: test-withdrawal\n    evidence: The last convoy of peacekeepers left\n"  # no withdrawing party
        "    set: {status: Completed, withdrawsFrom: minusma}\n"
    )
    path = _article(tmp_path / "drafts", text)
    result = check_files([path], _sources(workspace))
    assert result.drafts == [f"{path}:{_line(text, 'review: draft')}", f"{path}:{_line(text, 'review: draft', 2)}"]
    assert any(f"{path}:{_line(text, 'direction: pst')}: direction: 'pst' is not allowed" in e for e in result.errors)
    assert any(f"{path}:{_line(text, 'The first convoy left') - 1}: evidence is not in" in e for e in result.errors)
    assert any("'spokesperson-of-nowhere' is not a declared entity" in e for e in result.errors)
    assert result.report is not None and any("test-withdrawal" in str(v) for v in result.report.violations)
    assert not result.ok

    # The command prints all of it, and exits 1 while drafts remain.
    from minusma_kg.kg import lint

    original = lint.check_files
    monkeypatch.setattr(lint, "check_files", lambda files, sources=None: original(files, _sources(workspace)))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Annotations are malformed:" in err and "evidence is not in" in err and "spokesperson-of-nowhere" in err
    assert "shape violation(s) (in the graph built from the items without errors)" in err
    assert "2 drafted item(s) not yet reviewed (remove 'review: draft' once checked):" in err
    assert f"  {path}:{_line(text, 'review: draft')}\n" in err


@pytest.mark.slow  # two runs of the shapes over the corpus
def test_validate_file_passes_a_reviewed_article_and_exits_1_on_drafts_alone(workspace: Path, tmp_path: Path, capsys):
    path = _article(tmp_path / "new", BASE)
    result = check_files([path], _sources(workspace))
    assert (result.errors, result.drafts, result.warnings) == ([], [], []) and result.ok
    path.write_text(_change("    when: on Monday", "    when: on Monday\n    review: draft"), encoding="utf-8")
    result = check_files([path.with_suffix(".txt")], _sources(workspace))  # the text names its article too
    assert result.errors == [] and len(result.drafts) == 1 and result.report is not None and result.report.conforms
    assert not result.ok


def test_validate_without_files_checks_the_corpus(capsys):
    assert main(["validate"]) == 0
    assert "conforms" in capsys.readouterr().out


# --- Near-duplicates --------------------------------------------------------------------------------------------------


DUPLICATE = """\
  - about: test-kontao-leaving
    evidence: >-
      "We are leaving with our heads high,"   said Awa Kontao,
      the spokesperson of MINUSMA.
    set: {speaker: test-kontao, about: test-last-convoy, paraphrase: they are leaving with their heads high}
"""


def test_a_near_duplicate_fact_is_a_warning_naming_both_places(workspace: Path, tmp_path: Path):
    text = (
        _change(
            "  - {id: test-kontao-heads-high,",
            "  - {id: test-kontao-leaving, type: Statement, label: Leaving}\n  - {id: test-kontao-heads-high,",
        )
        + DUPLICATE
    )
    path = _article(tmp_path / "new", text)
    assembly = assemble(read_sources(_sources(workspace), [path]))
    first, second = _line(text, "- about: test-kontao-heads-high"), _line(text, "- about: test-kontao-leaving")
    (warning,) = assembly.warnings
    assert warning.startswith(f"{path}:{second}: near-duplicate of the fact at {path}:{first}: ")
    assert "a different id (test-kontao-heads-high / test-kontao-leaving)" in warning


def test_a_different_speaker_for_the_same_statement_is_a_warning(tmp_path: Path):
    text = BASE + DUPLICATE.replace("test-kontao-leaving", "test-kontao-heads-high").replace(
        "speaker: test-kontao,", "speaker: minusma,"
    )
    (warning,) = near_duplicates([load_article(_article(tmp_path, text))])
    assert "a different speaker (test-kontao / minusma)" in warning


def test_two_speakers_in_one_sentence_are_not_near_duplicates(tmp_path: Path):
    """Article 002: "Like Mali, Moscow also deemed the report ... 'openly biased'": two statements, both differ."""
    text = BASE + DUPLICATE.replace("speaker: test-kontao,", "speaker: minusma,")
    assert near_duplicates([load_article(_article(tmp_path, text))]) == []


def test_the_corpus_has_no_near_duplicates(workspace: Path):
    warnings = assemble(read_sources(_sources(workspace))).warnings
    assert [w for w in warnings if "near-duplicate" in w] == []
