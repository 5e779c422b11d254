"""Serve exactly one version of the dataset: a private snapshot of the build, taken when the server starts.

Query workers are started (and replaced) from the N-Quads file while the server runs, and the pages send the
dumps, the VoID file and the ontology from the build directory. If those were read from a directory that a
rebuild replaces, a server would answer from two versions at once (new workers, old ETags and cache). So the
server pins the build it starts with: hard links to its files (a copy where links are impossible) in a private
temporary directory, removed when the server stops. A rebuild is served after a restart, never half of it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..kg.dataset_dir import BuildInfo, checked_digest, vouch

log = logging.getLogger(__name__)
#: The N-Quads file's identity and digest, as the supervisor checked them, for the HTTP processes it starts.
CHECKED_ENV = "_MINUSMA_KG_CHECKED_NQUADS"


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


def hand_over(build: BuildInfo) -> None:
    """Let the processes started from now on take this process's check of ``build`` instead of hashing it again.

    At 2,000 articles the N-Quads are a gigabyte: each HTTP process hashing them made ``serve`` start in tens of
    seconds. A child trusts the digest only for the file identity (inode, size, mtime) it was computed for.
    """
    file, digest = checked_digest(build.nquads)  # already computed by open_build: no second read
    os.environ[CHECKED_ENV] = json.dumps([*file, digest])


def take_over() -> None:
    """In a process started by the server: record the digest the supervisor handed over (see :func:`hand_over`)."""
    raw = os.environ.get(CHECKED_ENV)
    if not raw:
        return
    try:
        *file, digest = json.loads(raw)
        vouch((int(file[0]), int(file[1]), int(file[2]), int(file[3])), str(digest))
    except (ValueError, TypeError, IndexError):
        log.warning("ignoring a malformed %s", CHECKED_ENV)
