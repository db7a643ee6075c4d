"""What one stage of a run hands to the next: its result for a scope, and the rendered files.

The store is the only channel between stages: the themes stage leaves the scope's themes here
(themes.json's content), the feedback stage the themes of the participants' answers, the
synthesis stage the rendered documents; the next stage reads them from here, never from an
output folder.
"""

from __future__ import annotations

import json
from typing import Any

from corpus.store.database import Database, now


class StageResults:
    """Tables `stage_results` (scope, stage -> JSON) and `outputs` (scope, file name -> bytes)."""

    def __init__(self, db: Database):
        self.db = db

    def put(self, scope: str, stage: str, payload: Any, *, key: str = "") -> None:
        """The stage's result for the scope, computed for `key`, replacing the previous one."""
        with self.db.transaction() as con:
            con.execute("DELETE FROM stage_results WHERE scope = ? AND stage = ?", [scope, stage])
            con.execute("INSERT INTO stage_results VALUES (?, ?, ?, ?, ?)",
                        [scope, stage, key, json.dumps(payload, ensure_ascii=False), now()])

    def get(self, scope: str, stage: str, *, key: str | None = None) -> Any:
        """The stage's last result for the scope (only if computed for `key`, when given);
        None when there is none."""
        with self.db.connect() as con:
            row = con.execute(
                "SELECT key, payload FROM stage_results WHERE scope = ? AND stage = ?",
                [scope, stage]).fetchone()
        if row is None or (key is not None and row[0] != key):
            return None
        return json.loads(row[1])

    def scopes(self, stage: str) -> list[str]:
        """The scopes that hold a result of `stage`, sorted."""
        with self.db.connect() as con:
            rows = con.execute("SELECT DISTINCT scope FROM stage_results WHERE stage = ? "
                               "ORDER BY scope", [stage]).fetchall()
        return [r[0] for r in rows]

    def forget(self) -> None:
        """Every stage's result and rendered file: the next run computes them anew (`corpus
        forget` rewrites the texts they were made from)."""
        with self.db.transaction() as con:
            con.execute("DELETE FROM stage_results")
            con.execute("DELETE FROM outputs")

    def put_files(self, scope: str, files: dict[str, bytes]) -> None:
        """The scope's rendered files (name -> bytes), replacing the previous set whole."""
        with self.db.transaction() as con:
            con.execute("DELETE FROM outputs WHERE scope = ?", [scope])
            for name, data in sorted(files.items()):
                con.execute("INSERT INTO outputs VALUES (?, ?, ?)", [scope, name, data])

    def files(self, scope: str) -> dict[str, bytes]:
        with self.db.connect() as con:
            rows = con.execute("SELECT name, content FROM outputs WHERE scope = ? ORDER BY name",
                               [scope]).fetchall()
        return {name: bytes(content) for name, content in rows}
