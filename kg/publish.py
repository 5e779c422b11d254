"""Write the published files, all or nothing: a failed build leaves the last good output untouched."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import UnsafeOutputDirError
from kg.namespaces import bind_prefixes
from kg.store import STORE, manifest, write_store

log = logging.getLogger(__name__)

TRIG = "minusma-kg.trig"
NQUADS = "minusma-kg.nq"
TURTLE = "minusma-kg.ttl"
REPORT = "validation-report.ttl"
INFO = "build-info.json"
VOID_FILE = "void.ttl"
ONTOLOGY_HTML = "ontology.html"
#: Every file a build publishes; a legacy build (no GENERATOR key) may be replaced only if it holds nothing else.
PUBLISHED = frozenset({TRIG, NQUADS, TURTLE, REPORT, INFO, VOID_FILE, ONTOLOGY_HTML})
#: build-info.json's "generator" says a directory is a minusma-kg build and may be replaced by the next one.
GENERATOR = "minusma-kg"
#: build-info.json's "format_version": bumped when the published files change shape.
FORMAT_VERSION = 1
#: Written into each staging directory while it is in use, so a killed build's leftovers can be told from user files.
STAGING_MARKER = ".minusma-kg-staging"


def sorted_nquads(ds: Dataset) -> str:
    """N-Quads with lines sorted, so two builds of the same input are byte-identical."""
    text = ds.serialize(format="nquads")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def union_graph(ds: Dataset) -> Graph:
    g = bind_prefixes(Graph())
    for ctx in ds.graphs():
        for t in ctx:
            g.add(t)
    return g


def write_dataset(ds: Dataset, directory: Path) -> None:
    """Write every published form of the dataset into ``directory`` (which exists), and the store the server opens."""
    (directory / TRIG).write_text(ds.serialize(format="trig"), encoding="utf-8")
    (directory / NQUADS).write_text(sorted_nquads(ds), encoding="utf-8")
    (directory / TURTLE).write_text(union_graph(ds).serialize(format="turtle"), encoding="utf-8")
    write_store(directory / NQUADS, directory / STORE)


def _read_info(directory: Path) -> dict | None:
    try:
        info = json.loads((directory / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def is_previous_build(directory: Path) -> bool:
    """Whether ``directory`` holds a build: one that carries the generator key, or a legacy one and nothing else."""
    info = _read_info(directory)
    if info is None:
        return False
    if info.get("generator") == GENERATOR:
        return True
    if "dataset_sha256" not in info or "sources_sha256" not in info:
        return False
    return all(p.name in PUBLISHED and p.is_file() and not p.is_symlink() for p in directory.iterdir())


def check_replaceable(out: Path) -> None:
    """Raise :class:`UnsafeOutputDirError` unless ``out`` is missing, empty or a previous build, which it replaces."""
    advice = "refusing to replace it. Choose an empty or new directory with --out."
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise UnsafeOutputDirError(f"{out} is not a directory; {advice}")
    try:
        if not any(out.iterdir()) or is_previous_build(out):
            return
    except OSError as exc:
        raise UnsafeOutputDirError(f"{out} cannot be read ({exc.strerror}); {advice}") from exc
    raise UnsafeOutputDirError(f"{out} holds files that are not a minusma-kg build; {advice}")


def _mark_staging(directory: Path) -> None:
    (directory / STAGING_MARKER).write_text(json.dumps({"pid": os.getpid()}) + "\n", encoding="utf-8")


def _process_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0 or os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove what killed builds left beside ``out``; only directories that say they are ours, never user files.

    A staging directory (``.NAME.new-*`` or ``.NAME.old-*``) goes when its marker names a process that is gone, or,
    for ``.old-*``, when it holds a previous build (the build can be killed between the rename and the marker).
    """
    removed: list[Path] = []
    new, old = f".{out.name}.new-", f".{out.name}.old-"
    try:
        candidates = [p for p in out.parent.iterdir() if p.name.startswith((new, old))]
    except OSError:
        return removed
    for path in candidates:
        if path.is_symlink() or not path.is_dir():
            continue
        marker = path / STAGING_MARKER
        if marker.is_file():
            try:
                pid = json.loads(marker.read_text(encoding="utf-8")).get("pid")
            except (OSError, ValueError, AttributeError):
                pid = None
            stale = not _process_alive(pid)
        else:
            stale = path.name.startswith(old) and is_previous_build(path)
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
            log.info("removed %s, left by a build that did not finish", path)
    return removed


def publish_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a fresh directory beside ``out``, then swap it in; on any error ``out`` is unchanged.

    ``out`` is replaced only if it is missing, empty or a previous build (:func:`check_replaceable`), checked before
    the work and again just before the swap: ``--out`` given a checkout or a home directory must not delete it.
    """
    out = out.resolve()
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        _mark_staging(staging)
        staging.chmod(0o755)  # mkdtemp makes it private; the published dataset is public
        write(staging)
        check_replaceable(out)
        (staging / STAGING_MARKER).unlink()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
        with contextlib.suppress(OSError):  # without it the next build still knows a previous build when it sees one
            _mark_staging(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    log.info("published %s", out)


def write_info(directory: Path, info: dict) -> None:
    """build-info.json, with the store's files and sizes when there is a store (a worker checks them first)."""
    if (directory / STORE).is_dir():  # the store was loaded from this build's N-Quads: it carries their digest
        info = {**info, "store": {"files": manifest(directory / STORE), "dataset_sha256": info.get("dataset_sha256")}}
    (directory / INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def ontology_html(ontology: Path) -> str:
    """Human-readable documentation of the ontology (pyLODE): one self-contained page, an anchor per term."""
    from pylode import OntPub

    html = OntPub(str(ontology)).make_html()
    # accessibility (axe-core, WCAG AA): the page's language, a main landmark, and pyLODE's grey byline at 4.5:1
    html = html.replace("<html>", '<html lang="en">', 1)
    html = html.replace('<div id="content">', '<div id="content" role="main">', 1)
    return re.sub(r"(#pylode \{[^}]*?color:\s*)grey;", r"\g<1>#595959;", html, count=1)
