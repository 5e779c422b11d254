"""Answer queries with an external SPARQL store (Oxigraph server, Virtuoso, ...), behind the same limits and checks.

The store is asked for SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE); the answer is parsed with
pyoxigraph and goes through the same result cap and serialisers as a local query, so clients see the same formats,
headers and refusals. What a store does differently is in docs/stores.md.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from io import BytesIO

import pyoxigraph as ox

from ..errors import QueryTimeoutError
from ..kg.namespaces import GRAPH
from ..kg.sparql import QueryJob, QueryOutcome, serialize_result
from .safety import _LEXEMES, _significant, _tokens

#: One format per query form: Virtuoso answers a CONSTRUCT asked for "results+json, n-triples;q=0.9" with its
#: triples as JSON solutions, and one asked for several RDF formats with a 406.
ACCEPT_RESULTS, ACCEPT_GRAPH = "application/sparql-results+json", "application/n-triples"
#: Virtuoso's header on an incomplete answer (SQL state S1TAT: its MaxQueryExecutionTime ran out), sent with a 200.
PARTIAL_HEADER = "X-SQL-State"


def _where_brace(query: str) -> int | None:
    """Where the query's WHERE group opens: the first top-level ``{`` after the form keyword (the second for a
    CONSTRUCT with a template), found with the safety check's lexer, so braces in IRIs, strings and comments and
    inside ``( ... )`` do not count. None for a query without one (DESCRIBE <iri>)."""
    depth, pos, form = 0, 0, None
    while pos < len(query):
        m = _LEXEMES.match(query, pos)
        if m is None:  # pragma: no cover - "other" matches any character
            return None
        text, pos = m.group(), m.end()
        if form is None:
            if m.lastgroup == "name" and text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = text.upper()
        elif m.lastgroup == "other" and text in ("(", "{"):
            if depth == 0 and text == "{":
                if form != "CONSTRUCT" or _after_where(query, m.start()):
                    return m.start()
                form = "CONSTRUCT template"  # the next top-level group is the WHERE group, keyword or not
            depth += 1
        elif m.lastgroup == "other" and text in (")", "}"):
            depth -= 1
    return None


def _after_where(query: str, brace: int) -> bool:
    """Whether the keyword just before ``brace`` is WHERE (CONSTRUCT WHERE { ... } has no template)."""
    return query[:brace].rstrip().upper().endswith("WHERE")


def _bind(job: QueryJob) -> str:
    """The query with its bindings as a VALUES block opening its WHERE group (the protocol has no other way to send
    them; Virtuoso refuses the trailing VALUES clause that SPARQL 1.1 also allows).

    Each IRI is written by pyoxigraph's own N-Triples serialiser after it validated the IRI, so no binding can
    close the term and add query text.
    """
    if not job.bindings:
        return job.query
    names = " ".join(f"?{name}" for name, _ in job.bindings)
    terms = " ".join(str(ox.NamedNode(iri)) for _, iri in job.bindings)
    values = f"VALUES ({names}) {{ ({terms}) }}"
    at = _where_brace(job.query)
    if at is None:
        return f"{job.query}\n{values}"
    return f"{job.query[: at + 1]} {values} {job.query[at + 1 :]}"


def _form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read with the safety check's lexer (comments and strings are skipped)."""
    rest = _significant(list(_tokens(query)))
    return rest[0].text.upper() if rest and rest[0].kind == "name" else "SELECT"


def _boolean(result: ox.QuerySolutions) -> bool:
    """An ASK answer sent as solutions (Virtuoso: one row, ``__ASK_RETVAL`` 1, when true; no row when false)."""
    return any(row[0] is not None and row[0].value not in ("0", "false") for row in result)


#: pyoxigraph parses a query only to run it: on this empty store, a query is parsed and its answer never read.
_EMPTY = ox.Store()


