"""Read-only, bounded and no network: refuse updates, SERVICE calls off the allow-list and over-deep queries.

The check lexes the query the way Oxigraph (the engine that runs it) does, not with another parser: a comment
ends at a line feed *or* a carriage return, keywords are matched case-insensitively and are never spelt with
``\\u`` escapes, IRIs and strings may hold such escapes. Where the lexer is unsure it errs towards refusing:
any word that contains "service" outside IRIs, strings, comments, variables and local names must be exactly
the keyword followed by a target it can resolve, and the target is resolved by pyoxigraph itself (PREFIX, BASE
and escapes included). Because other SPARQL engines (an external store) decode ``\\u`` escapes before parsing,
the query is checked a second time with them decoded.

This is the first of two locks: the query workers also run in a sandbox that cannot open network sockets
(:mod:`server.sandbox`) unless SERVICE calls are allowed at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import QueryRefusedError

# Everything that ends a comment for some engine; ending it too early only makes the check stricter.
_EOL = "\n\r\x0b\x0c\x85\u2028\u2029"
_PN_CHARS = r"\w\u00B7\u0300-\u036F\u203F-\u2040\-"
_LEXEMES = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^{_EOL}]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][{_PN_CHARS}]+)
  | (?P<number>[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<name>(?:[^\W\d][{_PN_CHARS}.]*)?:(?:[{_PN_CHARS}.:%]|\\[_~.!$&'()*+,;=/?\#@%-])*
              |[^\W\d][{_PN_CHARS}]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_OPEN, _CLOSE = "{([", "})]"
#: Keywords that each add a node to the query's algebra tree; Oxigraph recurses over that tree.
_PATTERN_WORDS = {"OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES", "EXISTS"}


@dataclass(frozen=True)
class Limits:
    """How deep and how large a query's structure may be; deeper queries crash the engine's recursion."""

    max_depth: int = 64
    max_patterns: int = 1000
    max_operators: int = 1000


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(text: str) -> Iterator[_Token]:
    pos = 0
    while pos < len(text):
        m = _LEXEMES.match(text, pos)
        if m is None or m.lastgroup is None:  # pragma: no cover - "other" matches any character
            raise AssertionError(f"the lexer matched nothing at {pos}")
        lexeme = m.group()
        if m.lastgroup == "name" and ":" in lexeme and lexeme.endswith("."):
            lexeme = lexeme.rstrip(".")  # a local name cannot end with '.': it ends the triple
        pos += len(lexeme)
        if m.lastgroup not in ("ws", "comment"):
            yield _Token(m.lastgroup, lexeme)


def _decode_escapes(text: str) -> str:
    """The query as an engine that applies SPARQL's escape processing first (Jena, Virtuoso) reads it."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else m.group()

    return _UNICODE_ESCAPE.sub(char, text)


def _significant(tokens: list[_Token]) -> list[_Token]:
    """The tokens after the prologue (PREFIX and BASE declarations)."""
    i = 0
    while i < len(tokens):
        word = tokens[i].text.upper()
        if word == "PREFIX" and i + 2 < len(tokens):
            i += 3
        elif word == "BASE" and i + 1 < len(tokens):
            i += 2
        else:
            break
    return tokens[i:]


def is_update(text: str) -> bool:
    """Whether the text is a SPARQL Update request (INSERT, DELETE, LOAD, CLEAR, DROP, ...)."""
    rest = _significant(list(_tokens(text)))
    return bool(rest) and rest[0].kind == "name" and rest[0].text.upper() in _UPDATE_WORDS


def _mentions_service(token: _Token) -> bool:
    """Whether an engine could read the keyword SERVICE in (part of) this token."""
    lower = token.text.lower()
    if token.kind == "name":
        prefix, colon, _ = lower.partition(":")
        return "service" in (prefix if colon else lower)
    if token.kind == "iri":  # '<' is also "less than": an IRI-looking run might hold operators
        return "service" in lower and any(c in lower for c in "()?$&|=!,;")
    return False


