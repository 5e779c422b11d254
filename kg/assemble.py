"""Turn the inputs (read by :mod:`kg.sources`) into an RDF dataset: one named graph per article, plus entities, links
and external facts. This module reads no file: it only mints RDF from the records it is given.

Every check that needs the article text happens here, so a bad annotation fails the build with its
file and line: evidence that is not in the text, a date expression not in the text, an unknown property,
class or entity. A date expression the resolver does not understand is not an error: it is kept as an
unresolved claim with its words, and a warning names its file and line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDFS, XSD

from ..errors import AnnotationError, AnnotationErrors, DateError, DateNotUnderstoodError
from . import paths
from .annotations import Article, DateSpec, EntityDecl, Fact, review_markers
from .coordinates import Coordinates
from .dates import DateResolution, resolve
from .extract import MentionFinder, normalise
from .lint import near_duplicates
from .names import NameDecl
from .namespaces import (
    COORDINATES_GRAPH,
    CURATION_GRAPH,
    ENTITIES_GRAPH,
    EXTERNAL_GRAPH,
    GEO,
    LINKS_GRAPH,
    MKG,
    OA,
    ONTOLOGY_GRAPH,
    RES,
    SDO,
    SEM,
    TIME,
    WD,
    A,
    article_graph,
    bind_prefixes,
    names_graph,
)
from .owl_time import describe_claim, link_time
from .quantities import add_quantity, quantities
from .sources import ExternalFact, ExternalSource, Inputs, Link

PRECISION_UNITS = {"day": TIME.unitDay, "week": TIME.unitWeek, "month": TIME.unitMonth, "year": TIME.unitYear}
DATE_PROPERTIES = {key: MKG[key] for key in ("when", "begins", "ends", "deadline", "originalEnd")}


@dataclass
class Vocabulary:
    """What the ontology declares, so annotations can be checked against it and literals typed by range."""

    classes: set[URIRef]
    individuals: set[URIRef]
    object_properties: set[URIRef]
    datatype_ranges: dict[URIRef, URIRef | None]

    @classmethod
    def from_graph(cls, g: Graph) -> Vocabulary:
        classes = {c for c in g.subjects(A, OWL.Class) if isinstance(c, URIRef)}
        return cls(
            classes=classes,
            individuals={s for s, o in g.subject_objects(A) if o in classes and isinstance(s, URIRef)},
            object_properties={p for p in g.subjects(A, OWL.ObjectProperty) if isinstance(p, URIRef)},
            datatype_ranges={
                p: _lexical_datatype(g, p) for p in g.subjects(A, OWL.DatatypeProperty) if isinstance(p, URIRef)
            },
        )


def _lexical_datatype(g: Graph, prop: URIRef) -> URIRef | None:
    """The datatype a value of ``prop`` is typed with: its OWL range, or, where that is only rdfs:Literal because
    OWL 2 lacks the datatype (xsd:date, xsd:duration), the one its schema:rangeIncludes names."""
    declared = g.value(prop, RDFS.range)
    if isinstance(declared, URIRef) and declared != RDFS.Literal:
        return declared
    named = {o for o in g.objects(prop, SDO.rangeIncludes) if isinstance(o, URIRef)}
    return named.pop() if len(named) == 1 else declared if isinstance(declared, URIRef) else None


def article_iri(article: Article) -> URIRef:
    return RES[f"article/{short_id(article)}"]


def short_id(article: Article) -> str:
    """The article's number (``003``), unique by the file naming convention ``NNN_name``."""
    return article.id.split("-")[0]


@dataclass
class Assembly:
    """The asserted dataset, and for each node the annotation file:line that first states it."""

    dataset: Dataset
    origins: dict[str, str]
    #: Problems that do not stop the build ("file:line: ..."): shown to the curator, listed by validate.
    warnings: list[str] = field(default_factory=list)
    #: What it was assembled from: the build adds the Wikidata mappings from it after reasoning.
    inputs: Inputs = field(kw_only=True)


def _where(file: str | Path, line: int) -> str:
    return f"{paths.shown(str(file))}:{line}"


