"""Full run, no-change re-run and add-one-event re-run of `corpus run`, through Prefect.

    .venv/bin/python bench/rerun.py             # each run starts Prefect's temporary server
    .venv/bin/python bench/rerun.py --server    # runs talk to one `corpus server` (as `serve`)

Copies the sample démarche to a temporary folder, runs it with Marseille only, re-runs it with
nothing new, then adds the Haute-Provence event and runs again. Each run is a fresh `corpus run`
process, as an operator's nightly run would be: Python, Prefect and the models load in each,
and without --server Prefect starts its temporary server in each (about 8 s). Prints wall times,
the time spent inside the pipeline (the sum of its stages) and ratios to the full run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from corpus.cli import server_ready

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CORPUS = Path(sys.executable).with_name("corpus")


def run(demarche: Path, out: Path, store: Path, env: dict) -> tuple[float, dict]:
    t0 = time.perf_counter()
    subprocess.run(
        [str(CORPUS), "run", str(demarche), "--out", str(out), "--store", str(store), "--json"],
        check=True, env=env, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - t0
    return elapsed, json.loads((out / "run.json").read_text(encoding="utf-8"))


@contextmanager
def prefect_server(env: dict, log: Path):
    """`corpus server` on a free loopback port; yields its API URL; stops it with Ctrl-C."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api"
    with open(log, "w") as handle:
        proc = subprocess.Popen([str(CORPUS), "server", "--port", str(port)], env=env,
                                stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        end = time.monotonic() + 180
        while not server_ready(api):
            if time.monotonic() > end or proc.poll() is not None:
                raise SystemExit(f"le serveur Prefect n'a pas démarré : voir {log}")
            time.sleep(1)
        yield api
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", action="store_true",
                        help="start one Prefect server first and run every run against it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="corpus-rerun-") as tmp:
        tmp = Path(tmp)
        demarche, out, store = tmp / "demarche", tmp / "out", tmp / "c.duckdb"
        shutil.copytree(SAMPLE / "marseille", demarche / "marseille")
        env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect")}
        env.pop("PREFECT_API_URL", None)
        with (prefect_server(env, tmp / "server.log") if args.server else _nothing()) as api:
            if api:
                env["PREFECT_API_URL"] = api
            full, first = run(demarche, out, store, env)
            same, second = run(demarche, out, store, env)
            shutil.copytree(SAMPLE / "haute-provence", demarche / "haute-provence")
            grown, third = run(demarche, out, store, env)
    where = "un serveur Prefect déjà lancé" if args.server else "serveur temporaire à chaque run"
    print(f"corpus run, 3 processus ({where})")
    print(f"{'run':<20}{'wall s':>8}{'ratio':>7}{'in flow s':>11}{'ratio':>7}   stages (s)")
    inside_full = sum(first["timings_s"].values())
    for name, wall, info in (
        ("full (1 event)", full, first),
        ("no change", same, second),
        ("one event added", grown, third),
    ):
        inside = sum(info["timings_s"].values())
        stages = ", ".join(f"{k} {v:.1f}" for k, v in info["timings_s"].items())
        print(f"{name:<20}{wall:>8.1f}{wall / full:>7.2f}{inside:>11.1f}"
              f"{inside / inside_full:>7.2f}   {stages}")
    print(f"segments: {first['counts']['segments']} then {third['counts']['segments']}; "
          f"documents added on the third run: {third['counts']['added']['documents']}")
    return 0


@contextmanager
def _nothing():
    yield None


if __name__ == "__main__":
    raise SystemExit(main())
