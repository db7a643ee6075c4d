"""One territory's part of the ingest stage, in whatever process or thread runs it: its
segments, and the names the pseudonymiser finds in them before it learns the démarche's own.

Apart from `corpus.pipeline` on purpose: a process that segments a territory imports this and
what it needs (spaCy, the text rules), not the pipeline's other stages (scikit-learn, pandas,
DuckDB: 2.0 s before each process could load spaCy and start its first note).
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus import embed, progress
from corpus.config import Settings
from corpus.records import Note, Segment
from corpus.text import french, protect, segment


def segment_notes(notes: Sequence[Note], settings: Settings, nlp=None) -> list[Segment]:
    """Segments of notes, cut as `settings` says."""
    label = f"segmentation {notes[0].territory_id}" if notes else "segmentation"
    nlp = nlp if nlp is not None else french.load_nlp(settings.spacy_model)
    with progress.track(label, total=len(notes), unit="notes"):
        return segment.segment_notes(notes, nlp=nlp, min_chars=settings.min_segment_chars,
                                     max_chars=settings.max_segment_chars)


@embed.same_on_any_machine  # in a Dask worker too
def segment_and_find(notes: Sequence[Note], settings: Settings, pseudo: protect.Pseudonymiser,
                     nlp=None) -> tuple[list[Segment], list[list[tuple[int, int]]]]:
    """One part of the ingest stage: a territory's segments and the names `pseudo` finds in
    them (`protect.names_found`), both in the territory's process or thread: the names' search
    is most of the pseudonymisation's time (100,000 segments: 28.7 s of the ingest's 143.6,
    in the main process while the segmentation's processes had ended)."""
    segments = segment_notes(notes, settings, nlp)
    return segments, protect.names_found(segments, pseudo)
