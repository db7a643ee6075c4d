"""The flows that `corpus run` and `corpus ingest` call: the one loop over the stages
(`flows.stages`), under the store's writer lock, taken here and only here."""

from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import pipeline as stages
from corpus.config import DEFAULT_SEED, DEFAULT_STORE, Settings
from corpus.ingest import TableOptions
from corpus.pipeline import Context
from corpus.store import Store, runlock
from flows import quiet
from flows.runner import task_runner
from flows.stages import run_all

quiet.install()


class RunParams(BaseModel):
    """What `corpus run` was asked to do (shown as a form in the Prefect UI)."""

    input: str = Field("data/sample", description="Démarche folder or table file")
    out: str | None = Field(None, description="Output folder (default reports/<input name>)")
    store: str = Field(str(DEFAULT_STORE), description="DuckDB file")
    seed: int = DEFAULT_SEED
    seed_from: str | None = Field(None, description="problematiques.json of an earlier run")
    orient_model: str | None = Field(None, description="A team's orientation model (.npz)")
    table: TableOptions = TableOptions()
    strict: bool = Field(False, description="Refuse the whole input on any unreadable file")
    lock_timeout_s: float | None = Field(
        None, description="Seconds to wait for another run on the store (default: settings)")

    def out_dir(self) -> Path:
        return stages.out_dir(self.input, self.out)


class IngestParams(BaseModel):
    input: str = Field("data/sample", description="Démarche folder or table file")
    store: str = Field(str(DEFAULT_STORE), description="DuckDB file")
    table: TableOptions = TableOptions()
    strict: bool = Field(False, description="Refuse the whole input on any unreadable file")
    lock_timeout_s: float | None = Field(None, description="Seconds to wait for another run")


def _settings(params: RunParams | IngestParams) -> Settings:
    model = getattr(params, "orient_model", None)
    return Settings(store=Path(params.store), seed=getattr(params, "seed", Settings().seed),
                    orient_model=Path(model) if model else None)


def _lock(params: RunParams | IngestParams, settings: Settings):
    return runlock.writer(params.store, timeout=runlock.timeout_s(
        params.lock_timeout_s, settings.run_lock_timeout_s))


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def ensure_models(settings: Settings) -> None:
    from corpus.embed.provision import ensure_models

    ensure_models(settings.models_dir)


@flow(name="corpus-pipeline", task_runner=task_runner())
def pipeline(params: RunParams) -> dict:
    """Run every stage on one input and write its outputs; returns the run summary (run.json).

    Holds the store's writer lock from start to end (`corpus.store.runlock`); unreadable files
    are set aside and listed (summary["set_aside"]) unless `params.strict`.
    """
    settings = _settings(params)
    with _lock(params, settings):
        return _run(params, settings)


@flow(name="corpus-ingest", task_runner=task_runner())
def ingest_flow(params: IngestParams) -> stages.IngestResult:
    """Read, segment, protect and store one input; files already stored are skipped."""
    settings = _settings(params)
    with _lock(params, settings):
        ctx = Context(store=params.store, input=params.input, settings=settings,
                      table=params.table, strict=params.strict)
        _, summaries, _ = run_all(stages.INGEST, ctx)
        return stages.IngestResult(**summaries["ingest"])


def _run(params: RunParams, settings: Settings) -> dict:
    logger = get_run_logger()
    started = datetime.now(UTC)
    out = params.out_dir()
    run_id = f"{started:%Y%m%dT%H%M%S}-{Path(params.input).stem}"
    ensure_models(settings)
    ctx = Context(store=params.store, input=params.input, settings=settings, table=params.table,
                  strict=params.strict, out=str(out), seed_from=params.seed_from, run_id=run_id)
    ctx, done, timings = run_all(stages.STAGES, ctx)
    ingested = stages.IngestResult(**done["ingest"])
    store = Store(params.store)
    publish_artifacts(params.store, ctx.scope, str(out), done)
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
            "themes": done["themes"]["themes"],
            "outlier_fraction": done["themes"]["outlier_fraction"],
            "orientation": done["orientation"]["orientation_counts"],
            "deroule": done["orientation"].get("deroule_segments", 0),
            "added": ingested.added,
            "unchanged_documents": ingested.unchanged,
            "set_aside": len(ingested.set_aside),
        },
        "set_aside": ingested.set_aside,
        "corrections": {k: done["corrections"].get(k, []) for k in
                        ("applied", "not_applicable", "out_of_scope", "hidden", "carried")},
        "files": {**done["report"], "run": str(out / "run.json")},
    }
    stages.record_run(store, summary, run_id=run_id, started=started, settings=settings)
    logger.info("orientations %s ; %d thèmes", done["orientation"]["orientation_counts"],
                done["themes"]["themes"])
    logger.info("Résultats écrits dans %s", out)
    if ingested.set_aside:
        logger.warning("%d fichier(s) écarté(s), listés dans la synthèse et %s",
                       len(ingested.set_aside), out / "run.json")
    return summary


@task(cache_policy=NO_CACHE)
def publish_artifacts(store_path: str, scope: str, out: str, done: dict) -> None:
    """Keyed artifacts, so they version across runs in the Prefect UI (read from the store)."""
    import json

    store = Store(store_path)
    key = "corpus-" + "".join(c if c.isalnum() else "-" for c in Path(out).name.lower())[:40]
    files = store.results.files(scope)
    if "synthese.md" in files:
        create_markdown_artifact(key=f"{key}-synthese", markdown=files["synthese.md"].decode(),
                                 description="Synthèse de l'événement")
    found = json.loads(store.results.get(scope, "themes") or "[]")
    top = sorted(found, key=lambda t: (-t["n_ateliers"], -t["n_territories"], -t["size"],
                                       t["theme_id"]))[:10]
    if top:
        create_table_artifact(
            key=f"{key}-themes",
            table=[{"theme_id": t["theme_id"], "thème": t["label"], "ateliers": t["n_ateliers"],
                    "territoires": t["n_territories"], "segments": t["size"]} for t in top],
            description="Thèmes récurrents les plus présents",
        )
    if done["synthesis"]["problematiques"]:
        create_table_artifact(key=f"{key}-problematiques",
                              table=done["synthesis"]["problematiques"],
                              description="Problématiques les plus pesantes")
    for name, path in sorted(done["report"].items()):
        create_link_artifact(key=f"{key}-{name.replace('_', '-')}"[:60],
                             link=Path(path).resolve().as_uri(), link_text=Path(path).name)
