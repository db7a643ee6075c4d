"""The DuckDB file: its schema, connections, transactions, and one writer at a time.

DuckDB lets one process at a time open a file for writing. Every connection of a `corpus`
process holds an inter-process lock file beside the database (`<store>.lock`, `filelock`), so
that a second process waits for the first instead of failing; within a process, threads share
it. After `Settings.store_lock_timeout_s` of waiting (`CORPUS_STORE_LOCK_TIMEOUT_S`), a clear
error says what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from filelock import FileLock, Timeout

from corpus.config import environment

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
    orientation_score DOUBLE, theme_id VARCHAR, theme_label VARCHAR, group_id VARCHAR,
    kind VARCHAR);
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
CREATE TABLE IF NOT EXISTS stage_results (
    scope VARCHAR, stage VARCHAR, key VARCHAR, payload JSON, recorded_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS outputs (
    scope VARCHAR, name VARCHAR, content BLOB);
CREATE TABLE IF NOT EXISTS corrections (
    correction_id VARCHAR, "at" TIMESTAMP, "by" VARCHAR, why VARCHAR, action VARCHAR,
    target VARCHAR, value JSON, status VARCHAR, reason VARCHAR, undone_at TIMESTAMP);
-- Columns added after the first release: stores made before gain them, empty.
ALTER TABLE segments ADD COLUMN IF NOT EXISTS group_id VARCHAR;
ALTER TABLE segments ADD COLUMN IF NOT EXISTS kind VARCHAR;
-- The one parse's tokens of each text (JSON, `corpus.text.tags`); NULL: parse when needed.
ALTER TABLE segments ADD COLUMN IF NOT EXISTS tags VARCHAR;
ALTER TABLE feedback ADD COLUMN IF NOT EXISTS answer_tags JSON;
"""
TABLES = ("territories", "events", "ateliers", "documents", "segments", "feedback", "themes",
          "runs", "embeddings")


def now() -> datetime:
    """The current time in UTC, without time zone, as the tables store it."""
    return datetime.now(UTC).replace(tzinfo=None)


class StoreError(RuntimeError):
    """A store that cannot be opened or a statement that is refused."""


class Database:
    """One DuckDB file: `connect()` and `transaction()` yield short-lived connections."""

    def __init__(self, path: Path | str, *, lock_timeout_s: float | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock_timeout_s = (environment().store_lock_timeout_s if lock_timeout_s is None
                               else lock_timeout_s)
        # One lock object per file and process (is_singleton), shared by its threads.
        self._lock = FileLock(f"{self.path}.lock", thread_local=False, is_singleton=True)
        with self.connect() as con:
            con.execute(SCHEMA)

    @contextmanager
    def _held(self) -> Iterator[None]:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            log.warning("%s : la base est utilisée par un autre processus corpus, j'attends "
                        "qu'il termine (au plus %.0f s)", self.path, self.lock_timeout_s)
            try:
                self._lock.acquire(timeout=self.lock_timeout_s)
            except Timeout:
                raise StoreError(
                    f"{self.path} : la base est occupée par un autre processus corpus depuis plus "
                    f"de {self.lock_timeout_s:.0f} s. Correction : attendez la fin de l'autre "
                    "run, ou passez --store AUTRE_FICHIER."
                ) from None
        try:
            yield
        finally:
            self._lock.release()

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._held():
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                raise StoreError(
                    f"{self.path} : impossible d'ouvrir la base ({exc}). Correction : vérifiez "
                    "qu'aucun autre programme n'a ce fichier ouvert, ou passez --store "
                    "AUTRE_FICHIER."
                ) from exc
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

    def frame(self, sql: str, params: Sequence | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def frame_of(self, sql: str, wanted: pd.DataFrame,
                 params: Sequence | None = None) -> pd.DataFrame:
        """`sql` run with `wanted` registered as the view `wanted` (ids to join on)."""
        with self.connect() as con:
            con.register("wanted", wanted)
            return con.execute(sql, params or []).df()
