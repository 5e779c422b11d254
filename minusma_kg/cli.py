"""The ``minusma-kg`` command: each subcommand parses its options and calls one library function.

The one module that imports both the build (:mod:`minusma_kg.kg`) and the server (:mod:`minusma_kg.server`), so
that neither depends on the other: ``serve`` lives here, not in the build.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TypedDict

from . import __version__
from .errors import NotABuildError, QueryFileError, QueryRefusedError, UnsafeOutputDirError
from .kg import paths
from .kg.dataset_dir import DEFAULT_BUILD_DIR, BuildInfo, open_build


def _cmd_build(args: argparse.Namespace) -> int:
    from .kg.build import build
    from .kg.progress import BuildProgress

    try:
        with BuildProgress() as progress:  # on stderr, and only when it is a terminal
            result = build(Path(args.out), progress=progress)
    except UnsafeOutputDirError as exc:
        print(exc, file=sys.stderr)
        return 1
    _print_warnings(result.warnings)
    if not result.ok:
        print(f"Build failed: nothing was published; {result.out} is unchanged.", file=sys.stderr)
        for line in result.errors:
            print(f"  {line}", file=sys.stderr)
        return 1
    if result.stats is not None:  # a published build always has its counts
        print(result.stats.render())
    print(f"\nPublished to {result.out}")
    return 0


def _print_warnings(warnings: list[str]) -> None:
    """Warnings go to stderr, one per line, each with the file:line the curator should look at."""
    if warnings:
        print(f"{len(warnings)} warning(s):", file=sys.stderr)
        for line in warnings:
            print(f"  warning: {line}", file=sys.stderr)


def _cmd_validate(args: argparse.Namespace) -> int:
    """Every problem of one run: annotation errors, shape violations, warnings, then the drafts still to review."""
    from .kg.lint import check_files

    files = [Path(f) for f in args.files]
    result = check_files(files)
    _print_warnings(result.warnings)
    if result.errors:
        print("Annotations are malformed:", file=sys.stderr)
        for line in result.errors:
            print(f"  {line}", file=sys.stderr)
    report = result.report
    if report is not None and not report.conforms:
        partial = " (in the graph built from the items without errors)" if result.errors else ""
        print(f"{len(report.violations)} shape violation(s){partial}:", file=sys.stderr)
        for v in report.violations:
            print(f"  {v}", file=sys.stderr)
    if result.drafts:
        print(f"{len(result.drafts)} drafted item(s) not yet reviewed (remove 'review: draft' once checked):",
              file=sys.stderr)  # fmt: skip
        for line in result.drafts:
            print(f"  {line}", file=sys.stderr)
    if result.ok:
        checked = f" with {', '.join(map(str, files))}" if files else ""
        print(f"The graph{checked} conforms to ontology/shapes.ttl.")
        return 0
    return 1


def _cmd_stats(args: argparse.Namespace) -> int:
    from rdflib import Dataset

    from .kg.stats import compute

    found = built_dataset(args.data, build_default=False)
    if found is None:
        return 1
    ds = Dataset()
    ds.parse(found.nquads, format="nquads")
    print(compute(ds).render())
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from .server.config import Config
    from .server.wsgi import serve

    if args.store_union_graph is not None and not (args.store or os.environ.get("MINUSMA_KG_STORE")):
        print("--store-union-graph names a graph in an external store: give the store with --store URL",
              file=sys.stderr)  # fmt: skip
        return 1
    problem = port_problem(args.host, args.port)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    found = built_dataset(args.data if args.data is not None else os.environ.get("MINUSMA_KG_DATA"))
    if found is None:
        return 1
    config = Config.from_env(
        data=found.path,
        timeout=args.timeout,
        result_limit=args.result_limit,
        workers=args.workers,
        allowed_services=tuple(args.allow_service) if args.allow_service else None,
        cors_origins=tuple(args.cors_origin) if args.cors_origin else None,
        store=_store_url(args),
        base_url=args.base_url,
    )
    if config.store:
        print(f"Queries are answered by the store at {config.store.split('?')[0]}", flush=True)
    print(f"SPARQL endpoint: http://{args.host}:{args.port}/sparql", flush=True)
    print(f"Query page:      http://{args.host}:{args.port}/   (Ctrl-C to stop)", flush=True)
    serve(config, args.host, args.port, processes=args.processes, threads=args.threads)
    return 0


def _store_url(args: argparse.Namespace) -> str | None:
    """--store, naming the graph that holds the union when --store-union-graph is given (a Virtuoso store)."""
    store = args.store if args.store is not None else os.environ.get("MINUSMA_KG_STORE")
    if not store or args.store_union_graph is None:
        given: str | None = args.store  # None: Config reads MINUSMA_KG_STORE itself
        return given
    from .kg.graph_store import store_query_url

    return store_query_url(store, args.store_union_graph)


def _cmd_publish(args: argparse.Namespace) -> int:
    from .kg.graph_store import PASSWORD_ENV, Credentials, publish_to_store

    credentials = None
    if args.user is not None:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            print(f"--user {args.user} needs the password in the environment variable {PASSWORD_ENV}", file=sys.stderr)
            return 1
        credentials = Credentials(args.user, password)
    found = built_dataset(args.data)
    if found is None:
        return 1
    try:
        sent = publish_to_store(found.nquads, args.to, store=found.store, union_graph=args.union_graph,
                                credentials=credentials, chunk_triples=args.chunk_triples)  # fmt: skip
    except (OSError, ValueError) as exc:
        print(f"Could not publish to {args.to}: {exc}", file=sys.stderr)
        return 1
    union = f"(the union, in {args.union_graph})" if args.union_graph else "(default graph: the union)"
    for graph, n in sent.items():
        print(f"  {graph or union:<60} {n:>7} triples")
    print(f"Published {len(sent) - 1} named graphs and their union to {args.to}")
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    from .kg.queries import find_saved_query, load_saved_queries
    from .kg.run_query import render
    from .server.config import Config
    from .server.safety import check_query

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
    except (QueryFileError, OSError, UnicodeDecodeError) as exc:
        print(exc, file=sys.stderr)
        return 1
    try:  # the endpoint's rules: no update, no SERVICE call off MINUSMA_KG_ALLOWED_SERVICES
        check_query(saved.text, Config.from_env().allowed_services)
    except QueryRefusedError as exc:
        print(exc, file=sys.stderr)
        return 1
    found = built_dataset(args.data)
    if found is None:
        return 1
    try:
        print(render(saved.text, found.path, args.format), end="")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .kg.exports import load, mixnmatch, openrefine, quickstatements

    found = built_dataset(args.data)
    if found is None:
        return 1
    ds = load(found.nquads)
    if args.format == "quickstatements":
        lines, skipped = quickstatements(ds, args.retrieved or date.today())
        text = "".join(line + "\n" for line in lines)
        for reason in skipped:
            print(f"not exported: {reason}", file=sys.stderr)
    else:
        text = mixnmatch(ds) if args.format == "mixnmatch" else openrefine(ds)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


class DraftOptions(TypedDict):
    """What the command line says of an article that the text may not: keyword arguments of draft and add."""

    title: str | None
    publisher: str | None
    published: date | None
    url: str | None


def _draft_options(args: argparse.Namespace) -> DraftOptions:
    return {"title": args.title, "publisher": args.publisher, "published": args.published, "url": args.url}


def _cmd_draft(args: argparse.Namespace) -> int:
    """Print the drafted annotation of an article's text; write nothing."""
    from .kg.draft import draft_article, render

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Cannot read {path}: {exc}", file=sys.stderr)
        return 1
    draft = draft_article(text, articles_dir=Path(args.articles_dir), source=path.name, **_draft_options(args))
    sys.stdout.write(render(draft))
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    """Copy an article's text into the articles directory under the next number, with its draft beside it."""
    from .kg.draft import add_article

    try:
        txt, yml = add_article(Path(args.file), Path(args.articles_dir), **_draft_options(args))
    except FileExistsError as exc:
        print(exc, file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Cannot add {args.file}: {exc}", file=sys.stderr)
        return 1
    print(f"Added {txt}\nDrafted {yml}: review every item marked 'review: draft', then run `minusma-kg validate`.")
    return 0


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date; argparse turns the error into a usage message (exit 2)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def built_dataset(data: str | None, build_default: bool = True) -> BuildInfo | None:
    """The build to read, or None after saying why on stderr in one line.

    A directory named with --data must already hold a build: building there would replace whatever the user
    pointed at. Without --data the default directory is built first when it holds no current build.
    """
    path = DEFAULT_BUILD_DIR if data is None else Path(data)
    try:
        found: BuildInfo | None = open_build(path)
    except NotABuildError as exc:
        found, error = None, exc
    from .kg.build import is_current

    stale = found is not None and not is_current(found.path)
    if data is None and build_default and (found is None or stale):
        return _build_default()
    if found is None:
        print(error, file=sys.stderr)
        return None
    if stale:
        print(f"warning: {found.path} was built from older sources; `minusma-kg build --out {found.path}` updates it",
              file=sys.stderr)  # fmt: skip
    return found


def _build_default() -> BuildInfo | None:
    from .kg.build import build

    print(f"No current build in {DEFAULT_BUILD_DIR}: building it first ...", file=sys.stderr)
    try:
        result = build(DEFAULT_BUILD_DIR)
        if result.ok:
            return open_build(DEFAULT_BUILD_DIR)
    except (UnsafeOutputDirError, NotABuildError) as exc:
        print(exc, file=sys.stderr)
        return None
    print("Build failed; nothing was published.", file=sys.stderr)
    for line in result.errors:
        print(f"  {line}", file=sys.stderr)
    return None


def port_number(text: str) -> int:
    """A TCP port, 1-65535; argparse turns the error into a usage message (exit 2)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: use 1-65535")
    return port


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, or None; checked before building and printing the URLs.

    The socket is bound as uvicorn binds it (SO_REUSEADDR on POSIX): a port another process listens on is in use,
    a port left in TIME_WAIT by a server just stopped is not (uvicorn can bind it; with the option off it could not).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]  # fmt: skip
    except (OSError, IndexError) as exc:
        return f"cannot listen on {host}: {exc}; choose another --host"
    with socket.socket(family, kind, proto) as sock:
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use; choose a free one with --port"
            return f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port"
    return None


DATA_HELP = "built dataset directory; it must hold a build (default: build/ in the checkout, built first if stale)"
STATS_DATA_HELP = "built dataset directory; it must hold a build (default: build/ in the checkout)"


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
    b.add_argument("--out", default=str(DEFAULT_BUILD_DIR), help="output directory (default: %(default)s)")
    b.set_defaults(func=_cmd_build)

    v = sub.add_parser(
        "validate",
        help="check the annotations and the SHACL shapes only",
        description="Assemble the graph and validate it against ontology/shapes.ttl without reasoning or publishing. "
        "Every problem is reported in one run: schema (kg/annotation.schema.json), evidence and dates not in the text, "
        "unknown ids, shape violations, warnings, and the items still marked 'review: draft' (exit 1 while any "
        "remain). See docs/annotating.md.",
    )
    v.add_argument("files", nargs="*", metavar="FILE",
                   help="an article's annotation file (NNN_name.yaml, its .txt beside it), checked with the corpus; "
                   "it may be outside kg/articles")  # fmt: skip
    v.set_defaults(func=_cmd_validate)

    s = sub.add_parser(
        "stats",
        help="print counts of a built dataset",
        description="Print triples per named graph, instances per class and the number of inferred triples.",
    )
    s.add_argument("--data", default=None, metavar="DIR", help=STATS_DATA_HELP)
    s.set_defaults(func=_cmd_stats)

    sv = sub.add_parser(
        "serve",
        help="serve the graph through a SPARQL 1.1 endpoint",
        description="Serve the built dataset at /sparql (SPARQL 1.1 Protocol, read-only) with uvicorn. Without "
        "--data, builds build/ first when it holds no build of the current sources; a --data directory must already "
        "hold a build. Options override MINUSMA_KG_* variables.",
    )
    sv.add_argument("--data", default=None, metavar="DIR", help=DATA_HELP)
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    sv.add_argument("--port", type=port_number, default=8000, help="port (default: %(default)s)")
    sv.add_argument("--processes", type=int, default=None, help="HTTP processes (default: one per CPU)")
    sv.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per HTTP process running the app (MINUSMA_KG_THREADS, default 8)",
    )
    sv.add_argument("--workers", type=int, default=None, help="query worker processes (MINUSMA_KG_WORKERS, default 2)")
    sv.add_argument(
        "--timeout", type=float, default=None, help="seconds a query may run (MINUSMA_KG_TIMEOUT, default 10)"
    )
    sv.add_argument(
        "--result-limit", type=int, default=None, help="most rows returned (MINUSMA_KG_RESULT_LIMIT, default 10000)"
    )
    sv.add_argument(
        "--allow-service", action="append", metavar="IRI", help="a SERVICE IRI queries may call (repeatable)"
    )
    sv.add_argument(
        "--cors-origin", action="append", metavar="ORIGIN", help="an origin allowed by CORS (repeatable; default *)"
    )
    from .kg.graph_store import CHUNK_TRIPLES, UNION_GRAPH

    sv.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="answer queries with this external SPARQL query endpoint (MINUSMA_KG_STORE)",
    )
    sv.add_argument("--store-union-graph", nargs="?", const=UNION_GRAPH, default=None, metavar="IRI",
                    help="the store (Virtuoso) holds the union in this named graph (publish --union-graph): queries "
                    "see it as their default graph, and GRAPH ?g does not see it (default IRI: %(const)s)")  # fmt: skip
    sv.add_argument("--base-url", metavar="URL", help="public URL; the endpoint is URL/sparql (MINUSMA_KG_BASE_URL)")
    sv.set_defaults(func=_cmd_serve)

    pb = sub.add_parser(
        "publish",
        help="load the dataset into a SPARQL Graph Store Protocol store",
        description="PUT every named graph of the built dataset, and their union as the default graph, into a SPARQL "
        "1.1 Graph Store Protocol endpoint (Oxigraph server: http://HOST:7878/store; Fuseki: http://HOST:3030/DS/data; "
        "Virtuoso: http://HOST:8890/sparql-graph-crud-auth with --user and --union-graph; see docs/stores.md).",
    )
    pb.add_argument("--to", required=True, metavar="URL", help="the store's Graph Store Protocol endpoint")
    pb.add_argument("--data", default=None, metavar="DIR", help=DATA_HELP)
    pb.add_argument("--user", default=None, metavar="NAME",
                    help="log in to the store as NAME (HTTP Digest or Basic); the password is read from the "
                    "environment variable MINUSMA_KG_STORE_PASSWORD")  # fmt: skip
    pb.add_argument("--union-graph", nargs="?", const=UNION_GRAPH, default=None, metavar="IRI",
                    help="put the union into this named graph, for a store without a default graph (Virtuoso; "
                    "default IRI: %(const)s); serve with --store-union-graph")  # fmt: skip
    pb.add_argument(
        "--chunk-triples",
        type=int,
        default=CHUNK_TRIPLES,
        metavar="N",
        help="most triples per request; larger graphs are appended in parts (default: %(default)s)",
    )
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
    q.add_argument("--data", default=None, metavar="DIR", help=DATA_HELP)
    q.set_defaults(func=_cmd_query)

    ex = sub.add_parser(
        "export",
        help="write the graph for Wikidata's tools or OpenRefine",
        description="quickstatements: QuickStatements V1 commands for what the articles say about entities linked to "
        "Wikidata (never CREATE; every statement sourced to its article). mixnmatch: the entities not linked to "
        "Wikidata as a Mix'n'match catalogue (id, name, description, url, type). openrefine: every entity as CSV "
        "(labels, types, aliases, Wikidata links).",
    )
    ex.add_argument("format", choices=["quickstatements", "mixnmatch", "openrefine"])
    ex.add_argument("--data", default=None, metavar="DIR", help=DATA_HELP)
    ex.add_argument("--out", default=None, metavar="FILE", help="write here (default: standard output)")
    ex.add_argument(
        "--retrieved",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the date the articles were consulted, for S813 'retrieved' (default: today)",
    )
    ex.set_defaults(func=_cmd_export)

    for name, func, help_text, description in (
        (
            "draft",
            _cmd_draft,
            "print a drafted annotation of an article's text (changes nothing)",
            "Read an article's text and print, in the annotation format, everything that can be read off it: metadata "
            "(byline, dateline), mentions and new names, positions, statements (quotations and reported speech), date "
            "expressions resolved against the publication date, numbers, places, and candidate links to events other "
            "articles describe. Every drafted item is marked 'review: draft'. Nothing is written.",
        ),
        (
            "add",
            _cmd_add,
            "copy an article's text into kg/articles with a drafted annotation beside it",
            "Copy FILE into the articles directory as NNN_slug.txt (NNN: the next free number) and write the drafted "
            "annotation beside it as NNN_slug.yaml, every item marked 'review: draft'. Refuses to overwrite anything.",
        ),
    ):
        d = sub.add_parser(name, help=help_text, description=description)
        d.add_argument("file", metavar="FILE.txt", help="the article's text, verbatim (UTF-8)")
        d.add_argument("--title", help="the headline (default: read off the text)")
        d.add_argument("--publisher", help="the publisher: an entity id or a name (default: read off the text)")
        d.add_argument("--published", type=iso_date, metavar="YYYY-MM-DD",
                       help="the publication date (default: read off the text)")  # fmt: skip
        d.add_argument("--url", help="where the article was published")
        d.add_argument(
            "--articles-dir",
            default=str(paths.ARTICLES_DIR),
            metavar="DIR",
            help="the articles directory: what is known, where add writes (default: kg/articles)",
        )
        d.set_defaults(func=func)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
