"""What a build directory holds: the names of its files, written by the build and read by the server, the command
line and the benchmarks, and the formats of the dumps offered for download.

Plain names: opening a build (:mod:`kg.dataset_dir`, in every query worker and HTTP process) must not load the RDF
libraries, and :mod:`kg.formats` names its writers without importing them.
"""

from __future__ import annotations

from .formats import format_named

#: build-info.json's "format_version": bumped when the published files change shape, so that a server refuses a
#: build it would serve incompletely (2: the build holds ontology.ttl and queries/, which the server reads).
FORMAT_VERSION = 2

TRIG = "minusma-kg.trig"
NQUADS = "minusma-kg.nq"
TURTLE = "minusma-kg.ttl"
REPORT = "validation-report.ttl"
INFO = "build-info.json"
VOID_FILE = "void.ttl"
ONTOLOGY_HTML = "ontology.html"
#: The ontology's Turtle as the build read it: /ontology serves it beside the HTML made from the same file.
ONTOLOGY_TURTLE = "ontology.ttl"
#: The saved queries as the build read them (``NN-name.rq``, a directory): the server lists, runs and serves these.
QUERIES = "queries"
#: The read-only pyoxigraph store (a directory of RocksDB files), with the union as its default graph.
STORE = "minusma-kg.oxigraph"
#: Every file a build publishes; a legacy build (no GENERATOR key) may be replaced only if it holds nothing else.
PUBLISHED = frozenset({TRIG, NQUADS, TURTLE, REPORT, INFO, VOID_FILE, ONTOLOGY_HTML, ONTOLOGY_TURTLE})
#: The dumps offered for download (also gzip-compressed, at the same name plus ".gz"), with their formats.
DUMPS = {TRIG: format_named("trig"), NQUADS: format_named("nquads"), TURTLE: format_named("turtle")}
