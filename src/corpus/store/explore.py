"""What the Python API and the explorer read at once: every segment with its provenance, the
cached vectors of many texts in one fetch, the map's 2-D projection, events' dates.

Derived data, kept to answer fast and safe to delete: the table `projection` (the map's
coordinates, created on first write: additive) and, beside the store, `<store>.vectors/`, the
segments of the current store version (Arrow) and their vectors (one memory-mapped float32
matrix per embedder).

Reading 100,000 vectors row by row is slow; here they come through Arrow as one float32 matrix.
The projection is cached in the table `projection`, keyed by the vectors' embedder fingerprint
and a key of the theme assignment it was computed for (created on first write: additive).
"""

from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from pathlib import Path

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

    @contextmanager
    def _connect(self):
        """A connection without DuckDB's progress bar (it would print into `--json` output)."""
        with self.db.connect() as con:
            con.execute("SET enable_progress_bar = false")
            yield con

    def version(self) -> tuple:
        """Changes whenever a segment is added, removed, edited (a name forgotten) or
        re-analysed: a checksum of every column the API reads."""
        with self._connect() as con:
            row = con.execute(
                "SELECT (SELECT count(*) FROM segments), "
                "(SELECT CAST(max(ingested_at) AS VARCHAR) FROM documents), "
                "(SELECT CAST(max(finished_at) AS VARCHAR) FROM runs), "
                "(SELECT sum(hash(concat_ws('|', segment_id, doc_id, position, text, lemmas, "
                "orientation, theme_id, theme_label, group_id))) FROM segments)"
            ).fetchone()
        return tuple(row)

    def all_segments(self, version: str | None = None) -> pd.DataFrame:
        """Every segment, by segment id, with what a reader needs to place a quote.

        With `version`, read from (or saved to) the cache beside the store, as Arrow.
        """
        import pyarrow as pa
        import pyarrow.feather as feather

        path = self._snapshot_path("segments").with_suffix(".arrow")
        if version is not None:
            try:
                info = json.loads(path.with_suffix(".json").read_text("utf-8"))
                if info.get("version") == version:
                    return feather.read_table(path, memory_map=True).to_pandas()
            except (OSError, ValueError, pa.ArrowInvalid):
                pass
        with self._connect() as con:
            table = con.execute(
                f"SELECT {SEGMENT_FIELDS} FROM segments ORDER BY segment_id").to_arrow_table()
        if version is not None:
            try:
                path.parent.mkdir(exist_ok=True)
                tmp = path.with_suffix(".tmp.arrow")
                feather.write_feather(table, tmp, compression="uncompressed")
                tmp.replace(path)
                path.with_suffix(".json").write_text(json.dumps({"version": version}), "utf-8")
            except OSError:
                pass
        return table.to_pandas()

    def fingerprints(self) -> pd.DataFrame:
        """Embedder fingerprints in the cache, most vectors first, and which one the themes used."""
        return self.db.frame(
            "SELECT e.fingerprint, count(*) AS n, "
            "bool_or(e.fingerprint IN (SELECT fingerprint FROM themes)) AS themes "
            "FROM embeddings e GROUP BY 1 ORDER BY n DESC, 1"
        )

    def segment_vectors(self, fingerprint: str) -> tuple[np.ndarray, np.ndarray]:
        """(segment ids, float32 matrix) of the segments whose text has a cached vector.

        The text's hash is computed by DuckDB as `corpus.embed.text_hash` does in Python
        (NFC, whitespace runs to one space, trimmed, sha256, 32 hex digits): no round trip of
        100,000 texts through Python. A text the two would canonicalise differently simply
        finds no vector here; `vectors` then looks it up by its Python hash.
        """
        with self._connect() as con:
            table = con.execute(
                "SELECT s.segment_id, e.vector FROM (SELECT segment_id, substr(sha256(trim("
                "regexp_replace(nfc_normalize(text), '\\s+', ' ', 'g'))), 1, 32) AS text_hash "
                "FROM segments) s JOIN (SELECT text_hash, vector FROM embeddings "
                "WHERE fingerprint = ?) e USING (text_hash) ORDER BY s.segment_id",
                [fingerprint],
            ).to_arrow_table()
        return _matrix(table, "segment_id")

    def vectors(self, fingerprint: str, text_hashes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row numbers into `text_hashes`, float32 matrix) for the hashes that are cached."""
        if not text_hashes:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        wanted = pd.DataFrame({"row": np.arange(len(text_hashes)), "text_hash": text_hashes})
        with self._connect() as con:
            con.register("wanted", wanted)
            table = con.execute(
                "SELECT w.row, e.vector FROM wanted w JOIN embeddings e USING (text_hash) "
                "WHERE e.fingerprint = ? ORDER BY w.row",
                [fingerprint],
            ).to_arrow_table()
        rows, matrix = _matrix(table, "row")
        first = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, dtype=bool)
        return rows[first], matrix[first]

    @property
    def cache_dir(self) -> Path:
        """`<store>.vectors/`: copies of the segments' vectors and texts beside the store."""
        return self.db.path.with_name(f"{self.db.path.name}.vectors")

    def drop_cache(self) -> bool:
        """Delete the cache beside the store (derived data: the next read rebuilds it)."""
        if not self.cache_dir.is_dir():
            return False
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        return True

    def _snapshot_path(self, fingerprint: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in fingerprint)
        return self.cache_dir / f"{safe}.npy"

    def snapshot(self, fingerprint: str, version: str, n: int) -> np.ndarray | None:
        """The segments' vectors as saved by `save_snapshot` for this store version, or None.

        Reading 100,000 FLOAT[] lists from `embeddings` takes seconds, and so do large BLOBs;
        this cache beside the store (`<store>.vectors/<fingerprint>.npy`, memory-mapped) is
        read at once. It is derived data: deleting the folder only costs one slow read.
        """
        path = self._snapshot_path(fingerprint)
        try:
            info = json.loads(path.with_suffix(".json").read_text("utf-8"))
            if info.get("version") != version or info.get("n") != n:
                return None
            matrix = np.load(path, mmap_mode="r")
        except (OSError, ValueError):
            return None
        return matrix if matrix.ndim == 2 and len(matrix) == n else None

    def save_snapshot(self, fingerprint: str, version: str, matrix: np.ndarray) -> None:
        """Keep `matrix` (one row per segment, by segment id) for this store version only."""
        path = self._snapshot_path(fingerprint)
        try:
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, np.ascontiguousarray(matrix, dtype=np.float32))
            tmp.replace(path)
            path.with_suffix(".json").write_text(
                json.dumps({"version": version, "n": len(matrix)}), "utf-8")
        except OSError:  # a read-only folder: the cache is only an acceleration
            return

    def projection(self, fingerprint: str, assignment: str) -> pd.DataFrame:
        with self._connect() as con:
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
        """The themes.json entries (theme_id, payload as JSON text): the registry's, replaced
        by the runs' corrected themes (the groupe de coopération's headings, merges, splits;
        the latest run's last)."""
        frame = self.db.frame(
            "SELECT theme_id, CAST(payload AS VARCHAR) AS payload FROM themes ORDER BY theme_id"
        )
        entries = dict(zip(frame["theme_id"], frame["payload"], strict=True))
        runs = self.db.frame("SELECT CAST(payload AS VARCHAR) AS payload FROM stage_results "
                             "WHERE stage = 'themes' ORDER BY recorded_at, scope")
        for text in runs["payload"]:
            for entry in json.loads(json.loads(text) or "[]"):
                entries[entry["theme_id"]] = json.dumps(entry, ensure_ascii=False)
        return pd.DataFrame({"theme_id": sorted(entries),
                             "payload": [entries[t] for t in sorted(entries)]})

    def event_dates(self) -> pd.DataFrame:
        return self.db.frame("SELECT event_id, name, date FROM events ORDER BY date, event_id")


def _matrix(table, key: str) -> tuple[np.ndarray, np.ndarray]:
    """(the key column, the `vector` list column as one float32 matrix) of an Arrow table."""
    import pyarrow.compute as pc

    keys = table.column(key).to_numpy(zero_copy_only=False)
    if not len(keys):
        return keys, np.zeros((0, 0), dtype=np.float32)
    flat = pc.list_flatten(table.column("vector").combine_chunks())
    matrix = flat.to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    return keys, matrix.reshape(len(keys), -1)
