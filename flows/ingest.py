"""Ingest flow: read a démarche (or a table), segment, protect, store. Idempotent."""

from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import ingest, protect, segment
from corpus.config import Settings
from corpus.records import Demarche, Note, Segment
from corpus.store import Store
from flows.runner import task_runner


class TableOptions(BaseModel):
    """Columns of a flat table (CSV, XLSX, Parquet); `text` is required for a table."""

    text: str | None = None
    id: str | None = None
    territory: str | None = None
    event: str | None = None
    atelier: str | None = None
    orientation: str | None = Field(None, description="Column of known difficulte/levier labels")


class IngestParams(BaseModel):
    input: str = Field("data/sample", description="Démarche folder or table file")
    store: str = Field("data/corpus.duckdb", description="DuckDB file")
    table: TableOptions = TableOptions()


class IngestResult(BaseModel):
    scope: str
    doc_ids: list[str]
    added: dict[str, int]
    unchanged: int


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def read_input(params: IngestParams) -> Demarche:
    path = Path(params.input)
    if path.is_file():
        opts = params.table.model_dump()
        if not opts.get("text"):
            raise ingest.IngestError(
                path, None, "une table demande le nom de sa colonne de texte",
                "ajoutez --text NOM_DE_COLONNE",
            )
        return ingest.read_table(path, **opts)
    return ingest.read_demarche(path)


@task(cache_policy=NO_CACHE)
def segment_territory(notes: list[Note], settings: Settings) -> list[Segment]:
    """Segments of one territory's new or changed notes (territories run concurrently)."""
    return segment.segment_notes(
        notes, min_chars=settings.min_segment_chars, max_chars=settings.max_segment_chars
    )


@task(cache_policy=NO_CACHE)
def protect_all(demarche: Demarche, segments, numbers: dict[str, int]):
    pseudo = protect.pseudonymiser_for(demarche, numbers)
    return (
        protect.protect_segments(segments, pseudo),
        protect.protect_feedback(demarche.feedback, pseudo, nlp=segment.load_nlp()),
        pseudo,
    )


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def store_all(store_path: str, demarche, segments, feedback, pseudo, unchanged) -> dict:
    store = Store(store_path)
    added = store.write_demarche(demarche, segments, feedback, skip_doc_ids=unchanged)
    store.add_pseudonyms(pseudo.scope, pseudo.numbers)
    return added


def scope_name(input: str) -> str:
    """The scope of one input in the store: its absolute path."""
    return str(Path(input).resolve())


@flow(name="corpus-ingest", task_runner=task_runner())
def ingest_flow(params: IngestParams, settings: Settings | None = None) -> IngestResult:
    """Read, segment, protect and store one input; files already stored are skipped."""
    logger = get_run_logger()
    settings = settings or Settings()
    demarche = read_input(params)
    store = Store(params.store)
    stored = store.stored_hashes(n.doc_id for n in demarche.notes)
    unchanged = [n.doc_id for n in demarche.notes if stored.get(n.doc_id) == n.content_hash]
    new = [n for n in demarche.notes if stored.get(n.doc_id) != n.content_hash]
    by_territory = [
        [n for n in new if n.territory_id == t]
        for t in sorted({n.territory_id for n in new})
    ]
    if by_territory:
        segment.load_nlp()  # once, before the threads share it
    futures = segment_territory.map(by_territory, unmapped(settings))
    segments = [s for f in futures for s in f.result()]
    if not new and store.stored_file_hashes().items() >= demarche.file_hashes.items():
        # Every file read is stored with the same bytes: nothing to protect or write again.
        added = {"documents": 0, "segments": 0, "feedback": 0}
    else:
        numbers = store.pseudonym_numbers(protect.scope_of(demarche))
        protected, feedback, pseudo = protect_all(demarche, segments, numbers)
        added = store_all(params.store, demarche, protected, feedback, pseudo, unchanged)
    store.set_scope(scope_name(params.input), (n.doc_id for n in demarche.notes))
    logger.info(
        "%s : %d documents lus, %d déjà en base, %d ajoutés (%d segments)",
        params.input, len(demarche.notes), len(unchanged), added["documents"], added["segments"],
    )
    return IngestResult(
        scope=scope_name(params.input),
        doc_ids=sorted(n.doc_id for n in demarche.notes), added=added, unchanged=len(unchanged)
    )
