"""The store: one DuckDB file holds every table, and this package is the only place with SQL.

`Store(path)` opens it and groups its tables by what they hold: `texts` (documents, segments,
manifests, feedback), `scopes` (which documents an input is made of), `vectors` (the embedding
cache), `themes` (the registry and theme summaries), `runs`, `pseudonyms`, the
stages' `results` and the `corrections` log.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from corpus.store.corrections import CorrectionLog
from corpus.store.database import TABLES, Database, StoreError, now
from corpus.store.results import StageResults
from corpus.store.runs import Pseudonyms, Runs
from corpus.store.scopes import Scopes
from corpus.store.texts import Texts, segments_frame
from corpus.store.themes import ThemeTables
from corpus.store.vectors import VectorCache

READ_ONLY_PREFIXES = ("select", "with", "describe", "show", "summarize", "pragma", "explain")

__all__ = ["Store", "StoreError", "now", "segments_frame"]


class Store:
    """A DuckDB file. Open one per process; each call uses a short-lived connection."""

    def __init__(self, path: Path | str):
        self.db = Database(path)
        self.texts = Texts(self.db)
        self.scopes = Scopes(self.db)
        self.vectors = VectorCache(self.db)
        self.themes = ThemeTables(self.db)
        self.runs = Runs(self.db)
        self.pseudonyms = Pseudonyms(self.db)
        self.results = StageResults(self.db)
        self.corrections = CorrectionLog(self.db)

    @property
    def path(self) -> Path:
        return self.db.path

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        out = {}
        with self.db.connect() as con:
            for table in TABLES:
                out[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return out

    def read_only_sql(self, sql: str) -> pd.DataFrame:
        """Run one read-only statement on a read-only connection."""
        if not sql.strip().lower().startswith(READ_ONLY_PREFIXES):
            raise StoreError(
                "Seules les requêtes de lecture sont acceptées (SELECT, WITH, DESCRIBE, SHOW...). "
                "Correction : reformulez la requête en SELECT."
            )
        with self.db.connect(read_only=True) as con:
            try:
                return con.execute(sql).df()
            except duckdb.Error as exc:
                raise StoreError(f"Requête refusée : {exc}") from exc
