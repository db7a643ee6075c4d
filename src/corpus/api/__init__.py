"""The Python API, for notebooks, the command line and the explorer.

    import corpus
    store = corpus.open("data/corpus.duckdb")
    store.query("freins à l'embauche des seniors", territory="marseille", limit=5)
    store.themes(orientation="difficulte")
    store.theme("T003")["quotes"]
    store.segments(theme="T003", orientation="levier")
    store.sql("SELECT territory_id, count(*) FROM segments GROUP BY 1")
    store.correct("rename", "T003", "Financement des parcours", by="Awa", why="plus juste")
    store.corrections(); store.undo("C001")

Every method returns a pandas DataFrame (a dict for one theme). The segments, their provenance
and, on the first query, their vectors are read once and kept in memory (reloaded when a run
changes the store); the query embedder loads on first need and stays loaded.

- `store`: `CorpusStore`, the methods above;
- `index`: the segments and their vectors in memory;
- `filters`: which segments match, or an error naming the accepted values;
- `ranking`: the search engine (cosine plus a lexical bonus, ties by segment id);
- `dossiers`: the themes' entries and one theme's dossier;
- `corrections`: the groupe de coopération's corrections, written to the log and replayed.
"""

from __future__ import annotations

from pathlib import Path

from corpus.api.filters import SearchError
from corpus.api.index import RESULT_COLUMNS
from corpus.api.store import SEGMENT_COLUMNS, CorpusStore
from corpus.config import DEFAULT_STORE
from corpus.corrections import CorrectionError
from corpus.embed.base import Embedder

__all__ = ["RESULT_COLUMNS", "SEGMENT_COLUMNS", "CorpusStore", "CorrectionError", "SearchError",
           "open"]


def open(path: Path | str = DEFAULT_STORE, *, embedder: Embedder | None = None) -> CorpusStore:
    """The store at `path` (a DuckDB file written by `corpus run`)."""
    return CorpusStore(path, embedder=embedder)
