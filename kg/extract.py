"""What can be read off an article's text automatically: entity mentions, quotations and who said them.

The curated annotations stay the source of truth; this module finds mentions for the graph (mkg:mentions)
and gives the build an independent reading of the quotes, so that a curated quote that is not in the
text, a quote given to the wrong speaker, or a quote nobody annotated is caught.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

OPEN = '“"'
CLOSE = '”"'
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
    boundaries, so "Mali" does not match inside "Malian" and "Diop" does not match "diopter"; a space in a
    name matches any run of whitespace (a line break too). Of two names found in the same place the longer
    wins; of two as long, the entity given first.
    """
    return _finder(tuple((entity, tuple(ns)) for entity, ns in names.items())).find(text)


@functools.lru_cache(maxsize=8)
def _finder(names: tuple[tuple[str, tuple[str, ...]], ...]) -> MentionFinder:
    """One automaton per set of names: a caller looks for the same names in many texts."""
    return MentionFinder(dict(names))


#: A whitespace run other than one plain space: what folding changes (most runs are one space, left alone).
_WHITESPACE = re.compile(r"(?! (?!\s))\s+")


def _is_word(ch: str) -> bool:
    """What ``[\\w-]`` matches: a name must not continue a word ("Mali" in "Malian", "UN" in "UN-led")."""
    return ch.isalnum() or ch in "_-"


class MentionFinder:
    """All names in one Aho-Corasick automaton, so that a text is read once, whatever the number of names.

    The automaton runs over the text with each whitespace run folded to one space, and holds each name whose
    spaces are single spaces between words (every name the annotations have); the rare other name (a tab, two
    spaces, an edge space) is searched with its own pattern. The choice among the places found is the one a
    scan per name makes: names by decreasing length (stable), and for each name its places from left to right,
    a place after the end of that name's previous place, kept unless an earlier choice covers part of it. A name
    given twice (two entities, or copies) is looked at once, for the first entity: the second would find every
    place taken, so a text costs what its own mentions cost, not what the number of names does.
    """

    def __init__(self, names: Mapping[str, Iterable[str]]) -> None:
        """``names`` maps an entity id to its label and aliases, as for :func:`find_mentions`."""
        candidates = [(name, entity) for entity, ns in names.items() for name in ns if name]
        #: name -> (its rank in the order names are looked at, the entity it is given to)
        self.first: dict[str, tuple[int, str]] = {}
        for rank, (name, entity) in enumerate(sorted(candidates, key=lambda pair: len(pair[0]), reverse=True)):
            self.first.setdefault(name, (rank, entity))
        self.patterns: dict[str, re.Pattern[str]] = {}
        self.automaton = ahocorasick.Automaton()
        for name in self.first:
            if name == " ".join(name.split()):
                self.automaton.add_word(name, name)
            else:
                self.patterns[name] = re.compile(r"(?<![\w-])" + re.escape(name).replace(r"\ ", r"\s+") + r"(?![\w-])")
        if len(self.automaton):
            self.automaton.make_automaton()

    def _places(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Each name's places in ``text`` as a scan with its own pattern finds them: left to right, not overlapping."""
        folded = _WHITESPACE.sub(" ", text)
        runs = [(m.start(), m.end()) for m in _WHITESPACE.finditer(text)]
        # a folded offset after the k-th run lies (run length - 1) further on in the text, summed over the runs
        folded_starts, shifts, shift = [], [], 0
        for start, end in runs:
            folded_starts.append(start - shift)
            shift += end - start - 1
            shifts.append(shift)

        def original(i: int) -> int:
            k = bisect.bisect_right(folded_starts, i) - 1
            return i + (shifts[k] if k >= 0 else 0)

        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        if len(self.automaton):
            for last, name in self.automaton.iter(folded):
                start, end = original(last - len(name) + 1), original(last) + 1
                if (start == 0 or not _is_word(text[start - 1])) and (end == len(text) or not _is_word(text[end])):
                    found[name].append((start, end))
        places: dict[str, list[tuple[int, int]]] = {}
        for name, spans in found.items():
            kept, after = [], 0
            for start, end in sorted(spans):
                if start >= after:
                    kept.append((start, end))
                    after = end
            places[name] = kept
        for name, pattern in self.patterns.items():
            if spans := [(m.start(), m.end()) for m in pattern.finditer(text)]:
                places[name] = spans
        return places

    def find(self, text: str) -> list[Mention]:
        """What :func:`find_mentions` finds in ``text``, the automaton built once for many texts."""
        places = self._places(text)
        taken = [False] * len(text)
        found: list[Mention] = []
        for name in sorted(places, key=lambda name: self.first[name][0]):
            entity = self.first[name][1]
            for start, end in places[name]:
                if any(taken[start:end]):
                    continue
                taken[start:end] = [True] * (end - start)
                found.append(Mention(entity, text[start:end], start, end))
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
    """ "Diop’s speech": a name in the possessive is what is spoken about, not who speaks."""  # noqa: RUF002 (the articles' own apostrophe)
    return text[mention.end : mention.end + 2] in ("’s", "'s")  # noqa: RUF001 (the articles' own apostrophe)


def _last_person(mentions: list[Mention], before: int) -> str | None:
    named = [x for x in mentions if x.end <= before]
    return named[-1].entity if named else None