class RemoteStore:
    """A query backend that forwards to a store's SPARQL query endpoint."""

    def __init__(self, query_url: str) -> None:
        """``query_url`` may name a ``default-graph-uri``: the named graph in which a store without a default graph
        of its own (Virtuoso) holds the union (``publish --union-graph``).

        That graph is then the default graph of every query that does not choose its own, and the named graphs are
        the project's graphs in the store, the union graph left out, named with Virtuoso's ``define
        input:named-graph-uri`` pragmas: without them ``GRAPH ?g`` would also match the union graph, and Virtuoso's
        own. As ``named-graph-uri`` parameters, 2,000 graphs cost Virtuoso about 0.2 s per query (as pragmas,
        4 ms) and come back as 2,000 response headers, more than Python's HTTP client reads.
        """
        parts = urllib.parse.urlsplit(query_url)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"the store's query URL must be http(s): {query_url}")
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        self.default_graphs = tuple(ox.NamedNode(v).value for k, v in pairs if k == "default-graph-uri")
        rest = [(k, v) for k, v in pairs if k != "default-graph-uri"]
        self.query_url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(rest)))
        self._named_pragmas: str | None = None  # read from the store at the first query that needs them

    def _dataset(self, job: QueryJob) -> list[tuple[str, str]]:
        """The dataset parameters: the query's own, else the store's union graph as the default graph."""
        defaults = job.default_graphs or self.default_graphs  # (): the union, which the store's default graph is
        params = [("default-graph-uri", g) for g in defaults] + [("named-graph-uri", g) for g in job.named_graphs or ()]
        if job.default_graphs is not None and not defaults:
            params.append(("default-graph-uri", ""))
        return params

    def _pragmas(self, job: QueryJob, timeout: float) -> str:
        """The project's graphs as the named graphs, when the store holds the union in a graph and the query
        names no graphs of its own."""
        if not self.default_graphs or job.named_graphs is not None:
            return ""
        if self._named_pragmas is None:
            union = " ".join(str(ox.NamedNode(g)) for g in self.default_graphs)
            listing = QueryJob(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "
                               f"{ox.Literal(str(GRAPH))}) && ?g NOT IN ({union})) }}", named_graphs=(),
                               default_graphs=self.default_graphs, limit=1_000_000)  # fmt: skip
            outcome = self.run(listing, timeout)
            if outcome.error is not None:
                raise QueryTimeoutError(f"cannot list the store's graphs: {outcome.error}")
            graphs = sorted(b["g"]["value"] for b in json.loads(outcome.body)["results"]["bindings"])
            pragmas = "".join(f"define input:named-graph-uri {ox.NamedNode(g)}\n" for g in graphs)
            if not graphs:  # nothing published yet: ask again next time rather than keep an empty list
                return pragmas
            self._named_pragmas = pragmas
        return self._named_pragmas

    def run(self, job: QueryJob, timeout: float, reserved: bool = False) -> QueryOutcome:
        """Forward ``job``; the store has its own pool, so ``reserved`` changes nothing here.

        Only standard SPARQL 1.1 is forwarded, as pyoxigraph (the built-in engine) parses it: a store's own
        extensions (Virtuoso's ``define`` pragmas, which can choose other graphs, make the store fetch a URL, or
        precede an update the read-only check would not see) are refused before the store reads them.
        """
        try:  # parsed (on an empty store, its answer never read): nothing is evaluated here
            _EMPTY.query(job.query)
        except SyntaxError as exc:
            return QueryOutcome(None, error=f"Not a SPARQL 1.1 query, so not sent to the store: {exc}")
        params: list[tuple[str, str]] = [("query", self._pragmas(job, timeout) + _bind(job)), *self._dataset(job)]
        if self.default_graphs:  # Virtuoso: stop well before our deadline (it overruns its own by seconds)
            params.append(("timeout", str(max(1, int(timeout * 500)))))  # milliseconds
        form = _form(job.query)
        req = urllib.request.Request(  # noqa: S310 (an http(s) URL, checked in __init__)
            self.query_url,
            data=urllib.parse.urlencode(params).encode("utf-8"),
            headers={
                "Accept": ACCEPT_GRAPH if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT_RESULTS,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (as above)
                body, content_type = resp.read(), resp.headers.get_content_type()
                partial = resp.headers.get(PARTIAL_HEADER)
        except urllib.error.HTTPError as err:
            message = err.read().decode("utf-8", "replace").strip()
            return QueryOutcome(None, error=f"SPARQL error from the store ({err.code}): {message}")
        except TimeoutError as exc:
            raise QueryTimeoutError(f"the store did not answer within {timeout:g} s") from exc
        if partial:  # a Virtuoso "anytime" answer: the rows found before its time limit, with status 200
            stopped = f"the store stopped the query at its own time limit ({partial}) and sent part of it"
            raise QueryTimeoutError(stopped)
        result: ox.QuerySolutions | ox.QueryBoolean | bool | Iterator[ox.Triple]
        if content_type in (ACCEPT_RESULTS, "application/json"):
            parsed = ox.parse_query_results(BytesIO(body), format=ox.QueryResultsFormat.JSON)
            result = _boolean(parsed) if form == "ASK" and isinstance(parsed, ox.QuerySolutions) else parsed
        else:
            quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            result = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        return serialize_result(result, job)

    def close(self) -> None:
        """Nothing to release: the store is the operator's."""
