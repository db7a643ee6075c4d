"""The ingest stage: read an input, segment it (one part a territory), protect, store.

Idempotent: documents already stored with the same bytes are skipped. The only stage that reads
files; every later stage reads what it stored.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from corpus import embed, progress
from corpus.config import Settings
from corpus.ingest import IngestError, TableOptions, read_demarche, read_table
from corpus.pipeline.stage import Context, Mapper, serial
from corpus.records import Demarche, Note, Segment
from corpus.store import Store
from corpus.text import french, names, places, protect
from corpus.text.territory import segment_and_find, segment_notes  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

NOTHING_ADDED = {"documents": 0, "segments": 0, "feedback": 0}


class IngestResult(BaseModel):
    scope: str
    doc_ids: list[str]
    added: dict[str, int]
    unchanged: int
    set_aside: list[dict] = []  # files left out, unreadable: path, kind, reason, fix, line
    seconds: dict[str, float] = {}  # read, segment, protect, store (bench/ingest.py prints them)


@dataclass
class Protected:
    """A démarche's segments and feedback after pseudonymisation, and the pseudonymiser."""

    segments: list[Segment]
    feedback: list
    pseudonymiser: protect.Pseudonymiser


def scope_name(input: str | Path) -> str:
    """The scope of one input in the store: its absolute path."""
    return str(Path(input).resolve())


def read_input(input: str | Path, table: TableOptions | None = None, *,
               strict: bool = False) -> Demarche:
    """A démarche folder (unreadable files set aside unless `strict`), or a table file read
    with its column options."""
    path = Path(input)
    if path.is_file():
        options = (table or TableOptions()).model_dump()
        if not options.get("text"):
            raise IngestError(path, "une table demande le nom de sa colonne de texte",
                              "ajoutez --text NOM_DE_COLONNE")
        return read_table(path, **options, strict=strict)
    return read_demarche(path, strict=strict)


def changed_notes(store: Store, demarche: Demarche) -> tuple[list[Note], list[str]]:
    """Notes that are new or changed since they were stored, and the ids of the unchanged."""
    stored = store.texts.stored_hashes(n.doc_id for n in demarche.notes)
    unchanged = [n.doc_id for n in demarche.notes if stored.get(n.doc_id) == n.content_hash]
    return [n for n in demarche.notes if stored.get(n.doc_id) != n.content_hash], unchanged


def by_territory(notes: Sequence[Note]) -> list[list[Note]]:
    """Notes grouped by territory (the unit of concurrent segmentation), territories sorted."""
    return [[n for n in notes if n.territory_id == t]
            for t in sorted({n.territory_id for n in notes})]


def needs_storing(store: Store, demarche: Demarche, new: Sequence[Note]) -> bool:
    """False when every file read is stored with the same bytes: nothing to protect or write."""
    return bool(new) or not store.texts.stored_file_hashes().items() >= (
        demarche.file_hashes.items())


def pseudonymiser(store: Store, demarche: Demarche, settings: Settings) -> protect.Pseudonymiser:
    """The démarche's pseudonymiser: its manifests' names and places, the numbers its earlier
    runs gave, the communes and the name rules of `settings.models_dir`."""
    numbers = store.pseudonyms.numbers(protect.scope_of(demarche))
    finder = names.name_finder(settings.models_dir, settings.spacy_model)
    return protect.pseudonymiser_for(demarche, numbers,
                                     places.french_communes(settings.models_dir), finder)


def protect_demarche(store: Store, demarche: Demarche, segments: Sequence[Segment],
                     settings: Settings, nlp=None, *, pseudo: protect.Pseudonymiser | None = None,
                     found: Sequence[list[tuple[int, int]]] | None = None) -> Protected:
    """Segments and feedback with people's names, e-mails and phones protected. `pseudo` and
    `found`: the pseudonymiser and `protect.names_found` of the segments, already made."""
    pseudo = pseudo if pseudo is not None else pseudonymiser(store, demarche, settings)
    if nlp is None and demarche.feedback:  # only the feedback is parsed here
        nlp = french.load_nlp(settings.spacy_model)
    with progress.step("pseudonymisation", len(segments), "segments"):
        kept = protect.protect_segments(segments, pseudo, found)
    return Protected(kept, protect.protect_feedback(demarche.feedback, pseudo, nlp=nlp), pseudo)


