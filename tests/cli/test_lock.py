"""One writer at a time, with real `corpus` processes: a second run waits for the first and
says so, or gives up after `--wait`; read-only commands are never held up."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import duckdb
import pytest
from corpus_process import ROOT, SMALL, run, start, wait_for

from corpus.store import Store


def _hold(store) -> subprocess.Popen:
    """Another process holding the store's run lock until its stdin closes."""
    code = textwrap.dedent(f"""
        import sys
        from corpus.store import runlock
        with runlock.writer({str(store)!r}, timeout=5):
            print("held", flush=True)
            sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True,
                            env={"PYTHONPATH": str(ROOT / "src")})
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.slow
def test_a_second_run_waits_then_proceeds_or_gives_up(tmp_path):
    store = tmp_path / "c.duckdb"
    holder = _hold(store)
    try:
        waiting_log, giving_up_log = tmp_path / "waits.log", tmp_path / "gives-up.log"
        waits = start(["ingest", str(SMALL), "--store", str(store)], tmp_path, waiting_log)
        code, log = run(["ingest", str(SMALL), "--store", str(store), "--wait", "2"],
                        tmp_path, giving_up_log)
        assert code == 2, log[-3000:]
        assert "Traceback" not in log
        assert f"pid {holder.pid}" in log and "--wait" in log
        assert wait_for(lambda: "j'attends" in waiting_log.read_text(encoding="utf-8"), 300)
        assert f"autre run (pid {holder.pid})" in waiting_log.read_text(encoding="utf-8")
        # never two writers: nothing of the waiting run is in the store while the lock is held
        assert not store.exists() or Store(store).counts()["documents"] == 0
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert waits.wait(timeout=600) == 0, waiting_log.read_text(encoding="utf-8")[-3000:]
    assert "Traceback" not in waiting_log.read_text(encoding="utf-8")
    assert Store(store).counts()["documents"] == 3


@pytest.mark.slow
def test_two_runs_at_once_both_finish_without_duplicates(tmp_path):
    store = tmp_path / "c.duckdb"
    procs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        procs.append((start(["ingest", str(SMALL), "--store", str(store), "--json"],
                            tmp_path / name, tmp_path / f"{name}.log"), tmp_path / f"{name}.log"))
    for proc, log in procs:
        assert proc.wait(timeout=600) == 0, log.read_text(encoding="utf-8")[-3000:]
    with duckdb.connect(str(store), read_only=True) as con:
        n, distinct = con.execute(
            "SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone()
    assert n == distinct == 3


def test_read_only_commands_do_not_wait_for_a_run(tmp_path):
    store = tmp_path / "c.duckdb"
    Store(store)  # the schema, empty
    holder = _hold(store)
    try:
        code, log = run(["status", "--store", str(store), "--json"], tmp_path,
                        tmp_path / "status.log", timeout=60)
        assert code == 0, log
        assert json.loads(log[log.index("{"):])["documents"] == 0
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
