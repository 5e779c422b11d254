"""Read the curated annotations (YAML) into plain objects, keeping file and line for every error.

An article is two files in ``kg/articles/``: ``NNN_name.txt`` (the text, verbatim) and ``NNN_name.yaml``
(its metadata, the entities it introduces, and its facts). Entities shared by several articles live in
``kg/entities.yaml``. The format is the JSON Schema ``kg/annotation.schema.json`` (draft 2020-12), documented
in ``docs/annotating.md``; the loader is strict: an unknown key, a key given twice, a value of the wrong type or
a misspelled enumerated value is an error naming its file and line.

Reading is lenient about *where* problems are, so that one run reports them all: an entity or a fact that
breaks the schema is reported and left out, and the rest of the file is still read (``read_article``,
``read_entities``, ``read_articles``). The ``load_*`` functions are the strict forms: they raise
:class:`AnnotationErrors` listing every problem.

An item a program drafted carries ``review: draft`` until a person has checked it; the build refuses such items
(:func:`review_markers`).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..errors import AnnotationError, AnnotationErrors, DraftError
from . import paths

#: The annotation format, published so that an editor validates while typing (docs/annotating.md).
SCHEMA_FILE = Path(__file__).resolve().with_name("annotation.schema.json")


# --- YAML with lines ------------------------------------------------------------------------------------------------


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        lines: dict[Any, int] = getattr(self, "key_lines", {})
        return lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that remembers the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list[int]


#: libyaml's parser when PyYAML was built with it (about 10x faster, the same nodes and marks), else PyYAML's own.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings and sequences remember their lines, and which notes duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    key_lines: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            first = key_lines.get(key)
        except TypeError:  # an unhashable key: construct_mapping says so with its line
            continue
        if first is not None:  # PyYAML would silently keep the last value
            loader.duplicates.append((line, f"duplicate key {key!r} (first given on line {first})"))
        else:
            key_lines[key] = line
    d = LineDict(loader.construct_mapping(node, deep=True))
    d.line = node.start_mark.line + 1
    d.key_lines = key_lines
    return d


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    items.item_lines = [n.start_mark.line + 1 for n in node.value]
    return items


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # 2024-13-45: left as text, which the schema refuses as a date with its line
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _parse(path: Path) -> tuple[Any, list[AnnotationError]]:
    """The YAML document and its duplicate keys; a file that cannot be read or parsed raises AnnotationError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotationError(path, None, f"cannot read the file: {exc}") from exc
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise AnnotationError(path, line, f"YAML syntax: {exc.problem}") from exc
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise AnnotationError(path, None, f"YAML: {exc}") from exc
    finally:
        loader.dispose()
    return data, [AnnotationError(path, line, message) for line, message in loader.duplicates]


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error or a duplicate key becomes an :class:`AnnotationError` with its line."""
    data, duplicates = _parse(path)
    if duplicates:
        raise duplicates[0]
    return data


# --- The schema -----------------------------------------------------------------------------------------------------


@functools.cache
def schema() -> dict[str, Any]:
    """The annotation schema (kg/annotation.schema.json)."""
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator(kind: str) -> Draft202012Validator:
    """A validator for one of the schema's definitions: ``articleFile`` or ``entitiesFile``."""
    root = {k: v for k, v in schema().items() if k not in ("if", "then", "else")}
    root["$ref"] = f"#/$defs/{kind}"
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


_TYPE_NAMES = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a mapping", "null": "null",
}  # fmt: skip


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"text ({value!r})"


def _plain(value: Any) -> Any:
    """The document as JSON values for the schema: dates become ISO text, as an editor (YAML 1.2) reads them."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _node(data: Any, path: Sequence[Any]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _line(data: Any, path: Sequence[Any]) -> int:
    """The line of the node at ``path``: its key's line in a mapping, its own line in a list."""
    line = getattr(data, "line", 0) or 1
    node = data
    for part in path:
        if isinstance(node, LineDict):
            key = part if part in node else next((k for k in node if str(k) == part), part)
            line, node = node.line_of(key), node.get(key)
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line, node = node.item_lines[part], node[part]
        else:
            break
    return line


