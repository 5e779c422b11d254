"""What can be read off an article's text automatically: entity mentions, quotations and who said them.

The curated annotations stay the source of truth; this module finds mentions for the graph (mkg:mentions)
and gives the build an independent reading of the quotes, so that a curated quote that is not in the
text, a quote given to the wrong speaker, or a quote nobody annotated is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OPEN = "“\""
CLOSE = "”\""
_SAID = r"(?:said|says|added|noted|stated|told|stressed|underlined|declared|explained)"
_PRONOUNS = {"he", "she", "the minister", "the diplomat", "the official"}


def normalise(text: str) -> str:
    """Whitespace-normalised text: how evidence is compared with the article (nothing else is folded)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Mention:
    """One place where an entity's label or alias occurs in the text."""

    entity: str
    surface: str
    start: int
    end: int


@dataclass(frozen=True)
class Quotation:
    """A passage in quotation marks, and the speaker the text attributes it to (if one can be told)."""

    text: str
    start: int
    end: int
    speaker: str | None
    cue: str  # how the speaker was found: "said X", "X said", "pronoun", "none"


def find_mentions(text: str, names: Mapping[str, Iterable[str]]) -> list[Mention]:
    """Every non-overlapping occurrence of an entity's names, longest names first.

    ``names`` maps an entity id to its label and aliases. Matching is case-sensitive and on word
    boundaries, so "Mali" does not match inside "Malian" and "Diop" does not match "diopter".
    """
    candidates: list[tuple[str, str]] = sorted(
        ((name, entity) for entity, ns in names.items() for name in ns if name),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    taken = [False] * len(text)
    found: list[Mention] = []
    for name, entity in candidates:
        pattern = re.compile(r"(?<![\w-])" + re.escape(name).replace(r"\ ", r"\s+") + r"(?![\w-])")
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            found.append(Mention(entity, m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda mention: mention.start)


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted passage, quote marks excluded; a line may open without its opening mark."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        s, offset = line.group(0), line.start()
        i = 0
        opened: int | None = None
        while i < len(s):
            ch = s[i]
            if opened is None and ch in OPEN and (ch == "“" or i == 0 or not s[i - 1].isalnum()):
                opened = i + 1
            elif opened is not None and ch in CLOSE and (ch == "”" or i + 1 == len(s) or not s[i + 1].isalnum()):
                spans.append((offset + opened, offset + i))
                opened = None
            elif opened is None and ch == "”" and not spans_on_line(spans, offset):
                # a closing mark with no opening one: the quote runs from the start of the line
                spans.append((offset, offset + i))
            i += 1
    return spans


def spans_on_line(spans: list[tuple[int, int]], offset: int) -> bool:
    return any(start >= offset for start, _ in spans)


def find_quotations(text: str, persons: Mapping[str, Iterable[str]], min_words: int = 1) -> list[Quotation]:
    """Quoted passages with their speakers, found by the attribution cues of news English.

    The cues, in order: "..., said X" or "..., X said" after the quote, in the same sentence; "X said/told ...
    '...'" before it in the same sentence; a pronoun ("he said", "He added that") resolves to the person named
    last before the quote; a second quote in a sentence whose first quote has a speaker has the same speaker.
    """
    mentions = find_mentions(text, persons)
    quotes: list[Quotation] = []
    for start, end in _quote_spans(text):
        passage = text[start:end].strip(" ,")
        if len(passage.split()) < min_words:
            continue
        speaker, cue = _after_cue(text, end, mentions, start)
        if speaker is None:
            speaker, cue = _before_cue(text, start, mentions)
        if speaker is None and quotes and quotes[-1].speaker and _same_sentence(text, quotes[-1].end, start):
            speaker, cue = quotes[-1].speaker, "same sentence"
        quotes.append(Quotation(passage, start, end, speaker, cue))
    return quotes


def _sentence_end(text: str, i: int) -> int:
    m = re.compile(r"[.!?](?=\s|$)|\n").search(text, i)
    return m.start() if m else len(text)


def _same_sentence(text: str, a: int, b: int) -> bool:
    return not re.search(r"[.!?]\s|\n", text[a + 1 : b])


def _after_cue(text: str, end: int, mentions: list[Mention], start: int) -> tuple[str | None, str]:
    """'"...," said X' / '"...," X said' / '"...," he added': the attribution after the quote."""
    rest_end = _sentence_end(text, end + 1)
    after = text[end + 1 : rest_end]
    verb = re.search(r"\b" + _SAID + r"\b", after)
    if not verb:
        return None, "none"
    named = [x for x in mentions if end < x.start < rest_end]
    if named:
        return named[0].entity, "after"
    subject = after[: verb.start()].strip(" ,.").lower()
    following = after[verb.end() :].strip(" ,.").lower()
    if subject in _PRONOUNS or following in _PRONOUNS:
        return _last_person(mentions, start), "pronoun"
    return None, "none"


def _before_cue(text: str, start: int, mentions: list[Mention]) -> tuple[str | None, str]:
    """'X said that "..."' / 'He underlined that "..."': the attribution before the quote, same sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    breaks = [m.end() for m in re.finditer(r"[.!?]\s|”\s", before)]
    sentence_start = line_start + (breaks[-1] if breaks else 0)
    clause = text[sentence_start:start]
    if not re.search(r"\b(?:" + _SAID + r"|saying|called|that)\b|:\s*$", clause):
        return None, "none"
    named = [x for x in mentions if sentence_start <= x.start < start and not _possessive(text, x)]
    if named:
        return named[-1].entity, "before"
    if re.match(r"^\s*(?:he|she)\b", clause, re.IGNORECASE):
        return _last_person(mentions, start), "pronoun"
    return None, "none"


def _possessive(text: str, mention: Mention) -> bool:
    """"Diop’s speech": a name in the possessive is what is spoken about, not who speaks."""
    return text[mention.end : mention.end + 2] in ("’s", "'s")


def _last_person(mentions: list[Mention], before: int) -> str | None:
    named = [x for x in mentions if x.end <= before]
    return named[-1].entity if named else None
