"""The theme registry (stable ids across runs, with centroids and history) and theme reading."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corpus.store.database import Database

REGISTRY_COLUMNS = ["theme_id", "label", "terms", "centroid", "fingerprint", "first_run",
                    "last_run", "n_runs", "payload"]
HISTORY_COLUMNS = ["theme_id", "run_id", "label", "size", "n_ateliers", "n_territories",
                   "recorded_at"]


class ThemeTables:
    """The `themes` and `theme_history` tables, and theme summaries counted on `segments`."""

    def __init__(self, db: Database):
        self.db = db

    # -- the registry --------------------------------------------------------------------------

    def registry(self, fingerprint: str | None = None) -> pd.DataFrame:
        """Registered themes with their centroids (as float32 arrays), sorted by theme_id.

        With `fingerprint`, only themes whose centroid was computed by that embedder.
        """
        sql = ("SELECT theme_id, label, terms, centroid, fingerprint, first_run, last_run, "
               "n_runs FROM themes")
        params: list = []
        if fingerprint:
            sql += " WHERE fingerprint = ?"
            params.append(fingerprint)
        frame = self.db.frame(sql + " ORDER BY theme_id", params)
        frame["centroid"] = [
            None if c is None else np.asarray(c, dtype=np.float32) for c in frame["centroid"]
        ]
        frame["terms"] = [list(t) if t is not None else [] for t in frame["terms"]]
        return frame

    def labels(self) -> pd.DataFrame:
        """Registered themes: theme_id, label, terms (empty frame when none)."""
        return self.db.frame("SELECT theme_id, label, terms FROM themes ORDER BY theme_id")

    def save(self, rows: pd.DataFrame, history: pd.DataFrame, *, run_id: str) -> None:
        """Replace the registry rows of these themes and the run's history, in one transaction.

        `rows` and `history` come from `corpus.themes.registry.registry_rows`.
        """
        with self.db.transaction() as con:
            con.register("new_themes", rows[REGISTRY_COLUMNS])
            con.register("new_history", history[HISTORY_COLUMNS])
            if len(rows):
                con.execute(
                    "DELETE FROM themes WHERE theme_id IN (SELECT theme_id FROM new_themes)"
                )
                con.execute(
                    "INSERT INTO themes SELECT theme_id, label, CAST(terms AS VARCHAR[]), "
                    "CAST(centroid AS FLOAT[]), fingerprint, first_run, last_run, "
                    "CAST(n_runs AS INTEGER), CAST(payload AS JSON) FROM new_themes"
                )
            con.execute("DELETE FROM theme_history WHERE run_id = ?", [run_id])
            if len(history):
                con.execute("INSERT INTO theme_history BY NAME SELECT * FROM new_history")

    def history(self) -> pd.DataFrame:
        """Each theme's size, ateliers and territories at each run, by theme and run."""
        return self.db.frame("SELECT * FROM theme_history ORDER BY theme_id, run_id")

    # -- themes as researchers read them ---------------------------------------------------------

    def summaries(
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
        return self.db.frame(
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

    def segments(self, theme_id: str) -> pd.DataFrame:
        """The segments of one theme, by segment id."""
        return self.db.frame(
            "SELECT segment_id, territory_id, event_id, atelier_id, orientation, "
            "orientation_score, text FROM segments WHERE theme_id = ? ORDER BY segment_id",
            [theme_id],
        )

    def detail(self, theme_id: str) -> dict | None:
        """One theme's summary, its ateliers and its segments (None when absent)."""
        import json

        summary = self.summaries()
        row = summary[summary["theme_id"] == theme_id]
        if row.empty:
            return None
        segs = self.segments(theme_id)
        return {
            **json.loads(row.to_json(orient="records", force_ascii=False))[0],
            "ateliers_list": sorted({f"{e}/{a}" for e, a in
                                     zip(segs.event_id, segs.atelier_id, strict=True)}),
            "segments_list": json.loads(segs.to_json(orient="records", force_ascii=False)),
        }

    def ids(self) -> list[str]:
        """Ids of the themes the segments carry, most recurring first."""
        return self.summaries()["theme_id"].tolist()
