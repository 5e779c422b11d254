"""The ontology as /ontology serves it: pyLODE's HTML for people and the Turtle it was made from, both in the build.

Both are written from the same source file by the same build, so the page and the RDF a client negotiates never
disagree, and the server never reads the sources.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .layout import ONTOLOGY_HTML, ONTOLOGY_TURTLE


def ontology_html(ontology: Path) -> str:
    """Human-readable documentation of the ontology (pyLODE): one self-contained page, an anchor per term."""
    from pylode import OntPub

    html = OntPub(str(ontology)).make_html()
    # accessibility (axe-core, WCAG AA): the page's language, a main landmark, and pyLODE's grey byline at 4.5:1
    html = html.replace("<html>", '<html lang="en">', 1)
    html = html.replace('<div id="content">', '<div id="content" role="main">', 1)
    return re.sub(r"(#pylode \{[^}]*?color:\s*)grey;", r"\g<1>#595959;", html, count=1)


def write_ontology_docs(ontology: Path, directory: Path) -> None:
    """Write the ontology's HTML documentation and a copy of its Turtle into the build ``directory``."""
    (directory / ONTOLOGY_HTML).write_text(ontology_html(ontology), encoding="utf-8")
    shutil.copyfile(ontology, directory / ONTOLOGY_TURTLE)
