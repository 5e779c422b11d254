"""Every exception of minusma-kg, named for what went wrong; each message says what is wrong and what to do.

One module (as pySHACL keeps its errors) so a caller finds them in one place, and the build and the server share
it without importing each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: What the build says about an item still marked ``review: draft``.
DRAFT_MESSAGE = "drafted item not yet reviewed (remove 'review: draft' once checked)"


# --- Annotations and sources: a curator's file is wrong (each message starts with file:line) -------------------------


class AnnotationError(ValueError):
    """A malformed annotation: the message starts with ``file:line:`` so an editor can jump to it."""

    def __init__(self, file: Path | str, line: int | None, message: str) -> None:
        self.file, self.line = str(file), line
        super().__init__(f"{file}:{line or '?'}: {message}")


class DraftError(AnnotationError):
    """An item still marked ``review: draft``: a program drafted it and no person has checked it yet."""

    def __init__(self, file: Path | str, line: int | None) -> None:
        super().__init__(file, line, DRAFT_MESSAGE)


class AnnotationErrors(ValueError):  # noqa: N818 (the name the build and tests have always used)
    """Every annotation problem found in one pass, each with file and line.

    ``partial`` is what could be built from the rest (the assembler's ``Assembly``), or None: ``validate`` checks
    it against the shapes, so that one run shows everything.
    """

    def __init__(self, errors: list[AnnotationError], partial: Any = None) -> None:
        self.errors = errors
        self.partial = partial
        super().__init__("\n".join(str(e) for e in errors))


class DateError(ValueError):
    """The expression cannot be resolved as written; the build keeps it unresolved and warns."""


class DateNotUnderstoodError(DateError):
    """The expression is not one this module understands (rather than one it understands to be wrong)."""


class QueryFileError(ValueError):
    """A saved query whose header is missing or malformed (the message names the file and line)."""


# --- Build and dataset directories -----------------------------------------------------------------------------------


class UnsafeOutputDirError(Exception):
    """``build --out DIR`` would replace a directory that is not a previous build (a checkout, a home ...)."""


class NotABuildError(Exception):
    """A directory given as a built dataset is missing, empty, incomplete or not a minusma-kg build."""


class UnsupportedRuleError(Exception):
    """The input needs a rule this engine does not compile; the caller reasons with owlrl instead."""


# --- Queries: refused, too slow, or the engine could not answer ------------------------------------------------------


class QueryRefusedError(Exception):
    """A request the endpoint will not carry out; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class QueryTimeoutError(Exception):
    """The query ran past the configured timeout; its worker was killed."""


class EngineBusyError(Exception):
    """Every worker of the query's lane is busy; the client should retry shortly."""


class WorkerCrashedError(Exception):
    """The worker running the query died (a crash in the engine, or its memory cap); it was replaced."""


class TooManyForClientError(Exception):
    """This client already runs as many queries as it may."""
