"""Keep a query worker off the network and within a memory budget, whatever the query asks.

pyoxigraph carries an HTTP client and opens a connection for every SERVICE clause it evaluates. The query check
(:mod:`server.safety`) refuses such queries before they run; this is the second lock, at the level of the
process that runs the engine: a seccomp filter makes ``socket()`` fail for every address family but Unix
sockets (the worker talks to the HTTP process over a Unix socket pair), so neither a connection nor a DNS look-up
can leave the worker even if a query slipped past the check. A memory limit (``RLIMIT_AS``) bounds what a
single query can make the worker allocate; an allocation past it kills the worker, which the pool replaces.
"""

from __future__ import annotations

import errno
import logging
import resource
import socket
import sys

log = logging.getLogger(__name__)


def deny_network() -> bool:
    """Forbid this process (and its children) to create any non-Unix socket; True when the filter is in place.

    On systems without seccomp (not Linux, or libseccomp missing) it logs a warning and returns False: the query
    check still refuses SERVICE calls, but without this second lock.
    """
    if not sys.platform.startswith("linux"):
        log.warning("no seccomp on %s: query workers are not sandboxed from the network", sys.platform)
        return False
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError, RuntimeError) as exc:  # pyseccomp loads libseccomp.so.2 when imported
        log.warning("libseccomp is not available (%s): query workers are not sandboxed from the network", exc)
        return False
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for family in {socket.AF_INET, socket.AF_INET6, socket.AF_PACKET, socket.AF_NETLINK}:
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family))
    rules.load()
    return True


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies, however the parent died (Linux only).

    A query worker runs a query the engine cannot interrupt; if the HTTP process is killed, the worker would
    otherwise go on burning a core for as long as the query runs.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) != 0:
        log.warning("could not ask to die with the parent process (errno %d)", ctypes.get_errno())


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space; 0 leaves it unlimited."""
    if max_bytes <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        max_bytes = min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, hard))
