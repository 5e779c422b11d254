"""Copy a build into an external store through the SPARQL 1.1 Graph Store Protocol (Oxigraph, Fuseki, Virtuoso).

The build's own output is written atomically by :mod:`kg.publish`; this module only uploads a finished build to a
store someone else runs. Each named graph is replaced (PUT), then the union of all graphs, each triple once, goes
where queries without GRAPH look: the store's default graph or, for a store that has no default graph of its own
(Virtuoso: its "default graph" is every graph in the database, its system graphs included, a triple counted once per
graph that holds it), a named graph that ``minusma-kg serve --store-union-graph`` names as the default graph of each
query (:func:`store_query_url`). Large graphs go in chunks: the first replaces the graph, the next ones are appended
(POST), so no request exceeds a store's body limit.
"""

from __future__ import annotations

import ipaddress
import itertools
import logging
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests
import requests.auth

from .namespaces import GRAPH
from .store import open_store

log = logging.getLogger(__name__)

#: Where the union goes in a store without a default graph (``publish --union-graph``): not a graph of the build.
UNION_GRAPH = str(GRAPH["union"])
#: Triples per request: a few MB of N-Triples, under the body limits of the stores we know.
CHUNK_TRIPLES = 50_000
#: The environment variable holding the store password (never a command-line argument, which `ps` shows).
PASSWORD_ENV = "MINUSMA_KG_STORE_PASSWORD"  # noqa: S105 (the variable's name, not a password)


@dataclass(frozen=True)
class Credentials:
    """A store account: HTTP Digest or Basic, whichever the store asks for (Virtuoso's crud-auth uses Digest)."""

    user: str
    password: str = field(repr=False)  # never in a traceback or a log line


def _in_clear_is_safe(url: str) -> bool:
    """Whether a password sent as Basic auth stays on this machine or is encrypted on its way (https)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return True
    try:
        return ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return parts.hostname == "localhost"


def _session(url: str, credentials: Credentials | None, timeout: float) -> requests.Session:
    """A session that authenticates every upload up front, in the scheme the store asks for.

    A store that wants Digest answers an unauthenticated upload with 401 and closes the connection while the body
    is still being sent (a broken pipe for any body of a few MB), so the challenge is fetched once with an empty
    request, and each upload then carries its Authorization header from the start (requests' Digest handler
    reuses the nonce with a counter). Basic sends the password itself: only when the store asks for it, and only
    over https or to this machine. A store that does not challenge the probe gets Digest, which answers a
    challenge if one comes and never sends the password.

    Raises:
        ValueError: the store asks for Basic over plain http to another machine.
    """
    session = requests.Session()
    if credentials is None:
        return session
    probe = session.head(url, timeout=timeout)
    scheme = probe.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
    if scheme == "basic":
        if not _in_clear_is_safe(url):
            session.close()
            raise ValueError(f"{url} asks for the password in clear (Basic auth) over plain http: use https")
        session.auth = requests.auth.HTTPBasicAuth(credentials.user, credentials.password)
    else:
        session.auth = requests.auth.HTTPDigestAuth(credentials.user, credentials.password)
        if scheme == "digest":
            session.head(url, timeout=timeout)  # answers the challenge once; later requests reuse it
    return session


def _chunks(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    it = iter(triples)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _send(session: requests.Session, url: str, method: str, triples: list[ox.Triple], timeout: float) -> None:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    resp = session.request(method, url, data=body, headers={"Content-Type": "application/n-triples"}, timeout=timeout)
    resp.raise_for_status()  # requests' errors are OSErrors: the command line says "Could not publish"


def _upload(session: requests.Session, url: str, triples: Iterable[ox.Triple], chunk: int,
            timeout: float) -> int:  # fmt: skip
    """PUT the first chunk (it replaces the graph, also when it is empty), POST the rest (each appends).

    A store reads the blank node labels of each request afresh, so a node split across two requests would become
    two nodes: the triples with a blank node (an OWL list, say) go together in the last request, whatever its size.
    """
    blank: list[ox.Triple] = []

    def ground() -> Iterator[ox.Triple]:
        for t in triples:
            if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
                blank.append(t)
            else:
                yield t

    sent, method = 0, "PUT"
    for part in _chunks(ground(), chunk):
        _send(session, url, method, part, timeout)
        sent, method = sent + len(part), "POST"
    if blank or method == "PUT":  # the PUT also replaces what a previous publish left when there is nothing to send
        _send(session, url, method, blank, timeout)
    return sent + len(blank)


def _triples(store: ox.Store, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> Iterator[ox.Triple]:
    return (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph))


def publish_to_store(
    nquads: Path,
    gsp_url: str,
    timeout: float = 60.0,
    *,
    store: Path | None = None,
    union_graph: str | None = None,
    credentials: Credentials | None = None,
    chunk_triples: int = CHUNK_TRIPLES,
) -> dict[str, int]:
    """Load the dataset into a SPARQL 1.1 Graph Store Protocol store, graph by graph (PUT replaces each).

    The union of all graphs, each triple once, goes into the store's default graph, so that the store answers
    queries without GRAPH as this project's own endpoint does; or into ``union_graph`` for a store without one.

    Args:
        store: the build's read-only pyoxigraph store (union already materialised); None reads ``nquads``.
        union_graph: a named graph for the union instead of the default graph (Virtuoso: :data:`UNION_GRAPH`).
        credentials: an account for a store that only takes writes after HTTP authentication.
        chunk_triples: most triples per request; a larger graph is sent as one PUT and then POSTs.

    Returns:
        Triples sent per graph ("" for the union).
    """
    if chunk_triples < 1:
        raise ValueError(f"chunk_triples must be at least 1, not {chunk_triples}")
    if urllib.parse.urlsplit(gsp_url).scheme not in ("http", "https"):
        raise ValueError(f"{gsp_url} is not an http(s) URL")
    data = open_store(nquads, store)
    sep = "&" if "?" in gsp_url else "?"
    sent: dict[str, int] = {}
    with _session(gsp_url, credentials, timeout) as session:
        for graph in sorted(data.named_graphs(), key=lambda g: g.value):
            url = f"{gsp_url}{sep}graph={urllib.parse.quote(graph.value, safe='')}"
            sent[graph.value] = _upload(session, url, _triples(data, graph), chunk_triples, timeout)
        target = "default" if union_graph is None else f"graph={urllib.parse.quote(union_graph, safe='')}"
        union = _triples(data, ox.DefaultGraph())
        sent[""] = _upload(session, f"{gsp_url}{sep}{target}", union, chunk_triples, timeout)
    log.info("published %d graphs to %s", len(sent) - 1, gsp_url)
    return sent


def store_query_url(query_url: str, union_graph: str = UNION_GRAPH) -> str:
    """The query URL ``serve --store`` forwards to when the store holds the union in ``union_graph`` (Virtuoso).

    :class:`server.remote.RemoteStore` makes that graph the default graph of the queries that name none, as the
    built-in endpoint's union, and keeps it out of ``GRAPH ?g``.
    """
    sep = "&" if "?" in query_url else "?"
    return f"{query_url}{sep}{urllib.parse.urlencode([('default-graph-uri', union_graph)])}"
