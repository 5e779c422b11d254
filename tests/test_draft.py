"""Drafting an article's annotation from its text (kg/draft.py): loadable, verbatim, marked for review, never
written over anything; and what it reads off small texts: bylines, datelines, positions, speech, numbers, places."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from minusma_kg.kg import paths
from minusma_kg.kg.annotations import load_article
from minusma_kg.kg.draft import add_article, draft_article, next_number, render, strip_review_marks
from minusma_kg.kg.drafting.emit import scalar, value_lines
from minusma_kg.kg.extract import normalise

from minusma_kg.cli import main

CURATED = sorted(
    p
    for p in paths.ARTICLES_DIR.glob("*.yaml")
    if "review: draft" not in p.read_text(encoding="utf-8") and p.with_suffix(".txt").exists()
)


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.rglob("*")
            if p.is_file()}  # fmt: skip


def _load_stripped(yaml_text: str, text: str, directory: Path, stem: str = "900_draft"):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stem}.txt").write_text(text, encoding="utf-8")
    (directory / f"{stem}.yaml").write_text(strip_review_marks(yaml_text), encoding="utf-8")
    return load_article(directory / f"{stem}.yaml")


def _draft(text: str, **options):
    return draft_article(text, **options)


def _facts(d, kind: str | None = None, prop: str | None = None):
    return [f for f in d.facts if (kind is None or f.kind == kind) and (prop is None or prop in f.values)]


# --- The curated articles, drafted as if they were new ------------------------------------------------------------


@pytest.mark.parametrize("annotation", CURATED, ids=[p.name[:3] for p in CURATED])
def test_the_draft_of_each_article_loads_and_quotes_its_text(annotation: Path, tmp_path: Path):
    text = annotation.with_suffix(".txt").read_text(encoding="utf-8")
    draft = draft_article(text, exclude={annotation.name[:3]}, source=annotation.with_suffix(".txt").name)
    yaml_text = render(draft)
    article = _load_stripped(yaml_text, text, tmp_path)
    body = normalise(text)
    assert article.facts, "a news article yields some facts"
    for fact in article.facts:
        for passage in fact.evidence:
            assert normalise(passage) in body, passage
        evidence = normalise(" ".join(fact.evidence))
        for quote in fact.values.get("quote", []):
            assert normalise(str(quote)) in evidence
        for spec in fact.dates.values():
            assert normalise(spec.text).lower() in body.lower()
    if article.published_evidence:
        assert normalise(article.published_evidence) in body
    # the YAML says exactly what the draft holds
    data = yaml.safe_load(yaml_text)
    assert [f["about"] for f in data["facts"]] == [f.about for f in article.facts]
    assert len(data["entities"]) == len(draft.entities)


@pytest.mark.parametrize("annotation", CURATED, ids=[p.name[:3] for p in CURATED])
def test_every_drafted_item_is_marked_for_review(annotation: Path):
    text = annotation.with_suffix(".txt").read_text(encoding="utf-8")
    data = yaml.safe_load(render(draft_article(text, exclude={annotation.name[:3]})))
    assert data["article"]["review"] == "draft"
    assert data["entities"] and all(e["review"] == "draft" for e in data["entities"])
    assert all(f["review"] == "draft" for f in data["facts"])


def test_ids_of_new_entities_are_unique_and_well_formed():
    for annotation in CURATED:
        draft = draft_article(annotation.with_suffix(".txt").read_text(encoding="utf-8"), exclude={annotation.name[:3]})
        ids = [e.id for e in draft.entities]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), ids


def test_a_draft_with_its_marks_removed_builds_with_the_corpus(tmp_path: Path):
    """Evidence, dates, properties, literal types and ids all pass the assembler's checks."""
    from minusma_kg.kg.assemble import assemble
    from minusma_kg.kg.sources import Sources, read_sources

    articles = tmp_path / "articles"
    shutil.copytree(paths.ARTICLES_DIR, articles)
    for i, text in enumerate([TEXT, STORY]):
        draft = draft_article(text, articles_dir=articles)
        (articles / f"90{i}_draft.txt").write_text(text, encoding="utf-8")
        (articles / f"90{i}_draft.yaml").write_text(strip_review_marks(render(draft)), encoding="utf-8")
    assembly = assemble(read_sources(Sources(articles_dir=articles)))
    assert len(list(assembly.dataset.graphs())) > 5


# --- draft and add on disk ----------------------------------------------------------------------------------------

