"""`serve` hashes the N-Quads once (issue 12: start in < 2 s at 2,000 articles, where they are a gigabyte).

The CLI, the supervisor and every HTTP process open the same build; the digest is computed once per file identity
in a process and handed to the HTTP processes, and a file changed since is hashed and refused again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import minusma_kg.kg.dataset_dir as dataset_dir
import pytest
from minusma_kg.kg.build import BuildResult
from minusma_kg.server.snapshot import CHECKED_ENV, hand_over, pin

from minusma_kg.errors import NotABuildError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(built: BuildResult, tmp_path: Path) -> Path:
    shutil.copytree(built.out, tmp_path / "build")
    return tmp_path / "build"


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files this process hashes from now on (with a memory of its own, empty)."""
    read: list[Path] = []
    inner = dataset_dir._sha256
    monkeypatch.setattr(dataset_dir, "_digests", {})
    monkeypatch.setattr(dataset_dir, "_sha256", lambda path: read.append(path) or inner(path))
    return read


def test_a_build_and_its_pinned_snapshot_are_hashed_once(copy: Path, hashes: list[Path]):
    first = dataset_dir.open_build(copy)
    snapshot = pin(copy)  # hard links: the same files
    try:
        assert dataset_dir.open_build(snapshot).version == dataset_dir.open_build(copy).version == first.version
        assert len(hashes) == 1
    finally:
        shutil.rmtree(snapshot)


def test_a_file_changed_after_its_check_is_hashed_and_refused(copy: Path, hashes: list[Path]):
    dataset_dir.open_build(copy)
    nq = copy / "minusma-kg.nq"
    nq.write_bytes(nq.read_bytes()[:-100])
    with pytest.raises(NotABuildError, match="does not match"):
        dataset_dir.open_build(copy)
    assert len(hashes) == 2


def _open_in_child(copy: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """open_build in a new process, as an HTTP process of `serve` runs it, with hashing made to fail loudly."""
    code = (
        "import sys, minusma_kg.kg.dataset_dir as d\n"
        "from minusma_kg.server.snapshot import take_over\n"
        "d._sha256 = lambda path: sys.exit('hashed ' + str(path))\n"
        "take_over()\n"
        f"print(d.open_build({str(copy)!r}).version)\n"
    )
    cmd = [sys.executable, "-c", code]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)  # noqa: S603


def test_http_processes_take_the_supervisors_check(copy: Path, hashes: list[Path], monkeypatch: pytest.MonkeyPatch):
    build = dataset_dir.open_build(copy)
    monkeypatch.delenv(CHECKED_ENV, raising=False)
    hand_over(build)
    handed = os.environ[CHECKED_ENV]
    assert len(hashes) == 1 and json.loads(handed)[-1] == build.version

    done = _open_in_child(copy, {**os.environ, CHECKED_ENV: handed})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == build.version

    nq = copy / "minusma-kg.nq"  # changed after the check: its identity differs, the child must read it again
    nq.write_bytes(nq.read_bytes() + b"\n")
    done = _open_in_child(copy, {**os.environ, CHECKED_ENV: handed})
    assert done.returncode != 0 and "hashed" in done.stderr
