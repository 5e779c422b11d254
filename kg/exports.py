"""Exports of a built dataset for Wikidata's tools and OpenRefine.

- :func:`quickstatements`: QuickStatements V1 commands for what the articles say about entities linked to Wikidata.
  Only linked items are subjects or item values; a statement is never about a new item (no CREATE). A fact is
  exported when its property maps to a Wikidata property by skos:exactMatch or closeMatch (graph wikidata-mappings),
  directly, through a super-property or through an inverse (``vetoHolder`` -> ``hasMember`` -> inverse of
  ``memberOf`` -> P463). Quotations go on their speaker as P1683 monolingual text, with P585 when the article dates
  them, at the article's precision (day 11, month 10, year 9; a week only as its month or year). Every statement
  carries its article as the source: S1476 title, S123 publisher (when linked), S577 publication date (when the
  article gives one), S407 language, S854 URL (when known), S813 retrieved.
- :func:`mixnmatch`: the entities not linked to Wikidata as a Mix'n'match catalogue (id, name, description, url, type).
- :func:`openrefine`: every entity as CSV (id, IRI, label, types, aliases, Wikidata link) to reconcile in OpenRefine.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from . import paths
from .namespaces import ENTITIES_GRAPH, GRAPH, LINKS_GRAPH, MKG, ONTOLOGY_GRAPH, RES, SDO, TIME, names_graph
from .wikidata_mappings import MAPPINGS_GRAPH

WD_ENTITY = "http://www.wikidata.org/entity/"
PRECISION = {TIME.unitDay: 11, TIME.unitMonth: 10, TIME.unitYear: 9}
#: Classes whose instances are not things Wikidata would have an item for.
NOT_ITEMS = {MKG.Statement, MKG.Evidence, MKG.DateClaim, MKG.Assertion, MKG.WithdrawalStatus, MKG.Mandate}
CATALOGUE = "the MINUSMA knowledge graph (news articles on the UN mission in Mali)"
_QUOTE_UNSAFE = re.compile(r'["\t\r\n]')


def _qid(iri: object) -> str | None:
    text = str(iri)
    if text.startswith(WD_ENTITY) and re.fullmatch(r"[PQ][1-9][0-9]*", text[len(WD_ENTITY) :]):
        return text[len(WD_ENTITY) :]
    return None


def _links(ds: Dataset) -> dict[Node, str]:
    """Entity -> its Wikidata QID (owl:sameAs in the links graph); keyed by Node, as the graphs' terms look it up."""
    out: dict[Node, str] = {}
    for s, o in ds.graph(LINKS_GRAPH).subject_objects(OWL.sameAs):
        q = _qid(o)
        if q and q.startswith("Q") and isinstance(s, URIRef):
            out[s] = q
    return out


def _article_graphs(ds: Dataset) -> Iterator[tuple[URIRef, Graph]]:
    prefix = str(GRAPH["article/"])
    for g in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if str(g.identifier).startswith(prefix):
            yield RES["article/" + str(g.identifier)[len(prefix) :]], g


def qs_time(value: date | str, precision: int) -> str:
    """A QuickStatements time value, nothing more precise than ``precision`` (9 year, 10 month, 11 day)."""
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    month = f"{d.month:02d}" if precision >= 10 else "00"
    day = f"{d.day:02d}" if precision >= 11 else "00"
    return f"+{d.year:04d}-{month}-{day}T00:00:00Z/{precision}"


def _qs_string(text: str) -> str | None:
    """A QuickStatements string in double quotes, or None when V1 cannot carry it (a double quote, tab or newline)."""
    return None if _QUOTE_UNSAFE.search(text) else f'"{text}"'


def _monolingual(text: str, lang: str) -> str | None:
    s = _qs_string(text)
    return None if s is None else f"{lang}:{s}"


def _claim_time(g: Graph, claim: Node) -> str | None:
    """The date of a date claim as a QuickStatements time at the claim's own precision, or None."""
    precision = g.value(claim, MKG.datePrecision)
    value = g.value(claim, MKG.dateValue)
    if not isinstance(value, Literal):  # absent (the shapes make it a literal when present)
        return None
    if isinstance(precision, URIRef) and precision in PRECISION:
        p = PRECISION[precision]
        if value.datatype == XSD.date:
            return qs_time(str(value), p)
        if value.datatype == XSD.gYearMonth and p == 10:
            return qs_time(f"{value}-01", 10)
        if value.datatype == XSD.gYear and p == 9:
            return qs_time(f"{value}-01-01", 9)
        return None  # a month or a day without its year (gMonth, gMonthDay)
    earliest, latest = g.value(claim, MKG.earliest), g.value(claim, MKG.latest)
    if earliest is None or latest is None:
        return None
    a, b = date.fromisoformat(str(earliest)), date.fromisoformat(str(latest))
    if (a.year, a.month) == (b.year, b.month):
        return qs_time(a, 10)  # a week inside one month: the month
    if a.year == b.year:
        return qs_time(a, 9)
    return None


