"""Nothing left behind: a run killed mid-analysis leaves no process running, its temporary
Prefect server included (real `corpus run` processes, killed as a user or a scheduler would)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from corpus_process import ROOT, SMALL, processes_of, start, wait_for

from flows import server

ANALYSIS = "Étape « orientation »"  # the run's loop logs each stage as it starts


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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_a_tied_child_dies_with_its_parent_killed_by_sigkill(tmp_path):
    """The mechanism alone: a parent starts `sleep` as Prefect starts its server, is killed
    with SIGKILL, and its child does not outlive it."""
    code = textwrap.dedent(f"""
        import sys, time
        sys.path[:0] = {[str(ROOT / "src"), str(ROOT)]!r}
        from flows.server import _TiedSubprocess
        child = _TiedSubprocess().Popen(["sleep", "300"])
        print(child.pid, flush=True)
        time.sleep(300)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert os.getpgid(child) == child  # its own process group: Ctrl-C goes to the run first
    parent.kill()
    parent.wait()
    assert wait_for(lambda: not _alive(child), 10)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "zombie" not in state


def test_the_parent_death_signal_is_available_here():
    """On Linux the temporary server is tied to its run; elsewhere the hook says it cannot."""
    assert (server.die_with_parent() is not None) == sys.platform.startswith("linux")