TEXT = """Gao camp handed over as MINUSMA leaves

By Sahel Morning News

12 December 2023 09:30

The last convoy of MINUSMA peacekeepers left the UN camp in Gao on Monday, ending a decade-long presence.

"We are leaving Gao with our heads high," said Awa Kontao, the spokesperson of MINUSMA.
"""


STORY = """Mali junta expels French ambassador as tensions with UN mission grow

BAMAKO (Agency - 5th May, 2023) - Mali's military government on Tuesday ordered the expulsion of France's ambassador \
Joel Meyer, giving him 72 hours to leave the country, state television said.

The decision came a week after Mali's Foreign Minister Abdoulaye Diop accused Paris of "interference" in the country's \
internal affairs. Diop said that the ambassador's remarks were "hostile and outrageous."

The UN mission, known as Minusma, said it was concerned about rising violence around Moura, in the Mopti region of \
central Mali, where at least 33 civilians were killed last month.

"We are deeply worried about the safety of civilians in the centre of the country," the mission's spokesperson \
Fatoumata Kaba told reporters in Bamako.

"Our peacekeepers will continue to patrol where they can.

"But we need the cooperation of the Malian authorities," she added.

The United States pledged more than $50 million in humanitarian aid to Mali this year. The 12,000-strong force has \
been deployed in the West African country since 2013. On 31/02/2023 nothing happened.

Source: AFP
"""


def test_a_wire_story_end_to_end():
    d = _draft(STORY)
    assert (d.meta.published, d.meta.publisher) == (date(2023, 5, 5), None)
    positions = {(f.about, f.values["holdsPosition"][0]) for f in _facts(d, "position")}
    assert positions == {("joel-meyer", "french-ambassador-to-the-un"), ("abdoulaye-diop", "foreign-minister-of-mali"),
                         ("fatoumata-kaba", "spokesman-of-minusma")}  # fmt: skip
    speakers = [f.values["speaker"][0] for f in _facts(d, "statement")]
    assert speakers == ["abdoulaye-diop", "minusma", "fatoumata-kaba", "fatoumata-kaba"]
    expulsion = next(f for f in _facts(d, "number") if f.values.get("duration") == ["PT72H"])
    assert expulsion.dates == {"when": "on Tuesday"}  # not the dateline's date
    victims = next(f for f in _facts(d, "number") if "minimumVictims" in f.values)
    assert victims.values["minimumVictims"] == [33]
    impossible = next(x for x in d.dates if x.text == "On 31/02/2023")
    assert impossible.resolution is None and not impossible.used


@pytest.fixture()
def articles_copy(tmp_path: Path) -> Path:
    """A copy of kg/articles: the tests write there, never into kg/articles."""
    target = tmp_path / "articles"
    shutil.copytree(paths.ARTICLES_DIR, target)
    return target


