"""One writer at a time: a run holds `<store>.run.lock` from its first write to its last.

`Database` already serialises connections between processes (`<store>.lock`), but two runs on
one store would still interleave their stages (one's themes written between the other's
ingest and synthesis). A run (`corpus run`, `corpus ingest`, a scheduled passage) therefore
holds this second lock for its whole length; a second run waits, saying so, and gives up after
a timeout with a clear message. Read-only commands (query, themes, sql, the explorer) never
take it. The lock is an OS lock (`filelock`): a run killed with `kill -9` releases it at once.
The holder's pid is written in the file, for the message of the one that waits.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from corpus.config import environment
from corpus.store.database import StoreError

log = logging.getLogger(__name__)

TIMEOUT_ENV = "CORPUS_LOCK_TIMEOUT"


class StoreBusy(StoreError):
    """Another run kept the store for longer than the timeout."""


def lock_path(store: Path | str) -> Path:
    return Path(f"{store}.run.lock")


def holder(store: Path | str) -> str:
    """The pid written by the run that holds the lock ("?" when unknown)."""
    try:
        text = lock_path(store).read_text(encoding="utf-8").strip()
    except OSError:
        return "?"
    return text if text.isdigit() else "?"


def timeout_s(given: float | None, default: float) -> float:
    """`given` (an option), else the CORPUS_LOCK_TIMEOUT environment variable, else `default`.

    A CORPUS_LOCK_TIMEOUT that is not a number of seconds raises `ConfigError` (its fix)."""
    if given is not None:
        return float(given)
    from_env = environment().lock_timeout
    return default if from_env is None else float(from_env)


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _file_lock(store: Path | str) -> FileLock:
    """The lock file's lock: one object per path in a process (re-entrant across threads)."""
    path = lock_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path), thread_local=False, is_singleton=True)


@contextmanager
def writer(store: Path | str, *, timeout: float) -> Iterator[None]:
    """Hold the store's run lock; waits up to `timeout` seconds, then raises `StoreBusy`.

    Re-entrant within a process (the command line waits for it before Prefect's server starts,
    the flow takes it again).
    """
    path = lock_path(store)
    lock = _file_lock(store)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning("La base %s est utilisée par un autre run (pid %s) ; j'attends qu'il "
                    "termine (au plus %s)…", store, holder(store), _duration(timeout))
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise StoreBusy(
                f"{store} : la base est toujours utilisée par un autre run (pid "
                f"{holder(store)}) après {_duration(timeout)} d'attente ; rien n'a été écrit. "
                f"Correction : relancez quand l'autre run est fini, attendez plus longtemps "
                f"(--wait SECONDES ou {TIMEOUT_ENV}), ou passez --store AUTRE_FICHIER."
            ) from None
        log.warning("La base %s est libre : le run commence.", store)
    try:
        if lock.lock_counter == 1:
            with open(path, "r+", encoding="utf-8") as f:
                f.truncate()
                f.write(str(os.getpid()))
        yield
    finally:
        lock.release()


@contextmanager
def at_once(store: Path | str) -> Iterator[None]:
    """Hold the store's run lock without waiting (a correction between runs); raises
    `StoreBusy` at once, with the holder's pid, while a run holds the store."""
    lock = _file_lock(store)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise StoreBusy(
            f"un run est en cours sur la base {store} (pid {holder(store)}) : correction "
            "refusée, rien n'a été écrit. Correction : réessayez quand le run est fini."
        ) from None
    try:
        yield
    finally:
        lock.release()
