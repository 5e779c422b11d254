"""Write the published files, all or nothing: a failed build leaves the last good output untouched."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph

from kg.namespaces import bind_prefixes

log = logging.getLogger(__name__)

TRIG = "minusma-kg.trig"
NQUADS = "minusma-kg.nq"
TURTLE = "minusma-kg.ttl"
REPORT = "validation-report.ttl"
INFO = "build-info.json"
VOID_FILE = "void.ttl"
ONTOLOGY_HTML = "ontology.html"


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
    """Write every published form of the dataset into ``directory`` (which exists)."""
    (directory / TRIG).write_text(ds.serialize(format="trig"), encoding="utf-8")
    (directory / NQUADS).write_text(sorted_nquads(ds), encoding="utf-8")
    (directory / TURTLE).write_text(union_graph(ds).serialize(format="turtle"), encoding="utf-8")


def publish_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a fresh directory beside ``out``, then swap it in; on any error ``out`` is unchanged."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the published dataset is public
    try:
        write(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    log.info("published %s", out)


def write_info(directory: Path, info: dict) -> None:
    (directory / INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _put(url: str, body: bytes, content_type: str, timeout: float) -> int:
    import urllib.request

    req = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status


def publish_to_store(nquads: Path, gsp_url: str, timeout: float = 60.0) -> dict[str, int]:
    """Load the dataset into a SPARQL 1.1 Graph Store Protocol store, graph by graph (PUT replaces each).

    The store's default graph receives the union of all graphs, each triple once, so that it answers
    queries without GRAPH as this project's own endpoint does.

    Returns:
        Triples sent per graph ("" for the default graph).
    """
    import urllib.parse

    import pyoxigraph as ox

    graphs: dict[str, list[ox.Triple]] = {}
    union: set[ox.Triple] = set()
    with nquads.open("rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            t = ox.Triple(q.subject, q.predicate, q.object)
            graphs.setdefault(q.graph_name.value, []).append(t)
            union.add(t)
    sep = "&" if "?" in gsp_url else "?"
    sent: dict[str, int] = {}
    for name, triples in sorted(graphs.items()):
        url = f"{gsp_url}{sep}graph={urllib.parse.quote(name, safe='')}"
        _put(url, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), "application/n-triples", timeout)
        sent[name] = len(triples)
    _put(f"{gsp_url}{sep}default", ox.serialize(sorted(union, key=str), format=ox.RdfFormat.N_TRIPLES),
         "application/n-triples", timeout)  # fmt: skip
    sent[""] = len(union)
    log.info("published %d graphs to %s", len(graphs), gsp_url)
    return sent


def ontology_html(ontology: Path) -> str:
    """Human-readable documentation of the ontology (pyLODE): one self-contained page, an anchor per term."""
    from pylode import OntPub

    return OntPub(str(ontology)).make_html()
