"""The rooms stay apart: the build never imports the server, and the server reads only a build directory."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands import CHECKOUT

KG = CHECKOUT / "kg"
SERVER = CHECKOUT / "server"


def _imports(file: Path, package: str) -> set[str]:
    """The absolute names of the modules ``file`` (a module of ``package``) imports, at any depth of its code."""
    parts = [*package.split("."), *file.relative_to(CHECKOUT / package.split(".")[-1]).with_suffix("").parts]
    here = parts[:-1]  # the package a relative import starts from (for __init__.py, the package itself)
    names: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*here[: len(here) - node.level + 1], *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "node_modules" not in p.parts)


@pytest.mark.parametrize("file", _modules(KG), ids=lambda p: p.relative_to(CHECKOUT).as_posix())
def test_no_build_module_imports_the_server(file: Path):
    imported = _imports(file, "minusma_kg.kg")
    assert not {name for name in imported if name == "minusma_kg.server" or name.startswith("minusma_kg.server.")}
    assert not {name for name in imported if name.split(".")[0] in {"server", "kg"}}  # only relative or minusma_kg


def test_importing_every_build_module_loads_nothing_of_the_server():
    modules = [".".join(["minusma_kg.kg", *p.relative_to(KG).with_suffix("").parts]).removesuffix(".__init__")
               for p in _modules(KG)]  # fmt: skip
    code = f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n" + (
        "print(sorted(m for m in sys.modules if m.startswith('minusma_kg.server')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("file", _modules(SERVER), ids=lambda p: p.relative_to(CHECKOUT).as_posix())
def test_the_server_reads_no_source_file(file: Path):
    """paths.py points at the checkout's inputs: the server serves what the build copied into its directory."""
    assert "minusma_kg.kg.paths" not in _imports(file, "minusma_kg.server")
