"""A malformed annotation fails the build with its file and line, and publishes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from minusma_kg.kg.assemble import assemble
from minusma_kg.kg.build import build
from minusma_kg.kg.sources import Sources, read_sources

from minusma_kg.errors import AnnotationErrors

ARTICLE = "003_bce8059bd345a7e1"


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def _errors(kg: Path) -> list[str]:
    with pytest.raises(AnnotationErrors) as info:
        assemble(read_sources(Sources.in_directory(kg)))
    return [str(e) for e in info.value.errors]


def test_evidence_not_in_the_text_is_reported_with_file_and_line(workspace: Path):
    yaml = workspace / "articles" / f"{ARTICLE}.yaml"
    line = _edit(yaml, "The 15-member Security Council\n", "The 16-member Security Council\n")
    (error,) = _errors(workspace)
    assert error.startswith(f"{yaml}:{line - 1}:")
    assert "evidence is not in" in error and "16-member" in error


def test_an_unknown_property_is_reported(workspace: Path):
    yaml = workspace / "articles" / f"{ARTICLE}.yaml"
    _edit(yaml, "set: {memberCount: 15}", "set: {memberCnt: 15}")
    (error,) = _errors(workspace)
    assert "unknown property mkg:memberCnt" in error and str(yaml) in error


def test_an_undeclared_entity_is_reported(workspace: Path):
    _edit(workspace / "articles" / f"{ARTICLE}.yaml", "draftedBy: france", "draftedBy: frnace")
    (error,) = _errors(workspace)
    assert "'frnace' is not a declared entity" in error


def test_a_date_not_in_the_text_is_reported(workspace: Path):
    _edit(workspace / "articles" / f"{ARTICLE}.yaml", "deadline: by August 15", "deadline: by August 16")
    (error,) = _errors(workspace)
    assert "'by August 16' is not in the article text" in error


def test_a_quote_outside_its_evidence_is_reported(workspace: Path):
    _edit(
        workspace / "articles" / "004_1f337dddf2dfc4e9.yaml",
        "        The liquidation period was originally set to end in 18 months",
        "        The liquidation period was first set to end in 18 months",
    )
    (error,) = _errors(workspace)
    assert "quote is not within the fact's evidence" in error


def test_a_yaml_syntax_error_names_its_line(workspace: Path):
    yaml = workspace / "articles" / f"{ARTICLE}.yaml"
    _edit(yaml, "  publisher: defence-redefined", "  publisher: [defence-redefined")
    with pytest.raises(Exception, match=rf"{yaml.name}:\d+: YAML syntax"):
        assemble(read_sources(Sources.in_directory(workspace)))


def test_a_link_to_an_unverified_qid_is_refused(workspace: Path):
    links = workspace / "wikidata" / "links.tsv"
    links.write_text(links.read_text() + "wagner-group\tQ104466893\n")
    (error,) = _errors(workspace)
    assert "Q104466893 is not in the verified list" in error


def test_a_failed_build_leaves_the_last_good_output_untouched(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "minusma-kg.nq").write_text("last good output\n")
    # a previous build's marker
    (out / "build-info.json").write_text('{"generator": "minusma-kg", "format_version": 1}')
    _edit(workspace / "articles" / f"{ARTICLE}.yaml", "draftedBy: france", "draftedBy: frnace")
    result = build(out, Sources.in_directory(workspace))
    assert not result.ok and any("frnace" in e for e in result.errors)
    assert (out / "minusma-kg.nq").read_text() == "last good output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", "kg"])  # no staging left behind


def test_a_shape_violation_fails_the_build_naming_node_label_message_and_file(workspace: Path, tmp_path: Path):
    """Well-formed YAML that breaks a shape: a withdrawal whose article gives no withdrawing party."""
    yaml = workspace / "articles" / "002_678bb55166afe458.yaml"
    text = yaml.read_text(encoding="utf-8")
    ivory = "  - {id: withdrawal-ivory-coast, type: Withdrawal"
    mystery = "  - {id: withdrawal-mystery, type: Withdrawal, label: A withdrawal nobody made}\n"
    text = text.replace(ivory, mystery + ivory, 1)
    text += (
        "  - about: withdrawal-mystery\n"
        "    evidence: Components partners of MINUSMA forces has since withdrawn most of their forces\n"
        "    set: {status: Completed, withdrawsFrom: minusma}\n"
    )
    yaml.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = build(out, Sources.in_directory(workspace))
    assert not result.ok and not out.exists()
    (line,) = [e for e in result.errors if "withdrawal-mystery" in e]
    assert "(A withdrawal nobody made)" in line and "exactly one withdrawing party" in line
    assert re.search(r"\[.*002_678bb55166afe458\.yaml:\d+\]", line)


@pytest.mark.slow  # a full build
def test_a_build_is_current_until_a_source_changes(workspace: Path, tmp_path: Path):
    from minusma_kg.kg.build import is_current

    sources = Sources.in_directory(workspace)
    out = tmp_path / "out"
    assert not is_current(out, sources)
    assert build(out, sources).ok
    assert is_current(out, sources)
    _edit(workspace / "articles" / f"{ARTICLE}.yaml", "set: {memberCount: 15}", "set: {memberCount: 15}  # checked")
    assert not is_current(out, sources)
