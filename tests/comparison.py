"""Queries whose answers two engines must agree on, and a way to compare SPARQL JSON results."""

from __future__ import annotations

from typing import Any

from minusma_kg.kg.namespaces import RES, sparql_prologue
from minusma_kg.kg.queries import load_saved_queries

P = sparql_prologue()

COMPARISON_QUERIES: dict[str, str] = {
    "people": P + "SELECT ?p ?label WHERE { ?p a mkg:Person ; rdfs:label ?label }",
    "coup-leader": P + "SELECT ?c ?l WHERE { ?c mkg:coupLeader ?l }",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "dates": P + "SELECT ?e ?text ?v WHERE { ?e mkg:when ?d . ?d mkg:dateText ?text OPTIONAL { ?d mkg:dateValue ?v } }",
    "in-sahel": P + "SELECT ?e WHERE { ?e mkg:occurredIn res:sahel }",
    "optional-filter": P
    + """SELECT ?w ?party ?n WHERE { ?w a mkg:Withdrawal ; mkg:withdrawingParty ?party
        OPTIONAL { ?w mkg:personnelCount ?n } FILTER(?party != res:minusma) }""",
    "path": P + "SELECT ?place WHERE { res:bamako mkg:locatedIn+ ?place }",
}
COMPARISON_QUERIES.update(
    {q.name: q.text for q in load_saved_queries() if "needs-internet" not in q.tags and q.form == "SELECT"}
)


#: Who led the 2020 coup: stated by no article outright, inferred through the ontology's property chain.
COUP_LEADERS = P + "SELECT ?l WHERE { res:coup-2020 mkg:coupLeader ?l }"


def leaders_from_the_articles_alone(client: Any) -> tuple[set[str], set[str]]:
    """The coup's leaders as ``client`` answers with only the article graphs as default graph, and as the
    articles' annotations state them: a store that honours default-graph-uri gives the second (no inferences)."""
    from tests.corpus import Corpus

    corpus = Corpus.load()
    graphs = [("default-graph-uri", g) for g in corpus.article_graphs]
    r = client.get("/sparql", query_string=[("query", COUP_LEADERS), *graphs])
    assert r.status_code == 200, r.text
    stated = {str(RES[v]) for v in corpus.values("coup-2020", "coupLeader")}
    return {b["l"]["value"] for b in r.json["results"]["bindings"]}, stated


#: GROUP_CONCAT results, whose order SPARQL leaves undefined: variable -> separator, per saved query.
UNORDERED: dict[str, dict[str, str]] = {
    "09-sources-per-fact": {"sources": " | "},
    "23-people-and-positions": {"articles": " "},
    "30-countries-mentioned": {"titles": " | "},
}


def rows_of(results: dict, unordered: dict[str, str] | None = None) -> list[tuple]:
    """The solutions as a sorted list of rows, each a sorted tuple of (variable, type, value, lang, datatype).

    Args:
        unordered: variables holding GROUP_CONCAT results, with their separators; their parts are sorted.
    """
    rows = []
    for binding in results["results"]["bindings"]:
        for var, sep in (unordered or {}).items():
            if var in binding:
                parts = sorted(binding[var]["value"].split(sep))
                binding = {**binding, var: {**binding[var], "value": sep.join(parts)}}
        rows.append(
            tuple(
                sorted(
                    (
                        var,
                        term["type"].replace("typed-literal", "literal"),
                        term["value"],
                        term.get("xml:lang", ""),
                        term.get("datatype", "") if term["type"] != "bnode" else "",
                    )
                    for var, term in binding.items()
                    if term["type"] != "bnode"
                )
            )
        )
    return sorted(rows)


def both_answers(name: str, local_client, store_client) -> tuple[list[tuple], list[tuple]]:
    """The rows of comparison query ``name`` from the built-in engine and through the store (both must say 200)."""
    query, accept = COMPARISON_QUERIES[name], {"Accept": "application/sparql-results+json"}
    local = local_client.get("/sparql", query_string={"query": query}, headers=accept)
    remote = store_client.get("/sparql", query_string={"query": query}, headers=accept)
    assert local.status_code == remote.status_code == 200, remote.text
    ours, theirs = rows_of(local.json, UNORDERED.get(name)), rows_of(remote.json, UNORDERED.get(name))
    assert ours, f"{name} returned nothing: it compares nothing"
    return ours, theirs
