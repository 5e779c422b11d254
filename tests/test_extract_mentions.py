"""The mention search with one automaton finds exactly what the scan with one pattern per name found (issue 12).

``scan_per_name`` is the former ``kg.extract.find_mentions``, kept here verbatim as the reference: it compiled one
regular expression per name and scanned every text once per name, which grew with names x articles.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterable, Mapping

import pytest
from minusma_kg.kg.annotations import Article, EntityDecl
from minusma_kg.kg.extract import Mention, _is_word, find_mentions


def scan_per_name(text: str, names: Mapping[str, Iterable[str]]) -> list[Mention]:
    """The former implementation: one pattern per name, longest names first."""
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


def test_the_real_articles_give_the_same_mentions(articles: list[Article], entities: list[EntityDecl]) -> None:
    """Every article against every declared name, as the build looks; then with each entity declared three times."""
    names = {e.id: (e.label, *e.aliases) for e in entities}
    copies = {f"{e.id}-c{k}": (e.label, *e.aliases) for k in range(3) for e in entities}
    for article in articles:
        expected = scan_per_name(article.text, names)
        assert expected, f"{article.id}: the articles name known entities"
        assert find_mentions(article.text, names) == expected, article.id
        assert find_mentions(article.text, copies) == scan_per_name(article.text, copies), article.id


TRICKY = [
    # word boundaries: inside a word, before or after a hyphen or an underscore, at the ends of the text
    ("The Malian army left Mali; UN-led talks, the UN_x and -UN and UN.", {"mali": ["Mali"], "un": ["UN"]}),
    ("Mali", {"mali": ["Mali"]}),
    ("Mali's Malians", {"mali": ["Mali"]}),
    # longer names first; ties in the order given; one name under two entities
    (
        "the UN Security Council and the Security Council",
        {"un": ["UN"], "sc": ["Security Council"], "unsc": ["UN Security Council"]},
    ),
    ("Jane Roe and Jane", {"a": ["Jane"], "b": ["Jane"], "c": ["Roe"], "d": ["Jane Roe"]}),
    ("AB CD", {"x": ["AB C"], "y": ["B CD"], "z": ["AB CD"]}),
    ("AB CDE", {"x": ["AB C"], "y": ["B CDE"], "z": ["CDE"]}),
    # whitespace: a space in a name matches any run; a name's own tab, double space or edge space is literal
    ("Antonio\nGuterres and Antonio  \t Guterres", {"g": ["Antonio Guterres"]}),
    ("Antonio\u00a0Guterres", {"g": ["Antonio Guterres"], "h": ["Antonio\u00a0Guterres"]}),
    ("A  B and A B and A\tB", {"two": ["A  B"], "tab": ["A\tB"], "one": ["A B"]}),
    (" Mali  Mali ", {"m": [" Mali", "Mali "], "w": [" "]}),
    # accents and case are not folded
    ("Assimi Goïta met Assimi Goita and GOITA", {"g": ["Assimi Goïta"], "h": ["Goita"], "i": ["goita"]}),
    # a name that overlaps itself: the scan resumes after each place it finds
    ("A B A B A", {"x": ["A B A"]}),
    ("Z A A A", {"first": ["Z A"], "second": ["A A"]}),
    # empty and missing names
    ("Mali", {"none": [], "empty": [""], "mali": ["Mali"]}),
    ("", {"mali": ["Mali"]}),
    # punctuation and regex characters in names
    ("the (U.N.) and U.N. and U+N", {"un": ["U.N.", "(U.N.)", "U+N"], "dot": ["."]}),
    ("C++ and C# and C", {"cpp": ["C++"], "cs": ["C#"], "c": ["C"]}),
]


@pytest.mark.parametrize(("text", "names"), TRICKY)
def test_tricky_cases_give_the_same_mentions(text: str, names: dict[str, list[str]]) -> None:
    assert find_mentions(text, names) == scan_per_name(text, names)


def test_random_texts_give_the_same_mentions() -> None:
    """Short texts and names over a small alphabet, so that overlaps, ties and boundaries happen often."""
    rng = random.Random(12)  # noqa: S311 (test data, not secrets)
    alphabet = ["A", "B", "é", " ", " ", "\n", "-", ".", "_", "\u00a0"]
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 30)))
        names = {
            f"e{i}": ["".join(rng.choices(alphabet, k=rng.randint(1, 5))) for _ in range(rng.randint(1, 3))]
            for i in range(rng.randint(1, 6))
        }
        assert find_mentions(text, names) == scan_per_name(text, names), (text, names)


def test_the_character_classes_are_those_of_re() -> None:
    """The automaton's boundaries and folding use str methods: they must agree with ``[\\w-]`` and ``\\s``."""
    word, space = re.compile(r"[\w-]"), re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert _is_word(ch) == bool(word.match(ch)), hex(code)
        assert ch.isspace() == bool(space.match(ch)), hex(code)
