"""Open a built dataset directory, or say in one line why it is not one (missing, empty, incomplete, truncated)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NotABuildError
from .layout import FORMAT_VERSION, INFO, NQUADS, STORE
from .store import store_matches

#: Where ``build`` writes and ``serve``, ``query``, ``export`` read by default: ``build/`` in the working directory.
DEFAULT_BUILD_DIR = Path("build")


@dataclass(frozen=True)
class BuildInfo:
    """A checked build: where it is, its build-info.json and the dataset's digest (the version clients cache by)."""

    path: Path
    info: dict[str, Any]
    nquads: Path
    version: str
    #: The build's read-only store (:mod:`kg.store`), or None for an older build or a store that does not match.
    store: Path | None = None


#: A file's identity: device, inode, size and modification time (ns). Rewriting or truncating a file changes it; a
#: hard link (a server's pinned snapshot) shares it.
FileIdentity = tuple[int, int, int, int]
#: Digests this process has computed or been handed, by file identity: at 2,000 articles the N-Quads are a
#: gigabyte and a second or more to hash, and ``serve`` opens the same build in the CLI, its supervisor and each
#: HTTP process (issue 12: start in < 2 s).
_digests: dict[FileIdentity, str] = {}


def identity(path: Path) -> FileIdentity:
    """What tells this file from a changed one without reading it (see :data:`FileIdentity`)."""
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def vouch(file: FileIdentity, sha256: str) -> None:
    """Record that the file with identity ``file`` has digest ``sha256``, as a process that checked it says.

    A server's HTTP processes are handed what its supervisor checked; a file changed since has another identity,
    so it is read and checked again.
    """
    _digests[file] = sha256


def checked_digest(path: Path) -> tuple[FileIdentity, str]:
    """The file's identity and SHA-256, read once per identity in this process."""
    before = identity(path)
    digest = _digests.get(before)
    if digest is None:
        digest = _sha256(path)
        if identity(path) == before:  # unchanged while it was read: the digest belongs to this identity
            _digests[before] = digest
    return before, digest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_build(path: Path | str) -> BuildInfo:
    """The build in ``path``, checked whole: a server or query must not run on a partial or foreign directory.

    Raises:
        NotABuildError: the message names the directory, what is wrong and what to do.
    """
    directory = Path(path).resolve()
    rebuild = f"run `minusma-kg build --out {directory}`"
    if not directory.exists():
        raise NotABuildError(f"no built dataset at {directory}; {rebuild}")
    if not directory.is_dir():
        raise NotABuildError(f"{directory} is not a directory, so not a built dataset; give a directory built by "
                             "`minusma-kg build --out DIR`")  # fmt: skip
    try:
        empty = not any(directory.iterdir())
    except OSError as exc:
        raise NotABuildError(f"cannot read {directory} ({exc.strerror})") from exc
    if empty:
        raise NotABuildError(f"{directory} is empty: no built dataset there; {rebuild}")
    info_file = directory / INFO
    if not info_file.is_file():
        raise NotABuildError(f"{directory} is not a minusma-kg build (it has no {INFO}); give a directory built by "
                             "`minusma-kg build --out DIR`")  # fmt: skip
    try:
        info = json.loads(info_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NotABuildError(f"cannot read {info_file} ({exc.strerror}); {rebuild}") from exc
    except ValueError as exc:
        raise NotABuildError(f"{info_file} is not valid JSON ({exc}); {rebuild}") from exc
    if not isinstance(info, dict) or not isinstance(info.get("dataset_sha256"), str):
        raise NotABuildError(f"{info_file} has no dataset_sha256, so it was not written by a build; {rebuild}")
    if info.get("format_version") != FORMAT_VERSION:
        built_as = info.get("format_version", "unknown")
        raise NotABuildError(
            f"{directory} was built by another version of minusma-kg (format {built_as}; this one reads "
            f"{FORMAT_VERSION}); {rebuild}"
        )
    nquads = directory / NQUADS
    if not nquads.is_file():
        raise NotABuildError(f"{directory} holds no {NQUADS}: the build is incomplete; {rebuild}")
    try:
        digest = checked_digest(nquads)[1]
    except OSError as exc:
        raise NotABuildError(f"cannot read {nquads} ({exc.strerror}); {rebuild}") from exc
    if digest != info["dataset_sha256"]:
        raise NotABuildError(f"{nquads} does not match the dataset_sha256 in {INFO} (truncated or changed after the "
                             f"build); {rebuild}")  # fmt: skip
    store = directory / STORE
    trusted = store_matches(store, info.get("store"), digest)
    return BuildInfo(directory, info, nquads, digest, store if trusted else None)
