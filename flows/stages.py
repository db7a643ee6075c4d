"""The one loop over the stages, in Prefect: a task a stage, the ingest's territories mapped.

Caching, the run lock and concurrency live here and nowhere else: a stage is skipped when its
key (`Stage.key`) matches the one it last ran with for the scope (the store keeps both), and a
stage's independent parts (the territories of the ingest) go through `task.map` on the flow's
task runner (threads, or a Dask cluster).
"""

from __future__ import annotations

from prefect import get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE

from corpus import pipeline
from corpus.pipeline.stage import Context, Stage, advance, cached, remember
from flows import quiet
from flows.runner import thread_count

BY_NAME = {stage.name: stage for stage in pipeline.STAGES}


@task(cache_policy=NO_CACHE)
def stage_part(func, item):
    """One independent part of a stage (one territory of the ingest)."""
    return func(item)


def prefect_map(stage: Stage):
    """`map_` for `stage`: its parts as mapped Prefect tasks, results in the parts' order.

    On the thread pool (one machine), when the stage says its parts are `heavy`, each part's
    task hands its work to a process: spaCy holds Python's lock for part of each parse, so that
    two threads segmented only 1.4 times as fast as one (1,200 notes: 12.3 s alone, 8.8 s on
    two threads), and a process starts in some 7 s (`Settings.ingest_processes_min_chars`).
    Dask runs parts in its own worker processes already."""

    def map_(func, items: list, heavy: bool = False) -> list:
        name = getattr(getattr(func, "func", func), "__name__", "part")
        part = stage_part.with_options(name=f"{stage.name}-{name}")
        workers = _process_workers(len(items)) if heavy else 0
        if workers < 2:
            return [future.result() for future in part.map(unmapped(func), items)]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            # Every part queued at once: a process starts its next part while the main process
            # reads the last one's result (one part at a time, each process waited some 2.4 s
            # between the territories of 100,000 segments).
            futures = [pool.submit(func, item) for item in items]

            def in_process(index: int):
                return futures[index].result()

            return [future.result()
                    for future in part.map(unmapped(in_process), range(len(items)))]
        finally:
            # The processes end while the stage goes on: each frees its spaCy and its parses
            # on the way out, 1.2 s that the main process waited for.
            pool.shutdown(wait=False, cancel_futures=True)

    return map_


def _process_workers(parts: int) -> int:
    """Processes for `parts` parts: as many as the flow's thread pool runs at once, when the
    flow runs on threads; 0 otherwise."""
    from prefect.context import FlowRunContext
    from prefect.task_runners import ThreadPoolTaskRunner

    context = FlowRunContext.get()
    if context is None or not isinstance(context.task_runner, ThreadPoolTaskRunner):
        return 0
    return min(parts, thread_count())


@task(cache_policy=NO_CACHE, retry_delay_seconds=2, retry_condition_fn=quiet.retry_unexpected)
def run_stage(name: str, ctx: Context) -> dict:
    """One stage, unless the store holds its result for the same key."""
    stage = BY_NAME[name]
    key, summary = cached(stage, ctx)
    if summary is not None:
        get_run_logger().info("%s : déjà fait pour ces entrées, repris de la base", name)
        return summary
    summary = stage.run(ctx)
    remember(stage, ctx, key, summary)
    return summary


def run_all(stages, ctx: Context) -> tuple[Context, dict[str, dict], dict[str, float]]:
    """Every stage in order: (context after ingest, summaries, seconds per stage). The ingest
    runs in the flow itself, so that its territories are mapped on the flow's task runner."""
    import time

    summaries: dict[str, dict] = {}
    timings: dict[str, float] = {}
    for stage in stages:
        started = time.perf_counter()
        get_run_logger().info("Étape « %s »…", stage.name)
        if stage.name == "ingest":
            summary = stage.run(ctx, prefect_map(stage))
        else:
            retries = 2 if stage.name == "report" else 0  # disk writes; computing is not retried
            summary = run_stage.with_options(name=stage.name, retries=retries)(stage.name, ctx)
        summaries[stage.name] = summary
        ctx = advance(ctx, stage, summary)
        timings[stage.name] = round(time.perf_counter() - started, 3)
    return ctx, summaries, timings
