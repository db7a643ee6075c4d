"""The only module that talks to the database: one DuckDB file holds every table.

Writes happen in one transaction per call: a failure leaves the store as it was. Identity is by
content: a document whose bytes are already stored is skipped, a changed document replaces its
earlier version (segments included).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from corpus.records import Demarche, Feedback, Segment

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS territories (
    territory_id VARCHAR, name VARCHAR, kind VARCHAR);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR, territory_id VARCHAR, name VARCHAR, date DATE, place VARCHAR,
    participants INTEGER, organisations VARCHAR[]);
CREATE TABLE IF NOT EXISTS ateliers (
    event_id VARCHAR, atelier_id VARCHAR, territory_id VARCHAR, problematique VARCHAR,
    methode VARCHAR, organisations VARCHAR[], participants INTEGER);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR, territory_id VARCHAR, event_id VARCHAR, atelier_id VARCHAR,
    source VARCHAR, format VARCHAR, content_hash VARCHAR, given_orientation VARCHAR,
    n_segments INTEGER, ingested_at TIMESTAMP, orientation VARCHAR, theme_id VARCHAR);
CREATE TABLE IF NOT EXISTS segments (
    segment_id VARCHAR, doc_id VARCHAR, territory_id VARCHAR, event_id VARCHAR,
    atelier_id VARCHAR, position INTEGER, text VARCHAR, lemmas VARCHAR, section VARCHAR,
    section_hint VARCHAR, given_orientation VARCHAR, orientation VARCHAR,
    orientation_score DOUBLE, theme_id VARCHAR, theme_label VARCHAR);
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id VARCHAR, event_id VARCHAR, territory_id VARCHAR, organisation VARCHAR,
    atelier_id VARCHAR, ratings JSON, answers JSON, source VARCHAR);
CREATE TABLE IF NOT EXISTS files (
    path VARCHAR, content_hash VARCHAR, ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, input VARCHAR,
    status VARCHAR, config JSON, counts JSON);
CREATE TABLE IF NOT EXISTS embeddings (
    fingerprint VARCHAR, text_hash VARCHAR, vector FLOAT[]);
CREATE TABLE IF NOT EXISTS themes (
    theme_id VARCHAR, label VARCHAR, terms VARCHAR[], centroid FLOAT[], fingerprint VARCHAR,
    first_run VARCHAR, last_run VARCHAR, n_runs INTEGER, payload JSON);
CREATE TABLE IF NOT EXISTS theme_history (
    theme_id VARCHAR, run_id VARCHAR, label VARCHAR, size INTEGER, n_ateliers INTEGER,
    n_territories INTEGER, recorded_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS scopes (
    scope VARCHAR, doc_id VARCHAR);
CREATE TABLE IF NOT EXISTS pseudonyms (
    scope VARCHAR, name_key VARCHAR, number INTEGER);
"""

LOCK_RETRIES = 20
LOCK_WAIT_S = 1.5
READ_ONLY_PREFIXES = ("select", "with", "describe", "show", "summarize", "pragma", "explain")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class StoreError(RuntimeError):
    """A store that cannot be opened or a statement that is refused."""


