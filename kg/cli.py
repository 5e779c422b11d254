"""The ``minusma-kg`` command: each subcommand parses its options and calls one library function."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset

from kg import __version__, paths


def _cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build

    result = build(Path(args.out))
    if not result.ok:
        print(f"Build failed: nothing was published; {result.out} is unchanged.", file=sys.stderr)
        for line in result.errors:
            print(f"  {line}", file=sys.stderr)
        return 1
    assert result.stats is not None
    print(result.stats.render())
    print(f"\nPublished to {result.out}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from kg.build import check

    _, report, errors = check()
    if errors:
        print("Annotations are malformed:", file=sys.stderr)
        for line in errors:
            print(f"  {line}", file=sys.stderr)
        return 1
    assert report is not None
    if not report.conforms:
        print(f"{len(report.violations)} shape violation(s):", file=sys.stderr)
        for v in report.violations:
            print(f"  {v}", file=sys.stderr)
        return 1
    print("The graph conforms to ontology/shapes.ttl.")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from kg.publish import NQUADS
    from kg.stats import compute

    nq = Path(args.data) / NQUADS
    if not nq.exists():
        print(f"No built dataset at {nq}: run 'minusma-kg build --out {args.data}' first.", file=sys.stderr)
        return 1
    ds = Dataset()
    ds.parse(nq, format="nquads")
    print(compute(ds).render())
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from server.config import Config
    from server.wsgi import serve

    data = Path(args.data)
    if not is_current_or_build(data):
        print("Build failed; not serving.", file=sys.stderr)
        return 1
    config = Config.from_env(
        data=data,
        timeout=args.timeout,
        result_limit=args.result_limit,
        workers=args.workers,
        allowed_services=tuple(args.allow_service) if args.allow_service else None,
        cors_origins=tuple(args.cors_origin) if args.cors_origin else None,
        store=args.store,
    )
    if config.store:
        print(f"Queries are answered by the store at {config.store}", flush=True)
    print(f"SPARQL endpoint: http://{args.host}:{args.port}/sparql", flush=True)
    print(f"Query page:      http://{args.host}:{args.port}/   (Ctrl-C to stop)", flush=True)
    serve(config, args.host, args.port, processes=args.processes, threads=args.threads)
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from kg.publish import NQUADS, publish_to_store

    data = Path(args.data)
    if not is_current_or_build(data):
        print("Build failed; nothing was published.", file=sys.stderr)
        return 1
    try:
        sent = publish_to_store(data / NQUADS, args.to)
    except OSError as exc:
        print(f"Could not publish to {args.to}: {exc}", file=sys.stderr)
        return 1
    for graph, n in sent.items():
        print(f"  {graph or '(default graph: the union)':<60} {n:>7} triples")
    print(f"Published {len(sent) - 1} named graphs and their union to {args.to}")
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    from kg.queries import find_saved_query, load_saved_queries
    from kg.run_query import render

    if args.list:
        for q in load_saved_queries():
            print(f"{q.name:<40} {q.title}  [{', '.join(q.tags)}]")
        return 0
    if not args.name:
        print("Name a saved query (see --list) or a .rq file.", file=sys.stderr)
        return 2
    try:
        saved = find_saved_query(args.name)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    data = Path(args.data)
    if not is_current_or_build(data):
        return 1
    try:
        print(render(saved.text, data, args.format), end="")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def is_current_or_build(data: Path) -> bool:
    """Build into ``data`` unless it already holds a build of the current sources."""
    from kg.build import build, is_current

    if is_current(data):
        return True
    print(f"No current build in {data}: building it first ...", file=sys.stderr)
    result = build(data)
    for line in result.errors:
        print(f"  {line}", file=sys.stderr)
    return result.ok


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="minusma-kg",
        description="Build, check and serve the MINUSMA knowledge graph (UN peacekeeping mission in Mali, 2013-2024).",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log what each step does")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser(
        "build",
        help="articles -> RDF -> SHACL -> OWL 2 RL -> published files",
        description="Build the graph from the annotated articles, validate it against the shapes, reason over it "
        "(OWL 2 RL) and publish TriG, N-Quads, Turtle and the validation report into --out. On a violation nothing "
        "is published and the previous output stays as it was.",
    )
    b.add_argument("--out", default=str(paths.DEFAULT_OUT), help="output directory (default: %(default)s)")
    b.set_defaults(func=_cmd_build)

    v = sub.add_parser(
        "validate",
        help="check the annotations and the SHACL shapes only",
        description="Assemble the graph and validate it against ontology/shapes.ttl without reasoning or publishing.",
    )
    v.set_defaults(func=_cmd_validate)

    s = sub.add_parser(
        "stats",
        help="print counts of a built dataset",
        description="Print triples per named graph, instances per class and the number of inferred triples.",
    )
    s.add_argument("--data", default=str(paths.DEFAULT_OUT), help="built dataset directory (default: %(default)s)")
    s.set_defaults(func=_cmd_stats)

    sv = sub.add_parser(
        "serve",
        help="serve the graph through a SPARQL 1.1 endpoint",
        description="Serve the built dataset at /sparql (SPARQL 1.1 Protocol, read-only) with waitress. Builds the "
        "graph first when --data holds no build of the current sources. Options override MINUSMA_KG_* variables.",
    )
    sv.add_argument("--data", default=str(paths.DEFAULT_OUT), help="built dataset directory (default: %(default)s)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    sv.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    sv.add_argument("--processes", type=int, default=None, help="HTTP processes (default: one per CPU)")
    sv.add_argument("--threads", type=int, default=4, help="HTTP threads per process (default: %(default)s)")
    sv.add_argument("--workers", type=int, default=None, help="query worker processes (MINUSMA_KG_WORKERS, default 2)")
    sv.add_argument("--timeout", type=float, default=None, help="seconds a query may run (MINUSMA_KG_TIMEOUT, default 10)")
    sv.add_argument("--result-limit", type=int, default=None, help="most rows returned (MINUSMA_KG_RESULT_LIMIT, default 10000)")
    sv.add_argument("--allow-service", action="append", metavar="IRI", help="a SERVICE IRI queries may call (repeatable)")
    sv.add_argument("--cors-origin", action="append", metavar="ORIGIN", help="an origin allowed by CORS (repeatable; default *)")
    sv.add_argument("--store", default=None, metavar="URL",
                    help="answer queries with this external SPARQL query endpoint (MINUSMA_KG_STORE)")
    sv.set_defaults(func=_cmd_serve)

    pb = sub.add_parser(
        "publish",
        help="load the dataset into a SPARQL Graph Store Protocol store",
        description="PUT every named graph of the built dataset, and their union as the default graph, into a SPARQL "
        "1.1 Graph Store Protocol endpoint (Oxigraph server: http://HOST:7878/store; Fuseki: http://HOST:3030/DS/data).",
    )
    pb.add_argument("--to", required=True, metavar="URL", help="the store's Graph Store Protocol endpoint")
    pb.add_argument("--data", default=str(paths.DEFAULT_OUT), help="built dataset directory (default: %(default)s)")
    pb.set_defaults(func=_cmd_publish)

    q = sub.add_parser(
        "query",
        help="run a saved query (or a .rq file) against the built graph",
        description="Run a saved query from queries/ by name or number (see --list), or any .rq file, against the "
        "built dataset (union default graph, inferences included), and print the result.",
    )
    q.add_argument("name", nargs="?", help="saved query name or number (e.g. 06 or 06-withdrawals), or a .rq file")
    q.add_argument("--list", action="store_true", help="list the saved queries with their titles")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default: table)")
    q.add_argument("--data", default=str(paths.DEFAULT_OUT), help="built dataset directory (default: %(default)s)")
    q.set_defaults(func=_cmd_query)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
