"""Names in other languages than the articles' (French above all), read from ``kg/names/<lang>.tsv``.

The articles are in English, yet Mali is francophone and most sources on MINUSMA are French: integrators look for
"Forces armées maliennes" or "Conseil de sécurité". These names are not stated by the articles, so they are facts
from elsewhere: each row cites the public sources that attest it, only verified names are listed (two independent
sources, or one authoritative one), and the build puts each language's names in a named graph of its own,
derived from that file (:func:`kg.assemble.assemble`), never in the article graphs.

File format (tab-separated, UTF-8, ``#`` comments, a header line)::

    entity  kind   name                          sources                    confidence  note
    unsc    label  Conseil de sécurité des ...   https://... https://...    high        ...

``kind`` is ``label`` (the one preferred name in that language, becomes ``rdfs:label``) or ``alias`` (``mkg:alias``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AnnotationError
from .sourced_tsv import read_rows, sources_problem

COLUMNS = ("entity", "kind", "name", "sources", "confidence", "note")
KINDS = ("label", "alias")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class NameDecl:
    """One name of one entity in one language, with the sources that attest it."""

    entity: str
    lang: str
    kind: str
    name: str
    sources: tuple[str, ...]
    confidence: str
    file: str
    line: int


def read_names(path: Path) -> tuple[list[NameDecl], list[AnnotationError]]:
    """The names of one language file (its stem is the BCP 47 tag), and its problems, each with file and line."""
    lang = path.stem
    if not LANGUAGE_TAG.match(lang):
        return [], [
            AnnotationError(path, None, f"the file name must be a language tag such as fr.tsv, not {path.name}")
        ]
    names: list[NameDecl] = []
    rows, errors = read_rows(path, COLUMNS)
    labels: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for lineno, row in rows:
        entity, kind, sources, confidence = (row[i].strip() for i in (0, 1, 3, 4))
        name = row[2]  # not stripped: a stray space is an error, not something to guess about
        problem = _problem(kind, name) or sources_problem(sources.split(), confidence)
        if problem:
            errors.append(AnnotationError(path, lineno, problem))
            continue
        if kind == "label":
            if entity in labels:
                errors.append(AnnotationError(path, lineno, f"{entity!r} already has a label at line {labels[entity]}"))
                continue
            labels[entity] = lineno
        if (entity, name) in seen:
            errors.append(
                AnnotationError(path, lineno, f"{name!r} is already listed for {entity!r} at line {seen[entity, name]}")
            )
            continue
        seen[entity, name] = lineno
        names.append(NameDecl(entity, lang, kind, name, tuple(sources.split()), confidence, str(path), lineno))
    return names, errors


def _problem(kind: str, name: str) -> str | None:
    if kind not in KINDS:
        return f"kind must be one of {', '.join(KINDS)}, not {kind!r}"
    if not name or name != " ".join(name.split()):
        return f"the name {name!r} is empty or has stray spaces"
    return None


def read_all_names(names_dir: Path) -> tuple[list[NameDecl], list[AnnotationError]]:
    """Every language file of ``names_dir`` (none is fine: the directory is optional)."""
    names: list[NameDecl] = []
    errors: list[AnnotationError] = []
    for path in sorted(names_dir.glob("*.tsv")) if names_dir.is_dir() else []:
        found, problems = read_names(path)
        names += found
        errors += problems
    return names, errors
