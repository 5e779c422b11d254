"""Errors the command line reports as one line: each message says what is wrong and what to do."""

from __future__ import annotations


class UnsafeOutputDirError(Exception):
    """``build --out DIR`` would replace a directory that is not a previous build (a checkout, a home ...)."""


class NotABuildError(Exception):
    """A directory given as a built dataset is missing, empty, incomplete or not a minusma-kg build."""
