"""A build shows its stage and "article n of N" on a terminal (a real pseudo-terminal), and nothing when piped."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Assembly and validation of the project's articles, reporting to a BuildProgress as ``minusma-kg build`` does.
CHECK = """from minusma_kg.kg.build import check
from minusma_kg.kg.progress import BuildProgress
with BuildProgress() as progress:
    check(progress=progress)
"""


def on_a_terminal(argv: list[str], timeout: float = 600) -> str:
    """What ``argv`` writes on stdout and stderr when both are a pseudo-terminal (80 x 24, as a terminal window)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=ROOT)  # noqa: S603
    os.close(follower)
    out = bytearray()
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(leader)
        proc.wait(timeout=timeout)
    assert proc.returncode == 0, out.decode(errors="replace")[-2000:]
    return out.decode("utf-8", errors="replace")


@pytest.mark.slow  # a whole build on a pseudo-terminal
def test_the_stages_and_articles_show_on_a_terminal_and_not_in_a_pipe(articles):
    shown = on_a_terminal([sys.executable, "-c", CHECK])
    n = len(articles)
    assert f"assemble: article {n} of {n}" in shown
    assert "\nshacl [" in shown.replace("\r", "\n")

    piped = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=600)  # noqa: S603
    assert piped.returncode == 0, piped.stderr
    assert "article" not in piped.stderr and "shacl" not in piped.stderr
    assert piped.stdout == ""


@pytest.mark.slow  # two whole builds
def test_minusma_kg_build_shows_progress_on_a_terminal_only(tmp_path, articles):
    n = len(articles)
    command = [sys.executable, "-m", "minusma_kg", "build", "--out"]
    shown = on_a_terminal([*command, str(tmp_path / "tty")]).replace("\r", "\n")
    assert f"assemble: article {n} of {n}" in shown
    for stage in ("shacl", "reasoning", "serialisation", "writing the files and the store"):
        assert f"\n{stage} [" in shown, stage
    assert "Published to" in shown

    piped = subprocess.run([*command, str(tmp_path / "pipe")], cwd=ROOT, capture_output=True, text=True, timeout=900)  # noqa: S603
    assert piped.returncode == 0, piped.stderr
    assert "Published to" in piped.stdout
    assert "article" not in piped.stderr and "[00:" not in piped.stderr
