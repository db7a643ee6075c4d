"""Runs and pseudonyms: what was run when, and the numbers behind "Personne N"."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from corpus.store.database import Database, now


class Runs:
    """The `runs` table."""

    def __init__(self, db: Database):
        self.db = db

    def record(self, run_id: str, *, started_at: datetime, input: str, status: str,
               config: dict, counts: dict) -> None:
        with self.db.transaction() as con:
            con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [run_id, started_at, now(), input, status,
                 json.dumps(config, ensure_ascii=False, default=str),
                 json.dumps(counts, ensure_ascii=False, default=str)],
            )


class Pseudonyms:
    """The `pseudonyms` table: scope, salted hash of a name, number. Never a name."""

    def __init__(self, db: Database):
        self.db = db

    def numbers(self, scope: str) -> dict[str, int]:
        frame = self.db.frame(
            "SELECT name_key, number FROM pseudonyms WHERE scope = ?", [scope]
        )
        return {k: int(v) for k, v in zip(frame["name_key"], frame["number"], strict=True)}

    def add(self, scope: str, numbers: dict[str, int]) -> None:
        known = self.numbers(scope)
        new = {k: v for k, v in numbers.items() if k not in known}
        if not new:
            return
        frame = pd.DataFrame(
            {"scope": scope, "name_key": list(new), "number": list(new.values())}
        )
        with self.db.transaction() as con:
            con.register("new_ps", frame)
            con.execute("INSERT INTO pseudonyms BY NAME SELECT * FROM new_ps")
