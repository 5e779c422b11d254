"""The Reconciliation Service API (v0.2, as OpenRefine speaks it) and /search, over the graph's entities.

``GET /reconcile`` is the manifest (also the W3C community draft's ``versions``); ``queries=`` (GET or a POST
form) reconciles a batch, ``query=`` one name, ``extend=`` fetches property values for a list of ids. Beside it:
``/reconcile/suggest/{entity,type,property}`` (prefix search), ``/reconcile/preview?id=`` (a small HTML card)
and ``/reconcile/extend/propose?type=``. ``/search?q=`` uses the same matcher (JSON, or HTML when asked).

Identifiers are relative to the manifest's spaces: an entity's id is its local name under
https://w3id.org/minusma-kg/resource/ (``assimi-goita``), a type's or a property's its local name in the ontology
(``Person``, ``occurredIn``); terms of other vocabularies are prefixed names (``rdfs:label``, ``owl:sameAs``).
Full IRIs are accepted everywhere.

The index is read once per app from the dataset, through the engine's reserved workers, with fixed queries: no
request input ever reaches query text.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections import Counter, defaultdict
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from markupsafe import escape

from ..kg.namespaces import MKG, PREFIXES, RES
from ..kg.sparql import QueryJob
from .matching import Candidate, Entity, Index, Value, normalise, value_matches

blueprint = Blueprint("reconcile", __name__)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
ALIASES = (str(MKG.alias), "http://www.w3.org/2004/02/skos/core#altLabel", str(MKG.name))
INFERRED = "https://w3id.org/minusma-kg/graph/inferred"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Classes whose instances are not things to reconcile against (passages of text, date claims, stated facts).
NOT_ENTITIES = frozenset({str(MKG.Evidence), str(MKG.DateClaim), str(MKG.Assertion)})
MAX_QUERIES = 100  # per batch
MAX_LIMIT = 100
DEFAULT_LIMIT = 5
MAX_EXTEND_IDS = 500
MAX_QUERY_CHARS = 1000  # names are short; a long text would only make the fuzzy comparison slow

_ENTITIES = f"""SELECT ?s ?t ?g WHERE {{ GRAPH ?g {{ ?s a ?t }}
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{RES}")) }}"""
_VALUES = f"""SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{RES}") && ?p != <{RDF_TYPE}>) }}"""
_VOCABULARY = """PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?kind ?label ?comment WHERE {
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty }
  ?term a ?kind . FILTER(isIRI(?term))
  OPTIONAL { ?term rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "") }
  OPTIONAL { ?term <http://www.w3.org/2004/02/skos/core#definition> ?comment }
}"""
_EXTRA_PROPERTIES = {LABEL: "label", COMMENT: "comment", "http://www.w3.org/2002/07/owl#sameAs": "same as (Wikidata)"}


class ReconcileData:
    """The entity index, the ontology's classes and properties, loaded once per app."""

    def __init__(self, index: Index, classes: dict[str, str], properties: dict[str, str], definitions: dict[str, str]):
        self.index, self.classes, self.properties, self.definitions = index, classes, properties, definitions


_LOCK = threading.Lock()


def _rows(query: str) -> list[dict[str, dict[str, str]]]:
    from .pages import run_known

    timeout = max(current_app.extensions["minusma-kg"].config.timeout, 10.0)  # the whole index, once per version
    answer = run_known(QueryJob(query, limit=500_000), timeout)
    bindings: list[dict[str, dict[str, str]]] = answer["results"]["bindings"]
    return bindings


def load_data() -> ReconcileData:
    entities: dict[str, Entity] = {}
    excluded: set[str] = set()
    for row in _rows(_ENTITIES):
        s, t, g = row["s"]["value"], row["t"]["value"], row["g"]["value"]
        if t in NOT_ENTITIES:
            excluded.add(s)
        e = entities.setdefault(s, Entity(id=s[len(str(RES)) :], iri=s))
        e.types.add(t)
        if g != INFERRED:
            e.asserted_types.add(t)
    for s in excluded:
        entities.pop(s, None)
    for row in _rows(_VALUES):
        holder = entities.get(row["s"]["value"])
        if holder is None:
            continue
        p, o = row["p"]["value"], row["o"]
        if o["type"] == "uri":
            holder.values[p].append(("iri", o["value"]))
        elif o["type"] == "literal":
            holder.values[p].append(("literal", o["value"], o.get("datatype"), o.get("xml:lang")))
        if o["type"] != "literal":
            continue
        if p == LABEL:
            holder.labels.append((o["value"], o.get("xml:lang")))
        elif p in ALIASES:
            holder.aliases.append((o["value"], o.get("xml:lang")))
        elif p == COMMENT and not holder.description:
            holder.description = o["value"]
    for s in [s for s, e in entities.items() if not e.labels and not e.aliases]:
        del entities[s]  # nothing to match a name against (an unlabelled node)
    for e in entities.values():  # stable order: the dataset's rows come in no promised order
        e.labels.sort(key=lambda x: (x[1] != "en", x[1] or "", x[0]))
        e.aliases = sorted(set(e.aliases), key=lambda x: (x[1] or "", x[0]))
        for values in e.values.values():
            values.sort(key=lambda v: tuple(str(x) for x in v))
    classes: dict[str, str] = {}
    properties: dict[str, str] = dict(_EXTRA_PROPERTIES)
    definitions: dict[str, str] = {}
    for row in _rows(_VOCABULARY):
        term, kind = row["term"]["value"], row["kind"]["value"]
        name = row.get("label", {}).get("value") or _local(term)
        if "comment" in row:
            definitions.setdefault(term, row["comment"]["value"])
        if kind.endswith("#Class"):
            if term.startswith(str(MKG)) and term not in NOT_ENTITIES:
                classes[term] = name
        else:
            properties.setdefault(term, name)
    return ReconcileData(Index(list(entities.values())), classes, properties, definitions)


def data() -> ReconcileData:
    """The app's index, loaded on first use (once: concurrent first requests wait for the one load)."""
    ext = current_app.extensions
    if "minusma-kg-reconcile" not in ext:
        with _LOCK:
            if "minusma-kg-reconcile" not in ext:
                ext["minusma-kg-reconcile"] = load_data()
    loaded: ReconcileData = ext["minusma-kg-reconcile"]
    return loaded


# ---------------------------------------------------------------------------------------------------------------
# identifiers


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def term_id(iri: str) -> str:
    """A type's or property's id: its local name in the ontology, else a prefixed name, else the IRI."""
    if iri.startswith(str(MKG)):
        return iri[len(str(MKG)) :]
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri[len(ns) :].replace("_", "").replace("-", "").isalnum():
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def term_iri(identifier: str) -> str:
    """The IRI a type or property id stands for (accepting local names, prefixed names and IRIs)."""
    identifier = identifier.strip()
    if "://" in identifier:
        return identifier
    prefix, sep, rest = identifier.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + rest
    return str(MKG) + identifier


def entity_for(d: ReconcileData, identifier: str) -> Entity | None:
    identifier = identifier.strip()
    return (
        d.index.by_iri.get(identifier)
        or d.index.entities.get(identifier)
        or (d.index.entities.get(identifier.split(":", 1)[1]) if identifier.startswith("res:") else None)
    )


def _types_of(d: ReconcileData, e: Entity) -> list[dict[str, str]]:
    """The entity's asserted classes of the ontology (most specific as stated), named."""
    types = sorted(t for t in e.asserted_types if t in d.classes) or sorted(t for t in e.types if t in d.classes)
    return [{"id": term_id(t), "name": d.classes[t]} for t in types]


def _wanted_types(raw: Any) -> set[str] | None:
    if raw in (None, "", []):
        return None
    items = raw if isinstance(raw, list) else [raw]
    out = set()
    for item in items:
        if isinstance(item, dict):
            item = item.get("id")
        if not isinstance(item, str) or not item.strip():
            raise ValueError("a type is a string id or an object with an 'id'")
        out.add(term_iri(item))
    return out


def _base() -> str:
    base = current_app.extensions["minusma-kg"].config.base_url
    return (base or request.url_root).rstrip("/")


def _json(payload: Any, status: int = 200, cache: bool = True) -> Response:
    headers = {"Cache-Control": "private, no-store" if not cache else "public, max-age=300"}
    return Response(json.dumps(payload, ensure_ascii=False), status, mimetype="application/json", headers=headers)


def _error(message: str, status: int = 400) -> Response:
    return _json({"status": "error", "message": message}, status, cache=False)


def _param(name: str) -> str | None:
    value = request.form.get(name) if request.method == "POST" else None
    return value if value is not None else request.args.get(name)


# ---------------------------------------------------------------------------------------------------------------
# the service


def manifest() -> dict[str, Any]:
    d = data()
    base = _base()
    service = base + "/reconcile"
    return {
        "versions": ["0.1", "0.2"],
        "name": "MINUSMA knowledge graph",
        "identifierSpace": str(RES),
        "schemaSpace": str(MKG),
        "documentation": base + "/",
        "defaultTypes": sorted(({"id": term_id(c), "name": n} for c, n in d.classes.items()), key=lambda t: t["name"]),
        "view": {"url": base + "/resource/{{id}}"},
        "preview": {"url": service + "/preview?id={{id}}", "width": 400, "height": 160},
        "suggest": {
            "entity": {"service_url": service, "service_path": "/suggest/entity"},
            "type": {"service_url": service, "service_path": "/suggest/type"},
            "property": {"service_url": service, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/extend/propose"},
            "property_settings": [],
        },
        "batchSize": MAX_QUERIES,
    }


def reconcile_one(d: ReconcileData, q: Any) -> dict[str, Any]:
    """The candidates for one query object (already checked to be a dict)."""
    text = q.get("query", "")
    if not isinstance(text, str):
        raise ValueError("'query' must be a string")
    if len(text) > MAX_QUERY_CHARS:
        raise ValueError(f"a query is at most {MAX_QUERY_CHARS} characters")
    limit = q.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, str) and limit.isdigit():
        limit = int(limit)
    if isinstance(limit, float) and limit.is_integer():  # the schema says "number"
        limit = int(limit)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError("'limit' must be a positive integer")
    limit = min(limit, MAX_LIMIT)
    types = _wanted_types(q.get("type"))
    props = q.get("properties") or []
    if not isinstance(props, list) or not all(isinstance(p, dict) for p in props):
        raise ValueError("'properties' must be a list of {pid, v} objects")
    constraints = []
    for p in props:
        pid = p.get("pid", p.get("p"))
        if not isinstance(pid, str) or "v" not in p:
            raise ValueError("each property constraint needs a 'pid' and a 'v'")
        values = p["v"] if isinstance(p["v"], list) else [p["v"]]
        constraints.append((pid, term_iri(pid), values))

    pool = d.index.search(text, types, limit=len(d.index.entities)) if text.strip() else []
    if not text.strip() and constraints:  # properties alone: every entity of the types is a candidate
        pool = [
            Candidate(e, 0.0, {"label_exact": False, "alias_exact": False, "token_overlap": 0.0, "fuzzy": 0.0})
            for e in d.index.entities.values()
            if not types or e.types & types
        ]
    scored: list[tuple[dict[str, Any], Any]] = []
    for c in pool:
        features = [{"id": k, "value": v} for k, v in c.features.items()]
        score = c.score
        if constraints:
            hits = 0
            for pid, iri, values in constraints:
                ok = any(value_matches(d.index, c.entity.values.get(iri, []), v) for v in values)
                hits += ok
                features.append({"id": f"property:{pid}", "value": ok})
            if not text.strip() and not hits:
                continue
            score = round(0.75 * score + 25 * hits / len(constraints), 2)
        if types:
            features.append({"id": "type_match", "value": True})
        result = {
            "id": c.entity.id,
            "name": c.entity.name,
            "type": _types_of(d, c.entity),
            "score": score,
            "match": False,
            "features": features,
            "description": c.entity.description,
        }
        scored.append((result, c))
    scored.sort(key=lambda rc: (-rc[0]["score"], rc[0]["name"].lower(), rc[0]["id"]))
    out = [r for r, _ in scored[:limit]]
    if out and not constraints_missed(out) and d.index.is_unambiguous([c for _, c in scored]):
        out[0]["match"] = True
    return {"result": out}


def constraints_missed(results: list[dict[str, Any]]) -> bool:
    """Whether the best candidate fails a property constraint (then it is no sure match)."""
    return any(f["id"].startswith("property:") and f["value"] is False for f in results[0]["features"])


def _parse_queries(raw: str) -> dict[str, Any]:
    try:
        queries = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"'queries' is not JSON: {exc}") from None
    if not isinstance(queries, dict) or not all(isinstance(v, dict) for v in queries.values()):
        raise ValueError("'queries' must be a JSON object whose values are query objects")
    if len(queries) > MAX_QUERIES:
        raise ValueError(f"at most {MAX_QUERIES} queries in one batch")
    return queries


def extend(d: ReconcileData, raw: str) -> dict[str, Any]:
    try:
        spec = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"'extend' is not JSON: {exc}") from None
    ids, props = (spec.get("ids"), spec.get("properties")) if isinstance(spec, dict) else (None, None)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError("'extend' needs 'ids', a list of strings")
    if not isinstance(props, list) or not all(isinstance(p, dict) and isinstance(p.get("id"), str) for p in props):
        raise ValueError("'extend' needs 'properties', a list of {id} objects")
    if len(ids) > MAX_EXTEND_IDS:
        raise ValueError(f"at most {MAX_EXTEND_IDS} ids at once")
    meta = []
    for p in props:
        iri = term_iri(p["id"])
        entry: dict[str, Any] = {"id": p["id"], "name": d.properties.get(iri, term_id(iri))}
        meta.append(entry)
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for identifier in ids:
        e = entity_for(d, identifier)
        rows[identifier] = {
            p["id"]: [_cell(d, v) for v in e.values.get(term_iri(p["id"]), [])] if e else [] for p in props
        }
    return {"meta": meta, "rows": rows}


