"""The distribution installs as one package, ``minusma_kg``, and works from any directory without the checkout.

The fast test checks that every input the build reads is declared as package data; the slow one builds the wheel
(offline, with the test extra's setuptools), installs it into a fresh directory, and builds, queries and serves
from another directory, with the checkout nowhere on the import path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from fnmatch import fnmatch
from pathlib import Path

import pytest
from minusma_kg.kg import paths

from tests.commands import CHECKOUT, free_port

PYPROJECT = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))


def _declared(package: str, file: Path) -> bool:
    """Whether ``file`` (inside the folder that ``package`` installs from) matches one of its package-data globs."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    folder = CHECKOUT / setuptools["package-dir"][package]
    relative = file.resolve().relative_to(folder.resolve()).as_posix()
    return relative.endswith(".py") or any(fnmatch(relative, g) for g in setuptools["package-data"][package])


def test_every_input_the_build_reads_is_installed_with_the_package():
    inputs = {
        "minusma_kg.kg": [*paths.ARTICLES_DIR.iterdir(), paths.ENTITIES, *paths.WIKIDATA_DIR.iterdir(),
                          *paths.NAMES_DIR.iterdir(), *paths.PLACES_DIR.iterdir(),
                          *(f for f in (CHECKOUT / "kg").glob("*.*") if f.suffix in {".yaml", ".json"})],
        "minusma_kg.ontology": [paths.ONTOLOGY, paths.SHAPES],
        "minusma_kg.queries": list(paths.QUERIES_DIR.glob("*.rq")),
    }  # fmt: skip
    missing = [str(f) for package, files in inputs.items() for f in files if f.is_file() and not _declared(package, f)]
    assert missing == []
    assert len(inputs["minusma_kg.queries"]) > 0 and inputs["minusma_kg.ontology"][0].is_file()


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603


def _source_tree(dest: Path) -> Path:
    """The files a release is built from, copied into ``dest``: those git knows of (tracked, or new and not
    ignored), and the query page's npm files that ``npm ci`` installed and the package declares.

    Not the checkout itself: setuptools keeps its build directory between builds, and a module or a data file
    dropped from the sources would still be in a wheel built there, so the test could pass on a broken package.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
                            cwd=CHECKOUT, capture_output=True, check=True).stdout  # fmt: skip
    files = [CHECKOUT / name for name in listed.decode().split("\0") if name]
    server_data = PYPROJECT["tool"]["setuptools"]["package-data"]["minusma_kg.server"]
    files += [f for pattern in server_data if pattern.startswith("ui/node_modules/")
              for f in (CHECKOUT / "server").glob(pattern)]  # fmt: skip
    for source in files:
        if source.is_file():  # a file deleted but not yet committed is listed and absent
            target = dest / source.relative_to(CHECKOUT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The wheel installed into its own directory, and an environment that imports minusma_kg only from there."""
    root = tmp_path_factory.mktemp("install")
    wheel_dir, site = root / "wheel", root / "site"
    source = _source_tree(root / "source")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "-w", str(wheel_dir), str(source)], cwd=root, env=dict(os.environ))  # fmt: skip
    assert built.returncode == 0, built.stderr
    wheel = next(wheel_dir.glob("minusma_kg-*.whl"))
    done = _run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
                cwd=root, env=dict(os.environ))  # fmt: skip
    assert done.returncode == 0, done.stderr
    # PYTHONPATH puts the installed copy ahead of the checkout's editable install; -P keeps the working directory off
    env = {**os.environ, "PYTHONPATH": str(site)}
    return site, env


@pytest.mark.slow
def test_the_installed_wheel_builds_queries_and_serves_from_another_directory(installed, tmp_path):
    site, env = installed
    python = [sys.executable, "-P"]
    where = _run([*python, "-c", "import minusma_kg.kg.paths as p, minusma_kg; print(minusma_kg.__file__); "
                  "print(p.ONTOLOGY); print(p.ARTICLES_DIR)"], cwd=tmp_path, env=env)  # fmt: skip
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert Path(line).is_relative_to(site), line  # nothing read from the checkout
    assert not (site / "kg").exists() and not (site / "server").exists()  # no generic top-level names

    build = _run([*python, "-m", "minusma_kg", "build", "--out", "out"], cwd=tmp_path, env=env)
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "out" / "build-info.json").is_file()

    query = _run([*python, "-m", "minusma_kg", "query", "05", "--format", "json", "--data", "out"],
                 cwd=tmp_path, env=env)  # fmt: skip
    assert query.returncode == 0, query.stderr
    assert json.loads(query.stdout)["results"]["bindings"]

    port = free_port()
    server = subprocess.Popen([*python, "-m", "minusma_kg", "serve", "--data", "out", "--port", str(port)],  # noqa: S603
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D") as answer:  # noqa: S310
                    assert json.loads(answer.read())["boolean"] is True
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr
                time.sleep(0.3)
        pages = ["/", "/ontology", "/resource/minusma", "/queries/05-coups.rq"]
        vendored = ["/vendor/yasgui/yasgui.min.js", "/vendor/timeline/vis-timeline.min.js", "/vendor/views/d3.min.js"]
        for path in pages + vendored:
            with urllib.request.urlopen(base + path) as answer:  # noqa: S310
                assert answer.status == 200 and answer.read(), path
    finally:
        server.terminate()
        server.wait(30)