def _name(path: Sequence[Any], root: str) -> str:
    """How a message names the node: its key, with the list positions that follow it (``aliases[1]``)."""
    name, tail = root, ""
    for part in path:
        if isinstance(part, int):
            tail += f"[{part}]"
        else:
            name, tail = str(part), ""
    return name + tail


def _suggest(value: Any, allowed: Iterable[Any]) -> str:
    close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _messages(error: ValidationError, data: Any, root: str) -> Iterator[tuple[int, str]]:
    """What one schema error means, in the curator's words, with the line of the offending node."""
    path = list(error.absolute_path)
    value: Any = error.instance
    name, line = _name(path, root), _line(data, path)
    rule: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    wanted_value: Any = error.validator_value
    kind, expected = error.validator, rule.get("x-expected")
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(rule.get("properties", {}))
        node = _node(data, path)
        for key in value:
            if key not in allowed:
                where = rule.get("title", name)
                line_of = node.line_of(key) if isinstance(node, LineDict) else line
                hint = _suggest(key, allowed) or (" (ontology properties go under 'set:')" if "set" in allowed else "")
                yield line_of, f"unknown key {key!r} in {where}{hint}; allowed: {', '.join(allowed)}"
    elif "propertyNames" in error.schema_path:
        node = _node(data, path)
        line_of = node.line_of(value) if isinstance(node, LineDict) else line
        yield line_of, f"{name}: {value!r} is not a property name (a property of the ontology, such as occurredIn)"
    elif kind == "required":
        present = value if isinstance(value, dict) else {}
        for key in wanted_value:
            if key not in present:
                why = " (it is required with 'published')" if "then" in error.schema_path else ""
                yield line, f"missing required key {key!r} in {rule.get('title', name)}{why}"
    elif kind == "enum":
        allowed = wanted_value
        listed = f"; allowed: {', '.join(map(str, allowed))}" if len(allowed) <= 8 else ""
        yield line, f"{name}: {value!r} is not allowed{_suggest(value, allowed)}{listed}"
    elif kind == "const":
        yield line, f"{name}: {value!r} is not allowed; the only value is {wanted_value!r}"
    elif kind == "type":
        types: list[str] = wanted_value if isinstance(wanted_value, list) else [wanted_value]
        names = [_TYPE_NAMES.get(t, t) for t in types if not (t == "integer" and "number" in types)]
        wanted = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        yield line, f"{name} must be {wanted}{f' ({expected})' if expected else ''}, not {_kind(value)}"
    elif kind in ("pattern", "format") and expected:
        yield line, f"{name}: {value!r} is not {expected}"
    elif kind in ("minLength", "minItems"):
        yield line, f"{name} must not be empty"
    else:
        yield line, f"{name}: {error.message}"


def schema_errors(data: Any, kind: str, path: Path) -> list[tuple[tuple[Any, ...], AnnotationError]]:
    """The schema's verdict on a parsed file (``kind``: ``articleFile`` or ``entitiesFile``).

    Each error comes with the path of the node it is about, so that a caller can tell which item it concerns.
    """
    root = "the file" if kind == "entitiesFile" else "an article file"
    out: list[tuple[tuple[Any, ...], AnnotationError]] = []
    seen: set[tuple[int, str]] = set()
    for error in _validator(kind).iter_errors(_plain(data)):
        for line, message in _messages(error, data, root):
            if (line, message) not in seen:  # pattern and format may say the same thing about one value
                seen.add((line, message))
                out.append((tuple(error.absolute_path), AnnotationError(path, line, message)))
    out.sort(key=lambda item: item[1].line or 0)
    return out


# --- The objects ----------------------------------------------------------------------------------------------------


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
    #: The line of its ``review: draft`` mark, if a program drafted it and no person has checked it yet.
    review_line: int | None = None
    #: The language of its label and aliases (BCP 47): the shared registry's are the English articles' names; an
    #: entity an article declares takes the article's language.
    lang: str = "en"


@dataclass(frozen=True)
class DateSpec:
    """A date expression as the article words it, with hints for resolving it."""

    text: str
    direction: str | None
    anchor_text: str | None
    anchor_article: str | None
    line: int


