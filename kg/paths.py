"""Where the project's inputs live: inside the installed package, so the command line works from any directory.

The articles, entities and sourced tables are package data of :mod:`minusma_kg.kg`; the ontology and the saved
queries are the data packages :mod:`minusma_kg.ontology` and :mod:`minusma_kg.queries`. They are found through
:mod:`importlib.resources`, the same way in a checkout (``pip install -e``) and in an installed wheel.
"""

from __future__ import annotations

import contextlib
import functools
import os
from importlib.resources import files
from pathlib import Path


def _package_dir(package: str) -> Path:
    """The directory of a package installed as plain files (a wheel or a checkout; not a zipped install)."""
    return Path(str(files(package)))


_KG = _package_dir(__package__ or "minusma_kg.kg")
_PROJECT = (__package__ or "minusma_kg.kg").rpartition(".")[0]
ONTOLOGY = _package_dir(f"{_PROJECT}.ontology") / "minusma.ttl"
SHAPES = _package_dir(f"{_PROJECT}.ontology") / "shapes.ttl"
QUERIES_DIR = _package_dir(f"{_PROJECT}.queries")
ARTICLES_DIR = _KG / "articles"
ENTITIES = _KG / "entities.yaml"
#: Facts the articles do not state (resolution numbers), each with its source.
EXTERNAL = _KG / "external.yaml"
WIKIDATA_DIR = _KG / "wikidata"
#: Names in other languages than the articles', one ``<lang>.tsv`` per language, each name with its sources.
NAMES_DIR = _KG / "names"
#: Coordinates of places (``coordinates.tsv``), each with its source.
PLACES_DIR = _KG / "places"


def shown(file: str | Path) -> str:
    """A file as a curator sees it in a message: relative to the working directory when inside it, else as given."""
    return _shown(str(file), os.getcwd())


@functools.lru_cache(maxsize=4096)
def _shown(file: str, cwd: str) -> str:
    """Cached per working directory (a caller may change it): resolving costs a system call per path component,
    and every stated triple names its file."""
    path = Path(file)
    with contextlib.suppress(ValueError, OSError):
        path = path.resolve().relative_to(cwd)
    return path.as_posix()
