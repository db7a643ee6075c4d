"""UMAP's compiled code is kept on disk: a second process does not compile it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
import json, numpy as np
from corpus.jit import compiled_once
from corpus.themes.space import reducer
from numba.core.registry import CPUDispatcher
import umap.umap_, umap.layouts
x = np.random.default_rng(0).normal(size=(60, 8)).astype("float32")
x /= np.linalg.norm(x, axis=1, keepdims=True)
plan = {"n_neighbors": 5, "n_components": 2, "n_epochs": 20, "exact_neighbours_max": 1000}
y = reducer(plan, len(x), 42, x).fit_transform(x)
stats = [d.stats for m in (umap.umap_, umap.layouts) for d in vars(m).values()
         if isinstance(d, CPUDispatcher)]
print(json.dumps({"hits": sum(sum(s.cache_hits.values()) for s in stats),
                  "misses": sum(sum(s.cache_misses.values()) for s in stats),
                  "first": [round(float(v), 4) for v in y[0]]}))
"""


@pytest.mark.slow
def test_a_second_process_takes_umap_from_the_cache(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}

    def run() -> dict:
        done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                              text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    first, second = run(), run()
    assert first["misses"] > 0 and first["hits"] == 0
    assert second["hits"] > 0 and second["misses"] < first["misses"]
    assert second["first"] == first["first"]  # the cached code computes the same layout
