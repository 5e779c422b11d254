"""Processes of a process group, read from /proc: the benchmarks check that a stopped server left nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator


def stats() -> Iterator[tuple[int, list[bytes]]]:
    """Each live process's pid and the fields of /proc/PID/stat after the command (state, ppid, pgrp, ...)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                yield int(entry), fh.read().rsplit(b")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue


def group(pgid: int, width: int = 100) -> list[str]:
    """The live processes of group ``pgid``, as "pid command" (the command cut to ``width`` characters)."""
    found = []
    for pid, fields in stats():
        entry = str(pid)
        try:
            if int(fields[2]) != pgid or fields[0] == b"Z":
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, IndexError, ValueError):
            continue
        found.append(f"{entry} {cmd[:width]}")
    return found
