"""Read-only and no network: refuse updates, and SERVICE calls to anything but the allow-list."""

from __future__ import annotations

import re

# IRIs and strings first, so that a '#' inside them is not taken for a comment
_TOKENS = re.compile(r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(?P<comment>#[^\n]*)""")
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE)
_UPDATE = re.compile(r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_MAYBE_SERVICE = re.compile(r"SERVICE|\\[uU]", re.IGNORECASE)  # \u escapes could spell the keyword


class Refused(Exception):
    """A request the endpoint will not carry out; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def is_update(text: str) -> bool:
    """Whether the text is a SPARQL Update request (INSERT, DELETE, LOAD, CLEAR, DROP, ...)."""
    uncommented = _TOKENS.sub(lambda m: "" if m.group("comment") else m.group(0), text)
    body = _PROLOGUE.sub("", uncommented, count=1)
    return bool(_UPDATE.match(body))


def service_targets(query: str) -> list[str] | None:
    """The IRIs (or ?variables) the query's SERVICE clauses call; [] when there are none, None if unknown.

    Only a query that contains the word SERVICE (or a \\u escape) is parsed, so the common case costs a regex.
    """
    if not _MAYBE_SERVICE.search(query):
        return []
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception:
        return None
    found: list[str] = []

    def visit(node: object) -> None:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.get("term")  # type: ignore[attr-defined]
            found.append(term.n3() if term.__class__.__name__ == "Variable" else str(term))

    traverse(algebra, visitPre=visit)
    return found


def check_query(query: str, allowed_services: tuple[str, ...]) -> None:
    """Raise :class:`Refused` for an update or a SERVICE call that is not allowed."""
    if is_update(query):
        raise Refused(400, "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, ...) is not accepted.")
    targets = service_targets(query)
    if targets is None:
        raise Refused(403, "The query mentions SERVICE but could not be checked against the allow-list; it was not run.")
    for target in targets:
        if target not in allowed_services:
            allowed = ", ".join(allowed_services) or "none"
            raise Refused(
                403,
                f"SERVICE {target} is not allowed: this endpoint opens no network connection except to the configured "
                f"services (MINUSMA_KG_ALLOWED_SERVICES; allowed now: {allowed}).",
            )
