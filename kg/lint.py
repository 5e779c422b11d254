"""What the curator should look at: near-duplicate facts (warnings), and ``minusma-kg validate``'s whole report.

A warning does not stop the build; it names both places so that a person can decide. An error does.
:func:`check_files` runs every check on the corpus and on the article files a curator is adding, and returns all
problems of one run at once: schema and other annotation errors, drafted items not yet reviewed, shape violations
and warnings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AnnotationErrors, DraftError
from . import paths
from .annotations import Article, Fact
from .extract import normalise
from .sources import PACKAGE_SOURCES, Sources, read_sources

if TYPE_CHECKING:
    from .validate import ValidationReport


def where(file: str | Path, line: int | None) -> str:
    """``file:line``, the file relative to the working directory when it is in it."""
    return f"{paths.shown(file)}:{line or '?'}"


def _ids(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(v) for v in values)


def near_duplicates(articles: Iterable[Article]) -> list[str]:
    """Facts that say the same thing twice, probably by mistake (one drafted, one curated, say).

    Two facts are near-duplicates when their evidence is the same (whitespace normalised, as the build compares
    evidence) and they are about the same thing (``set: about``), but they differ in exactly one of: the entity they
    describe (their ``about:`` id) or the speaker (``set: speaker``). The same statement under two ids, or one
    statement given two speakers. Two statements by different speakers in one sentence ("Like Mali, Moscow also
    deemed ...") differ in both and are left alone; facts with no ``set: about`` are not compared.
    """
    groups: dict[tuple[str, frozenset[str]], list[Fact]] = defaultdict(list)
    for article in articles:
        for fact in article.facts:
            about = fact.values.get("about")
            if about:
                groups[(normalise(" ".join(fact.evidence)), _ids(about))].append(fact)
    warnings = []
    for facts in groups.values():
        for i, first in enumerate(facts):
            for second in facts[i + 1 :]:
                other_id = first.about != second.about
                other_speaker = _ids(first.values.get("speaker", ())) != _ids(second.values.get("speaker", ()))
                if other_id == other_speaker:
                    continue
                differs = (
                    f"a different id ({first.about} / {second.about})"
                    if other_id
                    else f"a different speaker ({', '.join(sorted(_ids(first.values.get('speaker', ())))) or 'none'}"
                    f" / {', '.join(sorted(_ids(second.values.get('speaker', ())))) or 'none'})"
                )
                abouts = ", ".join(sorted(_ids(first.values["about"])))
                here, there = where(second.file, second.line), where(first.file, first.line)
                warnings.append(
                    f"{here}: near-duplicate of the fact at {there}: same evidence and about ({abouts}), but {differs}"
                )
    return warnings


@dataclass
class Check:
    """Everything ``minusma-kg validate`` found in one run."""

    #: Annotation problems ("file:line: ..."): schema, evidence or dates not in the text, unknown ids, ...
    errors: list[str] = field(default_factory=list)
    #: Items still marked ``review: draft`` ("file:line").
    drafts: list[str] = field(default_factory=list)
    #: Near-duplicates and other things worth a look ("file:line: ...").
    warnings: list[str] = field(default_factory=list)
    #: The shapes' verdict on the graph (on what could be built, if there are errors); None if nothing was built.
    report: ValidationReport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.drafts and self.report is not None and self.report.conforms


def check_files(files: Sequence[Path] = (), sources: Sources = PACKAGE_SOURCES) -> Check:
    """Check the corpus together with the article files ``files`` (each ``.yaml`` with its ``.txt`` beside it).

    Every problem is collected: an item that fails is left out and the rest is still built and validated against
    the shapes, so the curator sees everything in one run. Drafted items are listed apart from the errors.
    """
    from .assemble import assemble  # not at the top: assemble imports this module
    from .validate import validate_dataset

    yamls = [f.with_suffix(".yaml") if f.suffix == ".txt" else f for f in files]
    result = Check()
    try:
        assembly = assemble(read_sources(sources, yamls))
    except AnnotationErrors as exc:
        result.drafts = [where(e.file, e.line) for e in exc.errors if isinstance(e, DraftError)]
        result.errors = [str(e) for e in exc.errors if not isinstance(e, DraftError)]
        assembly = exc.partial
    if assembly is not None:
        result.warnings = list(assembly.warnings)
        result.report = validate_dataset(assembly.dataset, assembly.origins, sources.shapes_file)
    return result
