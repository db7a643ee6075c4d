"""The DuckDB file: read-only SQL, and one corpus process at a time."""

import pytest

from corpus.store import Store, StoreError


def test_sql_is_read_only(tmp_path, make_demarche, segments_of):
    store = Store(tmp_path / "c.duckdb")
    d = make_demarche()
    store.texts.write_demarche(d, segments_of(d), d.feedback)
    assert store.read_only_sql("SELECT count(*) AS n FROM segments")["n"][0] == 1
    with pytest.raises(StoreError):
        store.read_only_sql("DELETE FROM segments")
    with pytest.raises(StoreError):
        store.read_only_sql("SELECT 1; DROP TABLE segments")
    assert store.counts()["segments"] == 1


HOLD = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1] + ".lock")
lock.acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _holder(path, seconds):
    """Another process holding the store's lock, as a running `corpus run` would."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_process_waits_for_the_store_then_proceeds(tmp_path, caplog):
    path = tmp_path / "c.duckdb"
    Store(path)
    proc = _holder(path, 1.5)
    try:
        with caplog.at_level("WARNING", logger="corpus.store.database"):
            counts = Store(path).counts()
    finally:
        proc.wait()
    assert counts["segments"] == 0
    assert "j'attends" in caplog.text and "autre processus corpus" in caplog.text


def test_a_store_held_too_long_gives_a_clear_error(tmp_path):
    from corpus.store.database import Database

    path = tmp_path / "c.duckdb"
    Store(path)
    proc = _holder(path, 5)
    try:
        with pytest.raises(StoreError, match="occupée.*--store"):
            Database(path, lock_timeout_s=0.3)
    finally:
        proc.kill()
        proc.wait()