@dataclass(frozen=True)
class QuantitySpec:
    """What the annotation says about a number the fact sets: its words, what it counts, its qualifier."""

    #: The count property described (``personnelCount``), needed only when the fact sets several counts.
    of: str | None
    #: The article's words for the number ("about 1,000"), within the evidence.
    text: str | None
    #: What is counted ("fighters"), as schema:unitText.
    unit: str | None
    #: exact, approximate, at-least, at-most or nearly; when absent, derived (kg.quantities).
    qualifier: str | None
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
    #: The line of its ``review: draft`` mark, if any.
    review_line: int | None = None
    #: Its ``quantity:`` key, if any: the words, unit and qualifier of the number it sets.
    quantity: QuantitySpec | None = None
    #: ``approximate: true`` in its ``set`` (the older syntax): a qualifier of its number, not a property.
    approximate: bool | None = None


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
    #: The text, verbatim, read once with the annotation.
    text: str
    #: The SHA-256 of the text file's bytes, so a reader can check the published copy.
    sha256: str
    entities: list[EntityDecl] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    #: The line of the metadata's ``review: draft`` mark, if any.
    review_line: int | None = None


DATE_KEYS = ("when", "begins", "ends", "deadline", "originalEnd")


def _review_line(item: LineDict) -> int | None:
    return item.line_of("review") if item.get("review") == "draft" else None


def _entity(item: LineDict, path: Path, lang: str = "en") -> EntityDecl:
    return EntityDecl(
        str(item["id"]),
        str(item["type"]),
        str(item["label"]),
        tuple(str(a) for a in item.get("aliases") or ()),
        item.get("comment"),
        str(path),
        item.line,
        _review_line(item),
        lang,
    )


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _date_spec(value: Any, line: int) -> DateSpec:
    if isinstance(value, LineDict):
        anchor = value.get("anchor") or {}
        return DateSpec(
            _text(value["text"]),
            value.get("direction"),
            _text(anchor["text"]) if "text" in anchor else None,
            anchor.get("article"),
            value.line_of("text"),
        )
    return DateSpec(_text(value), None, None, None, line)


def _quantity_spec(value: Any, line: int) -> QuantitySpec | None:
    if not isinstance(value, dict):
        return None
    text, unit = value.get("text"), value.get("unit")
    return QuantitySpec(
        value.get("of"),
        None if text is None else _text(text),
        None if unit is None else _text(unit),
        value.get("qualifier"),
        value.line if isinstance(value, LineDict) else line,
    )


def _fact(item: LineDict, path: Path) -> Fact:
    evidence = item["evidence"]
    values = {k: (list(v) if isinstance(v, list) else [v]) for k, v in (item.get("set") or {}).items()}
    approximate = values.get("approximate")
    if approximate is not None and len(approximate) == 1 and isinstance(approximate[0], bool):
        del values["approximate"]  # it qualifies the fact's number (kg.quantities), not the entity
    return Fact(
        about=str(item["about"]),
        evidence=tuple(_text(e) for e in (evidence if isinstance(evidence, list) else [evidence])),
        values=values,
        dates={k: _date_spec(item[k], item.line_of(k)) for k in DATE_KEYS if k in item},
        file=str(path),
        line=item.line,
        review_line=_review_line(item),
        quantity=_quantity_spec(item.get("quantity"), item.line_of("quantity")),
        approximate=approximate[0] if approximate is not None and "approximate" not in values else None,
    )


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _split(problems: list[tuple[tuple[Any, ...], AnnotationError]], lists: tuple[str, ...]) -> tuple[bool, set[Any]]:
    """Whether any problem concerns the file as a whole, and which list items (``("facts", 3)``) have problems."""
    whole, items = False, set[Any]()
    for where, _ in problems:
        if not lists and where and isinstance(where[0], int):
            items.add(where[0])
        elif lists and len(where) >= 2 and where[0] in lists:
            items.add((where[0], where[1]))
        else:
            whole = True
    return whole, items


def read_entities(path: Path = paths.ENTITIES) -> tuple[list[EntityDecl], list[AnnotationError]]:
    """The entities of a registry file, and its problems; an entity that breaks the schema is left out."""
    try:
        data, errors = _parse(path)
    except AnnotationError as exc:
        return [], [exc]
    problems = schema_errors(data, "entitiesFile", path)
    errors += [e for _, e in problems]
    whole, bad = _split(problems, ())
    if whole:
        return [], errors
    return [_entity(item, path) for i, item in enumerate(data) if i not in bad], errors


