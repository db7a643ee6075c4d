"""Progress of the long stages: a bar on a terminal, a line in the logs otherwise.

    with progress.stage("orientation"):            # a stage: its duration is logged at the end
        with progress.track("plongements e5-small", total=len(texts), unit="textes"):
            for batch in batches:
                ...
                progress.advance(len(batch))         # advances the innermost open tracker

When standard error is a terminal, trackers draw a rich progress bar there (one display shared
by every thread); otherwise a tracker that has run `QUIET_S` seconds or more writes a line to the
`corpus.progress` logger every tenth of its total (and at least every `LOG_EVERY_S` seconds),
which Prefect collects into the run's logs (`PREFECT_LOGGING_EXTRA_LOGGERS=corpus`). A person
reads one line per stage, and progress lines only for what is long enough to wait for. Nothing
is ever written to standard output, so `--json` stays clean. `CORPUS_PROGRESS=bar|log|off`
forces a mode.

Every stage logs one line when it ends; a tracker does too when it took `QUIET_S` or more (a
shorter one logs it at DEBUG). The line carries the duration in the record's `corpus_progress`
attribute ({"kind", "name", "done", "total", "seconds"}): `bench/scale.py` reads the stages'
times through `CORPUS_PROGRESS_RECORD=FILE` (each record, short or long, is appended to FILE as
a JSON line).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from corpus.config import environment

log = logging.getLogger("corpus.progress")
# Prefect gives `corpus` its API handler (PREFECT_LOGGING_EXTRA_LOGGERS) but not a level: under
# a root logger at WARNING (the CLI's, Prefect's) these lines would be dropped before reaching it.
if log.level == logging.NOTSET:
    log.setLevel(logging.INFO)

LOG_EVERY_S = 60.0  # a log line at least this often while a tracker advances
LOG_STEP = 0.10  # and one each time another tenth of the total is done
QUIET_S = 5.0  # but none before a tracker has run this long: a shorter wait needs no news

_stage: contextvars.ContextVar[str] = contextvars.ContextVar("corpus_stage", default="")
_current: contextvars.ContextVar[Tracker | None] = contextvars.ContextVar(
    "corpus_tracker", default=None)


def mode() -> str:
    """"bar" on a terminal, "log" otherwise; `CORPUS_PROGRESS` overrides ("off": silent)."""
    wanted = environment().progress
    if wanted is not None:
        return wanted
    try:
        return "bar" if sys.stderr is not None and sys.stderr.isatty() else "log"
    except (AttributeError, ValueError):  # a closed or odd stream
        return "log"


def _record(payload: dict) -> dict:
    """`payload`, also appended to the file `CORPUS_PROGRESS_RECORD` names (if any)."""
    path = environment().progress_record
    if path is not None:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({**payload, "pid": os.getpid(), "at": time.time()},
                               ensure_ascii=False) + "\n")
    return payload


def _seconds(value: float) -> str:
    return f"{value:,.1f}".replace(",", " ").replace(".", ",")


def _count(value: int) -> str:
    return f"{value:,}".replace(",", " ")


class _Display:
    """One rich progress display on standard error, shared by the trackers of every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.progress = None
        self.open = 0

    def add(self, label: str, total: int) -> int | None:
        import rich.progress as rp
        from rich.console import Console

        with self.lock:
            if self.progress is None:
                self.progress = rp.Progress(
                    rp.TextColumn("{task.description}"), rp.BarColumn(),
                    rp.MofNCompleteColumn(), rp.TimeElapsedColumn(), rp.TimeRemainingColumn(),
                    console=Console(stderr=True), transient=False,
                )
                self.progress.start()
            self.open += 1
            return self.progress.add_task(label, total=total)

    def advance(self, task: int, n: int) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress.advance(task, n)

    def remove(self, task: int) -> None:
        with self.lock:
            if self.progress is None:
                return
            self.open -= 1
            if self.open <= 0:
                self.progress.stop()
                self.progress, self.open = None, 0


_display = _Display()


class Tracker:
    """Counts what is done of `total`; shows it as `mode()` says."""

    def __init__(self, label: str, total: int, unit: str = "", *, how: str | None = None):
        self.label, self.total, self.unit = label, max(0, int(total)), unit
        self.how = how or mode()
        self.done = 0
        self.started = self.last_time = time.perf_counter()
        self.next_step = LOG_STEP
        self.task = _display.add(label, self.total) if self.how == "bar" else None

    @property
    def _unit(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.task is not None:
            _display.advance(self.task, n)
        elif self.how == "log" and self.total:
            now = time.perf_counter()
            fraction = self.done / self.total
            if fraction >= self.next_step or now - self.last_time >= LOG_EVERY_S:
                if fraction < 1 and now - self.started >= QUIET_S:  # the last line: `close`
                    log.info("%s : %s/%s%s (%d %%), %s s", self.label, _count(self.done),
                             _count(self.total), self._unit, int(100 * fraction),
                             _seconds(now - self.started))
                self.last_time = now
                while self.next_step <= fraction:
                    self.next_step += LOG_STEP

    def close(self) -> float:
        seconds = time.perf_counter() - self.started
        if self.task is not None:
            _display.remove(self.task)
        if self.how != "off":
            level = logging.INFO if seconds >= QUIET_S else logging.DEBUG
            log.log(level, "%s : %s%s en %s s", self.label, _count(self.done), self._unit,
                    _seconds(seconds), extra={"corpus_progress": _record({
                         "kind": "track", "name": self.label, "done": self.done,
                         "total": self.total, "seconds": seconds})})
        return seconds


@contextmanager
def track(label: str, total: int, unit: str = "") -> Iterator[Tracker]:
    """A tracker for `total` items, the innermost open one until the block ends. Its label is
    prefixed by the current stage ("orientation · plongements e5-small")."""
    name = f"{_stage.get()} · {label}" if _stage.get() else label
    tracker = Tracker(name, total, unit)
    token = _current.set(tracker)
    try:
        yield tracker
    finally:
        _current.reset(token)
        tracker.close()


@contextmanager
def step(label: str, total: int, unit: str = "") -> Iterator[None]:
    """A step of a stage done in one go (UMAP, the synthesis' context): a line when it ends,
    if it took `QUIET_S` or more ("thèmes · réduction UMAP : 99 854 segments en 80,1 s"), so
    that a long stage is not a silence. Not a tracker that `advance` moves: the embedders
    called inside count their own texts."""
    name = f"{_stage.get()} · {label}" if _stage.get() else label
    tracker = Tracker(name, total, unit)
    try:
        yield
    finally:
        tracker.done = tracker.total
        tracker.close()


def advance(n: int = 1) -> None:
    """Advance the innermost tracker open in this context; nothing when there is none."""
    tracker = _current.get()
    if tracker is not None:
        tracker.advance(n)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """A named stage: trackers opened inside carry its name; its duration is logged at the end."""
    token = _stage.set(name)
    started = time.perf_counter()
    try:
        yield
    finally:
        _stage.reset(token)
        seconds = time.perf_counter() - started
        if mode() != "off":
            record = _record({"kind": "stage", "name": name, "done": 1, "total": 1,
                              "seconds": seconds})
            log.info("étape %s : %s s", name, _seconds(seconds),
                     extra={"corpus_progress": record})


def staged(name: str):
    """Decorator: the function runs as `stage(name)`."""
    import functools

    def wrap(func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            with stage(name):
                return func(*args, **kwargs)
        return inner
    return wrap
