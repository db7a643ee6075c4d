"""The corrections log: one row per correction of the groupe de coopération (table
`corrections`: correction_id, at, by, why, action, target, value, status after the last run,
reason when not applicable, undone_at). Rows are never deleted: an undone correction keeps its
row, marked `undone`, so that the log tells the whole story."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from corpus.corrections.model import PENDING, UNDONE, Correction, CorrectionError
from corpus.files import digest
from corpus.store.database import Database, now

COLUMNS = ["correction_id", "at", "by", "why", "action", "target", "value", "status", "reason",
           "undone_at"]


def _at(value) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value)


class CorrectionLog:
    """Table `corrections`."""

    def __init__(self, db: Database):
        self.db = db

    def frame(self, *, include_undone: bool = True) -> pd.DataFrame:
        """Every correction in the log's order (value as a dict)."""
        sql = ('SELECT correction_id, "at", "by", why, action, target, CAST(value AS VARCHAR) AS '
               "value, status, reason, undone_at FROM corrections")
        if not include_undone:
            sql += " WHERE undone_at IS NULL"
        frame = self.db.frame(sql + ' ORDER BY "at", correction_id')
        frame["value"] = [json.loads(v) if v else {} for v in frame["value"]]
        return frame[COLUMNS]

    def records(self, *, include_undone: bool = True) -> list[dict]:
        """The log as JSON-ready dicts (what `corpus corrections export` writes)."""
        out = []
        for row in self.frame(include_undone=include_undone).to_dict("records"):
            row["at"] = _at(row["at"])
            row["undone_at"] = None if pd.isna(row["undone_at"]) else _at(row["undone_at"])
            row["reason"] = row["reason"] or ""
            out.append(row)
        return out

    def active(self) -> list[Correction]:
        """The corrections in force (not undone), in the log's order."""
        return [Correction(r["correction_id"], r["action"], r["target"], r["value"],
                           by=r["by"] or "", why=r["why"] or "", at=_at(r["at"]))
                for r in self.frame(include_undone=False).to_dict("records")]

    def digest(self) -> str:
        """What the replay depends on: the active corrections, in order."""
        return digest("corrections", [(c.correction_id, c.action, c.target, c.value)
                                      for c in self.active()])

    def next_id(self, con) -> str:
        row = con.execute("SELECT max(CAST(substr(correction_id, 2) AS INTEGER)) FROM "
                          "corrections WHERE regexp_matches(correction_id, '^C[0-9]+$')"
                          ).fetchone()
        return f"C{(row[0] or 0) + 1:03d}"

    def add(self, action: str, target: str, value: dict, *, by: str = "", why: str = "",
            at: datetime | None = None) -> dict:
        """Append one correction (already checked); returns its row."""
        with self.db.transaction() as con:
            cid = self.next_id(con)
            con.execute("INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', NULL)",
                        [cid, at or now(), by, why, action, target,
                         json.dumps(value, ensure_ascii=False, sort_keys=True), PENDING])
        return self.get(cid)

    def get(self, correction_id: str) -> dict:
        rows = [r for r in self.records() if r["correction_id"] == correction_id]
        if not rows:
            known = ", ".join(r["correction_id"] for r in self.records()[-5:]) or "aucune"
            raise CorrectionError(f"correction « {correction_id} » inconnue (dernières : "
                                  f"{known}). Correction : `corpus corrections list`.")
        return rows[0]

    def remove(self, correction_id: str) -> None:
        """Take back a correction that could not be applied (never one already in force)."""
        with self.db.transaction() as con:
            con.execute("DELETE FROM corrections WHERE correction_id = ?", [correction_id])

    def undo(self, correction_id: str | None = None) -> dict:
        """Mark one correction (default: the last one in force) undone; returns its row."""
        if correction_id is None:
            active = self.active()
            if not active:
                raise CorrectionError("aucune correction en vigueur à annuler.")
            correction_id = active[-1].correction_id
        row = self.get(correction_id)
        if row["undone_at"] is not None:
            raise CorrectionError(f"la correction {correction_id} est déjà annulée.")
        with self.db.transaction() as con:
            con.execute("UPDATE corrections SET undone_at = ?, status = ?, reason = '' "
                        "WHERE correction_id = ?", [now(), UNDONE, correction_id])
        return self.get(correction_id)

    def restore(self, correction_id: str, status: str) -> None:
        """Put back a correction whose undo could not be applied."""
        with self.db.transaction() as con:
            con.execute("UPDATE corrections SET undone_at = NULL, status = ? "
                        "WHERE correction_id = ?", [status, correction_id])

    def set_status(self, outcomes: Iterable[tuple[str, str, str]]) -> None:
        """(correction_id, status, reason) after a replay."""
        rows = list(outcomes)
        if not rows:
            return
        with self.db.transaction() as con:
            for cid, status, reason in rows:
                con.execute("UPDATE corrections SET status = ?, reason = ? WHERE "
                            "correction_id = ? AND undone_at IS NULL", [status, reason, cid])

    def add_carried(self, rows: Iterable[dict]) -> list[str]:
        """Corrections carried from an earlier territory's problématiques (`--seed-from`), each
        once: one with the same time, action and target is already in the log. Returns the new
        ids."""
        added = []
        existing = {(_at(r["at"]), r["action"], r["target"]) for r in self.records()}
        for row in rows:
            key = (str(row.get("at", "")), row["action"], row["target"])
            if key in existing:
                continue
            at = datetime.fromisoformat(key[0]) if key[0] else None
            value = {**row.get("value", {}), "carried_from": row.get("correction_id", "")}
            added.append(self.add(row["action"], row["target"], value, by=row.get("by", ""),
                                  why=row.get("why", ""), at=at)["correction_id"])
            existing.add(key)
        return added

    def stored_segments(self, segment_ids: list[str]) -> set[str]:
        """Which of these segments the store still holds."""
        if not segment_ids:
            return set()
        wanted = pd.DataFrame({"segment_id": segment_ids})
        found = self.db.frame_of("SELECT s.segment_id FROM segments s JOIN wanted w "
                                 "ON s.segment_id = w.segment_id", wanted)
        return set(found["segment_id"])

    def set_kind(self, frame: pd.DataFrame) -> None:
        """The segments' kind (contenu / deroule), when the store has that column."""
        with self.db.transaction() as con:
            columns = {r[0] for r in con.execute("DESCRIBE segments").fetchall()}
            if "kind" not in columns:
                return
            con.register("upd", frame[["segment_id", "kind"]])
            con.execute("UPDATE segments SET kind = upd.kind FROM upd "
                        "WHERE segments.segment_id = upd.segment_id")
