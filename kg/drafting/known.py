"""What the project already knows, read tolerantly for drafting: entities, and the facts of other articles.

The drafter reads the YAML files directly (not through the strict loader) so that one article still under
review, or a file another tool is rewriting, does not stop a draft: a file that cannot be read is skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import paths
from ..annotations import SafeLoader
from .text import fold_str

#: Classes whose instances are agents or places (named things), not events or documents.
NAMED_TYPES = frozenset(
    {"Person", "Organisation", "Mission", "Government", "ArmedGroup", "Alliance", "Country", "Place", "Position"}
)
AGENT_TYPES = frozenset({"Person", "Organisation", "Mission", "Government", "ArmedGroup", "Alliance", "Country"})
ORG_TYPES = frozenset({"Organisation", "Mission", "Government", "ArmedGroup", "Alliance"})
PLACE_TYPES = frozenset({"Country", "Place"})


@dataclass(frozen=True)
class KnownEntity:
    id: str
    type: str
    label: str
    aliases: tuple[str, ...]
    source: str  # "entities.yaml" or the article number


@dataclass(frozen=True)
class KnownFact:
    article: str
    about: str
    evidence: tuple[str, ...]
    values: dict[str, list[Any]]
    dates: dict[str, str]


@dataclass
class Knowledge:
    entities: dict[str, KnownEntity] = field(default_factory=dict)
    facts: list[KnownFact] = field(default_factory=list)
    article_numbers: list[str] = field(default_factory=list)

    def names(self, types: frozenset[str] | None = None) -> dict[str, tuple[str, ...]]:
        return {e.id: (e.label, *e.aliases) for e in self.entities.values() if types is None or e.type in types}

    def type_of(self, entity: str) -> str | None:
        e = self.entities.get(entity)
        return e.type if e else None

    def values(self, about: str, prop: str) -> list[tuple[str, Any]]:
        """(article, value) of every ``prop`` stated about ``about`` in any article."""
        return [(f.article, v) for f in self.facts if f.about == about for v in f.values.get(prop, [])]

    def positions_held(self) -> dict[str, set[str]]:
        held: dict[str, set[str]] = defaultdict(set)
        for f in self.facts:
            for v in f.values.get("holdsPosition", []):
                held[f.about].add(str(v))
        return held

    def statement_quotes(self) -> list[tuple[str, str, tuple[str, ...], str]]:
        """(statement id, quote, speakers, article) for every quote of every statement."""
        out = []
        for f in self.facts:
            speakers = tuple(str(s) for s in f.values.get("speaker", []))
            for q in f.values.get("quote", []):
                out.append((f.about, str(q), speakers, f.article))
        return out


def _entities(items: Any, source: str) -> list[KnownEntity]:
    out: list[KnownEntity] = []
    if not isinstance(items, list):
        return out
    for item in items:
        if not isinstance(item, dict) or not item.get("id") or not item.get("type"):
            continue
        aliases = item.get("aliases") or []
        out.append(
            KnownEntity(
                str(item["id"]),
                str(item["type"]),
                str(item.get("label") or item["id"]),
                tuple(str(a) for a in aliases) if isinstance(aliases, list) else (),
                source,
            )
        )
    return out


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506 (libyaml's safe loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def article_number(path: Path) -> str:
    m = re.match(r"(\d+)_", path.name)
    return m.group(1) if m else path.stem


def load_knowledge(
    articles_dir: Path = paths.ARTICLES_DIR,
    entities_file: Path = paths.ENTITIES,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> Knowledge:
    """Entities of ``entities_file`` and of every article file, and the facts of every article.

    ``exclude`` holds article numbers ("003") to leave out, e.g. to draft an article as if it were new.
    """
    k = Knowledge()
    for e in _entities(_read(entities_file) if entities_file.exists() else None, "entities.yaml"):
        k.entities.setdefault(e.id, e)
    for path in sorted(articles_dir.glob("*.yaml")) if articles_dir.is_dir() else []:
        number = article_number(path)
        if number in exclude:
            continue
        data = _read(path)
        if not isinstance(data, dict):
            continue
        k.article_numbers.append(number)
        for e in _entities(data.get("entities"), number):
            k.entities.setdefault(e.id, e)
        for item in data.get("facts") or []:
            if not isinstance(item, dict) or "about" not in item:
                continue
            evidence = item.get("evidence") or []
            values = item.get("set") or {}
            if not isinstance(values, dict):
                values = {}
            dates = {}
            for key in ("when", "begins", "ends", "deadline", "originalEnd"):
                v = item.get(key)
                if isinstance(v, dict):
                    v = v.get("text")
                if v is not None:
                    dates[key] = str(v)
            k.facts.append(
                KnownFact(
                    number,
                    str(item["about"]),
                    tuple(str(e) for e in (evidence if isinstance(evidence, list) else [evidence])),
                    {str(p): (v if isinstance(v, list) else [v]) for p, v in values.items()},
                    dates,
                )
            )
    return k


def folded_key(text: str) -> str:
    return " ".join(fold_str(text).lower().replace("-", " ").split())
