"""`.ci/typecheck`: mypy on the installed package layout, with errors reported at the files a developer opens."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
_REPORTED = re.compile(r"^(?P<path>[^\s:]+\.py):\d+: error: ", re.MULTILINE)


@pytest.mark.slow  # runs mypy on the package: CI runs .ci/typecheck itself first
def test_errors_are_reported_at_the_checkout_paths_and_fail_the_run():
    # --disallow-any-expr is stricter than the project's settings, so it finds errors in kg/ and server/ alike; no cache
    # is written, so the next ordinary run keeps its own
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(CHECKOUT / ".ci" / "typecheck"), "--cache-dir=/dev/null", "--disallow-any-expr"],
        capture_output=True, text=True, timeout=300, check=False, cwd=CHECKOUT / "tests",
    )  # fmt: skip
    reported = {m["path"] for m in _REPORTED.finditer(done.stdout)}
    assert done.returncode == 1, done.stderr
    assert any(p.startswith("kg/") for p in reported) and any(p.startswith("server/") for p in reported)
    assert all((CHECKOUT / p).is_file() for p in reported), sorted(p for p in reported if not (CHECKOUT / p).is_file())
