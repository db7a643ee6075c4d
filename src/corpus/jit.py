"""Numba's compiled code kept on disk, so that a run does not compile UMAP again.

UMAP and pynndescent compile their numba functions on first use in every process: 12 s of a
37-second sample run here, more under load. Their functions are not declared `cache=True`;
numba's own cache (`Dispatcher.enable_caching`) keeps the machine code, keyed by the source
file and the processor, in the package's `__pycache__`, or under `NUMBA_CACHE_DIR`, or the
user's cache folder when the package is read-only. Compiled from the same source for the same
processor, the cached code is the code numba would compile: the results are the same.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache

log = logging.getLogger(__name__)

MODULES = ("umap.umap_", "umap.layouts", "umap.distances", "umap.sparse", "umap.utils",
           "pynndescent.pynndescent_", "pynndescent.distances", "pynndescent.utils",
           "pynndescent.rp_trees", "pynndescent.sparse")


@cache
def compiled_once() -> int:
    """Turn numba's disk cache on for UMAP's and pynndescent's functions (once per process,
    before their first call); return how many functions it applies to."""
    from numba.core.registry import CPUDispatcher

    count = 0
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for obj in vars(module).values():
            if isinstance(obj, CPUDispatcher):
                try:
                    obj.enable_caching()
                except RuntimeError as exc:  # no writable place for the cache: compile as before
                    log.debug("cache numba indisponible pour %s : %s", name, exc)
                    return count
                count += 1
    return count
