"""Draft the annotation of a new article from its text, so that adding an article is a review job.

``draft_article(text)`` reads everything that can be read off the text -- metadata from the byline and
dateline, mentions of known entities and candidate new ones, positions from appositives, a statement per
quotation and per reported-speech clause, date expressions resolved against the publication date, numbers
with their qualifiers, place chains, and candidate links to events other articles describe -- each with its
verbatim evidence passage. ``render`` writes it in the annotation format (kg/articles/NNN_name.yaml), every
drafted item marked ``review: draft``; ``add_article`` copies a text into kg/articles under the next free
number and writes the draft beside it, refusing to overwrite anything.

The pieces live in kg/draft_*.py: text (folded matching, sentences), known (what the project knows),
meta, names (candidate entities), positions, speech (statements), dates, numbers, places, links, emit (YAML).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from . import paths
from .drafting.dates import FoundDate, find_dates
from .drafting.emit import render, strip_review_marks
from .drafting.known import NAMED_TYPES, load_knowledge
from .drafting.links import Linker, describe
from .drafting.meta import read_meta
from .drafting.model import Context, Draft, DraftFact, NewEntity
from .drafting.names import declare_candidates, find_candidates
from .drafting.numbers import draft_numbers
from .drafting.places import draft_places
from .drafting.positions import draft_positions, known_holders
from .drafting.speech import draft_statements
from .drafting.text import find_mentions_folded, fold, sentences, slugify
from .extract import find_mentions

__all__ = ["add_article", "draft_article", "next_number", "render", "strip_review_marks"]


def draft_article(
    text: str,
    *,
    title: str | None = None,
    publisher: str | None = None,
    published: date | None = None,
    url: str | None = None,
    articles_dir: Path = paths.ARTICLES_DIR,
    entities_file: Path = paths.ENTITIES,
    exclude: frozenset[str] | set[str] = frozenset(),
    source: str = "",
) -> Draft:
    """Everything the text says that the drafter can read, against what the project already knows.

    ``exclude`` names article numbers whose files are ignored (to draft a curated article as if it were new).
    Options (title, publisher, published, url) win over what the text says.
    """
    knowledge = load_knowledge(articles_dir, entities_file, exclude)
    meta = read_meta(text, knowledge, title=title, publisher=publisher, published=published, url=url)
    sents = sentences(text)
    folded = fold(text)
    ctx = Context(text, folded, knowledge, sents, published=meta.published, skip=list(meta.meta_spans))
    ctx.furniture = [meta.dateline_span] if meta.dateline_span else []
    # names of agents, places and positions, and, separately, of events: "the anti-jihadist operation in Moura"
    # mentions the operation and Moura
    named = find_mentions_folded(text, knowledge.names(NAMED_TYPES), folded)
    named_ids = set(knowledge.names(NAMED_TYPES))
    events = find_mentions(text, {k: v for k, v in knowledge.names().items() if k not in named_ids})
    ctx.mentions = sorted([*named, *events], key=lambda m: (m.start, -m.end))
    countries = Counter(m.entity for m in ctx.mentions if ctx.type_of(m.entity) == "Country")
    ctx.main_country = countries.most_common(1)[0][0] if countries else None

    if meta.publisher_new and meta.publisher:
        meta.publisher = ctx.unique_id(meta.publisher)
        ctx.add(
            NewEntity(
                meta.publisher,
                "Organisation",
                meta.publisher_name or meta.publisher,
                kind="publisher",
                notes=[f"the publisher, from {meta.publisher_from}: not a known entity yet"],
            )
        )
    candidates, name_notes = find_candidates(ctx)
    declare_candidates(ctx, candidates)
    known_holders(ctx)

    positions = draft_positions(ctx)
    statements, quote_notes = draft_statements(ctx)
    dates = find_dates(text, meta.published, [*ctx.skip, *ctx.furniture], [(s.start, s.end) for s in sents])
    linker = Linker(ctx)
    numbers, number_notes = draft_numbers(ctx, dates, linker)
    places, place_notes = draft_places(ctx)
    facts = [*positions, *statements, *numbers, *places]
    _attach_dates(ctx, facts, dates)
    links = _links(ctx, linker, facts, dates)

    known_ids = set(knowledge.entities)
    exact = {(m.start, m.end, m.entity) for m in find_mentions(text, knowledge.names())}
    known_mentions = [m for m in ctx.mentions if m.entity in known_ids]
    fuzzy = [m for m in known_mentions if (m.start, m.end, m.entity) not in exact]
    return Draft(
        source=source,
        text=text,
        meta=meta,
        entities=list(ctx.new_entities.values()),
        facts=facts,
        mentions=known_mentions,
        fuzzy=fuzzy,
        dates=dates,
        notes={"numbers": number_notes, "quotes": quote_notes, "places": place_notes, "names": name_notes},
        links=links,
    )


def _event_like(ctx: Context, entity: str) -> bool:
    return (ctx.type_of(entity) or "Event") not in NAMED_TYPES


def _attach_dates(ctx: Context, facts: list[DraftFact], dates: list[FoundDate]) -> None:
    """A statement's date is the one in its evidence outside what was said; an event's, the one in its sentence."""
    for f in facts:
        if f.kind == "statement":
            inside = f.extra.get("inside", [])
            for d in dates:
                if f.start <= d.start < f.end and not any(a <= d.start < b for a, b in inside):
                    f.dates["when"] = _spec(d)
                    d.used = True
                    break
        elif f.kind == "number" and _event_like(ctx, f.about) and f.about in ctx.new_entities:
            s, e = ctx.sentence_span(f.start)
            for d in dates:
                if s <= d.start < e and d.key not in f.dates:
                    f.dates[d.key] = _spec(d)
                    d.used = True


def _spec(d: FoundDate) -> object:
    if d.anchor:
        return {"text": d.text, "anchor": {"text": d.anchor}}
    return d.text


def _links(ctx: Context, linker: Linker, facts: list[DraftFact], dates: list[FoundDate]) -> list[str]:
    """Comments: the known events each passage of the text may report, best first; and where loose dates may go."""
    out: list[str] = []
    best: dict[str, tuple[float, str, str]] = {}
    for s in ctx.sents:
        if ctx.in_skip(s.start) or len(ctx.text[s.start : s.end].split()) < 6:
            continue
        for link in linker.links(ctx, s.start, s.end, top=1):
            if link.score >= 0.3 and (link.id not in best or best[link.id][0] < link.score):
                best[link.id] = (link.score, describe(link), ctx.passage(s.start, s.end))
    for _, (_score, what, passage) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        short = passage if len(passage) <= 120 else passage[:117] + "..."
        out.append(f"{what} ~ here: {short}")
    for f in facts:
        if f.kind == "statement" and f.about in ctx.new_entities:
            for link in linker.links(ctx, f.start, f.end, {"Statement"}, top=1):
                if link.score >= 0.3:
                    ctx.new_entities[f.about].notes.append(f"the same statement as {describe(link)}?")
    for d in dates:
        if d.used:
            continue
        span_start, span_end = ctx.sentence_span(d.start)
        found = linker.links(ctx, span_start, span_end, top=1)
        if found and found[0].score >= 0.25:
            d.extra_note = f"may date {found[0].id} ({found[0].type}, similarity {found[0].score:.2f})"
    return out


def next_number(articles_dir: Path) -> int:
    """One more than the highest NNN of the NNN_*.txt/.yaml files in the directory (0 if none)."""
    numbers = [int(m.group(1)) for p in articles_dir.iterdir() if (m := re.match(r"^(\d+)_", p.name))]
    return max(numbers, default=-1) + 1


def add_article(
    source: Path,
    articles_dir: Path = paths.ARTICLES_DIR,
    *,
    entities_file: Path = paths.ENTITIES,
    title: str | None = None,
    publisher: str | None = None,
    published: date | None = None,
    url: str | None = None,
) -> tuple[Path, Path]:
    """Copy ``source`` into ``articles_dir`` as NNN_slug.txt and write its draft as NNN_slug.yaml.

    NNN is the next free number (at least three digits); the slug comes from the title. Refuses (FileExistsError)
    to overwrite any file; nothing is left behind when it fails.
    """
    data = source.read_bytes()
    text = data.decode("utf-8")
    number = next_number(articles_dir)
    draft = draft_article(
        text,
        title=title,
        publisher=publisher,
        published=published,
        url=url,
        articles_dir=articles_dir,
        entities_file=entities_file,
    )
    slug = slugify(draft.meta.title, 48) or slugify(source.stem, 48) or "article"
    stem = f"{number:03d}_{slug}"
    txt_path, yaml_path = articles_dir / f"{stem}.txt", articles_dir / f"{stem}.yaml"
    draft.source = txt_path.name
    for path in (txt_path, yaml_path):
        if path.exists():
            raise FileExistsError(f"{path} exists: refusing to overwrite it")
    yaml_text = render(draft)
    with txt_path.open("xb") as fh:
        fh.write(data)
    try:
        with yaml_path.open("x", encoding="utf-8") as fh:
            fh.write(yaml_text)
    except BaseException:
        txt_path.unlink()
        raise
    return txt_path, yaml_path
