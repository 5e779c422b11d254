"""Serve exactly one version of the dataset: a private snapshot of the build, taken when the server starts.

Query workers are started (and replaced) from the N-Quads file while the server runs, and the pages send the
dumps, the VoID file and the ontology from the build directory. If those were read from a directory that a
rebuild replaces, a server would answer from two versions at once (new workers, old ETags and cache). So the
server pins the build it starts with: hard links to its files (a copy where links are impossible) in a private
temporary directory, removed when the server stops. A rebuild is served after a restart, never half of it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


def pin(data: Path) -> Path:
    """A new private directory holding this build's files as they are now."""
    snapshot = Path(tempfile.mkdtemp(prefix="minusma-kg-serving-"))
    _link_tree(data, snapshot)
    return snapshot


def _link_tree(source: Path, target: Path) -> None:
    """Hard links to the files of ``source`` in ``target``, and of its directories (the store) below it."""
    for item in sorted(source.iterdir()):
        if item.is_symlink():
            continue
        if item.is_dir():
            (target / item.name).mkdir()
            _link_tree(item, target / item.name)
            continue
        try:
            os.link(item, target / item.name)  # the same inode: a rebuild renames the directory away, the file lives on
        except OSError:
            shutil.copy2(item, target / item.name)


@contextmanager
def pinned(data: Path) -> Iterator[Path]:
    """Pin ``data`` for the duration of the block, then remove the snapshot (it is ours alone)."""
    snapshot = pin(data)
    log.info("serving a snapshot of %s in %s", data, snapshot)
    try:
        yield snapshot
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)
