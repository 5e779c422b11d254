"""Answer queries with an external SPARQL store (Oxigraph server, Fuseki, ...), behind the same limits and checks.

The store is asked for SPARQL JSON or N-Triples; the answer is parsed with pyoxigraph and goes through the same
result cap and serialisers as a local query, so clients see the same formats, headers and refusals.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from io import BytesIO

import pyoxigraph as ox

from server.engine import QueryJob, QueryOutcome, QueryTimeout, serialize_result

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


def _bind(job: QueryJob) -> str:
    """The query with its bindings as a trailing VALUES clause (the protocol has no other way to send them).

    Each IRI is written by pyoxigraph's own N-Triples serialiser after it validated the IRI, so no binding can
    close the term and add query text.
    """
    if not job.bindings:
        return job.query
    names = " ".join(f"?{name}" for name, _ in job.bindings)
    terms = " ".join(str(ox.NamedNode(iri)) for _, iri in job.bindings)
    return f"{job.query}\nVALUES ({names}) {{ ({terms}) }}"


class RemoteStore:
    """A query backend that forwards to a store's SPARQL query endpoint."""

    size = 1

    def __init__(self, query_url: str) -> None:
        self.query_url = query_url

    def run(self, job: QueryJob, timeout: float, reserved: bool = False) -> QueryOutcome:
        """Forward ``job``; the store has its own pool, so ``reserved`` changes nothing here."""
        params: list[tuple[str, str]] = [("query", _bind(job))]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        if job.default_graphs is not None and not job.default_graphs:
            params.append(("default-graph-uri", ""))
        req = urllib.request.Request(
            self.query_url,
            data=urllib.parse.urlencode(params).encode("utf-8"),
            headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                body, content_type = resp.read(), resp.headers.get_content_type()
        except urllib.error.HTTPError as err:
            message = err.read().decode("utf-8", "replace").strip()
            return QueryOutcome(None, error=f"SPARQL error from the store ({err.code}): {message}")
        except TimeoutError as exc:
            raise QueryTimeout(f"the store did not answer within {timeout:g} s") from exc
        if content_type == "application/sparql-results+json":
            result = ox.parse_query_results(BytesIO(body), format=ox.QueryResultsFormat.JSON)
        else:
            result = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        return serialize_result(result, job)

    def close(self) -> None:
        """Nothing to release: the store is the operator's."""
