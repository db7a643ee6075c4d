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

BY_NAME = {stage.name: stage for stage in pipeline.STAGES}


@task(cache_policy=NO_CACHE)
def stage_part(func, item):
    """One independent part of a stage (one territory of the ingest)."""
    return func(item)


def prefect_map(stage: Stage):
    """`map_` for `stage`: its parts as mapped Prefect tasks, results in the parts' order."""

    def map_(func, items: list) -> list:
        name = getattr(getattr(func, "func", func), "__name__", "part")
        futures = stage_part.with_options(name=f"{stage.name}-{name}").map(unmapped(func), items)
        return [future.result() for future in futures]

    return map_


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
