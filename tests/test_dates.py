"""Date expressions resolve as far as the text allows, and say how."""

from __future__ import annotations

import doctest
import inspect
import re
from datetime import date
from pathlib import Path

import pytest
from minusma_kg.kg import dates
from minusma_kg.kg.build import check
from minusma_kg.kg.dates import resolve
from minusma_kg.kg.namespaces import MKG, article_graph
from minusma_kg.kg.sources import Sources
from rdflib import Literal

from minusma_kg.errors import DateError, DateNotUnderstoodError

SAT_1_JULY_2023 = date(2023, 7, 1)
SUN_2_JULY_2023 = date(2023, 7, 2)
MON_3_JULY_2023 = date(2023, 7, 3)
SAT_15_JULY_2023 = date(2023, 7, 15)
THU_7_NOV_2024 = date(2024, 11, 7)
D = date.fromisoformat


@pytest.mark.parametrize(
    ("text", "reference", "value", "datatype", "precision"),
    [
        ("on Friday", SAT_1_JULY_2023, "2023-06-30", "date", "day"),
        ("on Thursday", THU_7_NOV_2024, "2024-11-07", "date", "day"),
        ("on Wednesday", THU_7_NOV_2024, "2024-11-06", "date", "day"),
        ("Friday\u2019s", SAT_1_JULY_2023, "2023-06-30", "date", "day"),
        ("In January", THU_7_NOV_2024, "2024-01", "gYearMonth", "month"),
        ("until September 30", SAT_1_JULY_2023, "2023-09-30", "date", "day"),
        ("by August 15", SAT_1_JULY_2023, "2023-08-15", "date", "day"),
        ("on Saturday July 1", SAT_1_JULY_2023, "2023-07-01", "date", "day"),
        ("by December 31, 2023", None, "2023-12-31", "date", "day"),
        ("7 Nov 2024", None, "2024-11-07", "date", "day"),
        ("01/07/2023", None, "2023-07-01", "date", "day"),
        ("In June 2023", None, "2023-06", "gYearMonth", "month"),
        ("since April 2013", None, "2013-04", "gYearMonth", "month"),
        ("in 2020", None, "2020", "gYear", "year"),
        ("by the end of 2024", None, "2024", "gYear", "year"),
        ("earlier this month", date(2023, 7, 15), "2023-07", "gYearMonth", "month"),
        ("earlier this month", SAT_1_JULY_2023, "2023-06", "gYearMonth", "month"),  # nothing is earlier on the 1st
        ("Late last year", date(2023, 6, 16), "2022", "gYear", "year"),
        ("In June last year", date(2023, 6, 16), "2022-06", "gYearMonth", "month"),
        ("two weeks ago", SAT_1_JULY_2023, "2023-06-17", "date", "week"),
    ],
)
def test_resolves_against_the_reference_date(text, reference, value, datatype, precision):
    r = resolve(text, reference)
    assert (r.value, r.datatype, r.precision) == (value, datatype, precision)
    assert r.note