def _prologue(tokens: list[_Token]) -> str:
    """The PREFIX and BASE declarations, in order, as written (for pyoxigraph to resolve names with)."""
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        word = tok.text.upper()
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            parts.append(f"PREFIX {tokens[i + 1].text} {tokens[i + 2].text}")
        elif word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            parts.append(f"BASE {tokens[i + 1].text}")
    return "\n".join(parts)


def _resolve(prologue: str, target: _Token) -> str | None:
    """The absolute IRI a SERVICE target names, resolved by pyoxigraph as the executing engine does."""
    import pyoxigraph as ox

    try:
        rows = list(ox.Store().query(f"{prologue}\nSELECT ({target.text} AS ?t) {{}}"))  # type: ignore[arg-type]
    except (SyntaxError, ValueError, OSError):
        return None
    value = rows[0]["t"] if rows else None
    return value.value if isinstance(value, ox.NamedNode) else None


def service_targets(query: str) -> list[str] | None:
    """The IRIs (or ?variables) the query's SERVICE clauses call; [] when there are none, None if unclear."""
    found: list[str] = []
    for text in dict.fromkeys((query, _decode_escapes(query))):  # both readings, once each if equal
        tokens = list(_tokens(text))
        prologue: str | None = None
        for i, tok in enumerate(tokens):
            if not _mentions_service(tok):
                continue
            if tok.kind != "name" or tok.text.upper() != "SERVICE":
                return None
            j = i + 1
            if j < len(tokens) and tokens[j].text.upper() == "SILENT":
                j += 1
            if j >= len(tokens):
                return None
            target = tokens[j]
            if target.kind == "var":
                found.append(target.text)
                continue
            if target.kind not in ("iri", "name") or (target.kind == "name" and ":" not in target.text):
                return None
            prologue = _prologue(tokens) if prologue is None else prologue
            iri = _resolve(prologue, target)
            if iri is None:
                return None
            found.append(iri)
    return list(dict.fromkeys(found))


def check_structure(query: str, limits: Limits) -> None:
    """Refuse (400) queries nested deeper or built larger than the engine can evaluate safely."""
    depth = deepest = patterns = operators = 0
    for tok in _tokens(query):
        if tok.kind == "other":
            if tok.text in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif tok.text in _CLOSE:
                depth -= 1
            elif tok.text in "+-*/=<>!&|":
                operators += 1
        elif tok.kind == "name" and tok.text.upper() in _PATTERN_WORDS:
            patterns += 1
    if deepest > limits.max_depth:
        raise QueryRefusedError(
            400, f"The query is nested {deepest} levels deep; this endpoint accepts at most {limits.max_depth}."
        )
    if patterns > limits.max_patterns:
        raise QueryRefusedError(
            400,
            f"The query has {patterns} OPTIONAL/UNION/MINUS/FILTER/... clauses; this endpoint accepts at most "
            f"{limits.max_patterns}.",
        )
    if operators > limits.max_operators:
        raise QueryRefusedError(
            400, f"The query has {operators} operators; this endpoint accepts at most {limits.max_operators}."
        )


def check_query(query: str, allowed_services: tuple[str, ...], limits: Limits | None = None) -> None:
    """Raise :class:`QueryRefusedError` for an update, a SERVICE call that is not allowed, or an over-deep query."""
    if is_update(query):
        raise QueryRefusedError(
            400, "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, ...) is not accepted."
        )
    check_structure(query, limits or Limits())
    targets = service_targets(query)
    if targets is None:
        raise QueryRefusedError(
            403,
            "The query mentions SERVICE in a form that could not be checked against the allow-list; it was not run.",
        )
    for target in targets:
        if target.startswith(("?", "$")):
            raise QueryRefusedError(
                403, f"SERVICE {target}: a service chosen by a variable cannot be checked; name the service IRI."
            )
        if target not in allowed_services:
            allowed = ", ".join(allowed_services) or "none"
            raise QueryRefusedError(
                403,
                f"SERVICE <{target}> is not allowed: this endpoint opens no network connection except to the "
                "configured "
                f"services (MINUSMA_KG_ALLOWED_SERVICES; allowed now: {allowed}).",
            )