@dataclass
class _Context:
    ds: Dataset
    vocab: Vocabulary
    known: dict[str, EntityDecl]
    articles: dict[str, Article]
    errors: list[AnnotationError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    counters: dict[tuple[str, ...], int] = field(default_factory=lambda: defaultdict(int))
    #: Every declared name in one automaton, built for the first article and used for all (kg.extract).
    mention_finder: MentionFinder | None = None

    def next_index(self, *key: str) -> int:
        self.counters[key] += 1
        return self.counters[key]


def _literal(value: Any, datatype: URIRef | None) -> Literal:
    if datatype in (None, XSD.string, RDFS.Literal):
        return Literal(str(value))
    if datatype == XSD.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not an integer")
        return Literal(value, datatype=XSD.integer)
    if datatype == XSD.boolean:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true/false")
        return Literal(value, datatype=XSD.boolean)
    lit = Literal(str(value), datatype=datatype)
    if lit.ill_typed:
        raise ValueError(f"{value!r} is not a valid {datatype.n3()}")
    return lit


def _date_claim(g: Graph, node: URIRef, r: DateResolution, article: Article, evidence: URIRef) -> None:
    g.add((node, A, MKG.DateClaim))
    g.add((node, MKG.dateText, Literal(r.text)))
    g.add((node, MKG.dateResolution, Literal(r.note)))
    g.add((node, PROV.wasDerivedFrom, article_iri(article)))
    g.add((node, MKG.evidence, evidence))
    if r.value is not None and r.datatype is not None:
        g.add((node, MKG.dateValue, Literal(r.value, datatype=XSD[r.datatype])))
    if r.value_end is not None and r.datatype is not None:
        g.add((node, MKG.dateValueEnd, Literal(r.value_end, datatype=XSD[r.datatype])))
    if r.precision is not None:
        g.add((node, MKG.datePrecision, PRECISION_UNITS[r.precision]))
    if r.earliest is not None and r.latest is not None:
        g.add((node, MKG.earliest, Literal(r.earliest.isoformat(), datatype=XSD.date)))
        g.add((node, MKG.latest, Literal(r.latest.isoformat(), datatype=XSD.date)))
    describe_claim(g, node, r)  # the same date in OWL-Time terms (kg/owl_time.py)


def _resolve_date(ctx: _Context, article: Article, spec: DateSpec, file: str) -> DateResolution:
    text = normalise(article.text).lower()
    if normalise(spec.text).lower() not in text:
        raise AnnotationError(file, spec.line, f"date expression {spec.text!r} is not in the article text")
    anchor = None
    if spec.anchor_text:
        source = ctx.articles.get(spec.anchor_article or short_id(article))
        if source is None:
            raise AnnotationError(file, spec.line, f"anchor article {spec.anchor_article!r} is not known")
        if normalise(spec.anchor_text).lower() not in normalise(source.text).lower():
            raise AnnotationError(file, spec.line, f"anchor {spec.anchor_text!r} is not in article {short_id(source)}")
        try:
            anchor = resolve(spec.anchor_text, source.published)
        except DateError as exc:
            anchor = _kept_unresolved(ctx, spec.anchor_text, exc, file, spec.line)
        if source is not article:
            anchor = DateResolution(
                f"{spec.anchor_text}, as article {short_id(source)} dates it", anchor.value, anchor.datatype,
                anchor.value_end, anchor.precision, anchor.earliest, anchor.latest, anchor.note,
            )  # fmt: skip
    try:
        return resolve(
            spec.text,
            article.published,
            direction=spec.direction,  # type: ignore[arg-type]
            anchor=anchor,
            reference_note="the publication date",
        )
    except DateError as exc:
        return _kept_unresolved(ctx, spec.text, exc, file, spec.line)


def _kept_unresolved(ctx: _Context, text: str, exc: DateError, file: str, line: int) -> DateResolution:
    """A date expression the resolver cannot read does not stop the build: its claim keeps the words, with a warning."""
    reason = "" if isinstance(exc, DateNotUnderstoodError) else f" ({exc})"
    ctx.warnings.append(f"{_where(file, line)}: date expression {text!r} was not understood{reason}; kept unresolved")
    note = f"not understood by the resolver{reason}; kept as the article words it"
    return DateResolution(" ".join(text.split()), note=note)


def _add_fact(ctx: _Context, article: Article, fact: Fact) -> None:
    g = ctx.ds.graph(article_graph(short_id(article)))
    if fact.about not in ctx.known:
        raise AnnotationError(fact.file, fact.line, f"'about: {fact.about}' is not a declared entity")
    subject = RES[fact.about]
    source = article_iri(article)
    text = normalise(article.text)
    n = ctx.next_index(fact.about, short_id(article))
    evidence = RES[f"{fact.about}/evidence/{short_id(article)}-{n}"]
    for passage in fact.evidence:
        if normalise(passage) not in text:
            raise AnnotationError(fact.file, fact.line, f"evidence is not in {article.text_path.name}: {passage!r}")
    ctx.origins.setdefault(str(subject), _where(fact.file, fact.line))
    ctx.origins.setdefault(str(evidence), _where(fact.file, fact.line))
    g.add((evidence, A, MKG.Evidence))
    g.add((evidence, MKG.evidenceText, Literal(" … ".join(normalise(p) for p in fact.evidence))))
    g.add((evidence, PROV.wasQuotedFrom, source))
    for i, passage in enumerate(fact.evidence, start=1):
        _anchor(g, URIRef(f"{evidence}/passage-{i}"), evidence, source, article.text, passage)
    curation = ctx.ds.graph(CURATION_GRAPH)  # file and line are bookkeeping, kept out of what the article says
    curation.add((evidence, MKG.annotationFile, Literal(f"kg/articles/{Path(fact.file).name}")))
    curation.add((evidence, MKG.sourceLine, Literal(fact.line, datatype=XSD.integer)))
    g.add((subject, A, MKG[ctx.known[fact.about].type]))
    g.add((subject, MKG.describedIn, source))  # not prov:wasDerivedFrom: an event is an activity, a person no entity
    g.add((subject, MKG.evidence, evidence))

    evidence_text = normalise(" ".join(fact.evidence))
    for quote in fact.values.get("quote", []):
        if normalise(str(quote)) not in evidence_text:
            raise AnnotationError(fact.file, fact.line, f"quote is not within the fact's evidence: {quote!r}")
    stated: list[tuple[URIRef, URIRef, URIRef | Literal]] = []
    for key, values in fact.values.items():
        prop = MKG[key]
        for value in values:
            obj: URIRef | Literal
            if prop in ctx.vocab.object_properties and MKG[str(value)] in ctx.vocab.individuals:
                obj = MKG[str(value)]  # a value the ontology enumerates (mkg:Completed)
            elif prop in ctx.vocab.object_properties:
                if str(value) not in ctx.known:
                    raise AnnotationError(fact.file, fact.line, f"{key}: {value!r} is not a declared entity")
                obj = RES[str(value)]
            elif prop in ctx.vocab.datatype_ranges:
                try:
                    obj = _literal(value, ctx.vocab.datatype_ranges[prop])
                except ValueError as exc:
                    raise AnnotationError(fact.file, fact.line, f"{key}: {exc}") from exc
            else:
                raise AnnotationError(fact.file, fact.line, f"unknown property mkg:{key} (not in the ontology)")
            g.add((subject, prop, obj))
            stated.append((subject, prop, obj))

    for key, spec in fact.dates.items():
        r = _resolve_date(ctx, article, spec, fact.file)
        k = ctx.next_index(fact.about, key, short_id(article))
        node = RES[f"{fact.about}/{key}/{short_id(article)}" + (f"-{k}" if k > 1 else "")]
        g.add((subject, DATE_PROPERTIES[key], node))
        stated.append((subject, DATE_PROPERTIES[key], node))
        ctx.origins.setdefault(str(node), _where(fact.file, spec.line))
        _date_claim(g, node, r, article, evidence)
        link_time(g, subject, key, node, r, RES[f"{fact.about}/time/{short_id(article)}"])

    try:
        counts = quantities(fact)
    except ValueError as exc:
        raise AnnotationError(fact.file, fact.quantity.line if fact.quantity else fact.line, str(exc)) from exc
    for q in counts:  # each number with its qualifier, words and date, as a schema:QuantitativeValue
        k = ctx.next_index(fact.about, q.prop, short_id(article))
        node = RES[f"{fact.about}/{q.prop}/{short_id(article)}" + (f"-{k}" if k > 1 else "")]
        g.add((subject, MKG.hasCount, node))
        stated.append((subject, MKG.hasCount, node))
        ctx.origins.setdefault(str(node), _where(fact.file, fact.line))
        add_quantity(g, node, q, source, evidence, article.published)

    for i, triple in enumerate(stated, start=1):
        assertion = RES[f"{fact.about}/assertion/{short_id(article)}-{n}-{i}"]
        ctx.origins.setdefault(str(assertion), _where(fact.file, fact.line))
        _assertion(g, assertion, triple, source, evidence)


def _assertion(
    g: Graph, node: URIRef, triple: tuple[URIRef, URIRef, URIRef | Literal], source: URIRef, evidence: URIRef
) -> None:
    """One stated triple, named, with its article and exactly the passage that states it."""
    s, p, o = triple
    g.add((node, A, MKG.Assertion))
    g.add((node, MKG.assertedSubject, s))
    g.add((node, MKG.assertedPredicate, p))
    g.add((node, MKG.assertedValue if isinstance(o, Literal) else MKG.assertedObject, o))
    g.add((node, PROV.wasDerivedFrom, source))
    g.add((node, MKG.evidence, evidence))
    g.add((node, SEM.accordingTo, source))  # a SEM view: the triple holds according to this article


#: Characters of context a TextQuoteSelector keeps on each side of the quoted passage.
CONTEXT_CHARS = 32


def find_passage(text: str, passage: str) -> tuple[int, int] | None:
    """Start and end character offsets of the first place ``passage`` stands in ``text``, whitespace aside."""
    words = passage.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def _anchor(g: Graph, target: URIRef, evidence: URIRef, source: URIRef, text: str, passage: str) -> None:
    """A W3C Web Annotation target: the passage in the article by its quote (with context) and its offsets."""
    span = find_passage(text, passage)
    if span is None:  # the caller has checked the passage is in the text
        raise ValueError(f"passage not in text: {passage!r}")
    start, end = span
    quote, position = URIRef(f"{target}/quote"), URIRef(f"{target}/position")
    g.add((evidence, OA.hasTarget, target))
    g.add((target, A, OA.SpecificResource))
    g.add((target, OA.hasSource, source))
    g.add((target, OA.hasSelector, quote))
    g.add((target, OA.hasSelector, position))
    g.add((quote, A, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(text[start:end])))
    g.add((quote, OA.prefix, Literal(text[max(0, start - CONTEXT_CHARS) : start])))
    g.add((quote, OA.suffix, Literal(text[end : end + CONTEXT_CHARS])))
    g.add((position, A, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))


def anchor_problems(g: Graph, text: str, source: URIRef) -> list[str]:
    """Every TextPositionSelector of ``source`` in ``g`` whose offsets do not cut exactly its quote's text."""
    problems = []
    for target in g.subjects(OA.hasSource, source):
        selectors = list(g.objects(target, OA.hasSelector))
        quotes = [s for s in selectors if (s, A, OA.TextQuoteSelector) in g]
        positions = [s for s in selectors if (s, A, OA.TextPositionSelector) in g]
        if len(quotes) != 1 or len(positions) != 1:
            problems.append(f"{target}: needs one TextQuoteSelector and one TextPositionSelector")
            continue
        q, p = quotes[0], positions[0]
        start, end = g.value(p, OA.start), g.value(p, OA.end)
        exact, prefix, suffix = (str(g.value(q, k) or "") for k in (OA.exact, OA.prefix, OA.suffix))
        if not isinstance(start, Literal) or not isinstance(end, Literal) or text[int(start) : int(end)] != exact:
            problems.append(f"{target}: offsets {start}-{end} do not cut the quoted text {exact!r}")
        elif not text[: int(start)].endswith(prefix) or not text[int(end) :].startswith(suffix):
            problems.append(f"{target}: the prefix or suffix does not stand beside offsets {start}-{end}")
    return problems


def _add_article(ctx: _Context, article: Article) -> None:
    g = ctx.ds.graph(article_graph(short_id(article)))
    node = article_iri(article)
    text = article.text
    ctx.origins[str(node)] = _where(article.annotation_path, 1)
    g.add((node, A, MKG.NewsArticle))
    g.add((g.identifier, PROV.wasDerivedFrom, node))  # the description (this graph) is derived from the article
    g.add((node, RDFS.label, Literal(article.title, lang=article.language)))
    g.add((node, DCTERMS.title, Literal(article.title)))
    g.add((node, DCTERMS.language, Literal(article.language, datatype=XSD.language)))
    g.add((node, MKG.sourceFile, Literal(f"kg/articles/{article.text_path.name}")))
    g.add((node, MKG.sha256, Literal(article.sha256)))
    g.add((node, MKG.datePublishedNote, Literal(article.date_note)))
    if article.publisher:
        if article.publisher not in ctx.known:
            raise AnnotationError(article.annotation_path, 1, f"publisher {article.publisher!r} is not declared")
        g.add((node, MKG.publisher, RES[article.publisher]))
    if article.url:
        g.add((node, SDO.url, URIRef(article.url)))
    if article.published:
        if not article.published_evidence or normalise(article.published_evidence) not in normalise(text):
            raise AnnotationError(
                article.annotation_path,
                1,
                "'published' needs 'published_evidence', a passage of the text that shows it",
            )
        g.add((node, SDO.datePublished, Literal(article.published.isoformat(), datatype=XSD.date)))
    if article.page_date:
        g.add((node, MKG.pageDate, Literal(article.page_date.isoformat(), datatype=XSD.date)))
    if ctx.mention_finder is None:  # the names do not change while the articles are assembled
        ctx.mention_finder = MentionFinder({e.id: (e.label, *e.aliases) for e in ctx.known.values()})
    for entity in sorted({m.entity for m in ctx.mention_finder.find(text)}):
        g.add((node, MKG.mentions, RES[entity]))
    for fact in article.facts:
        try:
            _add_fact(ctx, article, fact)
        except AnnotationError as exc:
            ctx.errors.append(exc)
    for problem in anchor_problems(g, text, node):  # every offset pair cuts exactly the quoted text
        ctx.errors.append(AnnotationError(article.annotation_path, None, problem))


def _add_entities(ctx: _Context) -> None:
    g = ctx.ds.graph(ENTITIES_GRAPH)
    for e in ctx.known.values():
        cls = MKG[e.type]
        if cls not in ctx.vocab.classes:
            ctx.errors.append(AnnotationError(e.file, e.line, f"unknown class mkg:{e.type} for {e.id!r}"))
            continue
        node = RES[e.id]
        ctx.origins[str(node)] = _where(e.file, e.line)
        g.add((node, A, cls))
        g.add((node, RDFS.label, Literal(e.label, lang=e.lang)))
        for alias in e.aliases:
            g.add((node, MKG.alias, Literal(alias, lang=e.lang)))
        if e.comment:
            g.add((node, RDFS.comment, Literal(" ".join(e.comment.split()), lang="en")))


def _add_links(ctx: _Context, links: list[Link], verified: set[str], qids_file: Path) -> None:
    """owl:sameAs to Wikidata, only for IDs that the verified list holds."""
    g = ctx.ds.graph(LINKS_GRAPH)
    source = URIRef(RES["source/verified-wikidata-ids"])
    g.add((LINKS_GRAPH, PROV.wasDerivedFrom, source))
    g.add((source, RDFS.label, Literal("Verified Wikidata identifiers (kg/wikidata/qids.tsv)", lang="en")))
    for link in links:
        if link.entity not in ctx.known:
            ctx.errors.append(AnnotationError(link.file, link.line, f"{link.entity!r} is not a declared entity"))
        elif link.qid not in verified:
            problem = f"{link.qid} is not in the verified list {qids_file}"
            ctx.errors.append(AnnotationError(link.file, link.line, problem))
        else:
            g.add((RES[link.entity], OWL.sameAs, WD[link.qid]))


def _add_external(ctx: _Context, src: ExternalSource | None, facts: list[ExternalFact]) -> None:
    """Facts the articles do not state (resolution numbers), kept apart with their own source."""
    if src is None:  # the file's problem is already among the errors
        return
    g = ctx.ds.graph(EXTERNAL_GRAPH)
    source = RES[f"source/{src.id}"]
    g.add((EXTERNAL_GRAPH, PROV.wasDerivedFrom, source))
    g.add((source, RDFS.label, Literal(src.label, lang="en")))
    if src.url:
        g.add((source, SDO.url, URIRef(src.url)))
    for fact in facts:
        if fact.about not in ctx.known:
            ctx.errors.append(AnnotationError(fact.file, fact.line, f"{fact.about!r} is not a declared entity"))
            continue
        for key, (value, line) in fact.values.items():
            prop = MKG[key]
            if prop not in ctx.vocab.datatype_ranges:
                ctx.errors.append(AnnotationError(fact.file, line, f"unknown datatype property mkg:{key}"))
                continue
            try:
                g.add((RES[fact.about], prop, _literal(value, ctx.vocab.datatype_ranges[prop])))
            except ValueError as exc:
                ctx.errors.append(AnnotationError(fact.file, line, f"{key}: {exc}"))


def _add_names(ctx: _Context, names: list[NameDecl]) -> None:
    """Names in other languages (kg/names/<lang>.tsv): facts not in the articles, one graph per language file."""
    for lang in sorted({n.lang for n in names}):
        g = ctx.ds.graph(names_graph(lang))
        source = RES[f"source/names-{lang}"]
        g.add((g.identifier, PROV.wasDerivedFrom, source))
        g.add((source, RDFS.label, Literal(f"Names in the language {lang!r} verified from public sources "
                                           f"(kg/names/{lang}.tsv)", lang="en")))  # fmt: skip
        g.add((source, DCTERMS.language, Literal(lang, datatype=XSD.language)))
        for url in sorted({u for n in names if n.lang == lang for u in n.sources}):
            g.add((source, DCTERMS.source, URIRef(url)))
    for n in names:
        if n.entity not in ctx.known:
            ctx.errors.append(AnnotationError(n.file, n.line, f"{n.entity!r} is not a declared entity"))
            continue
        g = ctx.ds.graph(names_graph(n.lang))
        g.add((RES[n.entity], RDFS.label if n.kind == "label" else MKG.alias, Literal(n.name, lang=n.lang)))


def _add_coordinates(ctx: _Context, places: list[Coordinates]) -> None:
    """Where the places are (kg/places/coordinates.tsv): facts not in the articles, in one graph with its sources."""
    if not places:
        return
    g = ctx.ds.graph(COORDINATES_GRAPH)
    source = RES["source/coordinates"]
    g.add((g.identifier, PROV.wasDerivedFrom, source))
    g.add((source, RDFS.label, Literal("Coordinates of places verified from public sources "
                                       "(kg/places/coordinates.tsv)", lang="en")))  # fmt: skip
    for url in sorted({u for p in places for u in p.sources}):
        g.add((source, DCTERMS.source, URIRef(url)))
    for p in places:
        if p.entity not in ctx.known:
            ctx.errors.append(AnnotationError(p.file, p.line, f"{p.entity!r} is not a declared entity"))
            continue
        for prop, degrees in ((GEO.lat, p.lat), (GEO.long, p.long)):  # canonical: "-8", not "-8.00", as every store
            g.add((RES[p.entity], prop, Literal(format(degrees.normalize(), "f"), datatype=XSD.decimal)))


def assemble(inputs: Inputs, progress: Callable[[int, int], None] | None = None) -> Assembly:
    """The asserted dataset: ontology, entities, one graph per article, Wikidata links, external facts.

    No blank node is minted: every node has an IRI, so two builds give the same triples. Every problem is collected,
    with those found while reading (``inputs.errors``); the :class:`AnnotationErrors` raised carries what could be
    built from the rest as ``partial``. Items marked ``review: draft`` are built, and refused
    (:class:`minusma_kg.errors.DraftError`).
    """
    ds = Dataset()
    bind_prefixes(ds)
    og = ds.graph(ONTOLOGY_GRAPH)
    for t in inputs.ontology:
        og.add(t)
    articles, registry = inputs.articles, inputs.entities
    numbers = [short_id(a) for a in articles]
    dupes = {n for n in numbers if numbers.count(n) > 1}
    if dupes:
        where = inputs.articles_dir
        clash = [AnnotationError(where, None, f"two articles share the number {d}") for d in sorted(dupes)]
        raise AnnotationErrors([*inputs.errors, *clash])
    declared: dict[str, EntityDecl] = {}
    errors: list[AnnotationError] = [*inputs.errors, *review_markers(registry, articles)]
    for e in [*registry, *(e for a in articles for e in a.entities)]:
        if e.id in declared:
            first = declared[e.id]
            errors.append(AnnotationError(e.file, e.line, f"{e.id!r} is already declared at {first.file}:{first.line}"))
        declared[e.id] = e
    ctx = _Context(ds, Vocabulary.from_graph(inputs.ontology), declared, {short_id(a): a for a in articles}, errors)
    _add_entities(ctx)
    for n, article in enumerate(articles, start=1):
        if progress is not None:  # "article n of N" on a terminal (kg.progress)
            progress(n, len(articles))
        try:
            _add_article(ctx, article)
        except AnnotationError as exc:
            ctx.errors.append(exc)
    _add_links(ctx, inputs.links, inputs.verified_qids, inputs.qids_file)
    _add_external(ctx, inputs.external_source, inputs.external_facts)
    _add_names(ctx, inputs.names)
    _add_coordinates(ctx, inputs.places)
    ctx.warnings.extend(near_duplicates(articles))
    if ctx.errors:
        raise AnnotationErrors(ctx.errors, partial=Assembly(ds, ctx.origins, ctx.warnings, inputs=inputs))
    return Assembly(ds, ctx.origins, ctx.warnings, inputs=inputs)
