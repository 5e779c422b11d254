"""The dataset as a pyoxigraph store: written once by the build, opened read-only by every query worker.

Loading the N-Quads and materialising the union default graph costs each worker seconds at a few thousand
articles and a private copy of the data in memory. The build writes the store once into the build directory
(``minusma-kg.oxigraph/``, RocksDB files), with the union already materialised; each worker opens it read-only in
milliseconds, and the workers share the operating system's page cache instead of holding one copy each. A
directory without a store (an older build) is served from the N-Quads as before.

The default graph is the union of the named graphs, each triple once. It is materialised rather than asked for per
query (``use_default_graph_as_union``) because that flag returns a triple once per graph that holds it and
overrides a query's own FROM clauses.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox

from .union import add_union

log = logging.getLogger(__name__)


def load_in_memory(nquads: Path) -> ox.Store:
    """An in-memory store: every named graph, and their union (each triple once) as the default graph."""
    store = ox.Store()
    with nquads.open("rb") as fh:
        store.bulk_load(fh, ox.RdfFormat.N_QUADS)
    add_union(store)
    return store


def write_store(nquads: Path, directory: Path, union: bytes | None = None) -> None:
    """Write the on-disk store of ``nquads`` into ``directory`` (new), compacted, for read-only opening.

    ``union`` is the distinct triples of ``nquads`` as N-Triples when the caller has them already (the build does,
    for the Turtle dump): reading them back out of the store took longer than loading it.
    """
    store = ox.Store(str(directory))
    with nquads.open("rb") as fh:
        store.bulk_load(fh, ox.RdfFormat.N_QUADS)
    if union is None:
        add_union(store)
    else:  # N-Triples land in the default graph
        store.bulk_load(union, ox.RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store  # closes the database, so its files are complete before the build is published


def manifest(directory: Path) -> dict[str, int]:
    """File name -> size of a store directory: written in build-info.json, checked before a worker trusts it."""
    return {p.name: p.stat().st_size for p in sorted(directory.iterdir()) if p.is_file()}


def store_matches(directory: Path, described: object, dataset_sha256: str) -> bool:
    """Whether ``directory`` holds the store build-info.json describes: exactly its files (a truncated copy does
    not), loaded from the N-Quads whose digest the build records (a dataset changed after the build is not)."""
    if not isinstance(described, dict) or described.get("dataset_sha256") != dataset_sha256:
        return False
    files = described.get("files")
    if not isinstance(files, dict) or not files or not directory.is_dir():
        return False
    try:
        return manifest(directory) == files
    except OSError:
        return False


def open_store(nquads: Path, store: Path | None = None) -> ox.Store:
    """The build's store opened read-only when there is one, else the N-Quads loaded into memory."""
    if store is not None:
        try:
            return ox.Store.read_only(str(store))
        except OSError as exc:  # unreadable: serve the same data from the N-Quads, which were checked
            log.warning("cannot open the store %s (%s); loading %s instead", store, exc, nquads)
    return load_in_memory(nquads)
