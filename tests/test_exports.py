"""minusma-kg export: QuickStatements V1, a Mix'n'match catalogue and an OpenRefine CSV, every line parsed."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from minusma_kg.kg import paths
from minusma_kg.kg.exports import _claim_time, load, mixnmatch, openrefine, qs_time, quickstatements
from minusma_kg.kg.names import read_all_names
from minusma_kg.kg.namespaces import LINKS_GRAPH, MKG, RES, SDO, TIME
from minusma_kg.kg.sources import Sources, read_wikidata_items, read_wikidata_properties
from minusma_kg.kg.wikidata_mappings import MAPPINGS_GRAPH, verified_classes
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

from minusma_kg.cli import main

RETRIEVED = date(2025, 1, 2)
TIME_VALUE = re.compile(r"\+(\d{4})-(\d{2})-(\d{2})T00:00:00Z/(9|10|11)")
MONOLINGUAL = re.compile(r'([a-z]{2,3}(?:-[A-Za-z0-9]+)*):"([^"\t]*)"')
STRING = re.compile(r'"([^"\t]*)"')
ITEM = re.compile(r"Q[1-9][0-9]*")
PROPERTY = re.compile(r"P[1-9][0-9]*")
SOURCES = {"S1476", "S123", "S577", "S407", "S854", "S813"}
LANGUAGE_ITEMS = {"Q1860"}  # kg/wikidata/languages.tsv


@pytest.fixture(scope="module")
def ds(built) -> Dataset:
    return load(built.out / "minusma-kg.nq")


@pytest.fixture(scope="module")
def linked(ds: Dataset) -> dict[str, URIRef]:
    """QID -> entity, from the links graph."""
    return {str(o).rsplit("/", 1)[1]: s for s, o in ds.graph(LINKS_GRAPH).subject_objects(OWL.sameAs)}


@pytest.fixture(scope="module")
def qs(ds: Dataset) -> list[str]:
    lines, skipped = quickstatements(ds, RETRIEVED)
    assert skipped == []
    return lines


def parse_time(value: str) -> tuple[int, int, int, int]:
    m = TIME_VALUE.fullmatch(value)
    assert m, value
    year, month, day, precision = (int(x) for x in m.groups())
    assert precision in (9, 10, 11)
    if precision < 11:
        assert day == 0, value  # nothing more precise than the precision says
    if precision < 10:
        assert month == 0, value
    return year, month, day, precision


def parse_line(line: str) -> tuple[str, str, str, list[tuple[str, str]], dict[str, str]]:
    """subject, property, value, qualifiers, sources of one QuickStatements V1 line (asserting its form)."""
    assert not line.startswith(("CREATE", "LAST", "-")), line
    cells = line.split("\t")
    assert len(cells) >= 3 and len(cells) % 2 == 1, line
    subject, prop, value, rest = cells[0], cells[1], cells[2], cells[3:]
    assert ITEM.fullmatch(subject) and PROPERTY.fullmatch(prop), line
    assert ITEM.fullmatch(value) or MONOLINGUAL.fullmatch(value) or TIME_VALUE.fullmatch(value), line
    qualifiers, sources = [], {}
    for key, val in zip(rest[::2], rest[1::2], strict=True):
        if key.startswith("S"):
            assert key in SOURCES and key not in sources, line
            sources[key] = val
        else:
            assert not sources, f"a qualifier after the sources: {line}"
            assert PROPERTY.fullmatch(key), line
            qualifiers.append((key, val))
    return subject, prop, value, qualifiers, sources


def test_every_line_parses_with_linked_items_and_allowed_properties(qs: list[str], linked: dict) -> None:
    allowed = set(read_wikidata_properties(Sources().properties_file)[0])
    assert len(qs) >= 5
    assert len(set(qs)) == len(qs)
    for line in qs:
        subject, prop, value, qualifiers, _ = parse_line(line)
        assert subject in linked, f"{subject} is not linked: {line}"
        assert prop in allowed and all(q in allowed for q, _ in qualifiers)
        if ITEM.fullmatch(value):
            assert value in linked, f"{value} is not linked: {line}"
        for _, q in qualifiers:
            parse_time(q)


def test_every_statement_is_sourced(qs: list[str], ds: Dataset, linked: dict) -> None:
    titles = {str(o) for _, _, o, _ in ds.quads((None, DCTERMS.title, None, None))}
    published = {str(o) for _, _, o, _ in ds.quads((None, SDO.datePublished, None, None))}
    for line in qs:
        *_, sources = parse_line(line)
        assert {"S1476", "S407", "S813"} <= set(sources), line
        lang, title = MONOLINGUAL.fullmatch(sources["S1476"]).groups()
        assert lang == "en" and title in titles
        assert sources["S407"] in LANGUAGE_ITEMS
        assert parse_time(sources["S813"]) == (2025, 1, 2, 11)
        if "S123" in sources:
            assert sources["S123"] in linked
        if "S577" in sources:
            y, m, d, p = parse_time(sources["S577"])
            assert p == 11 and f"{y:04d}-{m:02d}-{d:02d}" in published
        if "S854" in sources:
            assert STRING.fullmatch(sources["S854"])


def test_the_publication_date_is_given_only_by_articles_that_state_one(qs: list[str]) -> None:
    guterres = [parse_line(line) for line in qs if line.startswith("Q311440\tP39\tQ81066\t")]
    by_title = {MONOLINGUAL.fullmatch(s["S1476"]).group(2): s for *_, s in guterres}
    assert by_title["UN | Peacekeeping mission ends in Mali"]["S577"] == "+2023-07-01T00:00:00Z/11"
    assert (
        "S577" not in by_title["Mali orders UN peacekeeping mission to leave"]
    )  # DW's page date is not a publication date


def test_facts_come_through_super_properties_and_inverses(qs: list[str]) -> None:
    statements = {tuple(line.split("\t")[:3]) for line in qs}
    assert ("Q159", "P463", "Q37470") in statements  # unsc vetoHolder russia: vetoHolder < hasMember = memberOf^-1
    assert ("Q311440", "P39", "Q81066") in statements  # holdsPosition exactMatch P39


def test_only_exact_and_close_mappings_are_exported(qs: list[str], ds: Dataset) -> None:
    maps = ds.graph(MAPPINGS_GRAPH)
    strong = {str(o).rsplit("/", 1)[1] for r in (SKOS.exactMatch, SKOS.closeMatch) for o in maps.objects(None, r)}
    assert {line.split("\t")[1] for line in qs} <= strong | {"P1683"}


def test_quotations_are_monolingual_text_on_their_speaker(qs: list[str], ds: Dataset, linked: dict) -> None:
    quotes = [parse_line(line) for line in qs if line.split("\t")[1] == "P1683"]
    assert quotes
    for subject, _, value, qualifiers, _ in quotes:
        lang, text = MONOLINGUAL.fullmatch(value).groups()
        assert lang == "en"
        said = {st for st, _, _, _ in ds.quads((None, MKG.quote, Literal(text), None))}
        speakers = {sp for st in said for _, _, sp, _ in ds.quads((st, MKG.speaker, None, None))}
        assert linked[subject] in speakers
        assert all(q == "P585" for q, _ in qualifiers)


def test_time_values_never_claim_more_precision() -> None:
    assert qs_time("2023-06-30", 11) == "+2023-06-30T00:00:00Z/11"
    assert qs_time("2023-06-30", 10) == "+2023-06-00T00:00:00Z/10"
    assert qs_time(date(2023, 6, 30), 9) == "+2023-00-00T00:00:00Z/9"
    g = Graph()
    claims = {
        "day": (TIME.unitDay, Literal("2023-06-30", datatype=XSD.date), None),
        "month": (TIME.unitMonth, Literal("2023-06", datatype=XSD.gYearMonth), None),
        "year": (TIME.unitYear, Literal("2023", datatype=XSD.gYear), None),
        "no-year": (TIME.unitDay, Literal("--12-05", datatype=XSD.gMonthDay), None),
        "week-in-a-month": (TIME.unitWeek, Literal("2023-06-14", datatype=XSD.date), ("2023-06-12", "2023-06-18")),
        "week-across-months": (TIME.unitWeek, Literal("2023-06-28", datatype=XSD.date), ("2023-06-26", "2023-07-02")),
    }
    for name, (unit, value, bounds) in claims.items():
        node = URIRef(f"urn:claim:{name}")
        g.add((node, MKG.datePrecision, unit))
        g.add((node, MKG.dateValue, value))
        if bounds:
            g.add((node, MKG.earliest, Literal(bounds[0], datatype=XSD.date)))
            g.add((node, MKG.latest, Literal(bounds[1], datatype=XSD.date)))
    got = {name: _claim_time(g, URIRef(f"urn:claim:{name}")) for name in claims}
    assert got == {
        "day": "+2023-06-30T00:00:00Z/11",
        "month": "+2023-06-00T00:00:00Z/10",
        "year": "+2023-00-00T00:00:00Z/9",
        "no-year": None,
        "week-in-a-month": "+2023-06-00T00:00:00Z/10",
        "week-across-months": "+2023-00-00T00:00:00Z/9",
    }


def test_mixnmatch_catalogue(ds: Dataset, linked: dict) -> None:
    text = mixnmatch(ds)
    assert text.endswith("\n")
    lines = text.splitlines()
    assert lines[0] == "id\tname\tdescription\turl\ttype"
    ids = []
    linked_entities = set(linked.values())
    classes = set(verified_classes(read_wikidata_items(Sources().qids_file)[0]))
    for line in lines[1:]:
        cells = line.split("\t")
        assert len(cells) == 5, line
        local, name, description, url, qtype = cells
        assert local and name and description
        assert url == str(RES) + local
        assert URIRef(url) not in linked_entities
        assert not list(ds.quads((URIRef(url), RDF.type, MKG.Statement, None)))
        assert qtype == "" or qtype in classes
        ids.append(local)
    assert len(ids) == len(set(ids)) >= 30
    assert {"minusma", "wagner-group", "abdoulaye-diop", "coup-2020"} <= set(ids)  # not-found.tsv: unlinked on purpose
    assert "mali" not in ids and "assimi-goita" not in ids
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert rows["abdoulaye-diop"][4] == "Q5" and rows["coup-2020"][4] == "Q45382"


def test_openrefine_csv(ds: Dataset, linked: dict) -> None:
    rows = list(csv.DictReader(io.StringIO(openrefine(ds))))
    base = {"id", "iri", "label", "language", "types", "aliases", "description", "wikidata"}
    assert rows and base <= set(rows[0])
    languages = {c.split("_", 1)[1] for c in set(rows[0]) - base}
    assert "fr" in languages
    assert set(rows[0]) - base == {f"{k}_{lang}" for lang in languages for k in ("label", "aliases")}
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows)
    for r in rows:
        assert r["iri"] == str(RES) + r["id"] and r["label"] and r["types"]
        if r["wikidata"]:
            assert linked[r["wikidata"].rsplit("/", 1)[1]] == URIRef(r["iri"])
    assert by_id["assimi-goita"]["wikidata"] == "http://www.wikidata.org/entity/Q98497406"
    assert by_id["assimi-goita"]["label"] == "Assimi Goïta" and "Goita" in by_id["assimi-goita"]["aliases"].split("|")
    assert by_id["minusma"]["wikidata"] == ""
    assert sum(bool(r["wikidata"]) for r in rows) == len(linked)


def test_openrefine_csv_carries_the_names_in_other_languages(ds: Dataset) -> None:
    by_id = {r["id"]: r for r in csv.DictReader(io.StringIO(openrefine(ds)))}
    names, errors = read_all_names(paths.NAMES_DIR)
    assert names and not errors
    for n in names:
        row = by_id[n.entity]
        if n.kind == "label":
            assert row[f"label_{n.lang}"] == n.name
        else:
            assert n.name in row[f"aliases_{n.lang}"].split("|")


def test_the_command(built, tmp_path: Path, capsys: pytest.CaptureFixture[str], ds: Dataset) -> None:
    out = tmp_path / "qs.txt"
    assert (
        main(["export", "quickstatements", "--data", str(built.out), "--retrieved", "2025-01-02", "--out", str(out)])
        == 0
    )
    assert out.read_text(encoding="utf-8").splitlines() == quickstatements(ds, RETRIEVED)[0]
    assert main(["export", "mixnmatch", "--data", str(built.out)]) == 0
    assert capsys.readouterr().out == mixnmatch(ds)
    assert main(["export", "openrefine", "--data", str(built.out)]) == 0
    assert capsys.readouterr().out == openrefine(ds)
    with pytest.raises(SystemExit):
        main(["export", "quickstatements", "--retrieved", "yesterday"])


def test_the_language_items_are_the_verified_ones_the_tests_know() -> None:
    lines = [r for r in (paths.WIKIDATA_DIR / "languages.tsv").read_text(encoding="utf-8").splitlines()
             if r and not r.startswith("#")]  # fmt: skip
    rows = list(csv.DictReader(lines, delimiter="\t"))
    assert {r["qid"] for r in rows} == LANGUAGE_ITEMS
    assert all(r["status"] == "verified" and r["confidence"] in ("high", "med-high") for r in rows)


def test_an_unverified_language_item_gives_no_language_source(ds: Dataset, tmp_path: Path) -> None:
    """A language item not marked verified is left out (S407 omitted), as an unverified QID is never linked."""
    (tmp_path / "languages.tsv").write_text("tag\tqid\tlabel\tstatus\tconfidence\nen\tQ1860\tEnglish\tunverified\t\n")
    lines, _ = quickstatements(ds, RETRIEVED, wikidata_dir=tmp_path)
    assert lines
    assert not any("\tS407\t" in line for line in lines)
    verified, _ = quickstatements(ds, RETRIEVED)
    assert any("\tS407\tQ1860" in line for line in verified)
