"""Read the curated annotations (YAML) into plain objects, keeping file and line for every error.

An article is two files in ``kg/articles/``: ``NNN_name.txt`` (the text, verbatim) and ``NNN_name.yaml``
(its metadata, the entities it introduces, and its facts). Entities shared by several articles live in
``kg/entities.yaml``. The YAML format is documented in the README ("Adding an article").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kg import paths


class AnnotationError(ValueError):
    """A malformed annotation: the message starts with ``file:line:`` so an editor can jump to it."""

    def __init__(self, file: Path | str, line: int | None, message: str) -> None:
        self.file, self.line = str(file), line
        super().__init__(f"{file}:{line or '?'}: {message}")


class _LineDict(dict):
    line: int = 0


class _Loader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    d = _LineDict(loader.construct_mapping(node, deep=True))
    d.line = node.start_mark.line + 1
    return d


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error becomes an :class:`AnnotationError` with its line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise AnnotationError(path, line, f"YAML syntax: {exc.problem}") from exc


@dataclass(frozen=True)
class EntityDecl:
    """A resource the graph names: its type, canonical label, and the names that find its mentions."""

    id: str
    type: str
    label: str
    aliases: tuple[str, ...]
    comment: str | None
    file: str
    line: int


@dataclass(frozen=True)
class DateSpec:
    """A date expression as the article words it, with hints for resolving it."""

    text: str
    direction: str | None
    anchor_text: str | None
    anchor_article: str | None
    line: int


@dataclass(frozen=True)
class Fact:
    """What one passage of an article says about one resource."""

    about: str
    evidence: tuple[str, ...]
    values: dict[str, list[Any]]
    dates: dict[str, DateSpec]
    file: str
    line: int


@dataclass
class Article:
    """One source article: its text, metadata and curated facts."""

    id: str
    text_path: Path
    annotation_path: Path
    title: str
    publisher: str | None
    language: str
    published: date | None
    published_evidence: str | None
    page_date: date | None
    date_note: str
    url: str | None
    entities: list[EntityDecl] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.text_path.read_text(encoding="utf-8")


DATE_KEYS = ("when", "begins", "ends", "deadline", "originalEnd")


def _require(d: dict, key: str, path: Path) -> Any:
    if key not in d or d[key] in (None, ""):
        raise AnnotationError(path, getattr(d, "line", None), f"missing required key {key!r}")
    return d[key]


def _entities(items: Any, path: Path) -> list[EntityDecl]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise AnnotationError(path, getattr(items, "line", None), "'entities' must be a list")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise AnnotationError(path, None, f"an entity must be a mapping, not {item!r}")
        unknown = set(item) - {"id", "type", "label", "aliases", "comment"}
        if unknown:
            raise AnnotationError(path, item.line, f"unknown entity keys: {', '.join(sorted(unknown))}")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            raise AnnotationError(path, item.line, "'aliases' must be a list")
        out.append(
            EntityDecl(
                str(_require(item, "id", path)),
                str(_require(item, "type", path)),
                str(_require(item, "label", path)),
                tuple(str(a) for a in aliases),
                item.get("comment"),
                str(path),
                item.line,
            )
        )
    return out


def load_entities(path: Path = paths.ENTITIES) -> list[EntityDecl]:
    """The shared entity registry."""
    return _entities(load_yaml(path), path)


def _date_spec(value: Any, path: Path, line: int) -> DateSpec:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return DateSpec(str(value), None, None, None, line)
    if isinstance(value, dict):
        anchor = value.get("anchor") or {}
        return DateSpec(
            str(_require(value, "text", path)),
            value.get("direction"),
            anchor.get("text"),
            anchor.get("article"),
            value.line,
        )
    raise AnnotationError(path, line, f"a date must be text or a mapping with 'text', not {value!r}")


def _fact(item: Any, path: Path) -> Fact:
    if not isinstance(item, dict):
        raise AnnotationError(path, None, f"a fact must be a mapping, not {item!r}")
    unknown = set(item) - {"about", "evidence", "set", *DATE_KEYS}
    if unknown:
        raise AnnotationError(path, item.line, f"unknown fact keys: {', '.join(sorted(unknown))}")
    evidence = _require(item, "evidence", path)
    evidence = tuple(evidence) if isinstance(evidence, list) else (evidence,)
    values = item.get("set") or {}
    if not isinstance(values, dict):
        raise AnnotationError(path, item.line, "'set' must be a mapping of property: value(s)")
    return Fact(
        about=str(_require(item, "about", path)),
        evidence=tuple(str(e) for e in evidence),
        values={k: (v if isinstance(v, list) else [v]) for k, v in values.items()},
        dates={k: _date_spec(item[k], path, item.line) for k in DATE_KEYS if k in item},
        file=str(path),
        line=item.line,
    )


def load_article(annotation_path: Path) -> Article:
    """One article from its YAML file, with the text file beside it."""
    data = load_yaml(annotation_path)
    if not isinstance(data, dict):
        raise AnnotationError(annotation_path, 1, "an article file must be a mapping with 'article' and 'facts'")
    meta = _require(data, "article", annotation_path)
    text_path = annotation_path.with_suffix(".txt")
    if not text_path.exists():
        raise AnnotationError(annotation_path, 1, f"no article text beside it: {text_path.name}")
    published = meta.get("published")
    page_date = meta.get("page_date")
    for key, value in (("published", published), ("page_date", page_date)):
        if value is not None and not isinstance(value, date):
            raise AnnotationError(annotation_path, meta.line, f"{key!r} must be a date (YYYY-MM-DD), not {value!r}")
    facts = data.get("facts") or []
    return Article(
        id=annotation_path.stem.replace("_", "-"),
        text_path=text_path,
        annotation_path=annotation_path,
        title=str(_require(meta, "title", annotation_path)),
        publisher=meta.get("publisher"),
        language=str(meta.get("language", "en")),
        published=published,
        published_evidence=meta.get("published_evidence"),
        page_date=page_date,
        date_note=str(_require(meta, "date_note", annotation_path)),
        url=meta.get("url"),
        entities=_entities(data.get("entities"), annotation_path),
        facts=[_fact(item, annotation_path) for item in facts],
    )


def load_articles(directory: Path = paths.ARTICLES_DIR) -> list[Article]:
    """Every annotated article, in file-name order; a text without annotations is an error."""
    texts = sorted(directory.glob("*.txt"))
    missing = [t.name for t in texts if not t.with_suffix(".yaml").exists()]
    if missing:
        raise AnnotationError(directory / missing[0], None, "article text has no annotation file (.yaml) beside it")
    return [load_article(p) for p in sorted(directory.glob("*.yaml"))]
