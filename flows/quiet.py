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
import os

from corpus.ingest import IngestError
from corpus.store import StoreError

EXPECTED: tuple[type[BaseException], ...] = (IngestError, StoreError, FileNotFoundError)
DEBUG_ENV = "CORPUS_DEBUG"
LOGGERS = ("prefect", "prefect.engine", "prefect.flow_runs", "prefect.task_runs",
           "prefect.flow_engine", "prefect.task_engine")
SEE_ABOVE = "(voir ci-dessus)"


def debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")


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
        self.said: list[str] = []  # messages of expected errors already logged

    def filter(self, record: logging.LogRecord) -> bool:
        if debug():
            return True
        exc = record.exc_info[1] if record.exc_info else None
        if expected(exc):
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        message = record.getMessage()
        repeated = [m for m in self.said if m in message]
        if repeated:
            for text in repeated:
                message = message.replace(text, SEE_ABOVE)
            record.msg, record.args = message, None
        elif expected(exc):
            self.said = [*self.said[-19:], str(exc)]
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
    return not (isinstance(data, BaseException) and expected(data))
