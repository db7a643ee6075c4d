"""Full run, no-change re-run and add-one-event re-run of `corpus run`, through Prefect.

    .venv/bin/python bench/rerun.py

Copies the sample démarche to a temporary folder, runs it with Marseille only, re-runs it with
nothing new, then adds the Haute-Provence event and runs again. Each run is a fresh `corpus run`
process, as an operator's nightly run would be; Prefect's temporary server and the models load
in each. Prints wall times and ratios to the full run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="corpus-rerun-") as tmp:
        tmp = Path(tmp)
        demarche, out, store = tmp / "demarche", tmp / "out", tmp / "c.duckdb"
        shutil.copytree(SAMPLE / "marseille", demarche / "marseille")
        env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect")}
        full, first = run(demarche, out, store, env)
        same, second = run(demarche, out, store, env)
        shutil.copytree(SAMPLE / "haute-provence", demarche / "haute-provence")
        grown, third = run(demarche, out, store, env)
    print(f"{'run':<28}{'wall s':>9}{'ratio':>8}   stages (s)")
    for name, wall, info in (
        ("full (1 event)", full, first),
        ("no change", same, second),
        ("one event added", grown, third),
    ):
        stages = ", ".join(f"{k} {v:.1f}" for k, v in info["timings_s"].items())
        print(f"{name:<28}{wall:>9.1f}{wall / full:>8.2f}   {stages}")
    print(f"segments: {first['counts']['segments']} then {third['counts']['segments']}; "
          f"documents added on the third run: {third['counts']['added']['documents']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
