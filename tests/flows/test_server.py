"""Nothing left behind: a run killed mid-analysis leaves no process running, its temporary
Prefect server included (real `corpus run` processes, killed as a user or a scheduler would)."""

from __future__ import annotations

import os
import signal

import pytest
from corpus_process import SMALL, processes_of, start, wait_for

from flows import server

ANALYSIS = "for flow 'corpus-analysis'"


@pytest.mark.slow
@pytest.mark.parametrize(("how", "sig", "group"), [
    ("kill -9", signal.SIGKILL, False),
    ("kill", signal.SIGTERM, False),
    ("Ctrl-C", signal.SIGINT, True),  # a terminal sends it to the whole foreground group
])
def test_a_run_killed_mid_analysis_leaves_no_process(tmp_path, how, sig, group):
    log = tmp_path / "run.log"
    proc = start(["run", str(SMALL), "--store", str(tmp_path / "c.duckdb"),
                  "--out", str(tmp_path / "out")], tmp_path, log)
    home = tmp_path / "prefect-home"
    try:
        assert wait_for(lambda: ANALYSIS in log.read_text(encoding="utf-8"), 600), (
            log.read_text(encoding="utf-8")[-3000:])
        assert len(processes_of(home)) >= 2  # the run and its temporary server
        if group:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        proc.wait(timeout=120)
        assert wait_for(lambda: not processes_of(home), 15), (how, processes_of(home))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid, _ in processes_of(home):  # never leave the test's own mess behind
            os.kill(pid, signal.SIGKILL)


def test_the_parent_death_signal_is_available_here():
    """On Linux the temporary server is tied to its run; elsewhere the hook says it cannot."""
    import sys

    assert (server.die_with_parent() is not None) == sys.platform.startswith("linux")
