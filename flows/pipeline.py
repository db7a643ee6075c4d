"""The parent flow that `corpus run` calls: ingest, analyse, write the output contract."""

import time
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import pipeline as stages
from corpus.config import DEFAULT_STORE, Settings
from corpus.ingest import TableOptions
from corpus.store import Store, runlock
from flows import quiet
from flows.analysis import AnalysisParams, analysis_flow
from flows.ingest import IngestParams, ingest_flow
from flows.synthesis import SynthesisParams, synthesis_flow

quiet.install()


class RunParams(BaseModel):
    """What `corpus run` was asked to do (shown as a form in the Prefect UI)."""

    input: str = Field("data/sample", description="Démarche folder or table file")
    out: str | None = Field(None, description="Output folder (default reports/<input name>)")
    store: str = Field(str(DEFAULT_STORE), description="DuckDB file")
    seed: int = 42
    seed_from: str | None = Field(None, description="problematiques.json of an earlier run")
    orient_model: str | None = Field(None, description="A team's orientation model (.npz)")
    table: TableOptions = TableOptions()
    strict: bool = Field(False, description="Refuse the whole input on any unreadable file")
    lock_timeout_s: float | None = Field(
        None, description="Seconds to wait for another run on the store (default: settings)")

    def out_dir(self) -> Path:
        return Path(self.out) if self.out else Path("reports") / Path(self.input).stem


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE,
      retry_condition_fn=quiet.retry_unexpected)
def write_tables(store_path: str, doc_ids: list[str], out: str) -> dict[str, str]:
    return stages.write_tables(Store(store_path), doc_ids, out)


@flow(name="corpus-pipeline")
def pipeline(params: RunParams) -> dict:
    """Run every stage on one input and write its outputs; returns the run summary.

    Holds the store's writer lock from start to end (`corpus.store.runlock`); unreadable files
    are set aside and listed (summary["set_aside"]) unless `params.strict`.
    """
    settings = Settings(
        store=Path(params.store), seed=params.seed,
        orient_model=Path(params.orient_model) if params.orient_model else None,
    )
    with runlock.writer(params.store, timeout=runlock.timeout_s(
            params.lock_timeout_s, settings.run_lock_timeout_s)):
        return _run(params, settings)


def _run(params: RunParams, settings: Settings) -> dict:
    logger = get_run_logger()
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ingested = ingest_flow(
        IngestParams(input=params.input, store=params.store, table=params.table,
                     strict=params.strict, lock_timeout_s=params.lock_timeout_s), settings
    )
    timings["ingest"] = round(time.perf_counter() - t0, 3)
    out = params.out_dir()
    run_id = f"{started:%Y%m%dT%H%M%S}-{Path(params.input).stem}"
    t0 = time.perf_counter()
    analysed = analysis_flow(
        AnalysisParams(scope=ingested.scope, store=params.store, out=str(out), seed=params.seed,
                       seed_from=params.seed_from, run_id=run_id),
        settings,
    )
    timings["analysis"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    files = write_tables(params.store, ingested.doc_ids, str(out))
    files["themes"] = analysed["path"]
    timings["write"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    synthesised = synthesis_flow(
        SynthesisParams(scope=ingested.scope, store=params.store, out=str(out),
                        seed_from=params.seed_from, set_aside=ingested.set_aside),
        settings,
    )
    files.update(synthesised["files"])
    timings["synthesis"] = round(time.perf_counter() - t0, 3)
    store = Store(params.store)
    summary = {
        "input": params.input,
        "out": str(out),
        "store": params.store,
        "seed": params.seed,
        "seed_from": params.seed_from,
        "started_at": started.isoformat(timespec="seconds"),
        "config": settings.as_dict(),
        "versions": stages.versions(),
        "timings_s": timings,
        "counts": {
            "documents": len(ingested.doc_ids),
            "segments": store.texts.count_segments(ingested.doc_ids),
            "themes": analysed["themes"],
            "outlier_fraction": analysed["outlier_fraction"],
            "orientation": analysed["orientation_counts"],
            "added": ingested.added,
            "unchanged_documents": ingested.unchanged,
            "set_aside": len(ingested.set_aside),
        },
        "set_aside": ingested.set_aside,
        "files": {**files, "run": str(out / "run.json")},
    }
    stages.record_run(store, summary, run_id=run_id, started=started, settings=settings)
    logger.info("Résultats écrits dans %s", out)
    if ingested.set_aside:
        logger.warning("%d fichier(s) écarté(s), listés dans la synthèse et %s",
                       len(ingested.set_aside), out / "run.json")
    return summary
