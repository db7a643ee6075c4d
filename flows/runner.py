"""The task runner: a thread pool on one machine, Dask past one machine.

`CORPUS_TASK_RUNNER=dask` (with `pip install -e '.[dask]'`) runs per-territory work on a Dask
cluster: a local one by default, or the one at `CORPUS_DASK_ADDRESS`.
"""

from __future__ import annotations

from corpus.config import environment


def task_runner():
    env = environment()
    if env.task_runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError(
                "CORPUS_TASK_RUNNER=dask demande le paquet prefect-dask : "
                "pip install -e '.[dask]'"
            ) from exc
        address = env.dask_address
        return DaskTaskRunner(address=address) if address else DaskTaskRunner()
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=thread_count())


def thread_count() -> int:
    """Tasks the thread pool runs at once (`CORPUS_THREADS`, default 2)."""
    return environment().threads or 2