def _cell(d: ReconcileData, value: Value) -> dict[str, Any]:
    if value[0] == "iri":
        target = d.index.by_iri.get(value[1])
        if target is not None:
            return {"id": target.id, "name": target.name}
        return {"str": value[1]}
    text, datatype = value[1], value[2] or ""
    if datatype in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger"):
        try:
            return {"int": int(text)}
        except ValueError:
            pass
    if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
        try:
            return {"float": float(text)}
        except ValueError:
            pass
    if datatype == XSD + "boolean":  # v0.2 has no boolean cell
        return {"str": "true" if text in ("true", "1") else "false"}
    if datatype in (XSD + "date", XSD + "dateTime"):
        return {"date": text if "T" in text else text + "T00:00:00Z"}
    return {"str": text}


@blueprint.route("/reconcile", methods=["GET", "POST"])
def service() -> Response:
    d = data()
    raw_queries, raw_query, raw_extend = _param("queries"), _param("query"), _param("extend")
    try:
        if raw_queries is not None:
            queries = _parse_queries(raw_queries)
            return _json({key: reconcile_one(d, q) for key, q in queries.items()}, cache=False)
        if raw_query is not None:
            try:
                q = json.loads(raw_query)
            except ValueError:
                q = raw_query
            q = q if isinstance(q, dict) else {"query": raw_query}
            return _json(reconcile_one(d, q), cache=False)
        if raw_extend is not None:
            return _json(extend(d, raw_extend), cache=False)
    except ValueError as exc:
        return _error(str(exc))
    return _json(manifest(), cache=bool(current_app.extensions["minusma-kg"].config.base_url))