def load_entities(path: Path = paths.ENTITIES) -> list[EntityDecl]:
    """The shared entity registry; any problem raises :class:`AnnotationErrors`."""
    entities, errors = read_entities(path)
    if errors:
        raise AnnotationErrors(errors)
    return entities


def read_article(annotation_path: Path) -> tuple[Article | None, list[AnnotationError]]:
    """One article from its YAML file (with the text file beside it), and its problems.

    An entity or fact that breaks the schema is left out and the rest is read; a problem with the metadata or the
    file as a whole leaves no article.
    """
    try:
        data, errors = _parse(annotation_path)
    except AnnotationError as exc:
        return None, [exc]
    problems = schema_errors(data, "articleFile", annotation_path)
    errors += [e for _, e in problems]
    text_path = annotation_path.with_suffix(".txt")
    if not text_path.exists():
        errors.insert(0, AnnotationError(annotation_path, 1, f"no article text beside it: {text_path.name}"))
        return None, errors
    whole, bad = _split(problems, ("entities", "facts"))
    if whole:
        return None, errors
    try:
        raw = text_path.read_bytes()
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text's universal newlines
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(AnnotationError(text_path, None, f"cannot read the article text: {exc}"))
        return None, errors
    meta = data["article"]
    language = str(meta.get("language", "en"))
    article = Article(
        id=annotation_path.stem.replace("_", "-"),
        text_path=text_path,
        annotation_path=annotation_path,
        title=str(meta["title"]),
        publisher=meta.get("publisher"),
        language=language,
        published=_as_date(meta.get("published")),
        published_evidence=meta.get("published_evidence"),
        page_date=_as_date(meta.get("page_date")),
        date_note=str(meta["date_note"]),
        url=meta.get("url"),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        entities=[
            _entity(e, annotation_path, language)
            for i, e in enumerate(data.get("entities") or ())
            if ("entities", i) not in bad
        ],
        facts=[_fact(f, annotation_path) for i, f in enumerate(data.get("facts") or ()) if ("facts", i) not in bad],
        review_line=_review_line(meta),
    )
    return article, errors


def load_article(annotation_path: Path) -> Article:
    """One article from its YAML file, with the text file beside it; any problem raises :class:`AnnotationErrors`."""
    article, errors = read_article(annotation_path)
    if errors or article is None:
        raise AnnotationErrors(errors)
    return article


def read_articles(
    directory: Path = paths.ARTICLES_DIR, extra: Sequence[Path] = ()
) -> tuple[list[Article], list[AnnotationError]]:
    """Every annotated article in ``directory`` (in file-name order), then those of ``extra``, and their problems.

    ``extra`` names article files elsewhere (a new article being checked before it joins ``kg/articles``); one that
    is already in ``directory`` is read once. A text without an annotation file beside it is an error.
    """
    errors: list[AnnotationError] = []
    for text in sorted(directory.glob("*.txt")):
        if not text.with_suffix(".yaml").exists():
            errors.append(AnnotationError(text, None, "article text has no annotation file (.yaml) beside it"))
    files = sorted(directory.glob("*.yaml"))
    seen = {f.resolve() for f in files}
    for f in extra:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            files.append(f)
    articles = []
    for f in files:
        article, problems = read_article(f)
        errors += problems
        if article is not None:
            articles.append(article)
    return articles, errors


def load_articles(directory: Path = paths.ARTICLES_DIR) -> list[Article]:
    """Every annotated article, in file-name order; any problem raises :class:`AnnotationErrors`."""
    articles, errors = read_articles(directory)
    if errors:
        raise AnnotationErrors(errors)
    return articles


def review_markers(entities: Iterable[EntityDecl], articles: Iterable[Article]) -> list[DraftError]:
    """Every item still marked ``review: draft`` (article metadata, entity, fact), in file and line order."""
    found: list[DraftError] = []
    for e in entities:
        if e.review_line is not None:
            found.append(DraftError(e.file, e.review_line))
    for a in articles:
        if a.review_line is not None:
            found.append(DraftError(a.annotation_path, a.review_line))
        found += [DraftError(e.file, e.review_line) for e in a.entities if e.review_line is not None]
        found += [DraftError(f.file, f.review_line) for f in a.facts if f.review_line is not None]
    unique = {(d.file, d.line): d for d in found}  # an entity may come both with its article and on its own
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1] or 0))]
