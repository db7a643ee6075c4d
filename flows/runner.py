"""The task runner: a thread pool on one machine, Dask past one machine.

`CORPUS_TASK_RUNNER=dask` (with `pip install -e '.[dask]'`) runs per-territory work on a Dask
cluster: a local one by default, or the one at `CORPUS_DASK_ADDRESS`.
"""

from __future__ import annotations

import os


def task_runner():
    kind = os.environ.get("CORPUS_TASK_RUNNER", "threads").strip().lower()
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError(
                "CORPUS_TASK_RUNNER=dask demande le paquet prefect-dask : "
                "pip install -e '.[dask]'"
            ) from exc
        address = os.environ.get("CORPUS_DASK_ADDRESS")
        return DaskTaskRunner(address=address) if address else DaskTaskRunner()
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=int(os.environ.get("CORPUS_THREADS", "2")))
