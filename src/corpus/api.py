"""The Python API, for notebooks, the command line and the explorer.

    import corpus
    store = corpus.open("data/corpus.duckdb")
    store.query("freins à l'embauche des seniors", territory="marseille", limit=5)
    store.themes(orientation="difficulte")
    store.theme("T003")["quotes"]
    store.segments(theme="T003", orientation="levier")
    store.sql("SELECT territory_id, count(*) FROM segments GROUP BY 1")

Every method returns a pandas DataFrame (a dict for one theme). The segments, their provenance
and, on the first query, their vectors are read once and kept in memory (reloaded when a run
changes the store); the query embedder loads on first need and stays loaded. A query ranks as
`corpus.search.query` does (cosine, plus the lexical bonus, ties by segment id) but over an
in-memory matrix: the lexical bonus is computed only for segments whose cosine could still
reach the top `limit`, which gives the same top rows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from corpus.config import DEFAULT_STORE, Settings
from corpus.embed.base import Embedder, canonical_text, text_hash
from corpus.records import ORIENTATIONS
from corpus.search import SearchError, check_orientation, folded_lexical_scores, query_terms
from corpus.store import Store
from corpus.store.explore import ExploreTables
from corpus.text.french import fold

RESULT_COLUMNS = ["segment_id", "doc_id", "score", "territory", "event", "atelier",
                  "orientation", "theme_id", "theme_label", "text"]
SEGMENT_COLUMNS = ["segment_id", "doc_id", "territory", "event", "atelier", "position",
                   "orientation", "theme_id", "theme_label", "group_id", "text"]
RENAMED = {"territory_id": "territory", "event_id": "event", "atelier_id": "atelier"}
FILTERS = ("territory", "event", "atelier", "orientation", "theme", "group")
CHUNK = 512  # candidates whose lexical bonus is computed per round, best cosines first
NEIGHBOURS = 1  # segments shown before and after a quote, from the same note

__all__ = ["CorpusStore", "SearchError", "open"]


def open(path: Path | str = DEFAULT_STORE, *, embedder: Embedder | None = None) -> CorpusStore:
    """The store at `path` (a DuckDB file written by `corpus run`)."""
    return CorpusStore(path, embedder=embedder)


def _unknown(kind: str, given: str, values) -> SearchError:
    values = sorted({str(v) for v in values})
    shown = ", ".join(values[:20]) + (" ..." if len(values) > 20 else "")
    return SearchError(
        f"{kind} « {given} » absent de la base. Valeurs acceptées : {shown or '(aucune)'}."
    )


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
        self._embedder = embedder
        self._index: Index | None = None
        self._seen: tuple = ()
        self.lock = self._lock = threading.RLock()  # DuckDB: one connection at a time
        self.settings = Settings()

    def __repr__(self) -> str:
        return f"corpus.open({str(self.path)!r})"

    # -- loading -------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        """The query embedder (`Settings.embedder_query`), loaded on first need."""
        with self._lock:
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
        with self._lock:
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
        with self._lock:
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

    # -- filters -------------------------------------------------------------------------------

    def mask(self, *, territory: str | None = None, event: str | None = None,
             atelier: str | None = None, orientation: str | None = None,
             theme: str | None = None, group: str | None = None) -> np.ndarray:
        """Which segments match every given filter; a SearchError names accepted values."""
        index = self.index()
        cols = index.columns
        keep = np.ones(len(index.meta), dtype=bool)
        if orientation not in (None, ""):
            keep &= cols["orientation"] == check_orientation(orientation)
        for key, kind in (("territory", "Territoire"), ("theme", "Thème"),
                          ("group", "Grand thème")):
            value = {"territory": territory, "theme": theme, "group": group}[key]
            if value in (None, ""):
                continue
            hit = cols[key] == value.strip().lower()
            if not hit.any():
                raise _unknown(kind, value, index.meta[{"territory": "territory",
                                                        "theme": "theme_id",
                                                        "group": "group_id"}[key]].dropna())
            keep &= hit
        if event not in (None, ""):
            events = cols["event"]
            hit = (events == event) | np.char.endswith(events.astype(str), f"/{event}")
            if not hit.any():
                raise _unknown("Événement", event, events)
            keep &= hit
        if atelier not in (None, ""):
            ateliers = cols["atelier"]
            full = np.char.add(np.char.add(cols["event"].astype(str), "/"), ateliers.astype(str))
            hit = (ateliers == atelier) | (full == atelier)
            if not hit.any():
                raise _unknown("Atelier", atelier, full)
            keep &= hit
        return keep

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
        q = self._embed_while(question, self.vectors)
        vectors = self.vectors()
        cosine = (vectors @ q)[rows].astype(np.float64)  # no copy of the selected rows
        top = self._rank(rows, cosine, query_terms(question), limit)
        picked = np.array([r for _, r in top], dtype=np.int64)
        values = self.index().values
        return pd.DataFrame({c: (np.array([s for s, _ in top], dtype=np.float64)
                                 if c == "score" else values[c][picked].tolist())
                             for c in RESULT_COLUMNS})

    def _embed_while(self, question: str, work) -> np.ndarray:
        """The question's vector, computed in a thread while `work` runs: a first query loads
        the model and the segments' vectors at the same time."""
        embedder = self.embedder
        out: dict = {}

        def embed() -> None:
            try:
                out["q"] = embedder.encode([question])[0].astype(np.float32)
            except Exception as exc:  # re-raised in the caller's thread
                out["error"] = exc

        thread = threading.Thread(target=embed, daemon=True)
        thread.start()
        work()
        thread.join()
        if "error" in out:
            raise out["error"]
        return out["q"]

    def _rank(self, rows: np.ndarray, cosine: np.ndarray, terms: list[str],
              limit: int) -> list[tuple[float, int]]:
        """(score, row) of the best `limit`, as `corpus.search.query` scores and orders them.

        The bonus is at most `weight`, so a segment whose cosine plus `weight` falls below the
        current `limit`-th score cannot enter: candidates are scored by decreasing cosine
        until that bound stops them.
        """
        weight = self.settings.search_lexical_weight
        order = _best_first(cosine, 4 * CHUNK)
        best: list[tuple[float, int]] = []
        for start in range(0, len(cosine), CHUNK):
            if start + CHUNK > len(order):  # beyond the pre-sorted head: sort everything
                order = _best_first(cosine, len(cosine))
            chunk = order[start:start + CHUNK]
            if len(best) >= limit and cosine[chunk[0]] + weight + 1e-6 < best[limit - 1][0]:
                break
            picked = rows[chunk]
            folded = self.index().folded(picked)
            scores = np.round(cosine[chunk] + weight * folded_lexical_scores(terms, folded), 6)
            best = sorted([*best, *zip(scores.tolist(), picked.tolist(), strict=True)],
                          key=lambda x: (-x[0], x[1]))[:limit]
        return best

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
        extra = pd.DataFrame(
            [{"theme_id": t["theme_id"], "terms": t.get("terms", []),
              "group_id": t.get("group_id"), "group_label": t.get("group_label")}
             for t in self.theme_entries()],
            columns=["theme_id", "terms", "group_id", "group_label"],
        )
        return frame.merge(extra, on="theme_id", how="left")

    def theme_entries(self) -> list[dict]:
        """The registry's themes.json entries for the themes the segments carry."""
        import json

        present = set(self.index().meta["theme_id"].dropna())
        payloads = self.tables.theme_payloads()
        return [json.loads(p) for tid, p in zip(payloads["theme_id"], payloads["payload"],
                                                 strict=True)
                if tid in present and p]

    def theme(self, theme_id: str, *, quotes: int = 12) -> dict:
        """One theme: label, terms, counts, ateliers, territories, orientation split, its
        evolution across events, and quotes with their provenance and neighbouring segments."""
        index = self.index()
        meta = index.meta
        mine = meta[meta["theme_id"].fillna("").str.lower() == theme_id.strip().lower()]
        if mine.empty:
            raise _unknown("Thème", theme_id, meta["theme_id"].dropna())
        theme_id = str(mine["theme_id"].iloc[0])
        entry = next((t for t in self.theme_entries() if t["theme_id"] == theme_id), {})
        split = mine["orientation"].value_counts()
        dates = self.tables.event_dates().set_index("event_id")["date"]
        per_event = meta.groupby("event").size()
        evolution = []
        for ev in sorted(set(meta["event"]), key=lambda e: (
                str(dates.get(e, "")), e)):
            here = mine[mine["event"] == ev]
            evolution.append({
                "event": ev, "date": str(dates.get(ev, "") or "")[:10],
                "segments": len(here), "difficulte": int((here["orientation"] == "difficulte")
                                                          .sum()),
                "levier": int((here["orientation"] == "levier").sum()),
                "share": round(len(here) / max(1, int(per_event.get(ev, 0))), 4),
            })
        return {
            "theme_id": theme_id,
            "label": str(mine["theme_label"].iloc[0] or entry.get("label", "")),
            "terms": list(entry.get("terms", [])),
            "group_id": entry.get("group_id"), "group_label": entry.get("group_label"),
            "segments": len(mine),
            "ateliers": int((mine["event"] + "/" + mine["atelier"]).nunique()),
            "territories": int(mine["territory"].nunique()),
            **{o: int(split.get(o, 0)) for o in ORIENTATIONS},
            "ateliers_list": sorted(set(mine["event"] + "/" + mine["atelier"])),
            "ateliers_counts": _counts(mine["event"] + "/" + mine["atelier"]),
            "territories_list": _counts(mine["territory"]),
            "evolution": evolution,
            "quotes": self._quotes(mine, entry.get("representative_segment_ids", []), quotes),
            "segments_list": mine.rename(columns={v: k for k, v in RENAMED.items()})[
                ["segment_id", "territory_id", "event_id", "atelier_id", "orientation",
                 "orientation_score", "text"]].to_dict("records"),
        }

    def _quotes(self, mine: pd.DataFrame, representative: list[str], n: int) -> list[dict]:
        """Representative segments first, then the others, each with its note's neighbours."""
        meta = self.index().meta
        ids = set(mine["segment_id"])
        chosen = [s for s in representative if s in ids][:n]
        taken = set(chosen)
        chosen += [s for s in mine["segment_id"].head(n + len(taken)) if s not in taken]
        by_id = mine.set_index("segment_id")
        out = []
        for sid in chosen[:n]:
            row = by_id.loc[sid]
            note = meta[meta["doc_id"] == row["doc_id"]]
            pos = int(row["position"])
            near = note[(note["position"] - pos).abs().between(1, NEIGHBOURS)]
            out.append({
                "segment_id": sid, "doc_id": row["doc_id"], "territory": row["territory"],
                "event": row["event"], "atelier": row["atelier"],
                "orientation": row["orientation"], "text": row["text"],
                "before": near[near["position"] < pos]["text"].tolist(),
                "after": near[near["position"] > pos]["text"].tolist(),
            })
        return out

    def sql(self, query: str) -> pd.DataFrame:
        """One read-only SQL statement on the store."""
        return self.store.read_only_sql(query)


def _best_first(cosine: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` highest cosines, highest first (ties by index: stable)."""
    if k >= len(cosine):
        return np.argsort(-cosine, kind="stable")
    head = np.argpartition(-cosine, k)[:k]
    head = np.sort(head)  # index order, so that the stable sort below breaks ties by index
    kth = cosine[head].min()
    # every index tied with the k-th value must be a candidate too, or ties would be lost
    tied = np.flatnonzero(cosine == kth)
    head = np.union1d(head, tied)
    return head[np.argsort(-cosine[head], kind="stable")]


def _counts(values: pd.Series) -> list[dict]:
    counts = values.value_counts()
    return [{"id": str(k), "segments": int(v)}
            for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
