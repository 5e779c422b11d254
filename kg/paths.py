"""Where the project's files live, relative to the package, so the CLI works from any directory."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "minusma.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
ENTITIES = Path(__file__).resolve().parent / "entities.yaml"
WIKIDATA_DIR = Path(__file__).resolve().parent / "wikidata"
#: Names in other languages than the articles', one ``<lang>.tsv`` per language, each name with its sources.
NAMES_DIR = Path(__file__).resolve().parent / "names"
QUERIES_DIR = ROOT / "queries"
DEFAULT_OUT = ROOT / "build"
