"""Scheduled runs on a real Prefect server: drop a démarche into the inbox, see its outputs."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.cli import server_ready
from flows import inbox

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
BIN = Path(sys.executable).parent


def test_pending_folders_are_new_or_changed(tmp_path):
    box = tmp_path / "inbox"
    (box / "a").mkdir(parents=True)
    (box / "a" / "x.md").write_text("- note", encoding="utf-8")
    (box / ".cache").mkdir()
    first = inbox.scan(box)
    assert list(first) == ["a"]
    assert inbox.pending(first, {}) == ["a"]
    inbox.write_state(tmp_path / "out", first)
    state = inbox.read_state(tmp_path / "out")
    assert inbox.pending(inbox.scan(box), state) == []
    (box / "a" / "x.md").write_text("- note modifiée", encoding="utf-8")
    (box / "b").mkdir()
    assert inbox.pending(inbox.scan(box), state) == ["a", "b"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, step: float = 2.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


def _stop(proc: subprocess.Popen, sig=signal.SIGINT, timeout: float = 60) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_serve_processes_a_dropped_demarche(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    logs = tmp_path / "logs"
    logs.mkdir()
    server = subprocess.Popen(
        [str(BIN / "corpus"), "server", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=open(logs / "server.log", "w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    serve = None
    try:
        assert _wait(lambda: server_ready(api), 180), (logs / "server.log").read_text()
        box, out = tmp_path / "inbox", tmp_path / "out"
        box.mkdir()
        serve = subprocess.Popen(
            [str(BIN / "corpus"), "serve", "--inbox", str(box), "--out", str(out),
             "--store", str(tmp_path / "c.duckdb"), "--interval", "10"],
            env={**env, "PREFECT_API_URL": api}, cwd=ROOT,
            stdout=open(logs / "serve.log", "w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        shutil.copytree(SAMPLE, box / "cep-sud")
        done = out / "cep-sud" / "run.json"
        assert _wait(done.exists, 600, 5), (logs / "serve.log").read_text()[-5000:]
        assert (out / "cep-sud" / "segments.parquet").exists()
        # run.json is written inside the run; the inbox records the folder once the run returns
        assert _wait(lambda: inbox.read_state(out) != {}, 120, 1), (logs / "serve.log").read_text()
        state = inbox.read_state(out)
        assert set(state) == {"cep-sud"}
    finally:
        if serve is not None:
            _stop(serve)
            assert serve.returncode is not None
        _stop(server)
    # Ctrl-C left nothing running: both process groups are gone.
    for proc in (serve, server):
        if proc is not None:
            with pytest.raises(ProcessLookupError):
                os.killpg(proc.pid, 0)
