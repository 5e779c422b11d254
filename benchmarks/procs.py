"""Processes of a process group, read from /proc: the benchmarks check that a stopped server left nothing."""

from __future__ import annotations

import os


def group(pgid: int, width: int = 100) -> list[str]:
    """The live processes of group ``pgid``, as "pid command" (the command cut to ``width`` characters)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != pgid or fields[0] == b"Z":
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, IndexError, ValueError):
            continue
        found.append(f"{entry} {cmd[:width]}")
    return found