def _languages(wikidata_dir: Path) -> dict[str, str]:
    """Language tag -> Wikidata item, for the rows marked verified only (an unverified item is worse than none)."""
    path = wikidata_dir / "languages.tsv"
    if not path.exists():
        return {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t")
    return {r["tag"].strip(): r["qid"].strip() for r in rows if (r.get("status") or "").strip() == "verified"}


@dataclass(frozen=True)
class PropertyMap:
    """For each ontology property, the Wikidata properties its triples state, forwards or backwards."""

    forward: dict[Node, set[str]]
    backward: dict[Node, set[str]]  # (s p o) states (o P s)

    @classmethod
    def from_dataset(cls, ds: Dataset) -> PropertyMap:
        onto, maps = ds.graph(ONTOLOGY_GRAPH), ds.graph(MAPPINGS_GRAPH)
        direct: dict[Node, set[str]] = defaultdict(set)
        for relation in (SKOS.exactMatch, SKOS.closeMatch):
            for s, o in maps.subject_objects(relation):
                pid = _qid(o)
                if pid and pid.startswith("P"):
                    direct[s].add(pid)
        inverse: dict[Node, set[Node]] = defaultdict(set)
        for a, b in onto.subject_objects(OWL.inverseOf):
            inverse[a].add(b)
            inverse[b].add(a)
        forward: dict[Node, set[str]] = defaultdict(set)
        backward: dict[Node, set[str]] = defaultdict(set)
        properties = set(onto.subjects(RDF.type, OWL.ObjectProperty))
        for p in properties:
            supers = {q for q in onto.transitive_objects(p, RDFS.subPropertyOf) if q is not None}  # p itself included
            for q in supers:
                forward[p] |= direct.get(q, set())
                for inv in inverse.get(q, ()):
                    backward[p] |= direct.get(inv, set())
        return cls(dict(forward), dict(backward))


def quickstatements(
    ds: Dataset, retrieved: date, wikidata_dir: Path = paths.WIKIDATA_DIR
) -> tuple[list[str], list[str]]:
    """QuickStatements V1 lines, and what could not be exported (and why)."""
    links, languages, pmap = _links(ds), _languages(wikidata_dir), PropertyMap.from_dataset(ds)
    lines: list[str] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for article, g in _article_graphs(ds):
        source = _sources(ds, g, article, links, languages, retrieved)
        if source is None:
            skipped.append(f"{article}: its title cannot be written in QuickStatements V1")
            continue

        def emit(subject: str, pid: str, value: str, qualifiers: str = "", src: str = source) -> None:
            line = "\t".join(x for x in (subject, pid, value) if x) + qualifiers + src
            if line not in seen:
                seen.add(line)
                lines.append(line)

        for s, p, o in sorted(g, key=lambda t: tuple(map(str, t))):
            if not isinstance(p, URIRef) or (p not in pmap.forward and p not in pmap.backward):
                continue
            if s in links and o in links:
                for pid in sorted(pmap.forward.get(p, ())):
                    emit(links[s], pid, links[o])
                for pid in sorted(pmap.backward.get(p, ())):
                    emit(links[o], pid, links[s])
        for statement in sorted(set(g.subjects(RDF.type, MKG.Statement)), key=str):
            speakers = [links[sp] for sp in g.objects(statement, MKG.speaker) if sp in links]
            quotes = sorted(g.objects(statement, MKG.quote), key=str)
            if not speakers or not quotes:
                continue
            when = next((t for c in g.objects(statement, MKG.when) if (t := _claim_time(g, c))), None)
            qualifiers = f"\tP585\t{when}" if when else ""
            lang = str(g.value(article, DCTERMS.language) or "en")
            for quote in quotes:
                value = _monolingual(str(quote), lang)
                if value is None:
                    skipped.append(f"{statement}: a quotation with a double quote, tab or newline")
                    continue
                for qid in sorted(speakers):
                    emit(qid, "P1683", value, qualifiers)
    return lines, skipped


def _sources(
    ds: Dataset, g: Graph, article: URIRef, links: dict[Node, str], languages: dict[str, str], retrieved: date
) -> str | None:
    title = g.value(article, DCTERMS.title)
    lang = str(g.value(article, DCTERMS.language) or "en")
    title_value = _monolingual(str(title), lang) if title is not None else None
    if title_value is None:
        return None
    parts = ["S1476", title_value]
    publisher = g.value(article, MKG.publisher)
    if publisher in links:
        parts += ["S123", links[publisher]]
    published = g.value(article, SDO.datePublished)
    if isinstance(published, Literal) and published.datatype == XSD.date:
        parts += ["S577", qs_time(str(published), 11)]  # the article gives the day
    if lang in languages:
        parts += ["S407", languages[lang]]
    url = g.value(article, SDO.url)
    if url is not None and (u := _qs_string(str(url))):
        parts += ["S854", u]
    parts += ["S813", qs_time(retrieved, 11)]
    return "\t" + "\t".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# entities


@dataclass
class EntityRow:
    iri: URIRef
    label: str
    lang: str
    types: list[Node]
    aliases: list[str]
    description: str
    wikidata: str | None
    #: Names in other languages (kg/names/): language -> (label or "", aliases).
    names: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def _names(ds: Dataset) -> dict[URIRef, dict[str, tuple[str, list[str]]]]:
    """Entity -> language -> (label, aliases), from the names graphs (one per language, kg/names/<lang>.tsv)."""
    out: dict[URIRef, dict[str, tuple[str, list[str]]]] = defaultdict(dict)
    prefix = str(names_graph(""))
    for g in ds.graphs():
        if not str(g.identifier).startswith(prefix):
            continue
        lang = str(g.identifier)[len(prefix) :]
        for s in {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(RES))}:
            label = next((str(o) for o in g.objects(s, RDFS.label)), "")
            out[s][lang] = (label, sorted(str(a) for a in g.objects(s, MKG.alias)))
    return out


