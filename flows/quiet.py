"""Expected errors without tracebacks: a bad file is the user's to fix, not a bug.

Prefect's engine logs every task or flow failure with its traceback (`exc_info=True`), up to
three times per failure (task, subflow, parent flow), before `corpus` prints its own message.
For the errors that name a file and a fix (`EXPECTED`), `install()` puts a filter on Prefect's
run loggers that drops the traceback and, after the first line that gives the message, replaces
its repeats by "(voir ci-dessus)": the console and the Prefect UI show it once, cleanly. Any
other exception (a bug) keeps its traceback; with `--debug` (CORPUS_DEBUG=1) every one does.
Tasks with retries do not retry an expected error either (`retry_unexpected`).
"""

from __future__ import annotations

import logging

from corpus.config import ConfigError, environment
from corpus.ingest import IngestError
from corpus.store import StoreError

EXPECTED: tuple[type[BaseException], ...] = (IngestError, StoreError, FileNotFoundError,
                                             ConfigError)
LOGGERS = ("prefect", "prefect.engine", "prefect.flow_runs", "prefect.task_runs",
           "prefect.flow_engine", "prefect.task_engine")
SEE_ABOVE = "(voir ci-dessus)"


def debug() -> bool:
    return environment().debug


def expected(exc: BaseException | None) -> bool:
    """An error for the user to fix, itself or (as Prefect may wrap it) its cause."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, EXPECTED):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False


class ExpectedErrors(logging.Filter):
    """Strips the traceback of expected errors from Prefect's records and says each once."""

    def __init__(self) -> None:
        super().__init__("corpus-expected-errors")
        self.known: list[str] = []  # messages of expected errors met (the last few)
        self.shown: set[str] = set()  # those already logged once

    def note(self, exc: BaseException) -> None:
        """An expected error met before Prefect logs it (a task's retry condition)."""
        text = str(exc)
        if text and text not in self.known:
            self.known = [*self.known[-19:], text]
            self.shown &= set(self.known)

    def filter(self, record: logging.LogRecord) -> bool:
        if debug():
            return True
        exc = record.exc_info[1] if record.exc_info else None
        if expected(exc):
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            self.note(exc)
        message, changed = record.getMessage(), False
        for text in self.known:
            if text not in message:
                continue
            if text in self.shown:
                message, changed = message.replace(text, SEE_ABOVE), True
            else:
                self.shown.add(text)
        if changed:
            record.msg, record.args = message, None
        return True


_FILTER = ExpectedErrors()


def install() -> None:
    """The filter on Prefect's run loggers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def retry_unexpected(task, task_run, state) -> bool:
    """`retry_condition_fn` of tasks with retries: a bad file is not retried (it stays bad)."""
    data = getattr(state, "data", None)
    if isinstance(data, BaseException) and expected(data):
        _FILTER.note(data)  # so that Prefect's next lines say it once
        return False
    return True
