"""The project's installed commands, found beside the running interpreter so tests pass without an activated venv."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def console_script(name: str = "minusma-kg") -> str:
    """The path of an installed console script: the one installed with this interpreter, else the one on PATH.

    A venv's scripts sit next to its ``python``; running the tests as ``.venv/bin/python -m pytest`` without
    activating the venv leaves them off PATH, and a script found on PATH could belong to another install.
    """
    beside = Path(sys.executable).with_name(name)
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is neither beside {sys.executable} nor on PATH: pip install -e '.[test]'")
    return found


#: The checkout the tests run from (its README, deploy/ and benchmarks/ are not installed with the package).
CHECKOUT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it), for a server a test starts."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
