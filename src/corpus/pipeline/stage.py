"""The one interface of every stage, and the loop that runs them.

A stage reads its inputs from the store and writes its results there; the store is the only
channel between stages. Each has the same small face:

    key(ctx)           what its result depends on (None: it always runs)
    run(ctx, map_)     do the work; `map_(func, items)` fans independent parts out

`run_stages` is the plain loop (one process); the Prefect flows run the same stages with
Prefect's task runner as `map_`. Both skip a stage whose key matches the one it last ran with
for the scope: the cache lives in the store with the results it stands for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from corpus.config import Settings
from corpus.ingest import TableOptions
from corpus.store import Store

log = logging.getLogger(__name__)

# map_(func, items, heavy=False): `heavy` says the parts are worth other processes (the flows
# then start some); a mapper may ignore it.
Mapper = Callable[..., list]


def serial(func: Callable[[Any], Any], items: list, heavy: bool = False) -> list:
    """`map_` on one thread, in order."""
    return [func(item) for item in items]


class Context(BaseModel):
    """What a stage is asked to do: one input (`scope`, its absolute path) in one store."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: str = Field(..., description="DuckDB file")
    scope: str = Field("", description="Absolute path of the input; set by the ingest stage")
    input: str = Field("", description="The input as given (démarche folder or table)")
    settings: Settings = Field(default_factory=Settings)
    table: TableOptions = TableOptions()
    strict: bool = False
    out: str = Field("", description="Output folder (report stage)")
    seed_from: str | None = None
    run_id: str = ""
    set_aside: list[dict] = Field(default_factory=list, description="Files left out by ingest")

    def open(self) -> Store:
        return Store(self.store)


class Stage(Protocol):
    name: str

    def key(self, ctx: Context) -> str | None: ...

    def run(self, ctx: Context, map_: Mapper = serial) -> dict: ...


def cached(stage: Stage, ctx: Context) -> tuple[str | None, dict | None]:
    """The stage's key, and its last summary for the scope when it ran with that key."""
    key = stage.key(ctx)
    if key is None or not ctx.scope:
        return key, None
    return key, ctx.open().results.get(ctx.scope, f"run:{stage.name}", key=key)


def remember(stage: Stage, ctx: Context, key: str | None, summary: dict) -> None:
    """Record the summary of a stage that ran, under its key."""
    if key is not None:
        ctx.open().results.put(ctx.scope, f"run:{stage.name}", summary, key=key)


def run_stages(stages: Sequence[Stage], ctx: Context, map_: Mapper = serial,
               ) -> tuple[Context, dict[str, dict], dict[str, float]]:
    """Every stage in order, in this process: (context after ingest, summaries, seconds)."""
    summaries: dict[str, dict] = {}
    timings: dict[str, float] = {}
    for stage in stages:
        started = time.perf_counter()
        key, summary = cached(stage, ctx)
        if summary is None:
            summary = stage.run(ctx, map_)
            remember(stage, ctx, key, summary)
        else:
            log.info("%s : résultat déjà en base pour ces entrées, repris", stage.name)
        summaries[stage.name] = summary
        ctx = advance(ctx, stage, summary)
        timings[stage.name] = round(time.perf_counter() - started, 3)
    return ctx, summaries, timings


def advance(ctx: Context, stage: Stage, summary: dict) -> Context:
    """The context the next stages see: ingest names the scope and the files set aside."""
    if stage.name == "ingest":
        return ctx.model_copy(update={"scope": summary["scope"],
                                      "set_aside": summary.get("set_aside", [])})
    return ctx


def out_dir(input: str, out: str | None) -> Path:
    """The output folder: `out`, else reports/<name of the input>."""
    return Path(out) if out else Path("reports") / Path(input).stem