# What news articles write, each with the reference date it is read against (the publication date, or None
# for an undated article), and what it resolves to: value, value_end, datatype, precision, earliest, latest.
NEWS_PHRASES = [
    # Parts of a year keep the year's precision; earliest/latest say which part.
    ("since late 2021", None, "2021", None, "gYear", "year", "2021-09-01", "2021-12-31"),
    ("late 2021", SAT_1_JULY_2023, "2021", None, "gYear", "year", "2021-09-01", "2021-12-31"),
    ("early 2022", None, "2022", None, "gYear", "year", "2022-01-01", "2022-04-30"),
    ("in early 2022", None, "2022", None, "gYear", "year", "2022-01-01", "2022-04-30"),
    ("mid-2023", None, "2023", None, "gYear", "year", "2023-05-01", "2023-08-31"),
    ("Late last year", date(2023, 6, 16), "2022", None, "gYear", "year", "2022-09-01", "2022-12-31"),
    ("late June 2023", None, "2023-06", None, "gYearMonth", "month", "2023-06-21", "2023-06-30"),
    # Counted back from the reference date.
    ("today", SAT_1_JULY_2023, "2023-07-01", None, "date", "day", "2023-07-01", "2023-07-01"),
    ("yesterday", SAT_1_JULY_2023, "2023-06-30", None, "date", "day", "2023-06-30", "2023-06-30"),
    ("yesterday", date(2024, 1, 1), "2023-12-31", None, "date", "day", "2023-12-31", "2023-12-31"),
    ("a week ago", SAT_1_JULY_2023, "2023-06-24", None, "date", "week", "2023-06-21", "2023-06-27"),
    ("last weekend", SAT_1_JULY_2023, "2023-06-24", "2023-06-25", "date", "day", "2023-06-24", "2023-06-25"),
    ("last weekend", SUN_2_JULY_2023, "2023-06-24", "2023-06-25", "date", "day", "2023-06-24", "2023-06-25"),
    ("last weekend", MON_3_JULY_2023, "2023-07-01", "2023-07-02", "date", "day", "2023-07-01", "2023-07-02"),
    ("earlier this month", SAT_15_JULY_2023, "2023-07", None, "gYearMonth", "month", "2023-07-01", "2023-07-14"),
    ("earlier this month", SAT_1_JULY_2023, "2023-06", None, "gYearMonth", "month", "2023-06-01", "2023-06-30"),
    ("last year", SAT_1_JULY_2023, "2022", None, "gYear", "year", "2022-01-01", "2022-12-31"),
    ("last year", date(2024, 1, 1), "2023", None, "gYear", "year", "2023-01-01", "2023-12-31"),
    # Counted forward from it.
    ("in the coming weeks", SAT_1_JULY_2023, "2023-07-01", "2023-08-12", "date", "week", "2023-07-01", "2023-08-12"),
    ("later this year", SAT_1_JULY_2023, "2023", None, "gYear", "year", "2023-07-02", "2023-12-31"),
    ("next month", SAT_1_JULY_2023, "2023-08", None, "gYearMonth", "month", "2023-08-01", "2023-08-31"),
    ("next month", date(2023, 12, 10), "2024-01", None, "gYearMonth", "month", "2024-01-01", "2024-01-31"),
    ("within 18 months", SAT_1_JULY_2023, "2023-07", "2025-01", "gYearMonth", "month", "2023-07-01", "2025-01-01"),
    ("within 18 months", date(2023, 8, 31), "2023-08", "2025-02", "gYearMonth", "month", "2023-08-31", "2025-02-28"),
    # Deadlines and stretches.
    ("by the end of August 2023", None, "2023-08", None, "gYearMonth", "month", "2023-08-01", "2023-08-31"),
    ("by the end of August", SAT_1_JULY_2023, "2023-08", None, "gYearMonth", "month", "2023-08-01", "2023-08-31"),
    ("between June and August 2023", None, "2023-06", "2023-08", "gYearMonth", "month", "2023-06-01", "2023-08-31"),
    ("between June and August", SAT_1_JULY_2023, "2023-06", "2023-08", "gYearMonth", "month", "2023-06-01",
     "2023-08-31"),
    # Read in March, the latest June is last year's.
    ("between June and August", date(2023, 3, 15), "2022-06", "2022-08", "gYearMonth", "month", "2022-06-01",
     "2022-08-31"),
    # Ordinals, in words or figures, before or after the month.
    ("since first of July", SAT_1_JULY_2023, "2023-07-01", None, "date", "day", "2023-07-01", "2023-07-01"),
    ("since the first of July", THU_7_NOV_2024, "2024-07-01", None, "date", "day", "2024-07-01", "2024-07-01"),
    ("July 1st", SAT_1_JULY_2023, "2023-07-01", None, "date", "day", "2023-07-01", "2023-07-01"),
    ("5th May, 2023", None, "2023-05-05", None, "date", "day", "2023-05-05", "2023-05-05"),
    ("on the twenty-first of June 2023", None, "2023-06-21", None, "date", "day", "2023-06-21", "2023-06-21"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "reference", "value", "value_end", "datatype", "precision", "earliest", "latest"), NEWS_PHRASES
)
def test_what_news_articles_write(text, reference, value, value_end, datatype, precision, earliest, latest):
    r = resolve(text, reference)
    assert (r.value, r.value_end, r.datatype, r.precision) == (value, value_end, datatype, precision)
    assert (r.earliest, r.latest) == (D(earliest), D(latest))
    assert r.note and r.text == text


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("late 2021", "late 2021: read as September to December 2021"),
        ("early 2022", "early 2022: read as January to April 2022"),
        ("mid-2023", "mid-2023: read as May to August 2023"),
    ],
)
def test_a_part_of_a_year_says_how_it_was_read(text, note):
    assert resolve(text).note == note


