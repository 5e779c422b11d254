"""What a long build is doing, on a terminal: the stage it is in, and the article it is assembling.

A build of a few thousand articles takes a minute or more; without a word on the terminal it looks hung. The lines
go to stderr and only when stderr is a terminal, so CI logs, pipes and redirected output stay as they were. Each
stage ends as one line with its wall time (tqdm draws and redraws it).
"""

from __future__ import annotations

import os
import sys
from typing import Never, TextIO

from tqdm import tqdm


class BuildProgress:
    """Stage lines and an "article n of N" counter for one build, shown only when ``stream`` is a terminal.

    Args:
        stream: where to draw (default: stderr).
        enabled: force the display on or off; by default it is on exactly when ``stream`` is a terminal.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self._size = _size(self.stream) if enabled else (80, 24)
        self._bar: tqdm[Never] | None = None  # a counter over no iterable
        self._stage = "assemble"
        self._counting: int | None = None  # the N of "article n of N" while articles are counted

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.done()

    def stage(self, name: str) -> None:
        """A stage begins (the previous one, if any, ends)."""
        self.done()
        self._stage = name
        self._bar = self._new(None, "{desc} [{elapsed}]")

    def article(self, n: int, total: int) -> None:
        """Article ``n`` of ``total`` (from 1) is being assembled: a callback for :func:`kg.assemble.assemble`."""
        if self._bar is None or self._counting != total:
            if self._bar is not None:
                self._bar.leave = False  # the counter takes the stage's line
            self.done()
            self._counting = total
            self._bar = self._new(total, "{desc}: article {n_fmt} of {total_fmt} [{elapsed}<{remaining}]")
        self._bar.update(n - self._bar.n)  # redrawn at most ten times a second

    def done(self) -> None:
        """The current stage ends; its line stays, with the time it took."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._counting = None

    def _new(self, total: int | None, bar_format: str) -> tqdm[Never]:
        return tqdm(
            desc=self._stage, total=total, file=self.stream, disable=not self.enabled, bar_format=bar_format,
            ncols=self._size[0], nrows=self._size[1], leave=True,
        )  # fmt: skip


def _size(stream: TextIO) -> tuple[int, int]:
    """The terminal's columns and lines; 80 x 24 where it says 0 (a pseudo-terminal nobody sized), because tqdm
    draws nothing on a terminal 0 lines high."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return 80, 24
    return size.columns or 80, size.lines or 24
