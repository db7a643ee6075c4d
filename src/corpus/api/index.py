"""The segments in memory: read once, reloaded when a run changes the store, and their vectors
(from the embedding cache, snapshotted in the store for the next process)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from corpus.embed.base import Embedder, text_hash
from corpus.store import Store
from corpus.store.explore import ExploreTables
from corpus.text.french import fold

RESULT_COLUMNS = ["segment_id", "doc_id", "score", "territory", "event", "atelier",
                  "orientation", "theme_id", "theme_label", "text"]
RENAMED = {"territory_id": "territory", "event_id": "event", "atelier_id": "atelier"}


@dataclass
class Index:
    """Segments by segment id, their filter columns as arrays, their vectors once loaded."""

    version: tuple
    meta: pd.DataFrame
    columns: dict[str, np.ndarray]
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # fingerprint -> rows
    values: dict[str, np.ndarray] = field(default_factory=dict)  # RESULT_COLUMNS as stored
    folded_texts: np.ndarray | None = None

    @classmethod
    def load(cls, tables: ExploreTables, version: tuple) -> Index:
        meta = tables.all_segments(repr(version)).rename(columns=RENAMED)
        meta["lemmas"] = meta["lemmas"].fillna("")
        low = {k: meta[k].fillna("").str.lower().to_numpy(dtype=object)
               for k in ("territory", "theme_id", "group_id")}
        columns = {
            "territory": low["territory"], "theme": low["theme_id"], "group": low["group_id"],
            "event": meta["event"].fillna("").to_numpy(dtype=object),
            "atelier": meta["atelier"].fillna("").to_numpy(dtype=object),
            "orientation": meta["orientation"].fillna("").to_numpy(dtype=object),
            "text": meta["text"].to_numpy(dtype=object),
            "segment_id": meta["segment_id"].to_numpy(dtype=object),
            "lemmas": meta["lemmas"].to_numpy(dtype=object),
        }
        values = {c: meta[c].astype(object).where(meta[c].notna(), None).to_numpy()
                  for c in RESULT_COLUMNS if c != "score"}
        return cls(version, meta, columns, values=values)

    def folded(self, rows: np.ndarray) -> list[str]:
        """Text and lemmas of `rows`, folded as the lexical bonus reads them (cached)."""
        if self.folded_texts is None:
            self.folded_texts = np.full(len(self.meta), None, dtype=object)
        todo = [r for r in rows.tolist() if self.folded_texts[r] is None]
        if todo:
            texts = [f"{t} {lem}".replace("\x00", " ") for t, lem in zip(
                self.columns["text"][todo], self.columns["lemmas"][todo], strict=True)]
            self.folded_texts[todo] = fold("\x00".join(texts)).split("\x00")
        return self.folded_texts[rows].tolist()


class SegmentIndex:
    """The `Index` of one store, kept up to date, and the vectors of its segments."""

    def __init__(self, path: Path, store: Store, tables: ExploreTables, lock: threading.RLock,
                 embedder: Embedder | None = None):
        self.path, self.store, self.tables, self.lock = path, store, tables, lock
        self._embedder = embedder
        self._index: Index | None = None
        self._seen: tuple = ()

    @property
    def embedder(self) -> Embedder:
        """The query embedder (`Settings.embedder_query`), loaded on first need."""
        with self.lock:
            if self._embedder is None:
                from corpus.embed.fast import load_query_embedder

                self._embedder = load_query_embedder()
            return self._embedder

    def _stamp(self) -> tuple:
        """The store file's (and its write-ahead log's) time and size: a stat, no SQL."""
        out = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = path.stat()
                out.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def index(self) -> Index:
        """The segments in memory, reloaded when the store changed since they were read.

        The store's counts are asked only when its file changed since the last look (opening
        DuckDB costs tens of milliseconds; a stat, microseconds).
        """
        with self.lock:
            stamp = self._stamp()
            if self._index is None or stamp != self._seen:
                version = self.tables.version()
                if self._index is None or self._index.version != version:
                    self._index = Index.load(self.tables, version)
                self._seen = stamp
            return self._index

    def vectors(self, fingerprint: str | None = None) -> np.ndarray:
        """One row per segment (index order) from the embedding cache; NaN rows when absent.

        Without `fingerprint`, the query embedder's vectors, embedding (and caching) the
        segments it has never seen. The matrix is kept in the store for this version of it
        (`vector_snapshot`): the next process reads it back at once.
        """
        index = self.index()
        with self.lock:
            fp = fingerprint or self.embedder.fingerprint
            if fp in index.vectors:
                return index.vectors[fp]
            n = len(index.meta)
            version = repr(index.version)
            saved = self.tables.snapshot(fp, version, n)
            if saved is not None and (fingerprint is not None or not np.isnan(saved).any()):
                index.vectors[fp] = saved
                return saved
            out = self._read_vectors(index, fp, fingerprint is None)
            if n and out.shape[1]:
                self.tables.save_snapshot(fp, version, out)
            index.vectors[fp] = out
            return out

    def _read_vectors(self, index: Index, fp: str, compute: bool) -> np.ndarray:
        """The vectors from the embedding cache (computing the missing ones when `compute`)."""
        n = len(index.meta)
        ids, found = self.tables.segment_vectors(fp)
        dim = found.shape[1] if found.size else (self.embedder.dim if compute else 0)
        out = np.full((n, dim), np.nan, dtype=np.float32)
        known = index.columns["segment_id"]
        if len(ids) == n and (ids == known).all():
            out[:] = found
        elif len(ids):
            where = {s: i for i, s in enumerate(known)}
            at = np.array([where.get(s, -1) for s in ids], dtype=np.int64)
            out[at[at >= 0]] = found[at >= 0]
        lost = np.flatnonzero(np.isnan(out).any(axis=1)) if dim else np.arange(0)
        if len(lost):  # texts DuckDB canonicalised otherwise: their Python hash
            hashes = [text_hash(t) for t in index.columns["text"][lost]]
            rows, again = self.tables.vectors(fp, hashes)
            if len(rows) and again.shape[1] == dim:
                out[lost[rows]] = again
        missing = np.flatnonzero(np.isnan(out).any(axis=1)) if dim else np.arange(0)
        if compute and len(missing):
            from corpus.embed import embed_cached

            texts = index.columns["text"][missing].tolist()
            out[missing] = embed_cached(self.embedder, texts, self.store)
        return out