def test_notes_name_the_reading_and_the_reference():
    assert "6 weeks" in resolve("in the coming weeks", SAT_1_JULY_2023).note
    assert "2023-07-01" in resolve("today", SAT_1_JULY_2023).note
    assert "Saturday and Sunday" in resolve("last weekend", MON_3_JULY_2023).note
    assert "at the latest 2023-08-31" in resolve("by the end of August 2023").note
    assert "approximate to the week" in resolve("a week ago", SAT_1_JULY_2023).note


# Relative to an earlier event the annotation names with an anchor, like "nine months later".
FRIDAY = resolve("on Friday", SAT_1_JULY_2023)  # 2023-06-30


@pytest.mark.parametrize(
    ("text", "anchor", "value", "datatype", "precision", "earliest", "latest"),
    [
        ("two days before", FRIDAY, "2023-06-28", "date", "day", "2023-06-28", "2023-06-28"),
        ("the day before", FRIDAY, "2023-06-29", "date", "day", "2023-06-29", "2023-06-29"),
        ("two days later", FRIDAY, "2023-07-02", "date", "day", "2023-07-02", "2023-07-02"),
        ("the following year", resolve("August 2020"), "2021", "gYear", "year", "2021-01-01", "2021-12-31"),
        ("nine months later", resolve("August 2020"), "2021-05", "gYearMonth", "month", "2021-05-01", "2021-05-31"),
    ],
)
def test_counts_from_an_anchor(text, anchor, value, datatype, precision, earliest, latest):
    r = resolve(text, SAT_1_JULY_2023, anchor=anchor)
    assert (r.value, r.datatype, r.precision) == (value, datatype, precision)
    assert (r.earliest, r.latest) == (D(earliest), D(latest))
    assert repr(anchor.text) in r.note


def test_today_in_a_quotation_is_the_day_of_the_statement():
    """ "'We leave today,' the minister said on Friday": today is that Friday, not the publication day."""
    r = resolve("today", SAT_1_JULY_2023, anchor=resolve("on Friday", SAT_1_JULY_2023))
    assert (r.value, r.precision, r.earliest, r.latest) == ("2023-06-30", "day", D("2023-06-30"), D("2023-06-30"))
    assert "'on Friday'" in r.note
    statement_day = resolve("on Friday", SAT_1_JULY_2023)
    assert resolve("yesterday", SAT_1_JULY_2023, anchor=statement_day).value == "2023-06-29"
    assert resolve("last year", SAT_1_JULY_2023, anchor=resolve("on Thursday", date(2024, 1, 2))).value == "2022"


def test_today_in_a_statement_dated_to_the_month_is_that_month():
    r = resolve("today", None, anchor=resolve("In June 2023"))
    assert (r.value, r.datatype, r.precision) == ("2023-06", "gYearMonth", "month")
    assert resolve("yesterday", None, anchor=resolve("In June 2023")).value is None  # not known to the day


