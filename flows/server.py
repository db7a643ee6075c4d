"""Prefect's temporary server, tied to the run that starts it.

Without a Prefect server configured (PREFECT_API_URL), Prefect starts a temporary one: a
`python -m uvicorn` child process (`prefect.server.api.server.SubprocessASGIServer`), stopped
by an `atexit` hook. A run killed with `kill -9` or `kill` (SIGTERM) never runs that hook, and
the server stayed behind, orphaned, still listening on its port. Here the child is started with
a parent-death signal (Linux `prctl(PR_SET_PDEATHSIG, SIGTERM)`): however the run ends, the
kernel stops its server. The signal follows the thread that started the child, so
`temporary_server()` starts it from the calling (main) thread before any flow runs, rather
than letting whichever Prefect thread first needs it start it. The server runs in a process
group of its own: Ctrl-C interrupts the run, which can still report the interruption to its
server (in the terminal's group, the server died first and the run then retried a dead server
for minutes before exiting).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    """libc's prctl, loaded in the parent (a child between fork and exec must not dlopen)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child receive SIGTERM when this process ends; None where
    the system has no parent-death signal."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody will signal us
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class _TiedSubprocess:
    """The `subprocess` module as Prefect's server module sees it: Popen ties the child."""

    def __getattr__(self, name: str):
        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args, **kwargs):  # noqa: N802 - stands in for subprocess.Popen
        preexec = die_with_parent()
        if preexec is not None and kwargs.get("preexec_fn") is None:
            kwargs["preexec_fn"] = preexec
            # Out of the terminal's process group: Ctrl-C reaches the run, which reports the
            # interruption to its server before exiting, and only then the server stops.
            kwargs.setdefault("process_group", 0)
        return subprocess.Popen(*args, **kwargs)


def tie_server_to_run() -> bool:
    """Make Prefect start its temporary server with a parent-death signal; False where it
    cannot (not Linux, or a Prefect whose server module changed)."""
    import prefect.server.api.server as server_module

    if not hasattr(server_module, "SubprocessASGIServer") or _prctl() is None:
        log.debug("serveur Prefect temporaire : pas de signal de fin du parent sur ce système")
        return False
    current = getattr(server_module, "subprocess", None)
    if isinstance(current, _TiedSubprocess):
        return True
    if current is not subprocess:  # not the layout this was written for: leave it alone
        return False
    server_module.subprocess = _TiedSubprocess()
    return True


@contextlib.contextmanager
def temporary_server() -> Iterator[str | None]:
    """Prefect's temporary server for this run, started now from this thread and tied to this
    process; yields its API URL (None when PREFECT_API_URL names a server to use instead)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_ALLOW_EPHEMERAL_MODE

    if PREFECT_API_URL.value() or not PREFECT_SERVER_ALLOW_EPHEMERAL_MODE.value():
        yield None
        return
    from prefect.server.api.server import SubprocessASGIServer

    tie_server_to_run()
    server = SubprocessASGIServer()
    server.start()  # stopped by Prefect's own atexit hook, after its log worker has drained
    yield server.api_url