@blueprint.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    d = data()
    prefix = request.args.get("prefix", "")
    try:
        types = _wanted_types(request.args.get("type") or None)
        cursor = max(int(request.args.get("cursor", "0")), 0)
    except ValueError as exc:
        return _error(str(exc))
    found = d.index.prefix(prefix, types, limit=cursor + 10)[cursor:]
    return _json(
        {
            "result": [
                {
                    "id": e.id,
                    "name": e.name,
                    "description": e.description,
                    "notable": [t["name"] for t in _types_of(d, e)],
                }
                for e in found
            ]
        }
    )


def _suggest_terms(terms: dict[str, str]) -> Response:
    p = normalise(request.args.get("prefix", ""))
    ranked = []
    for iri, name in terms.items():
        names = (normalise(name), normalise(term_id(iri)))
        if not p or any(n.startswith(p) for n in names):
            rank = 0
        elif any(w.startswith(p) for n in names for w in n.split()):
            rank = 1
        else:
            continue
        ranked.append((rank, name.lower(), iri))
    ranked.sort()
    return _json({"result": [{"id": term_id(iri), "name": terms[iri]} for _, _, iri in ranked[:20]]})


@blueprint.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    return _suggest_terms(data().classes)


@blueprint.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    return _suggest_terms(data().properties)