def store_demarche(store: Store, demarche: Demarche, protected: Protected,
                   unchanged: Sequence[str]) -> dict[str, int]:
    """Write a protected démarche (one transaction) and its pseudonym numbers."""
    with progress.step("écriture en base", len(protected.segments), "segments"):
        added = store.texts.write_demarche(demarche, protected.segments, protected.feedback,
                                           skip_doc_ids=unchanged)
    store.pseudonyms.add(protected.pseudonymiser.scope, protected.pseudonymiser.numbers)
    return added


def finish_ingest(store: Store, input: str | Path, demarche: Demarche, added: dict[str, int],
                  unchanged: Sequence[str]) -> IngestResult:
    """Record the input's scope and say what was added."""
    scope = scope_name(input)
    store.scopes.set(scope, (n.doc_id for n in demarche.notes))
    return IngestResult(scope=scope, doc_ids=sorted(n.doc_id for n in demarche.notes),
                        added=added, unchanged=len(unchanged),
                        set_aside=[s.model_dump() for s in demarche.set_aside])


@embed.same_on_any_machine  # spaCy's products (`french.load_nlp`) on one BLAS thread
def ingest(input: str | Path, store: Store, settings: Settings,
           table: TableOptions | None = None, *,
           map_: Mapper | None = None, nlp=None, strict: bool = False) -> IngestResult:
    """The whole ingest stage: read, segment (per territory, through `map_`), protect, store.

    Idempotent: documents already stored with the same bytes are skipped. `map_` receives a
    picklable function (it may run the territories in other processes).
    """
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step], clock = round(now - clock, 3), now

    demarche = read_input(input, table, strict=strict)
    new, unchanged = changed_notes(store, demarche)
    heavy = sum(len(note.text) for note in new) >= settings.ingest_processes_min_chars
    if new and nlp is None and not heavy:
        # Once, before the territories' threads share it. A heavy input's territories may be
        # segmented in other processes, which load their own (this one would wait 5 s idle).
        french.load_nlp(settings.spacy_model)
    lap("read")
    storing = needs_storing(store, demarche, new)
    pseudo = pseudonymiser(store, demarche, settings) if storing else None
    mapped = (map_ or serial)(
        functools.partial(segment_and_find, settings=settings, pseudo=pseudo, nlp=nlp),
        by_territory(new), heavy=heavy)
    segments = [s for group, _ in mapped for s in group]
    found = [f for _, group in mapped for f in group]
    lap("segment")
    added = dict(NOTHING_ADDED)
    if storing:
        protected = protect_demarche(store, demarche, segments, settings, nlp, pseudo=pseudo,
                                     found=found)
        lap("protect")
        added = store_demarche(store, demarche, protected, unchanged)
        lap("store")
    result = finish_ingest(store, input, demarche, added, unchanged)
    return result.model_copy(update={"seconds": seconds})


class Ingest:
    """The ingest stage; always runs (it skips, by content, what is already stored)."""

    name = "ingest"

    def key(self, ctx: Context) -> None:
        return None

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        result = ingest(ctx.input, ctx.open(), ctx.settings, ctx.table, map_=map_,
                        strict=ctx.strict)
        demarche_log(ctx.input, result)
        return result.model_dump()


def demarche_log(input: str, result: IngestResult) -> None:
    log.info("%s : %d documents lus, %d déjà en base, %d ajoutés (%d segments)", input,
             len(result.doc_ids), result.unchanged, result.added["documents"],
             result.added["segments"])
    if result.set_aside:
        log.warning("%s : %d fichier(s) illisible(s) écarté(s), le reste est traité : %s",
                    input, len(result.set_aside), ", ".join(s["path"] for s in result.set_aside))