def entities(ds: Dataset) -> list[EntityRow]:
    """The entities of the entities graph (people, organisations, places, events, ...), sorted by IRI."""
    eg = ds.graph(ENTITIES_GRAPH)
    links, names = _links(ds), _names(ds)
    rows = []
    for s in sorted(
        {s for s in eg.subjects(RDF.type) if isinstance(s, URIRef) and str(s).startswith(str(RES))}, key=str
    ):
        labels = sorted(eg.objects(s, RDFS.label), key=lambda lit: (getattr(lit, "language", None) != "en", str(lit)))
        if not labels:
            continue
        label = labels[0]
        aliases = sorted({str(a) for a in eg.objects(s, MKG.alias)} - {str(label)})
        lang = getattr(label, "language", None) or ""
        types = sorted(eg.objects(s, RDF.type), key=str)
        description = " ".join(str(eg.value(s, RDFS.comment) or "").split())
        rows.append(EntityRow(s, str(label), lang, types, aliases, description, links.get(s), names.get(s, {})))
    return rows


def _class_label(ds: Dataset, cls: Node) -> str:
    label = ds.graph(ONTOLOGY_GRAPH).value(cls, RDFS.label)
    return str(label) if label is not None else str(cls).rsplit("#", 1)[-1]


def _class_items(ds: Dataset) -> dict[Node, str]:
    """Ontology class -> Wikidata class QID, where the mapping graph says exactMatch or closeMatch."""
    out: dict[Node, str] = {}
    maps = ds.graph(MAPPINGS_GRAPH)
    for relation in (SKOS.exactMatch, SKOS.closeMatch):
        for s, o in maps.subject_objects(relation):
            q = _qid(o)
            if q and q.startswith("Q"):
                out[s] = q
    return out


def _cell(text: str) -> str:
    return " ".join(text.split())  # no tab or newline inside a field


def mixnmatch(ds: Dataset) -> str:
    """A Mix'n'match catalogue (tab-separated, with a header) of the entities not linked to Wikidata."""
    class_items = _class_items(ds)
    out = ["id\tname\tdescription\turl\ttype"]
    for e in entities(ds):
        if e.wikidata or set(e.types) & NOT_ITEMS:
            continue
        local = str(e.iri)[len(str(RES)) :]
        kinds = [_class_label(ds, t) for t in e.types]
        description = (
            e.description
            or f"{', '.join(kinds)} in the MINUSMA knowledge graph (news articles on the UN mission in Mali)"
        )
        qtype = next((class_items[t] for t in e.types if t in class_items), "")
        out.append("\t".join(_cell(x) for x in (local, e.label, description, str(e.iri), qtype)))
    return "\n".join(out) + "\n"


def openrefine(ds: Dataset) -> str:
    """Every entity as CSV: what a project reconciling its own data against this graph (or Wikidata) starts from."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    rows = entities(ds)
    languages = sorted({lang for e in rows for lang in e.names})
    w.writerow(["id", "iri", "label", "language", "types", "aliases", "description", "wikidata",
                *(f"{kind}_{lang}" for lang in languages for kind in ("label", "aliases"))])  # fmt: skip
    for e in rows:
        other = [x for lang in languages for x in _label_and_aliases(e.names.get(lang, ("", [])))]
        w.writerow([
            str(e.iri)[len(str(RES)) :], str(e.iri), e.label, e.lang,
            "|".join(str(t).rsplit("#", 1)[-1] for t in e.types), "|".join(e.aliases), e.description,
            WD_ENTITY + e.wikidata if e.wikidata else "", *other,
        ])  # fmt: skip
    return buf.getvalue()


def _label_and_aliases(names: tuple[str, list[str]]) -> tuple[str, str]:
    return names[0], "|".join(names[1])


def load(nquads: Path) -> Dataset:
    ds = Dataset()
    ds.parse(nquads, format="nquads")
    return ds