@blueprint.get("/reconcile/extend/propose")
def propose() -> Response:
    d = data()
    raw_type = request.args.get("type")
    try:
        limit = min(max(int(request.args.get("limit", "20")), 1), 200)
        types = _wanted_types(raw_type or None)
    except ValueError as exc:
        return _error(str(exc))
    used: Counter[str] = Counter()
    for e in d.index.entities.values():
        if types and not (e.types & types):
            continue
        used.update(p for p in e.values if p in d.properties)
    props = sorted(used, key=lambda p: (-used[p], d.properties[p].lower()))[:limit]
    body: dict[str, Any] = {"limit": limit, "properties": [{"id": term_id(p), "name": d.properties[p]} for p in props]}
    if raw_type:
        body["type"] = raw_type
    return _json(body)


@blueprint.get("/reconcile/preview")
def preview() -> Response:
    d = data()
    e = entity_for(d, request.args.get("id", ""))
    if e is None:
        abort(404, "No such entity in this graph.")
    types = ", ".join(t["name"] for t in _types_of(d, e))
    aliases = ", ".join(sorted({a for a, _ in e.aliases}))
    page = f"{_base()}/resource/{e.id}"
    body = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>{escape(e.name)}</title><link rel="stylesheet" href="/static/app.css"></head>'
        f'<body class="reconcile-preview"><article><h1><a href="{escape(page)}" target="_blank" rel="noopener">'
        f'{escape(e.name)}</a></h1><p class="types">{escape(types)}</p>'
        + (f'<p class="aliases">Also: {escape(aliases)}</p>' if aliases else "")
        + (f'<p class="description">{escape(e.description)}</p>' if e.description else "")
        + f'<p class="iri"><code>{escape(e.iri)}</code></p></article></body></html>\n'
    )
    return Response(body, mimetype="text/html", headers={"Cache-Control": "public, max-age=300"})


