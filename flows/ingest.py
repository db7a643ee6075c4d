"""Ingest flow: read a démarche (or a table), segment, protect, store. Idempotent."""

from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import pipeline
from corpus.config import DEFAULT_STORE, Settings
from corpus.ingest import TableOptions
from corpus.records import Demarche, Note, Segment
from corpus.store import Store, runlock
from corpus.text import french
from flows import quiet
from flows.runner import task_runner

quiet.install()


class IngestParams(BaseModel):
    input: str = Field("data/sample", description="Démarche folder or table file")
    store: str = Field(str(DEFAULT_STORE), description="DuckDB file")
    table: TableOptions = TableOptions()
    strict: bool = Field(False, description="Refuse the whole input on any unreadable file")
    lock_timeout_s: float | None = Field(None, description="Seconds to wait for another run")


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE,
      retry_condition_fn=quiet.retry_unexpected)
def read_input(params: IngestParams) -> Demarche:
    return pipeline.read_input(params.input, params.table, strict=params.strict)


@task(cache_policy=NO_CACHE)
def segment_territory(notes: list[Note], settings: Settings) -> list[Segment]:
    """Segments of one territory's new or changed notes (territories run concurrently)."""
    return pipeline.segment_notes(notes, settings)


@task(cache_policy=NO_CACHE)
def protect_demarche(store_path: str, demarche: Demarche, segments,
                     settings: Settings) -> pipeline.Protected:
    return pipeline.protect_demarche(Store(store_path), demarche, segments, settings)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE,
      retry_condition_fn=quiet.retry_unexpected)
def store_demarche(store_path: str, demarche, protected, unchanged) -> dict:
    return pipeline.store_demarche(Store(store_path), demarche, protected, unchanged)


@flow(name="corpus-ingest", task_runner=task_runner())
def ingest_flow(params: IngestParams, settings: Settings | None = None) -> pipeline.IngestResult:
    """Read, segment, protect and store one input; files already stored are skipped.

    Unreadable files are set aside (listed in the result) unless `params.strict`; the run
    holds the store's writer lock throughout (`corpus.store.runlock`).
    """
    settings = settings or Settings()
    with runlock.writer(params.store, timeout=runlock.timeout_s(
            params.lock_timeout_s, settings.run_lock_timeout_s)):
        return _ingest(params, settings)


def _ingest(params: IngestParams, settings: Settings) -> pipeline.IngestResult:
    logger = get_run_logger()
    demarche = read_input(params)
    store = Store(params.store)
    new, unchanged = pipeline.changed_notes(store, demarche)
    groups = pipeline.by_territory(new)
    if groups:
        french.load_nlp(settings.spacy_model)  # once, before the threads share it
    futures = segment_territory.map(groups, unmapped(settings))
    segments = [s for f in futures for s in f.result()]
    added = dict(pipeline.NOTHING_ADDED)
    if pipeline.needs_storing(store, demarche, new):
        protected = protect_demarche(params.store, demarche, segments, settings)
        added = store_demarche(params.store, demarche, protected, unchanged)
    result = pipeline.finish_ingest(store, params.input, demarche, added, unchanged)
    logger.info(
        "%s : %d documents lus, %d déjà en base, %d ajoutés (%d segments)",
        params.input, len(demarche.notes), len(unchanged), added["documents"], added["segments"],
    )
    if demarche.set_aside:
        logger.warning("%s : %d fichier(s) illisible(s) écarté(s), le reste est traité : %s",
                       params.input, len(demarche.set_aside),
                       ", ".join(s.path for s in demarche.set_aside))
    return result


def scope_name(input: str) -> str:
    """The scope of one input in the store (see `corpus.pipeline.scope_name`)."""
    return pipeline.scope_name(Path(input))
