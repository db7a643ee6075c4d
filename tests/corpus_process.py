"""Real `corpus` processes for the reliability tests: started as a user would, in their own
session, with their own Prefect home under tmp_path, so that what they leave behind can be
found (every process of a run carries its PREFECT_HOME in its environment)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SMALL = ROOT / "tests" / "fixtures" / "ingest" / "demarche"  # 1 event, 3 ateliers


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a run: this checkout's code, offline, a Prefect home of its own."""
    out = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PREFECT_HOME": str(tmp_path / "prefect-home"), "COLUMNS": "200", **extra}
    out.pop("PREFECT_API_URL", None)
    out.pop("CORPUS_DEBUG", None)
    return out


def start(args: list[str], tmp_path: Path, log: Path, **extra: str) -> subprocess.Popen:
    """`corpus ARGS` in its own session, its stdout and stderr into `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "corpus.cli", *args], cwd=tmp_path, env=env(tmp_path, **extra),
        stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def run(args: list[str], tmp_path: Path, log: Path, timeout: float = 900,
        **extra: str) -> tuple[int, str]:
    proc = start(args, tmp_path, log, **extra)
    try:
        code = proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
    return code, log.read_text(encoding="utf-8")


def wait_for(predicate, timeout: float, step: float = 0.5) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def processes_of(prefect_home: Path) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment names `prefect_home`."""
    wanted = f"PREFECT_HOME={prefect_home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = next((line for line in (entry / "status").read_text().splitlines()
                          if line.startswith("State:")), "")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if wanted in environ.split(b"\0") and "zombie" not in state:
            found.append((int(entry.name), cmdline))
    return found