@blueprint.get("/search")
def search() -> Response:
    d = data()
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    try:
        limit = min(max(int(request.args.get("limit", "10")), 1), MAX_LIMIT)
        types = _wanted_types(request.args.get("type") or None)
    except ValueError as exc:
        return _error(str(exc))
    candidates = d.index.search(q, types, limit=len(d.index.entities)) if q.strip() else []
    match = d.index.is_unambiguous(candidates)
    results = [
        {
            "id": c.entity.id,
            "iri": c.entity.iri,
            "name": c.entity.name,
            "score": c.score,
            "match": match and i == 0,
            "types": _types_of(d, c.entity),
            "href": "/resource/" + c.entity.id,
            "description": c.entity.description,
            "features": c.features,
        }
        for i, c in enumerate(candidates[:limit])
    ]
    if _wants_html():  # people get the site's search page (/find), with its layout and the same matcher
        target = "/find?" + urllib.parse.urlencode({"q": q})
        return Response("", 303, headers={"Location": target, "Vary": "Accept"})
    return Response(
        json.dumps({"query": q, "results": results}, ensure_ascii=False),
        mimetype="application/json",
        headers={"Vary": "Accept"},
    )


def _wants_html() -> bool:
    fmt = request.args.get("format")
    if fmt:
        return fmt == "html"
    accept = request.accept_mimetypes
    best = accept.best_match(["application/json", "text/html"])
    return best == "text/html" and accept["text/html"] > accept["application/json"]


def entity_types_count(d: ReconcileData) -> dict[str, int]:
    """How many indexed entities each class has (for tests and diagnostics)."""
    counts: dict[str, int] = defaultdict(int)
    for e in d.index.entities.values():
        for t in e.types:
            counts[t] += 1
    return dict(counts)
