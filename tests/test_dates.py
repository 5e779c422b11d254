"""Date expressions resolve as far as the text allows, and say how."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from kg import dates
from kg.dates import DateError, resolve

SAT_1_JULY_2023 = date(2023, 7, 1)
THU_7_NOV_2024 = date(2024, 11, 7)


@pytest.mark.parametrize(
    ("text", "reference", "value", "datatype", "precision"),
    [
        ("on Friday", SAT_1_JULY_2023, "2023-06-30", "date", "day"),
        ("on Thursday", THU_7_NOV_2024, "2024-11-07", "date", "day"),
        ("on Wednesday", THU_7_NOV_2024, "2024-11-06", "date", "day"),
        ("Friday’s", SAT_1_JULY_2023, "2023-06-30", "date", "day"),
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
    with pytest.raises(DateError, match="does not fall on"):
        resolve("on Sunday July 1", SAT_1_JULY_2023)


def test_an_expression_not_understood_is_an_error_not_a_guess():
    with pytest.raises(DateError, match="not understood"):
        resolve("sometime soon", SAT_1_JULY_2023)


def test_docstring_examples_run():
    assert doctest.testmod(dates).failed == 0
