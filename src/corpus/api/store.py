"""`CorpusStore`: one store read through the API. Each job lives in its module (`index`: the
segments and vectors in memory; `filters`; `ranking`: the search engine; `dossiers`: themes);
this class holds them together behind the methods of the Python API contract."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd

from corpus.api import corrections, dossiers, ranking
from corpus.api.filters import SearchError, check_orientation, mask
from corpus.api.index import RESULT_COLUMNS, Index, SegmentIndex
from corpus.config import DEFAULT_STORE, Settings
from corpus.embed.base import Embedder, canonical_text
from corpus.store import Store
from corpus.store.explore import ExploreTables

SEGMENT_COLUMNS = ["segment_id", "doc_id", "territory", "event", "atelier", "position",
                   "orientation", "theme_id", "theme_label", "group_id", "text"]


class CorpusStore:
    """One store, read through the API. Thread-safe: the explorer serves it from threads."""

    def __init__(self, path: Path | str = DEFAULT_STORE, *, embedder: Embedder | None = None):
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(
                f"{self.path} : base introuvable. Correction : lancez d'abord "
                f"`corpus run DOSSIER --store {self.path}`, ou passez --store FICHIER."
            )
        self.store = Store(self.path)
        self.tables = ExploreTables(self.store.db)
        self.lock = threading.RLock()  # DuckDB: one connection at a time
        self.settings = Settings()
        self._segments = SegmentIndex(self.path, self.store, self.tables, self.lock, embedder)

    def __repr__(self) -> str:
        return f"corpus.open({str(self.path)!r})"

    # -- the segments in memory ----------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        """The query embedder (`Settings.embedder_query`), loaded on first need."""
        return self._segments.embedder

    def index(self) -> Index:
        """The segments in memory, reloaded when the store changed since they were read."""
        return self._segments.index()

    def vectors(self, fingerprint: str | None = None) -> np.ndarray:
        """One row per segment (index order); see `SegmentIndex.vectors`."""
        return self._segments.vectors(fingerprint)

    def mask(self, *, territory: str | None = None, event: str | None = None,
             atelier: str | None = None, orientation: str | None = None,
             theme: str | None = None, group: str | None = None) -> np.ndarray:
        """Which segments match every given filter; a SearchError names accepted values."""
        return mask(self.index(), territory=territory, event=event, atelier=atelier,
                    orientation=orientation, theme=theme, group=group)

    # -- the API -------------------------------------------------------------------------------

    def query(self, text: str, *, territory: str | None = None, event: str | None = None,
              orientation: str | None = None, theme: str | None = None, limit: int = 10,
              atelier: str | None = None, group: str | None = None) -> pd.DataFrame:
        """The `limit` segments closest to `text`, best first: the ranking of `corpus query`."""
        question = canonical_text(text or "")
        if not question:
            raise SearchError("La question est vide. Correction : donnez quelques mots à chercher.")
        if limit < 1:
            raise SearchError(f"limit doit être au moins 1 (reçu : {limit}).")
        keep = self.mask(territory=territory, event=event, atelier=atelier,
                         orientation=orientation, theme=theme, group=group)
        rows = np.flatnonzero(keep)
        if not len(rows):
            return pd.DataFrame(columns=RESULT_COLUMNS)
        q = ranking.embed_while(self.embedder, question, self.vectors)
        vectors = self.vectors()
        cosine = (vectors @ q)[rows].astype(np.float64)  # no copy of the selected rows
        index = self.index()
        top = ranking.rank(index, rows, cosine, ranking.query_terms(question), limit,
                           self.settings.search_lexical_weight)
        return ranking.results(index, top)

    def segments(self, *, territory: str | None = None, event: str | None = None,
                 atelier: str | None = None, orientation: str | None = None,
                 theme: str | None = None, group: str | None = None,
                 limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """Segments matching the filters, by segment id (SEGMENT_COLUMNS)."""
        keep = self.mask(territory=territory, event=event, atelier=atelier,
                         orientation=orientation, theme=theme, group=group)
        rows = np.flatnonzero(keep)[offset:None if limit is None else offset + limit]
        return self.index().meta.iloc[rows][SEGMENT_COLUMNS].reset_index(drop=True)

    def themes(self, *, territory: str | None = None,
               orientation: str | None = None) -> pd.DataFrame:
        """Themes by number of ateliers then territories (as `corpus themes`), with their terms
        and grand thème."""
        if orientation is not None:
            check_orientation(orientation)
        if territory is not None:
            self.mask(territory=territory)
        frame = self.store.themes.summaries(territory=territory, orientation=orientation)
        return dossiers.with_terms(frame, self.theme_entries())

    def theme_entries(self) -> list[dict]:
        """The registry's themes.json entries for the themes the segments carry."""
        return dossiers.theme_entries(self.index(), self.tables)

    def theme(self, theme_id: str, *, quotes: int = 12) -> dict:
        """One theme: label, terms, counts, ateliers, territories, orientation split, its
        evolution across events, and quotes with their provenance and neighbouring segments."""
        index = self.index()
        return dossiers.dossier(index, self.tables, dossiers.theme_entries(index, self.tables),
                                theme_id, quotes)

    # -- corrections of the groupe de coopération ----------------------------------------------

    def correct(self, action: str, target: str, value=None, *, by: str = "",
                why: str = "") -> dict:
        """Append a correction (rename, merge, split, hide, pin, move, orient) to the log and
        replay it at once; returns its row. Refused (CorrectionError) when it fits nothing,
        (StoreBusy) while a run holds the store."""
        with self.lock:
            return corrections.correct(self.store, action, target, value, by=by, why=why,
                                       settings=self.settings)

    def corrections(self, *, include_undone: bool = True) -> pd.DataFrame:
        """The corrections log, in its order, with each one's status after the last run."""
        return corrections.corrections(self.store, include_undone=include_undone)

    def undo(self, correction_id: str | None = None) -> dict:
        """Undo a correction (default: the last one in force); returns its row."""
        with self.lock:
            return corrections.undo(self.store, correction_id, settings=self.settings)

    def sql(self, query: str) -> pd.DataFrame:
        """One read-only SQL statement on the store."""
        return self.store.read_only_sql(query)
