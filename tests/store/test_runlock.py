"""One writer at a time: a run waits for the run holding the store, or gives up clearly."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from corpus.config import ConfigError, environment
from corpus.store import StoreError, runlock

ROOT = Path(__file__).resolve().parents[2]


def _holder(store: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the store's run lock for `seconds` (prints "held" once it has)."""
    code = textwrap.dedent(f"""
        import sys, time
        from corpus.store import runlock
        with runlock.writer({str(store)!r}, timeout=5):
            print("held", flush=True)
            time.sleep({seconds})
            print("releasing", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={"PYTHONPATH": f"{ROOT / 'src'}"})
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_waits_then_proceeds(tmp_path, caplog):
    store = tmp_path / "c.duckdb"
    other = _holder(store, 1.5)
    with caplog.at_level(logging.WARNING, logger="corpus.store.runlock"):
        with runlock.writer(store, timeout=60):
            assert other.stdout.readline().strip() == "releasing"  # it had finished first
            assert runlock.holder(store) == str(os.getpid())
    other.wait()
    waiting = [r.getMessage() for r in caplog.records if "j'attends" in r.getMessage()]
    assert len(waiting) == 1
    assert f"pid {other.pid}" in waiting[0] and str(store) in waiting[0]


def test_a_second_writer_gives_up_after_the_timeout(tmp_path):
    store = tmp_path / "c.duckdb"
    other = _holder(store, 30)
    try:
        with pytest.raises(StoreError) as caught:
            with runlock.writer(store, timeout=0.5):
                pytest.fail("two writers on one store")
        message = str(caught.value)
        assert f"pid {other.pid}" in message and "--wait" in message and "Correction" in message
    finally:
        other.kill()
        other.wait()


def test_the_lock_is_free_again_when_its_holder_is_killed(tmp_path):
    store = tmp_path / "c.duckdb"
    other = _holder(store, 60)
    other.kill()  # kill -9: the OS releases the lock
    other.wait()
    started = time.monotonic()
    with runlock.writer(store, timeout=30):
        pass
    assert time.monotonic() - started < 30


def test_reentrant_within_a_run(tmp_path):
    store = tmp_path / "c.duckdb"
    with runlock.writer(store, timeout=1), runlock.writer(store, timeout=1):
        assert runlock.lock_path(store).exists()


def test_timeout_from_option_environment_or_default(monkeypatch):
    monkeypatch.delenv(runlock.TIMEOUT_ENV, raising=False)
    assert runlock.timeout_s(None, 3600) == 3600
    monkeypatch.setenv(runlock.TIMEOUT_ENV, "90")
    environment.cache_clear()
    assert runlock.timeout_s(None, 3600) == 90
    assert runlock.timeout_s(5, 3600) == 5
    monkeypatch.setenv(runlock.TIMEOUT_ENV, "une heure")
    environment.cache_clear()
    with pytest.raises(ConfigError, match="CORPUS_LOCK_TIMEOUT='une heure'.*export"):
        runlock.timeout_s(None, 3600)