def test_draft_prints_the_annotation_and_changes_nothing(articles_copy: Path, tmp_path: Path, capsys):
    source = tmp_path / "new.txt"
    source.write_text(TEXT, encoding="utf-8")
    before, before_real, before_src = _snapshot(articles_copy), _snapshot(paths.ARTICLES_DIR), _snapshot(tmp_path)
    assert main(["draft", str(source), "--articles-dir", str(articles_copy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# DRAFT") and "review: draft" in out
    assert yaml.safe_load(out)["article"]["title"] == "Gao camp handed over as MINUSMA leaves"
    assert _snapshot(articles_copy) == before
    assert _snapshot(paths.ARTICLES_DIR) == before_real
    assert _snapshot(tmp_path) == before_src


def test_add_writes_the_next_number_with_a_slug_and_refuses_to_overwrite(
    articles_copy: Path, tmp_path: Path, monkeypatch
):
    source = tmp_path / "new.txt"
    source.write_bytes(TEXT.encode("utf-8"))
    expected = next_number(articles_copy)
    numbers = [int(p.name[:3]) for p in articles_copy.glob("*.txt")]
    assert expected == max(numbers) + 1
    before_real = _snapshot(paths.ARTICLES_DIR)

    txt, yml = add_article(source, articles_copy)
    stem = f"{expected:03d}_gao-camp-handed-over-as-minusma-leaves"
    assert (txt.name, yml.name) == (f"{stem}.txt", f"{stem}.yaml")
    assert txt.read_bytes() == source.read_bytes()  # the text, verbatim
    assert "review: draft" in yml.read_text(encoding="utf-8")
    article = _load_stripped(yml.read_text(encoding="utf-8"), TEXT, tmp_path / "check", stem)
    assert article.published == date(2023, 12, 12)
    assert _snapshot(paths.ARTICLES_DIR) == before_real

    # a second text gets the number after
    assert add_article(source, articles_copy)[0].name.startswith(f"{expected + 1:03d}_")

    # and nothing is ever written over an existing file
    snapshot = _snapshot(articles_copy)
    monkeypatch.setattr("minusma_kg.kg.draft.next_number", lambda _directory: expected)
    with pytest.raises(FileExistsError):
        add_article(source, articles_copy)
    assert _snapshot(articles_copy) == snapshot
    assert main(["add", str(source), "--articles-dir", str(articles_copy)]) == 1
    assert _snapshot(articles_copy) == snapshot


def test_add_into_an_empty_directory_starts_at_000(tmp_path: Path, capsys):
    (tmp_path / "articles").mkdir()
    source = tmp_path / "a.txt"
    source.write_text("Short headline for a test\n\nThe UN said on Friday that the talks would go on.\n")
    assert main(["add", str(source), "--articles-dir", str(tmp_path / "articles")]) == 0
    names = sorted(p.name for p in (tmp_path / "articles").iterdir())
    assert names == ["000_short-headline-for-a-test.txt", "000_short-headline-for-a-test.yaml"]
    assert "review" in capsys.readouterr().out


def test_a_bad_published_option_is_a_usage_error(tmp_path: Path):
    source = tmp_path / "a.txt"
    source.write_text("Some title here\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["draft", str(source), "--published", "July 2023"])
    assert exit_info.value.code == 2


# --- Metadata: bylines, datelines, page dates, wire credits -------------------------------------------------------

BODY = "The UN Security Council decided on Friday to end the peacekeeping mission in Mali after ten years there."


def test_published_on_is_read_day_first():
    d = _draft(
        f"UN | Peacekeeping mission ends in Mali\nDefence Redefined\nPublished on 01/07/2023 at 12:42\n\n{BODY}\n"
    )
    m = d.meta
    assert (m.title, m.publisher, m.published) == ("UN | Peacekeeping mission ends in Mali", "defence-redefined",
                                                    date(2023, 7, 1))  # fmt: skip
    assert m.published_evidence == "Published on 01/07/2023 at 12:42"
    assert "day-first" in m.date_note
    friday = next(x for x in d.dates if x.text == "on Friday")
    assert friday.resolution.value == "2023-06-30"  # resolved against the publication date


def test_a_byline_names_the_outlet_and_the_date_under_it_is_the_publication_date():
    d = _draft(f"Tuesday, November 12, 2024\n\nMali Announces MINUSMA Withdrawal\n\nBy Al Mayadeen English\n\n"
               f"7 Nov 2024 19:24\n\n{BODY}\n")  # fmt: skip
    m = d.meta
    assert (m.publisher, m.published, m.published_evidence) == ("al-mayadeen", date(2024, 11, 7), "7 Nov 2024 19:24")
    assert m.page_date == date(2024, 11, 12)
    assert m.title == "Mali Announces MINUSMA Withdrawal"


def test_a_date_above_the_headline_is_a_page_date_and_relative_dates_stay_unresolved():
    d = _draft(f"| 21 April 2024, Sunday |\n\nMali orders UN peacekeeping mission to leave\n\n{BODY}\n")
    assert (d.meta.published, d.meta.page_date) == (None, date(2024, 4, 21))
    friday = next(x for x in d.dates if x.text == "on Friday")
    assert friday.resolution is not None and friday.resolution.value is None  # not resolved against the page date
    assert all("21 April" not in x.text for x in d.dates)  # page furniture is not a date of the story


def test_a_wire_credit_is_not_the_publisher():
    d = _draft(f"Mali asks the mission to leave now\n\n{BODY}\n\nSource: AFP\n")
    assert d.meta.publisher is None
    assert d.meta.wires[0][:2] == ("AFP", "afp")
    assert any("wire credit" in n for n in d.meta.notes)


def test_a_dateline_gives_place_agency_and_date():
    d = _draft(f"Mali and the UN disagree again\n\nBAMAKO (Agency - 5th May, 2023) - {BODY}\n")
    m = d.meta
    assert (m.published, m.published_evidence) == (date(2023, 5, 5), "5th May, 2023")
    assert m.dateline[:2] == ("Bamako", "bamako")
    assert m.wires[0][0] == "Agency"


def test_an_unknown_outlet_in_a_byline_becomes_a_new_publisher_and_options_win():
    d = _draft(TEXT)
    assert d.meta.publisher == "sahel-morning-news"
    assert any(e.id == "sahel-morning-news" and e.type == "Organisation" for e in d.entities)
    d = _draft(TEXT, title="Another title", publisher="dw", published=date(2023, 12, 12), url="https://example.org/a")
    m = d.meta
    assert (m.title, m.publisher, m.published, m.url) == ("Another title", "dw", date(2023, 12, 12),
                                                          "https://example.org/a")  # fmt: skip
    assert m.published_evidence == "12 December 2023 09:30"
    assert not any(e.kind == "publisher" for e in d.entities)


def test_a_published_option_the_text_does_not_show_is_flagged():
    d = _draft(f"A title with no date at all\n\n{BODY}\n", published=date(2023, 7, 1))
    assert d.meta.published == date(2023, 7, 1) and d.meta.published_evidence is None
    assert any("does not show" in n for n in d.meta.notes)


# --- Mentions and new names ---------------------------------------------------------------------------------------


def test_mentions_ignore_accents_punctuation_and_the_case_of_acronyms():
    d = _draft(
        f"A headline for the test here\n\n{BODY} The U.N. said Minusma and Assimi Goïta met Jean Pierre Lacroix.\n"
    )
    found = {m.entity for m in d.mentions}
    assert {"united-nations", "minusma", "assimi-goita", "jean-pierre-lacroix", "unsc", "mali"} <= found
    fuzzy = {(m.surface, m.entity) for m in d.fuzzy}
    assert ("U.N.", "united-nations") in fuzzy and ("Jean Pierre Lacroix", "jean-pierre-lacroix") in fuzzy
    assert ("Minusma", "minusma") not in fuzzy  # an alias already: the build finds it
    assert "add it to the aliases" in render(d)


def test_unknown_capitalised_names_become_typed_candidates():
    d = _draft(
        "A headline for the test here\n\nThe head of a private military company, John Doe, met Colonel Jane Roe in "
        "Kidal, and the Sahel Liberation Front said it would leave.\n"
    )
    new = {e.id: e.type for e in d.entities if e.kind == "name"}
    assert new["john-doe"] == "Person" and new["jane-roe"] == "Person"
    assert new["kidal"] == "Place" and new["sahel-liberation-front"] == "ArmedGroup"


# --- Positions ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "person", "position", "evidence"),
    [
        ("Foreign Minister Abdoulaye Diop spoke.", "abdoulaye-diop", "foreign-minister-of-mali",
         "Foreign Minister Abdoulaye Diop"),
        ("It was said by the transitional president Colonel Assimi Goita on Monday.", "assimi-goita",
         "transitional-president-of-mali", "the transitional president Colonel Assimi Goita"),
        ("Then France's ambassador Nicolas de Riviere spoke.", "nicolas-de-riviere", "french-ambassador-to-the-un",
         "France's ambassador Nicolas de Riviere"),
        ("He met the UN Secretary-General, Antonio Guterres, in New York.", "antonio-guterres", "un-secretary-general",
         "the UN Secretary-General, Antonio Guterres"),
        ("They met Malian Minister of Foreign Affairs Abdoulaye Diop.", "abdoulaye-diop", "foreign-minister-of-mali",
         "Malian Minister of Foreign Affairs Abdoulaye Diop"),
        ("They met El Ghassim Wane, the head of MINUSMA, in Bamako.", "el-ghassim-wane", "head-of-minusma",
         "El Ghassim Wane, the head of MINUSMA"),
    ],
)  # fmt: skip
def test_appositive_titles_become_holds_position_facts(sentence, person, position, evidence):
    d = _draft(f"A headline for the test here\n\nThe Security Council met in Mali. {sentence}\n")
    (fact,) = [f for f in _facts(d, "position") if f.about == person]
    assert fact.values["holdsPosition"] == [position]
    assert fact.evidence == [evidence]
    assert fact.values["name"][0] in evidence


def test_a_new_position_is_declared_with_what_it_is_a_position_in():
    d = _draft("A headline for the test here\n\nThe head of a private military company, John Doe, was in Mali. "
               "Awa Kontao, the spokesperson of Wagner Group, said nothing.\n")  # fmt: skip
    positions = {e.id: e for e in d.entities if e.type == "Position"}
    doe = next(f for f in _facts(d, "position") if f.about == "john-doe")
    assert positions[doe.values["holdsPosition"][0]].label == "Head of a private military company"
    kontao = next(f for f in _facts(d, "position") if f.about == "awa-kontao")
    pid = kontao.values["holdsPosition"][0]
    assert any(f.about == pid and f.values == {"positionIn": ["wagner-group"]} for f in d.facts)


# --- Statements: quotations and reported speech ---------------------------------------------------------------------


def _statements(text: str):
    d = _draft("A headline for the test here\n\n" + text)
    return d, [f for f in d.facts if f.kind == "statement"]


def test_reported_speech_names_its_speaker():
    _, (s,) = _statements("Foreign Minister Abdoulaye Diop said that the mission had failed to protect civilians.\n")
    assert s.values["speaker"] == ["abdoulaye-diop"]
    assert s.values["paraphrase"] == ["the mission had failed to protect civilians"]
    assert s.values["speakerRole"] == ["foreign-minister-of-mali"]
    _, (s,) = _statements("MINUSMA said its convoys were attacked twice. The mission added that nobody was hurt.\n")
    assert s.values["speaker"] == ["minusma"]
    assert s.values["paraphrase"] == ["its convoys were attacked twice; nobody was hurt"]
    _, (s,) = _statements("Restoring stability in the north will take years, said Abdoulaye Diop on Monday.\n")
    assert s.values["speaker"] == ["abdoulaye-diop"] and s.dates == {"when": "on Monday"}


def test_quotations_in_straight_or_curly_marks_and_across_paragraphs():
    _, statements = _statements(
        'Abdoulaye Diop spoke on Friday. "We will leave," he said.\n\n'
        "“The first paragraph of a long quote.\n\n“And its second paragraph,” said El Ghassim Wane.\n"
    )
    diop, wane = statements
    assert diop.values["speaker"] == ["abdoulaye-diop"] and diop.values["quote"] == ["We will leave"]
    assert wane.values["speaker"] == ["el-ghassim-wane"]
    assert wane.values["quote"] == ["The first paragraph of a long quote.", "And its second paragraph"]
    assert normalise(wane.evidence[0]).startswith("“The first paragraph")


def test_speakers_named_by_role_body_or_pronoun():
    _, statements = _statements(
        "Mali's Council of Ministers issued a statement on Thursday. "
        '"The withdrawal will end on November 15," the statement read.\n\n'
        "Abdoulaye Diop spoke after him. “This situation generates distrust,” said the minister.\n"
    )
    by_quote = {f.values["quote"][0]: f.values["speaker"][0] for f in statements if "quote" in f.values}
    assert by_quote == {"The withdrawal will end on November 15": "mali-council-of-ministers",
                        "This situation generates distrust": "abdoulaye-diop"}  # fmt: skip


def test_a_quotation_with_no_speaker_is_a_comment_not_a_statement():
    d, statements = _statements("The ministry cited the mission's perceived “failure” to act as the reason.\n")
    assert statements == []
    assert any("failure" in n for n in d.notes["quotes"])


def test_a_quote_another_article_already_has_reuses_its_statement():
    _, (s,) = _statements(
        "“The government of Mali calls for the withdrawal without delay of MINUSMA,” said Abdoulaye Diop.\n"
    )
    assert s.about == "diop-withdrawal-call"


# --- Dates, numbers, places -----------------------------------------------------------------------------------------


def test_date_expressions_are_resolved_against_the_publication_date_or_left_as_comments():
    d = _draft(
        "A headline for the test here\n\nPublished on 01/07/2023 at 12:42\n\n"
        "Abdoulaye Diop said on Friday that the mission would leave by December 31. It arrived in 2013, two weeks "
        "ago it was asked to go, and in the 1990s nobody knew. In mid-2022 it changed, next week it ends.\n"
    )
    found = {x.text: x for x in d.dates}
    assert found["on Friday"].resolution.value == "2023-06-30" and found["on Friday"].used
    assert found["by December 31"].resolution.value == "2023-12-31" and found["by December 31"].key == "ends"
    assert found["in 2013"].resolution.value == "2013"
    assert found["two weeks ago"].resolution.precision == "week"
    assert {"in the 1990s", "In mid-2022", "next week"} <= set(found)
    (s,) = _facts(d, "statement")
    assert s.dates == {"when": "on Friday"}  # the date of the saying, not of what was said
    rendered = render(d)
    for x in found.values():  # each expression kg.dates does not understand is a comment, never a fact's date
        assert (x.resolution is None) == bool(x.error)
        assert f"{x.text!r}" in rendered
        if x.resolution is None:
            assert not x.used and "not understood" in rendered


@pytest.mark.parametrize(
    ("sentence", "prop", "value", "approximate"),
    [
        ("Mali now relies on about 1,000 Wagner fighters.", "personnelCount", 1000, True),
        ("The 15-member Security Council voted on Friday.", "memberCount", 15, False),
        ("The report said at least 500 people were killed in Moura.", "minimumVictims", 500, False),
        ("The 10-year peacekeeping mission MINUSMA is over.", "duration", "P10Y", False),
        ("It was a decade-long war in Mali.", "duration", "P10Y", False),
        ("MINUSMA had nearly 80 helicopters in Mali.", None, 80, True),
        ("Guterres proposed three options for MINUSMA.", "optionCount", 3, False),
    ],
)
def test_numbers_with_their_qualifiers(sentence, prop, value, approximate):
    d = _draft("A headline for the test here\n\n" + sentence + "\n")
    facts = _facts(d, "number")
    if prop is None:  # no property fits: a comment for the curator
        assert not facts and any(f"{value:,}" in n and "approximate" in n for n in d.notes["numbers"])
        return
    (f,) = facts
    assert f.values[prop] == [value]
    assert f.values.get("approximate") == ([True] if approximate else None)


def test_money_has_no_property_and_becomes_a_comment():
    d = _draft("A headline for the test here\n\nThe UN spent more than $50 million on MINUSMA camps in Mali.\n")
    assert not _facts(d, "number")
    assert any("50,000,000 USD (minimum)" in n for n in d.notes["numbers"])


def test_place_chains_become_located_in_facts():
    d = _draft("A headline for the test here\n\nFighting broke out in Moura, in the Mopti region of central Mali, "
               "on Sunday. Mali is the West African nation at the heart of it.\n")  # fmt: skip
    pairs = {(f.about, f.values["locatedIn"][0]) for f in _facts(d, "place")}
    assert ("moura", "mopti-region") in pairs and ("mopti-region", "mali") in pairs
    assert ("mali", "west-africa") not in pairs  # another article already says so: a comment, not a second fact
    assert any("west-africa" in n for n in d.notes["places"])


def test_candidate_links_to_events_other_articles_describe():
    d = _draft("A headline for the test here\n\nThe UN Security Council decided in a resolution on Friday to end "
               "the 10-year peacekeeping mission in Mali.\n")  # fmt: skip
    assert any(line.startswith("resolution-termination") for line in d.links)
    assert "Candidate links" in render(d)


# --- The YAML writer ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["plain text", "key: value", "# not a comment", "- not a list", "null", "2020", "yes", "'quoted'", '"double"',
     "tab\there", "ends with colon:", "a “curly” quote, it\u2019s fine", "ünïcödé \u2013 dash", "x" * 300,
     "\u0085next line", "line\u2028separator", "control\x07char", "   leading spaces", "{not: a mapping}"],
)  # fmt: skip
def test_every_string_reads_back_as_itself(value):
    for lines in (value_lines("key", value, 0), [f"key: {scalar(value)}"], value_lines("key", [value, value], 0)):
        loaded = yaml.safe_load("\n".join(lines))["key"]
        expected = [value, value] if len(lines) > 1 and lines[1].lstrip().startswith("- ") else value
        if isinstance(loaded, list):
            assert loaded == [value, value]
        else:
            assert loaded == expected


def test_stripping_the_marks_leaves_the_rest_as_it_was():
    text = render(_draft(TEXT))
    stripped = strip_review_marks(text)
    assert all(line.strip() != "review: draft" for line in stripped.splitlines())
    marks = sum(line.strip() == "review: draft" for line in text.splitlines())
    assert marks and len(text.splitlines()) - len(stripped.splitlines()) == marks


def test_a_place_named_after_city_of_is_a_place_candidate():
    text = "Mali news\n\nThe last peacekeepers left the northern city of Timbuktu on Tuesday, the mission said.\n"
    drafted = render(draft_article(text))
    assert "id: timbuktu" in drafted and "type: Place" in drafted
