"""Expected errors reach the console and the Prefect logs as one clean line, bugs keep their
traceback (the filter on Prefect's loggers, without the engine)."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from corpus.config import environment
from corpus.ingest import IngestError
from flows import quiet

BAD = IngestError("data/x/notes/a01.docx", "le document Word est illisible",
                  "enregistrez-le à nouveau au format .docx")


def _logged(exc: BaseException, monkeypatch, *, debug: bool = False) -> str:
    """What a handler writes for Prefect's two failure records of `exc`."""
    monkeypatch.setenv("CORPUS_DEBUG", "1" if debug else "false")  # "false" is off too
    environment.cache_clear()
    logger = logging.getLogger("prefect.task_runs.test-quiet")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger.addHandler(handler)
    logger.propagate = False
    logger.addFilter(quiet.ExpectedErrors())
    try:
        try:
            raise exc
        except BaseException as caught:
            logger.error("Task run failed with exception: %r", caught, exc_info=True)
            logger.error("Finished in state Failed('Task run encountered an exception %s')",
                         caught)
    finally:
        logger.removeHandler(handler)
        logger.filters.clear()
    return out.getvalue()


def test_an_expected_error_is_said_once_without_traceback(monkeypatch):
    text = _logged(BAD, monkeypatch)
    assert "Traceback" not in text
    assert text.count(str(BAD)) == 1
    assert quiet.SEE_ABOVE in text


def test_a_bug_keeps_its_traceback(monkeypatch):
    text = _logged(KeyError("colonne"), monkeypatch)
    assert "Traceback" in text and "KeyError" in text


def test_debug_keeps_every_traceback(monkeypatch):
    assert "Traceback" in _logged(BAD, monkeypatch, debug=True)


def test_an_expected_cause_is_recognised():
    try:
        try:
            raise BAD
        except IngestError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError:
        wrapped = sys.exc_info()[1]
    assert quiet.expected(wrapped)
    assert not quiet.expected(ValueError("x"))


@pytest.mark.parametrize(("error", "retried"), [(BAD, False), (FileNotFoundError("x"), False),
                                                (OSError("disque"), True)])
def test_only_unexpected_errors_are_retried(error, retried):
    from prefect.states import Failed

    assert quiet.retry_unexpected(None, None, Failed(data=error)) is retried