@pytest.mark.parametrize(
    ("text", "reference", "anchor", "why"),
    [
        ("today", None, None, "does not give"),
        ("a week ago", None, None, "does not give"),
        ("last weekend", None, None, "does not give"),
        ("in the coming weeks", None, None, "does not give"),
        ("within 18 months", None, None, "does not give"),
        ("later this year", None, None, "does not give"),
        ("the day before", SAT_1_JULY_2023, None, "anchor"),
        ("the following year", SAT_1_JULY_2023, None, "anchor"),
        ("two days before", None, resolve("In June 2023"), "only to the month"),
        ("later this year", date(2023, 12, 31), None, "nothing in it is 'later'"),
    ],
)
def test_what_the_text_does_not_allow_stays_unresolved(text, reference, anchor, why):
    r = resolve(text, reference, anchor=anchor)
    assert (r.value, r.precision, r.earliest) == (None, None, None)
    assert why in r.note


def _no_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any look at today's date fail loudly inside kg.dates."""

    class NoClock(date):
        @classmethod
        def today(cls):
            raise AssertionError("kg.dates looked at the clock")

    monkeypatch.setattr(dates, "date", NoClock)


def test_nothing_is_filled_in_from_the_clock(monkeypatch):
    """Precision comes from the words: no missing day, month or year is taken from today's date."""
    assert not re.search(r"\.(today|now|utcnow)\(", inspect.getsource(dates))
    _no_clock(monkeypatch)
    for text, reference, value, value_end, datatype, precision, earliest, latest in NEWS_PHRASES:
        r = resolve(text, reference)
        assert (r.value, r.value_end, r.datatype, r.precision) == (value, value_end, datatype, precision), text
        assert (r.earliest, r.latest) == (D(earliest), D(latest)), text


@pytest.mark.parametrize(
    "text", ["5th May, 2023", "by the end of August 2023", "since late 2021", "between June and August 2023"]
)
def test_words_that_give_their_year_do_not_depend_on_the_reference(text):
    seen = {(r.value, r.value_end, r.precision, r.earliest, r.latest)
            for r in (resolve(text, ref) for ref in (None, date(1999, 1, 1), date(2030, 12, 31)))}  # fmt: skip
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("text", "value", "value_end", "datatype", "precision"),
    [
        ("since first of July", "--07-01", None, "gMonthDay", "day"),
        ("July 1st", "--07-01", None, "gMonthDay", "day"),
        ("by the end of August", "--08", None, "gMonth", "month"),
        ("between June and August", "--06", "--08", "gMonth", "month"),
        ("early June", "--06", None, "gMonth", "month"),
    ],
)
def test_an_undated_article_gets_no_year_from_anywhere(monkeypatch, text, value, value_end, datatype, precision):
    _no_clock(monkeypatch)
    r = resolve(text, None)
    assert (r.value, r.value_end, r.datatype, r.precision) == (value, value_end, datatype, precision)
    assert r.earliest is None and r.latest is None and not r.resolved


def test_a_week_is_approximate_and_its_bounds_say_so():
    r = resolve("two weeks ago", SAT_1_JULY_2023)
    assert r.earliest < date(2023, 6, 17) < r.latest
    assert "approximate" in r.note


def test_an_undated_article_keeps_month_and_day_but_no_year():
    r = resolve("December 5-6")
    assert (r.value, r.value_end, r.datatype) == ("--12-05", "--12-06", "gMonthDay")
    assert r.earliest is None and not r.resolved
    assert "year is not" in r.note


def test_an_undated_article_cannot_resolve_a_weekday():
    r = resolve("on Friday", None)
    assert r.value is None and r.precision is None
    assert "does not give" in r.note


def test_a_relative_date_counts_from_its_anchor():
    r = resolve("nine months later", anchor=resolve("August 2020"))
    assert r.value == "2021-05" and r.precision == "month"
    assert "August 2020" in r.note


def test_an_anchor_known_only_to_the_year_leaves_months_unresolved():
    r = resolve("nine months later", anchor=resolve("2020"))
    assert r.value is None
    assert "only to the year" in r.note


