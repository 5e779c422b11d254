"""Mentions and quotations read off the text agree with the curated annotations."""

from __future__ import annotations

import pytest
from minusma_kg.kg.extract import find_mentions, find_quotations, normalise


def test_mentions_match_whole_words_and_prefer_longer_names():
    text = "The Malian army met the UN Security Council and the UN in Mali."
    found = find_mentions(text, {"mali": ["Mali"], "un": ["UN"], "unsc": ["UN Security Council"]})
    assert [(m.entity, m.surface) for m in found] == [("unsc", "UN Security Council"), ("un", "UN"), ("mali", "Mali")]


def test_mentions_span_line_breaks():
    found = find_mentions("Antonio\nGuterres said", {"guterres": ["Antonio Guterres"]})
    assert [m.entity for m in found] == ["guterres"]


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("“We will leave,” said Foreign Minister Jane Roe.", "roe", "after"),
        ("“We will leave,” Jane Roe said on Friday.", "roe", "after"),
        ("Jane Roe said that “we will leave.”", "roe", "before"),
        ("Jane Roe spoke. “We will leave,” she added.", "roe", "pronoun"),
        ("John Doe reacted to Jane Roe’s speech, saying it was “nearly impossible”.", "doe", "before"),  # noqa: RUF001 (typographic quotes, as in the articles)
        ("“We will leave,” the statement read.", None, "none"),
    ],
)
def test_quotations_are_attributed_by_news_cues(text, speaker, cue):
    (q,) = find_quotations(text, {"roe": ["Jane Roe", "Roe"], "doe": ["John Doe"]})
    assert (q.speaker, q.cue) == (speaker, cue)


def test_a_line_that_opens_without_its_quote_mark_is_still_a_quote():
    (q,) = find_quotations("Minusma seems to have become part of the problem,” said the minister.", {})
    assert q.text == "Minusma seems to have become part of the problem"


def _curated_quotes(article):
    for fact in article.facts:
        for quote in fact.values.get("quote", []):
            speakers = fact.values.get("speaker") or []
            yield normalise(str(quote)).strip(" .,"), speakers


def _persons(entities):
    return {e.id: (e.label, *e.aliases) for e in entities if e.type == "Person"}


def test_every_quotation_in_the_articles_is_annotated(articles, entities):
    """A quote of three words or more that no statement carries is a fact the graph would miss."""
    missing = []
    for article in articles:
        curated = [q for q, _ in _curated_quotes(article)]
        for found in find_quotations(article.text, _persons(entities), min_words=3):
            text = normalise(found.text).strip(" .,")
            if not any(text in q or q in text for q in curated):
                missing.append((article.id, found.text))
    assert missing == []


def test_where_the_text_names_a_speaker_the_annotation_agrees(articles, entities):
    checked, disagreements = 0, []
    for article in articles:
        curated = list(_curated_quotes(article))
        for found in find_quotations(article.text, _persons(entities)):
            if found.speaker is None:
                continue
            text = normalise(found.text).strip(" .,")
            for quote, speakers in curated:
                if text in quote or quote in text:
                    checked += 1
                    if found.speaker not in speakers:
                        disagreements.append((article.id, found.text[:50], found.speaker, speakers))
    assert disagreements == []
    assert checked >= 20  # the extractor attributes most quotes; if this drops, a cue broke