class Store:
    """A DuckDB file. Open one per process; `Store.connect()` yields a short-lived connection."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            con.execute(SCHEMA)

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        error: duckdb.IOException | None = None
        for attempt in range(LOCK_RETRIES + 1):
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                error = exc
                if "lock" not in str(exc).lower() or attempt == LOCK_RETRIES:
                    raise StoreError(
                        f"{self.path} : impossible d'ouvrir la base ({exc}). Correction : "
                        "vérifiez qu'aucun autre processus corpus n'écrit dans ce fichier, "
                        "ou passez --store AUTRE_FICHIER."
                    ) from error
                time.sleep(LOCK_WAIT_S)  # another corpus process is writing: wait a little
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: COMMIT on success, ROLLBACK on any exception."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # -- ingestion -----------------------------------------------------------------------------

    def stored_hashes(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc_id -> content_hash for the documents already stored among `doc_ids`."""
        ids = pd.DataFrame({"doc_id": sorted(set(doc_ids))})
        with self.connect() as con:
            con.register("wanted", ids)
            rows = con.execute(
                "SELECT d.doc_id, d.content_hash FROM documents d JOIN wanted USING (doc_id)"
            ).fetchall()
        return dict(rows)

    def stored_file_hashes(self) -> dict[str, str]:
        """path -> content hash of every input file stored so far."""
        with self.connect() as con:
            return dict(con.execute("SELECT path, content_hash FROM files").fetchall())

    def write_demarche(
        self,
        demarche: Demarche,
        segments: Sequence[Segment],
        feedback: Sequence[Feedback],
        *,
        skip_doc_ids: Iterable[str] = (),
    ) -> dict[str, int]:
        """Store a validated, protected démarche in one transaction; return what was added.

        Documents in `skip_doc_ids` are already stored with the same content and are left alone.
        Manifests (territories, events, ateliers) and feedback are replaced for the events read.
        """
        skip = set(skip_doc_ids)
        notes = [n for n in demarche.notes if n.doc_id not in skip]
        new_ids = {n.doc_id for n in notes}
        segs = [s for s in segments if s.doc_id in new_ids]
        n_segs = pd.Series([s.doc_id for s in segs], dtype="object").value_counts().to_dict()
        now = _now()
        docs = pd.DataFrame(
            {
                "doc_id": [n.doc_id for n in notes],
                "territory_id": [n.territory_id for n in notes],
                "event_id": [n.event_id for n in notes],
                "atelier_id": [n.atelier_id for n in notes],
                "source": [n.source for n in notes],
                "format": [n.format for n in notes],
                "content_hash": [n.content_hash for n in notes],
                "given_orientation": [n.given_orientation for n in notes],
                "n_segments": [int(n_segs.get(n.doc_id, 0)) for n in notes],
                "ingested_at": [now] * len(notes),
            },
            columns=[
                "doc_id", "territory_id", "event_id", "atelier_id", "source", "format",
                "content_hash", "given_orientation", "n_segments", "ingested_at",
            ],
        )
        seg_frame = segments_frame(segs)
        territories = pd.DataFrame(
            [(t.territory_id, t.name, t.kind) for t in demarche.territories],
            columns=["territory_id", "name", "kind"],
        )
        events = pd.DataFrame(
            [
                (e.event_id, e.territory_id, e.name, e.date, e.place, e.participants,
                 list(e.organisations))
                for e in demarche.events
            ],
            columns=["event_id", "territory_id", "name", "date", "place", "participants",
                     "organisations"],
        )
        ateliers = pd.DataFrame(
            [
                (w.event_id, w.atelier_id, w.territory_id, w.problematique, w.methode,
                 list(w.organisations), w.participants)
                for w in demarche.workshops
            ],
            columns=["event_id", "atelier_id", "territory_id", "problematique", "methode",
                     "organisations", "participants"],
        )
        fb = pd.DataFrame(
            [
                (f.feedback_id, f.event_id, f.territory_id, f.organisation, f.atelier_id,
                 json.dumps(f.ratings, ensure_ascii=False, sort_keys=True),
                 json.dumps(f.answers, ensure_ascii=False, sort_keys=True), f.source)
                for f in feedback
            ],
            columns=["feedback_id", "event_id", "territory_id", "organisation", "atelier_id",
                     "ratings", "answers", "source"],
        )
        files = pd.DataFrame(
            [(p, h, now) for p, h in sorted(demarche.file_hashes.items())],
            columns=["path", "content_hash", "ingested_at"],
        )
        event_ids = pd.DataFrame({"event_id": sorted({e.event_id for e in demarche.events})})
        with self.transaction() as con:
            for name, frame in (
                ("new_docs", docs), ("new_segs", seg_frame), ("new_terr", territories),
                ("new_events", events), ("new_ateliers", ateliers), ("new_fb", fb),
                ("new_files", files), ("read_events", event_ids),
            ):
                con.register(name, frame)
            if len(docs):
                con.execute("DELETE FROM segments WHERE doc_id IN (SELECT doc_id FROM new_docs)")
                con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM new_docs)")
                con.execute("INSERT INTO documents BY NAME SELECT * FROM new_docs")
            if len(seg_frame):
                con.execute("INSERT INTO segments BY NAME SELECT * FROM new_segs")
            if len(territories):
                con.execute(
                    "DELETE FROM territories WHERE territory_id IN "
                    "(SELECT territory_id FROM new_terr)"
                )
                con.execute("INSERT INTO territories BY NAME SELECT * FROM new_terr")
            if len(event_ids):
                for table in ("events", "ateliers"):
                    con.execute(
                        f"DELETE FROM {table} WHERE event_id IN (SELECT event_id FROM read_events)"
                    )
            if len(events):
                con.execute("INSERT INTO events BY NAME SELECT * FROM new_events")
            if len(ateliers):
                con.execute("INSERT INTO ateliers BY NAME SELECT * FROM new_ateliers")
            if len(fb):
                con.execute(
                    "DELETE FROM feedback WHERE event_id IN (SELECT DISTINCT event_id FROM new_fb)"
                )
                con.execute("INSERT INTO feedback BY NAME SELECT * FROM new_fb")
            if len(files):
                con.execute("DELETE FROM files WHERE path IN (SELECT path FROM new_files)")
                con.execute("INSERT INTO files BY NAME SELECT * FROM new_files")
        return {"documents": len(docs), "segments": len(seg_frame), "feedback": len(fb)}

    def set_scope(self, scope: str, doc_ids: Iterable[str]) -> None:
        """Record which documents one input (a démarche folder, a table) is made of."""
        frame = pd.DataFrame({"scope": scope, "doc_id": sorted(set(doc_ids))}, dtype="str")
        with self.transaction() as con:
            con.execute("DELETE FROM scopes WHERE scope = ?", [scope])
            if len(frame):
                con.register("new_scope", frame)
                con.execute("INSERT INTO scopes BY NAME SELECT * FROM new_scope")

    def scope_doc_ids(self, scope: str) -> list[str]:
        with self.connect() as con:
            rows = con.execute(
                "SELECT doc_id FROM scopes WHERE scope = ? ORDER BY doc_id", [scope]
            ).fetchall()
        return [r[0] for r in rows]

    def scope_fingerprint(self, scope: str) -> str:
        """Changes when any document of the scope changes (id, content hash) or is stored anew.

        The time of storing counts: a store rebuilt from the same files, or a file edited and
        then put back as it was, holds segments that were never analysed.
        """
        with self.connect() as con:
            row = con.execute(
                "SELECT count(*), coalesce(sum(hash(d.doc_id || ':' || d.content_hash || ':' "
                "|| CAST(d.ingested_at AS VARCHAR))), 0) "
                "FROM scopes s JOIN documents d USING (doc_id) WHERE s.scope = ?",
                [scope],
            ).fetchone()
        return f"{row[0]}-{row[1]}"

    # -- reading -------------------------------------------------------------------------------

    def frame(self, sql: str, params: Sequence | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def segments(self, *, doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Stored segments, sorted by segment id (optionally only those of `doc_ids`)."""
        if doc_ids is None:
            return self.frame("SELECT * FROM segments ORDER BY segment_id")
        wanted = pd.DataFrame({"doc_id": sorted(set(doc_ids))})
        with self.connect() as con:
            con.register("wanted", wanted)
            return con.execute(
                "SELECT s.* FROM segments s JOIN wanted USING (doc_id) ORDER BY segment_id"
            ).df()

    def documents(self, *, doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Stored documents, sorted by doc id (optionally only `doc_ids`)."""
        if doc_ids is None:
            return self.frame("SELECT * FROM documents ORDER BY doc_id")
        wanted = pd.DataFrame({"doc_id": sorted(set(doc_ids))})
        with self.connect() as con:
            con.register("wanted", wanted)
            return con.execute(
                "SELECT d.* FROM documents d JOIN wanted USING (doc_id) ORDER BY doc_id"
            ).df()

    def counts(self) -> dict[str, int]:
        out = {}
        with self.connect() as con:
            for table in ("territories", "events", "ateliers", "documents", "segments",
                          "feedback", "themes", "runs", "embeddings"):
                out[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return out

    def read_only_sql(self, sql: str) -> pd.DataFrame:
        """Run one read-only statement on a read-only connection."""
        if not sql.strip().lower().startswith(READ_ONLY_PREFIXES):
            raise StoreError(
                "Seules les requêtes de lecture sont acceptées (SELECT, WITH, DESCRIBE, SHOW...). "
                "Correction : reformulez la requête en SELECT."
            )
        with self.connect(read_only=True) as con:
            try:
                return con.execute(sql).df()
            except duckdb.Error as exc:
                raise StoreError(f"Requête refusée : {exc}") from exc

    # -- analysis results ----------------------------------------------------------------------

    def update_segments(self, frame: pd.DataFrame) -> None:
        """Write orientation and theme columns back for the segments in `frame`."""
        cols = ["segment_id", "orientation", "orientation_score", "theme_id", "theme_label"]
        with self.transaction() as con:
            con.register("upd", frame[cols])
            con.execute(
                "UPDATE segments SET orientation = upd.orientation, "
                "orientation_score = upd.orientation_score, theme_id = upd.theme_id, "
                "theme_label = upd.theme_label FROM upd WHERE segments.segment_id = upd.segment_id"
            )

    def update_documents(self, frame: pd.DataFrame) -> None:
        with self.transaction() as con:
            con.register("upd", frame[["doc_id", "orientation", "theme_id"]])
            con.execute(
                "UPDATE documents SET orientation = upd.orientation, theme_id = upd.theme_id "
                "FROM upd WHERE documents.doc_id = upd.doc_id"
            )

    # -- embedding cache -----------------------------------------------------------------------

    def get_vectors(self, fingerprint: str, text_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors for `text_hashes` under one embedder fingerprint."""
        if not len(text_hashes):
            return {}
        wanted = pd.DataFrame({"text_hash": sorted(set(text_hashes))})
        with self.connect() as con:
            con.register("wanted", wanted)
            rows = con.execute(
                "SELECT e.text_hash, e.vector FROM embeddings e JOIN wanted USING (text_hash) "
                "WHERE e.fingerprint = ?",
                [fingerprint],
            ).fetchnumpy()
        if not len(rows["text_hash"]):
            return {}
        return {
            h: np.asarray(v, dtype=np.float32) for h, v in zip(rows["text_hash"], rows["vector"])
        }

    def put_vectors(self, fingerprint: str, vectors: dict[str, np.ndarray]) -> int:
        """Add vectors not yet cached; return how many were added."""
        if not vectors:
            return 0
        keys = sorted(vectors)
        frame = pd.DataFrame(
            {
                "fingerprint": fingerprint,
                "text_hash": keys,
                "vector": [np.asarray(vectors[k], dtype=np.float32).tolist() for k in keys],
            }
        )
        with self.transaction() as con:
            con.register("new_vec", frame)
            before = con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
            con.execute(
                "INSERT INTO embeddings SELECT n.fingerprint, n.text_hash, "
                "CAST(n.vector AS FLOAT[]) FROM new_vec n ANTI JOIN embeddings e "
                "ON e.fingerprint = n.fingerprint AND e.text_hash = n.text_hash"
            )
            after = con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        return int(after - before)

    # -- themes as researchers read them ---------------------------------------------------------

    def theme_summaries(
        self, *, territory: str | None = None, orientation: str | None = None
    ) -> pd.DataFrame:
        """One row per theme present in the segments (optionally of one territory/orientation)."""
        where, args = ["theme_id IS NOT NULL"], []
        if territory:
            where.append("territory_id = ?")
            args.append(territory)
        if orientation:
            where.append("orientation = ?")
            args.append(orientation)
        return self.frame(
            "SELECT theme_id, min(theme_label) AS label, count(*) AS segments, "
            "count(DISTINCT event_id || '/' || atelier_id) AS ateliers, "
            "count(DISTINCT territory_id) AS territories, "
            "count(*) FILTER (WHERE orientation = 'difficulte') AS difficulte, "
            "count(*) FILTER (WHERE orientation = 'levier') AS levier, "
            "count(*) FILTER (WHERE orientation = 'autre') AS autre "
            f"FROM segments WHERE {' AND '.join(where)} GROUP BY theme_id "
            "ORDER BY ateliers DESC, territories DESC, segments DESC, theme_id",
            args,
        )

    def theme_segments(self, theme_id: str) -> pd.DataFrame:
        """The segments of one theme, most confident orientation first within each atelier."""
        return self.frame(
            "SELECT segment_id, territory_id, event_id, atelier_id, orientation, "
            "orientation_score, text FROM segments WHERE theme_id = ? ORDER BY segment_id",
            [theme_id],
        )

    # -- pseudonyms ----------------------------------------------------------------------------

    def pseudonym_numbers(self, scope: str) -> dict[str, int]:
        with self.connect() as con:
            rows = con.execute(
                "SELECT name_key, number FROM pseudonyms WHERE scope = ?", [scope]
            ).fetchall()
        return dict(rows)

    def add_pseudonyms(self, scope: str, numbers: dict[str, int]) -> None:
        known = self.pseudonym_numbers(scope)
        new = {k: v for k, v in numbers.items() if k not in known}
        if not new:
            return
        frame = pd.DataFrame(
            {"scope": scope, "name_key": list(new), "number": list(new.values())}
        )
        with self.transaction() as con:
            con.register("new_ps", frame)
            con.execute("INSERT INTO pseudonyms BY NAME SELECT * FROM new_ps")

    # -- runs ----------------------------------------------------------------------------------

    def record_run(self, run_id: str, *, started_at: datetime, input: str, status: str,
                   config: dict, counts: dict) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [run_id, started_at, _now(), input, status,
                 json.dumps(config, ensure_ascii=False, default=str),
                 json.dumps(counts, ensure_ascii=False, default=str)],
            )

    # -- search and export ---------------------------------------------------------------------

    def filtered_segments(
        self,
        *,
        territory: str | None = None,
        event: str | None = None,
        orientation: str | None = None,
        theme: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Segments matching every given filter, by segment id; `after` and `limit` page.

        `territory` and `theme` are ids (case ignored); `event` is an event id or its last
        part ("2026-03-journee-cep").
        """
        where, params = [], []
        if territory is not None:
            where.append("lower(territory_id) = lower(?)")
            params.append(territory)
        if event is not None:
            where.append("(event_id = ? OR ends_with(event_id, '/' || ?))")
            params += [event, event]
        if orientation is not None:
            where.append("orientation = ?")
            params.append(orientation)
        if theme is not None:
            where.append("lower(theme_id) = lower(?)")
            params.append(theme)
        if after is not None:
            where.append("segment_id > ?")
            params.append(after)
        sql = (
            "SELECT segment_id, doc_id, territory_id, event_id, atelier_id, orientation, "
            "theme_id, theme_label, text, lemmas FROM segments"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY segment_id"
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        return self.frame(sql, params)

    def filter_values(self) -> dict[str, list[str]]:
        """Territory, event and theme ids that segments carry (for messages naming them)."""
        out = {}
        with self.connect() as con:
            for key, col in (("territory", "territory_id"), ("event", "event_id"),
                             ("theme", "theme_id")):
                rows = con.execute(
                    f"SELECT DISTINCT {col} FROM segments WHERE {col} IS NOT NULL ORDER BY 1"
                ).fetchall()
                out[key] = [r[0] for r in rows]
        return out

    def theme_registry(self) -> pd.DataFrame:
        """Registered themes: theme_id, label, terms (empty frame when none)."""
        return self.frame("SELECT theme_id, label, terms FROM themes ORDER BY theme_id")

    # -- theme registry (stable ids across runs) -------------------------------------------------

    def theme_registry_full(self, fingerprint: str | None = None) -> pd.DataFrame:
        """Registered themes with their centroids (as float32 arrays), sorted by theme_id.

        With `fingerprint`, only themes whose centroid was computed by that embedder.
        """
        sql = ("SELECT theme_id, label, terms, centroid, fingerprint, first_run, last_run, "
               "n_runs FROM themes")
        params: list = []
        if fingerprint:
            sql += " WHERE fingerprint = ?"
            params.append(fingerprint)
        frame = self.frame(sql + " ORDER BY theme_id", params)
        frame["centroid"] = [
            None if c is None else np.asarray(c, dtype=np.float32) for c in frame["centroid"]
        ]
        frame["terms"] = [list(t) if t is not None else [] for t in frame["terms"]]
        return frame

    def save_themes(self, result, *, run_id: str, fingerprint: str) -> dict[str, int]:
        """Record a run's themes (a `corpus.themes.ThemeResult`) in the registry and history.

        A known theme_id gets its label, terms and payload updated and its centroid moved to
        the running mean of its runs; a new one is added. Recording the same run twice counts
        it once. Returns {"new": n, "updated": n}.
        """
        known = self.theme_registry_full().set_index("theme_id")
        rows, history = [], []
        now = _now()
        for theme in result.themes:
            tid = theme["theme_id"]
            centroid = np.asarray(result.centroids[tid], dtype=np.float64)
            first, n_runs = run_id, 1
            if tid in known.index:
                old = known.loc[tid]
                first = old["first_run"]
                same_run = old["last_run"] == run_id
                n_runs = int(old["n_runs"] or 0) + (0 if same_run else 1)
                prev = old["centroid"]
                if prev is not None and prev.shape == centroid.shape and old["fingerprint"] == (
                    fingerprint
                ):
                    weight = max(1, n_runs - 1)
                    centroid = prev * weight + centroid
                    centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-12)
            rows.append({
                "theme_id": tid, "label": theme["label"], "terms": list(theme["terms"]),
                "centroid": centroid.astype(np.float32).tolist(), "fingerprint": fingerprint,
                "first_run": first, "last_run": run_id, "n_runs": n_runs,
                "payload": json.dumps(theme, ensure_ascii=False, sort_keys=True, default=str),
            })
            history.append({
                "theme_id": tid, "run_id": run_id, "label": theme["label"],
                "size": int(theme["size"]), "n_ateliers": int(theme["n_ateliers"]),
                "n_territories": int(theme["n_territories"]), "recorded_at": now,
            })
        cols = ["theme_id", "label", "terms", "centroid", "fingerprint", "first_run",
                "last_run", "n_runs", "payload"]
        frame = pd.DataFrame(rows, columns=cols)
        hist = pd.DataFrame(history, columns=["theme_id", "run_id", "label", "size",
                                              "n_ateliers", "n_territories", "recorded_at"])
        with self.transaction() as con:
            con.register("new_themes", frame)
            con.register("new_history", hist)
            if len(frame):
                con.execute(
                    "DELETE FROM themes WHERE theme_id IN (SELECT theme_id FROM new_themes)"
                )
                con.execute(
                    "INSERT INTO themes SELECT theme_id, label, CAST(terms AS VARCHAR[]), "
                    "CAST(centroid AS FLOAT[]), fingerprint, first_run, last_run, "
                    "CAST(n_runs AS INTEGER), CAST(payload AS JSON) FROM new_themes"
                )
            con.execute("DELETE FROM theme_history WHERE run_id = ?", [run_id])
            if len(hist):
                con.execute("INSERT INTO theme_history BY NAME SELECT * FROM new_history")
        new = sum(1 for r in rows if r["theme_id"] not in known.index)
        return {"new": new, "updated": len(rows) - new}


def segments_frame(segments: Sequence[Segment]) -> pd.DataFrame:
    """Segments as the columns of the `segments` table (analysis columns empty)."""
    cols = [
        "segment_id", "doc_id", "territory_id", "event_id", "atelier_id", "position", "text",
        "lemmas", "section", "section_hint", "given_orientation",
    ]
    frame = pd.DataFrame([{c: getattr(s, c) for c in cols} for s in segments], columns=cols)
    for col in ("orientation", "theme_id", "theme_label"):
        frame[col] = pd.Series([None] * len(frame), dtype="object")
    frame["orientation_score"] = pd.Series([None] * len(frame), dtype="float64")
    frame["position"] = frame["position"].astype("int64")
    return frame
