"""What the Python API and the explorer read at once: every segment with its provenance, the
cached vectors of many texts in one fetch, the map's 2-D projection, events' dates.

Reading 100,000 vectors row by row is slow; here they come through Arrow as one float32 matrix.
The projection is cached in the table `projection`, keyed by the vectors' embedder fingerprint
and a key of the theme assignment it was computed for (created on first write: additive).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corpus.store.database import Database

PROJECTION_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS projection (fingerprint VARCHAR, assignment VARCHAR, "
    "segment_id VARCHAR, x FLOAT, y FLOAT, method VARCHAR)"
)
SEGMENT_FIELDS = (
    "segment_id, doc_id, territory_id, event_id, atelier_id, position, orientation, "
    "orientation_score, theme_id, theme_label, group_id, text, lemmas"
)


class ExploreTables:
    """Bulk reads over `segments`, `embeddings`, `themes`, `events` and `projection`."""

    def __init__(self, db: Database):
        self.db = db

    def version(self) -> tuple:
        """Changes whenever segments are added, replaced or re-analysed (a new run)."""
        with self.db.connect() as con:
            row = con.execute(
                "SELECT (SELECT count(*) FROM segments), "
                "(SELECT CAST(max(ingested_at) AS VARCHAR) FROM documents), "
                "(SELECT CAST(max(finished_at) AS VARCHAR) FROM runs), "
                "(SELECT count(*) FROM segments WHERE theme_id IS NOT NULL)"
            ).fetchone()
        return tuple(row)

    def all_segments(self) -> pd.DataFrame:
        """Every segment, by segment id, with what a reader needs to place a quote."""
        return self.db.frame(f"SELECT {SEGMENT_FIELDS} FROM segments ORDER BY segment_id")

    def fingerprints(self) -> pd.DataFrame:
        """Embedder fingerprints in the cache, most vectors first, and which one the themes used."""
        return self.db.frame(
            "SELECT e.fingerprint, count(*) AS n, "
            "bool_or(e.fingerprint IN (SELECT fingerprint FROM themes)) AS themes "
            "FROM embeddings e GROUP BY 1 ORDER BY n DESC, 1"
        )

    def vectors(self, fingerprint: str, text_hashes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row numbers into `text_hashes`, float32 matrix) for the hashes that are cached."""
        if not text_hashes:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        import pyarrow.compute as pc

        wanted = pd.DataFrame({"row": np.arange(len(text_hashes)), "text_hash": text_hashes})
        with self.db.connect() as con:
            con.register("wanted", wanted)
            table = con.execute(
                "SELECT w.row, e.vector FROM wanted w JOIN (SELECT DISTINCT ON (text_hash) "
                "text_hash, vector FROM embeddings WHERE fingerprint = ?) e USING (text_hash) "
                "ORDER BY w.row",
                [fingerprint],
            ).to_arrow_table()
        rows = table.column("row").to_numpy()
        if not len(rows):
            return rows, np.zeros((0, 0), dtype=np.float32)
        vectors = table.column("vector").combine_chunks()
        flat = pc.list_flatten(vectors).to_numpy(zero_copy_only=False).astype(np.float32)
        return rows, flat.reshape(len(rows), -1)

    def projection(self, fingerprint: str, assignment: str) -> pd.DataFrame:
        with self.db.connect() as con:
            con.execute(PROJECTION_SCHEMA)
            return con.execute(
                "SELECT segment_id, x, y, method FROM projection WHERE fingerprint = ? "
                "AND assignment = ? ORDER BY segment_id",
                [fingerprint, assignment],
            ).df()

    def save_projection(self, fingerprint: str, assignment: str, frame: pd.DataFrame) -> None:
        """Replace the cached projection (one per fingerprint: older assignments are dropped)."""
        rows = frame[["segment_id", "x", "y", "method"]].assign(
            fingerprint=fingerprint, assignment=assignment
        )
        with self.db.transaction() as con:
            con.execute(PROJECTION_SCHEMA)
            con.execute("DELETE FROM projection WHERE fingerprint = ?", [fingerprint])
            con.register("new_proj", rows)
            con.execute("INSERT INTO projection BY NAME SELECT * FROM new_proj")

    def theme_payloads(self) -> pd.DataFrame:
        """The registry's themes.json entries (theme_id, payload as JSON text)."""
        return self.db.frame(
            "SELECT theme_id, CAST(payload AS VARCHAR) AS payload FROM themes ORDER BY theme_id"
        )

    def event_dates(self) -> pd.DataFrame:
        return self.db.frame("SELECT event_id, name, date FROM events ORDER BY date, event_id")
