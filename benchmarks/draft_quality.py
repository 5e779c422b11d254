"""How much of a curated annotation the drafter (kg/draft.py) finds from the article's text alone.

For each curated article in kg/articles (a YAML file with no ``review: draft`` mark), the text is drafted as if
it were new: its own annotation file is left out of what the drafter knows (the shared kg/entities.yaml, and the
other articles' files, stay in, as they would for a new article; they were written with all five articles in
view, so this is slightly optimistic for names). No option is passed: title, publisher and dates come from the
text too. The draft is compared with the curated file, per category:

quotes        A curated item is a quoted passage with its speaker(s) (``quote`` of a fact with ``speaker``). A
              drafted statement's quote matches when the two texts are equal after whitespace, quote marks and
              apostrophes are unified, case is folded and edge punctuation (`` .,;:``) is stripped, and its speaker
              is one of the curated speakers.
reported      (not a goal category) Statements that report speech without quoting it: a curated fact with a
              ``speaker`` and a ``paraphrase`` and no ``quote``; a drafted statement with a ``paraphrase``. They match
              when they share a speaker and their evidence overlaps (one contains the other, or half the words of the
              shorter are in the longer).
dates         The date expressions of the curated facts (``when``, ``begins``, ``ends``, ``deadline``,
              ``originalEnd``; anchors aside) against every expression the drafter found (attached to a fact or
              listed in a comment). Two match when they are the same words once a leading preposition ("on",
              "in", "since", "by", "until", "the", ...) is dropped and case folded ("on Friday" = "Friday").
              Compared as sets per article.
numbers       (property, value, approximate) of every ``memberCount``, ``personnelCount``, ``votesRequired``,
              ``optionCount``, ``minimumVictims`` and ``duration`` value, whatever entity it is about; sets per
              article.
mentions      The entities the build says the article mentions (kg.extract.find_mentions over every declared
              entity's label and aliases, the article's own declarations included) against the known entities the
              drafter found plus the ids it proposes for new names (a new id equal to a curated one matches).
positions     (person, position) of every ``holdsPosition``; sets per article.
places        (place, place) of every ``locatedIn``; sets per article.

Metadata (title, publisher, publication date, page date) are compared separately, one line per article.

    python benchmarks/draft_quality.py [--verbose] [--articles 000,003]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from minusma_kg.kg import paths
from minusma_kg.kg.annotations import Article, load_article, load_entities
from minusma_kg.kg.draft import draft_article
from minusma_kg.kg.drafting.dates import core_words
from minusma_kg.kg.drafting.model import Draft
from minusma_kg.kg.drafting.text import fold_str
from minusma_kg.kg.extract import find_mentions

ROOT = Path(__file__).resolve().parent.parent


NUMERIC = ("memberCount", "personnelCount", "votesRequired", "optionCount", "minimumVictims", "duration")
CATEGORIES = ("quotes", "reported", "dates", "numbers", "mentions", "positions", "places")
GOALS = {"quotes", "dates", "numbers", "mentions", "positions", "places"}


def qnorm(text: str) -> str:
    return " ".join(fold_str(str(text)).lower().split()).strip(" .,;:\"'")


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold_str(text).lower()))


def overlaps(a: str, b: str) -> bool:
    a, b = qnorm(a), qnorm(b)
    if a in b or b in a:
        return True
    wa, wb = words(a), words(b)
    return len(wa & wb) >= 0.5 * min(len(wa), len(wb))


@dataclass
class Score:
    gold: int = 0
    drafted: int = 0
    found: int = 0  # gold items matched
    right: int = 0  # drafted items matched
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.drafted += other.drafted
        self.found += other.found
        self.right += other.right
        self.misses += other.misses
        self.wrong += other.wrong

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.drafted if self.drafted else 1.0


def compare_sets(gold: Iterable, drafted: Iterable, tag: str) -> Score:
    g, d = set(gold), set(drafted)
    return Score(
        len(g),
        len(d),
        len(g & d),
        len(g & d),
        [f"{tag} {x}" for x in sorted(g - d, key=str)],
        [f"{tag} {x}" for x in sorted(d - g, key=str)],
    )


def score_quotes(article: Article, draft: Draft, tag: str) -> Score:
    gold: dict[str, set[str]] = {}
    for f in article.facts:
        speakers = {str(s) for s in f.values.get("speaker", [])}
        for q in f.values.get("quote", []):
            gold.setdefault(qnorm(q), set()).update(speakers)
    drafted = {
        (qnorm(q), str(s))
        for f in draft.facts
        if f.kind == "statement"
        for q in f.values.get("quote", [])
        for s in f.values.get("speaker", [])
    }
    s = Score(len(gold), len(drafted))
    s.found = sum(1 for q, sp in gold.items() if any(dq == q and ds in sp for dq, ds in drafted))
    s.right = sum(1 for dq, ds in drafted if dq in gold and ds in gold[dq])
    s.misses = [
        f"{tag} “{q[:60]}” by {sorted(sp)}"
        for q, sp in gold.items()
        if not any(dq == q and ds in sp for dq, ds in drafted)
    ]
    s.wrong = [f"{tag} “{dq[:60]}” by {ds}" for dq, ds in drafted if not (dq in gold and ds in gold[dq])]
    return s


def score_reported(article: Article, draft: Draft, tag: str) -> Score:
    gold = [
        ({str(s) for s in f.values["speaker"]}, " ".join(f.evidence))
        for f in article.facts
        if f.values.get("speaker") and f.values.get("paraphrase") and not f.values.get("quote")
    ]
    drafted = [
        ({str(s) for s in f.values["speaker"]}, " ".join(f.evidence))
        for f in draft.facts
        if f.kind == "statement" and f.values.get("paraphrase") and not f.values.get("quote")
    ]
    s = Score(len(gold), len(drafted))

    def match(a: tuple[set[str], str], b: tuple[set[str], str]) -> bool:
        return bool(a[0] & b[0]) and overlaps(a[1], b[1])

    s.found = sum(1 for g in gold if any(match(g, d) for d in drafted))
    s.right = sum(1 for d in drafted if any(match(g, d) for g in gold))
    s.misses = [f"{tag} {sorted(g[0])}: {g[1][:70]}" for g in gold if not any(match(g, d) for d in drafted)]
    s.wrong = [f"{tag} {sorted(d[0])}: {d[1][:70]}" for d in drafted if not any(match(g, d) for g in gold)]
    return s


def score_dates(article: Article, draft: Draft, tag: str) -> Score:
    gold = {core_words(spec.text) for f in article.facts for spec in f.dates.values()}
    drafted = {d.core for d in draft.dates}
    return compare_sets(gold, drafted, tag)


def _numbers(values_list: Iterable[dict]) -> set[tuple]:
    out = set()
    for values in values_list:
        approx = bool(values.get("approximate", [False])[0])
        for prop in NUMERIC:
            for v in values.get(prop, []):
                out.add((prop, str(v), approx))
    return out


def score_numbers(article: Article, draft: Draft, tag: str) -> Score:
    return compare_sets(
        _numbers(f.values for f in article.facts), _numbers(f.values for f in draft.facts if f.kind == "number"), tag
    )


def score_mentions(article: Article, draft: Draft, names: dict[str, tuple[str, ...]], tag: str) -> Score:
    gold = {m.entity for m in find_mentions(article.text, names)}
    drafted = {m.entity for m in draft.mentions} | {
        e.id for e in draft.entities if e.kind in ("name", "unnamed", "publisher", "group")
    }
    return compare_sets(gold, drafted, tag)


def score_pairs(article: Article, draft: Draft, prop: str, kind: str, tag: str) -> Score:
    gold = {(f.about, str(v)) for f in article.facts for v in f.values.get(prop, [])}
    drafted = {(f.about, str(v)) for f in draft.facts if f.kind == kind for v in f.values.get(prop, [])}
    return compare_sets(gold, drafted, tag)


def curated_articles(directory: Path, only: set[str] | None) -> list[Path]:
    out = []
    for path in sorted(directory.glob("*.yaml")):
        number = path.name.split("_")[0]
        if only and number not in only:
            continue
        if any(line.strip() == "review: draft" for line in path.read_text(encoding="utf-8").splitlines()):
            continue
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", help="comma-separated article numbers (default: every curated article)")
    p.add_argument("--verbose", "-v", action="store_true", help="list what was missed and what was wrong")
    p.add_argument("--dir", default=str(paths.ARTICLES_DIR), help="articles directory (default: kg/articles)")
    args = p.parse_args(argv)
    started = time.perf_counter()
    directory = Path(args.dir)
    only = set(args.articles.split(",")) if args.articles else None
    files = curated_articles(directory, only)
    articles = [load_article(f) for f in files]
    declared = [*load_entities(paths.ENTITIES), *(e for a in articles for e in a.entities)]
    names = {e.id: (e.label, *e.aliases) for e in declared}
    totals = {c: Score() for c in CATEGORIES}
    meta_rows = []
    for path, article in zip(files, articles, strict=True):
        number = path.name.split("_")[0]
        text = article.text
        draft = draft_article(text, articles_dir=directory, exclude={number}, source=path.name)
        tag = f"[{number}]"
        totals["quotes"].add(score_quotes(article, draft, tag))
        totals["reported"].add(score_reported(article, draft, tag))
        totals["dates"].add(score_dates(article, draft, tag))
        totals["numbers"].add(score_numbers(article, draft, tag))
        totals["mentions"].add(score_mentions(article, draft, names, tag))
        totals["positions"].add(score_pairs(article, draft, "holdsPosition", "position", tag))
        totals["places"].add(score_pairs(article, draft, "locatedIn", "place", tag))
        m = draft.meta
        checks = {
            "title": m.title == article.title,
            "publisher": m.publisher == article.publisher,
            "published": m.published == article.published,
            "page_date": m.page_date == article.page_date,
        }
        meta_rows.append((number, checks, m))
    elapsed = time.perf_counter() - started

    print(f"Draft quality on {len(files)} curated article(s): {', '.join(f.name.split('_')[0] for f in files)}")
    print()
    print(f"| {'category':<10} | {'curated':>7} | {'drafted':>7} | {'recall':>6} | {'precision':>9} | goal |")
    print(f"| {'-' * 10} | {'-' * 7}:| {'-' * 7}:| {'-' * 6}:| {'-' * 9}:| ---- |")
    for c in CATEGORIES:
        s = totals[c]
        goal = ("met" if s.recall >= 0.9 and s.precision >= 0.85 else "no") if c in GOALS else "-"
        print(f"| {c:<10} | {s.gold:>7} | {s.drafted:>7} | {s.recall:>6.2f} | {s.precision:>9.2f} | {goal:<4} |")
    print()
    print("Metadata (title, publisher, published, page_date: = agrees with the curated file, x does not):")
    for number, checks, m in meta_rows:
        marks = " ".join(f"{k}{'=' if ok else 'x'}" for k, ok in checks.items())
        print(
            f"  {number}: {marks}   (title {m.title!r}, publisher {m.publisher}, published {m.published}, "
            f"page_date {m.page_date})"
        )
    print(f"\n{elapsed:.1f} s")
    if args.verbose:
        for c in CATEGORIES:
            s = totals[c]
            if s.misses or s.wrong:
                print(f"\n== {c}")
                for x in s.misses:
                    print(f"  missed: {x}")
                for x in s.wrong:
                    print(f"  wrong:  {x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
