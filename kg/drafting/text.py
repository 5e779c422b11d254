"""Text helpers for drafting annotations: folded matching of names, sentences, paragraphs and slugs.

Names are matched accent-, punctuation- and (where it is safe) case-insensitively: "Goita" finds "Goïta",
"U.N." finds "UN", "Minusma" finds "MINUSMA", "El-Ghassim" finds "El Ghassim". Every match keeps the
offsets of the original text, so evidence passages are always cut from the text itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..extract import Mention

_CHAR_MAP = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "`": "'",
    "\u00b4": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
}
_ACRONYM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}")


def words_of(text: str) -> list[str]:
    """The whitespace-separated words of a text (for word lists written as one string)."""
    return text.split()


@dataclass(frozen=True)
class Folded:
    """A folded copy of a text and, for each of its characters, the offset in the original."""

    text: str
    index: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of the folded slice [start, end)."""
        return self.index[start], self.index[end - 1] + 1


@functools.lru_cache(maxsize=65536)
def _folded_char(ch: str) -> str:
    """One character folded: from the table, else its NFKD decomposition without the combining marks."""
    mapped = _CHAR_MAP.get(ch)
    if mapped is None:
        mapped = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)) or ch
    return mapped


@functools.lru_cache(maxsize=1024)
def fold(text: str) -> Folded:
    """Accents dropped, quotes, apostrophes and dashes unified, the dots of acronyms ("U.N.") removed.

    Cached (a Folded is immutable): drafting folds each article and each known name many times over.
    """
    dropped = {m.start() + i for m in _ACRONYM.finditer(text) for i in range(1, m.end() - m.start(), 2)}
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if i in dropped:
            continue
        for c in _folded_char(ch):
            out.append(c)
            index.append(i)
    return Folded("".join(out), tuple(index))


def fold_str(text: str) -> str:
    return fold(text).text


def is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and " " not in name.strip()


def _name_pattern(name: str) -> re.Pattern[str] | None:
    folded = fold_str(name).strip()
    if not folded:
        return None
    words = re.split(r"[\s-]+", folded)
    body = r"[\s-]+".join(re.escape(w) for w in words if w)
    flags = 0
    if is_acronym(folded):
        # "Minusma" and "minusma" are MINUSMA, but "us" is not "US" and "un" is not "UN"
        flags = re.IGNORECASE if len(folded) >= 4 else 0
    elif len(words) > 1:
        flags = re.IGNORECASE  # "Malian army", "Malian Army"
    return re.compile(r"(?<![\w-])" + body + r"(?![\w-])", flags)


def find_mentions_folded(text: str, names: Mapping[str, Iterable[str]], folded: Folded | None = None) -> list[Mention]:
    """Like :func:`kg.extract.find_mentions`, but insensitive to accents, punctuation and (safely) case.

    Longest names first, non-overlapping; offsets and surfaces are the original text's.
    """
    f = folded or fold(text)
    candidates = sorted(
        ((name, entity) for entity, ns in names.items() for name in ns if name and name.strip()),
        key=lambda pair: len(fold_str(pair[0])),
        reverse=True,
    )
    taken = bytearray(len(f.text))
    found: list[Mention] = []
    for name, entity in candidates:
        pattern = _name_pattern(name)
        if pattern is None:
            continue
        for m in pattern.finditer(f.text):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            start, end = f.span(m.start(), m.end())
            if text[end : end + 1] == "." and re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", text[start:end]):
                end += 1  # "U.N." with its last dot
            found.append(Mention(entity, text[start:end], start, end))
    return sorted(found, key=lambda mention: mention.start)


def normalise(text: str) -> str:
    return " ".join(text.split())


def slugify(text: str, max_length: int = 60) -> str:
    """A lower-case ASCII slug (an entity id or a file name): "Assimi Goïta" -> "assimi-goita"."""
    s = fold_str(text).lower().replace("'", "")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > max_length:
        s = s[:max_length].rsplit("-", 1)[0] or s[:max_length]
    return s.strip("-")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index of the line (paragraph) it is on

    def text(self, source: str) -> str:
        return source[self.start : self.end]


_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "maj",
    "st",
    "no",
    "jan",
    "feb",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "jr",
    "sr",
    "prof",
    "gov",
    "sen",
    "rep",
    "adm",
    "brig",
}
_BOUNDARY = re.compile(r"[.!?]+[\"\u201d\u2019')\]]*(?=\s+[\"\u201c\u2018'(\[]?[A-Z0-9À-Ý])")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, stripped of surrounding spaces."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append((m.start() + lead, m.start() + len(line.rstrip())))
    return spans


def sentences(text: str) -> list[Sentence]:
    """Sentences, never across a line break; abbreviations ("Gen.", "U.N.") do not end one."""
    out: list[Sentence] = []
    for p, (ps, pe) in enumerate(paragraphs(text)):
        start = ps
        for m in _BOUNDARY.finditer(text, ps, pe):
            word = re.search(r"([\w.]+)[.!?]+[\"\u201d\u2019')\]]*$", text[start : m.end()])
            token = word.group(1).lower() if word else ""
            if token in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", token):
                continue
            out.append(Sentence(start, m.end(), p))
            start = m.end()
            while start < pe and text[start].isspace():
                start += 1
        if start < pe:
            out.append(Sentence(start, pe, p))
    return out


def sentence_at(sents: list[Sentence], offset: int) -> int:
    """Index of the sentence holding ``offset`` (or the last one starting before it)."""
    best = 0
    for i, s in enumerate(sents):
        if s.start <= offset:
            best = i
        else:
            break
    return best


def is_heading(line: str) -> bool:
    """A line that is not running text: a headline, a section title, a byline, a page furniture line."""
    s = line.strip()
    if not s:
        return True
    if re.search(r"[.!?][\"\u201d\u2019')]*$|[,;:]\s*[\"\u201c]|[\"\u201d]$", s):
        return False
    return len(s.split()) < 25


STOPWORDS = frozenset(
    words_of(
        """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my no
    nor not now of off on once only or other our ours out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours said says told also its
    it's \u2019s 's one two three"""
    )
)


def content_words(text: str) -> list[str]:
    """Lower-case, folded words with stop words dropped and plural/verb endings trimmed (for similarity)."""
    words = re.findall(r"[a-z0-9]+", fold_str(text).lower())
    out = []
    for w in words:
        if w in STOPWORDS or len(w) < 3:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w = w[: -len(suffix)]
                break
        out.append(w)
    return out
