"""Write the published files, all or nothing: a failed build leaves the last good output untouched."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, Node, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..errors import UnsafeOutputDirError
from .layout import INFO, NQUADS, PUBLISHED, STORE, TRIG, TURTLE
from .namespaces import PREFIXES
from .store import manifest, write_store

log = logging.getLogger(__name__)

#: build-info.json's "generator" says a directory is a minusma-kg build and may be replaced by the next one.
GENERATOR = "minusma-kg"
#: Written into each staging directory while it is in use, so a killed build's leftovers can be told from user files.
STAGING_MARKER = ".minusma-kg-staging"


@dataclass
class Dump:
    """The dataset serialised once, as bytes: every published file, the digest and the store are derived from it.

    Bytes rather than parsed quads: a million quads held as Python objects took more memory than the build may use.
    TriG and Turtle are written from the lines when first asked for, so that the build can do it while pyoxigraph
    loads the store (which runs without Python's lock) instead of before.
    """

    #: Sorted, duplicate-free N-Quads: two builds of the same input give the same bytes.
    nquads: bytes
    #: The union of the graphs, each triple once, sorted as N-Triples: the store's default graph.
    union: bytes
    #: Each graph's sorted N-Quads lines by the graph's name ("" for the default graph), until TriG is written.
    graph_lines: dict[str, list[bytes]] = field(repr=False)

    @cached_property
    def trig(self) -> bytes:
        """TriG, graph by graph in IRI order, each graph's triples in the order of their N-Quads lines."""
        lines = self.graph_lines
        in_order = (ox.parse(_lines(lines[g]), format=ox.RdfFormat.N_QUADS) for g in sorted(lines))
        # ox.serialize returns the bytes when given no output file (typed as maybe None for the other case)
        trig = ox.serialize(itertools.chain.from_iterable(in_order), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        self.graph_lines = {}  # the same bytes again: not kept once TriG is written
        return trig or b""

    @cached_property
    def turtle(self) -> bytes:
        """The union as Turtle."""
        union_triples = ox.parse(self.union, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(union_triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""

    @property
    def sha256(self) -> str:
        """The digest of the N-Quads, recorded in build-info.json (``dataset_sha256``)."""
        return hashlib.sha256(self.nquads).hexdigest()


def _to_oxigraph(ds: Dataset) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, Iterator[ox.Quad]]]:
    """Each graph of ``ds`` (its name, its quads) as pyoxigraph terms; each term converted once.

    Blank nodes keep their rdflib labels (the ontology's lists are labelled canonically by
    :func:`kg.assemble.load_ontology`), so that two builds label them alike.
    """
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = cache.get(node)
        if found is None:
            if isinstance(node, URIRef):
                found = ox.NamedNode(str(node))
            elif isinstance(node, BNode):
                found = ox.BlankNode(str(node))
            elif isinstance(node, Literal):
                datatype = ox.NamedNode(str(node.datatype)) if node.datatype and not node.language else None
                found = ox.Literal(str(node), language=node.language or None, datatype=datatype)
            else:
                raise TypeError(f"not an RDF term: {node!r}")
            cache[node] = found
        return found

    for graph in ds.graphs():
        ident = graph.identifier
        name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph
        if ident == DATASET_DEFAULT_GRAPH_ID:
            name = ox.DefaultGraph()
        else:
            name = ox.NamedNode(str(ident)) if isinstance(ident, URIRef) else ox.BlankNode(str(ident))
        yield name, (ox.Quad(term(s), term(p), term(o), name) for s, p, o in graph)  # type: ignore[arg-type]


def _lines(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def dump(ds: Dataset) -> Dump:
    """Serialise ``ds`` once, sorted, with pyoxigraph: rdflib's serialisers took minutes at a few thousand articles.

    Each graph is written as N-Quads and its lines sorted (UTF-8 bytes sort as their code points, so this is the
    order of sorted text); all the lines sorted are the N-Quads dump, and each line without its graph name is a
    triple of the union. TriG and Turtle are written from those lines when first asked for (:class:`Dump`).
    """
    graphs: dict[str, list[bytes]] = {}
    triples: set[bytes] = set()
    for name, quads in _to_oxigraph(ds):
        lines = sorted(set((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").splitlines()))
        if not lines:
            continue
        # a line is "S P O G ." (" ." alone in the default graph), and every line of this graph ends alike
        suffix = b" ." if isinstance(name, ox.DefaultGraph) else f" {name} .".encode()
        triples.update(line[: -len(suffix)] for line in lines)
        graphs["" if isinstance(name, ox.DefaultGraph) else str(name)] = lines
    nquads = _lines(sorted(line for lines in graphs.values() for line in lines))
    union = b"".join(t + b" .\n" for t in sorted(triples))
    return Dump(nquads, union, graphs)


def write_dataset(data: Dump | Dataset, directory: Path, meanwhile: Callable[[], None] | None = None) -> None:
    """Write every published form of the dataset into ``directory`` (which exists), and the store the server opens.

    pyoxigraph loads the store without holding Python's lock, so it loads in a thread while this one writes TriG,
    Turtle and whatever ``meanwhile`` writes (the build's documentation): the store was half of the serialisation.
    Returns once the store is complete; an error in either is raised after both have stopped, so nothing still
    writes into ``directory`` when the caller removes it.
    """
    if isinstance(data, Dataset):
        data = dump(data)
    (directory / NQUADS).write_bytes(data.nquads)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="store") as pool:
        store = pool.submit(write_store, directory / NQUADS, directory / STORE, data.union)
        (directory / TRIG).write_bytes(data.trig)
        (directory / TURTLE).write_bytes(data.turtle)
        if meanwhile is not None:
            meanwhile()
        store.result()


def _read_info(directory: Path) -> dict[str, Any] | None:
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


def write_info(directory: Path, info: dict[str, Any]) -> None:
    """build-info.json, with the store's files and sizes when there is a store (a worker checks them first)."""
    if (directory / STORE).is_dir():  # the store was loaded from this build's N-Quads: it carries their digest
        info = {**info, "store": {"files": manifest(directory / STORE), "dataset_sha256": info.get("dataset_sha256")}}
    (directory / INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