def test_a_weekday_that_contradicts_the_date_is_an_error():
    with pytest.raises(DateError, match="does not fall on") as info:
        resolve("on Sunday July 1", SAT_1_JULY_2023)
    assert not isinstance(info.value, DateNotUnderstoodError)
    with pytest.raises(DateError, match="does not fall on"):
        resolve("Sunday, 1st July 2023")


def test_an_expression_not_understood_is_an_error_not_a_guess():
    with pytest.raises(DateNotUnderstoodError, match="not understood"):
        resolve("sometime soon", SAT_1_JULY_2023)


def test_docstring_examples_run():
    assert doctest.testmod(dates).failed == 0


# --- In the build: a workspace copy of the annotations -----------------------------------------------------------

ARTICLE = "003_bce8059bd345a7e1"  # published Saturday 1 July 2023; says "on Friday"


def _add_passage(kg: Path, sentence: str, fact: str) -> tuple[Path, int]:
    """Append ``sentence`` to the article text and ``fact`` (one line) to its facts; return the YAML and the line."""
    text = kg / "articles" / f"{ARTICLE}.txt"
    text.write_text(text.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    yaml = kg / "articles" / f"{ARTICLE}.yaml"
    body = yaml.read_text(encoding="utf-8").rstrip("\n") + "\n"
    assert body.splitlines()[-1].startswith("    ")  # the facts list is the file's last section
    yaml.write_text(body + fact + "\n", encoding="utf-8")
    return yaml, body.count("\n") + 1


def _claims(assembly, dated: str) -> list[dict]:
    g = assembly.dataset.graph(article_graph("003"))
    return [
        {p: g.value(node, MKG[p]) for p in ("dateValue", "datePrecision", "earliest", "latest", "dateResolution")}
        for node in g.subjects(MKG.dateText, Literal(dated))
    ]


def test_an_expression_not_understood_is_a_warning_and_an_unresolved_claim(workspace: Path):
    yaml, line = _add_passage(
        workspace,
        "The last convoy leaves Gao some time soon, officials said.",
        "  - {about: minusma-withdrawal, evidence: The last convoy leaves Gao some time soon, when: some time soon}",
    )
    assembly, report, errors = check(Sources.in_directory(workspace))
    assert errors == [] and assembly is not None and report is not None
    warnings = [w for w in assembly.warnings if "date expression" in w]
    expected = f"{yaml.as_posix()}:{line}: date expression 'some time soon' was not understood; kept unresolved"
    assert warnings == [expected]
    (claim,) = _claims(assembly, "some time soon")
    assert claim["dateValue"] is None and claim["datePrecision"] is None and claim["earliest"] is None
    assert "not understood by the resolver" in str(claim["dateResolution"])
    assert report.conforms, report  # the shapes accept a date claim that has words and a note but no value


def test_today_anchored_to_the_day_of_the_statement_in_the_build(workspace: Path):
    _add_passage(
        workspace,
        "The spokesman said on Friday that the mission ends its operations today.",
        "  - {about: minusma-withdrawal, evidence: the mission ends its operations today,"
        " begins: {text: today, anchor: {text: on Friday}}}",
    )
    assembly, _, errors = check(Sources.in_directory(workspace))
    from rdflib.namespace import XSD  # imported here: pytest's collection trips over the closed namespace

    assert errors == [] and assembly is not None
    assert not [w for w in assembly.warnings if "date expression" in w]
    (claim,) = _claims(assembly, "today")
    assert claim["dateValue"] == Literal("2023-06-30", datatype=XSD.date)
    assert claim["earliest"] == claim["latest"] == Literal("2023-06-30", datatype=XSD.date)
    assert "'on Friday'" in str(claim["dateResolution"])


@pytest.mark.parametrize("text", ["February 30, 2023", "31/02/2023", "April 31, 2024"])
def test_a_day_that_does_not_exist_is_a_date_error_not_a_crash(text):
    with pytest.raises(DateError):
        resolve(text, reference=date(2023, 7, 1))
