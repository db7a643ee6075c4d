"""Scopes: which documents one input (a démarche folder, a table) is made of."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from corpus.store.database import Database


class Scopes:
    """The `scopes` table: input (its absolute path) -> doc ids."""

    def __init__(self, db: Database):
        self.db = db

    def set(self, scope: str, doc_ids: Iterable[str]) -> None:
        """Record which documents one input is made of (replacing what it held before)."""
        frame = pd.DataFrame({"scope": scope, "doc_id": sorted(set(doc_ids))}, dtype="str")
        with self.db.transaction() as con:
            con.execute("DELETE FROM scopes WHERE scope = ?", [scope])
            if len(frame):
                con.register("new_scope", frame)
                con.execute("INSERT INTO scopes BY NAME SELECT * FROM new_scope")

    def doc_ids(self, scope: str) -> list[str]:
        frame = self.db.frame(
            "SELECT doc_id FROM scopes WHERE scope = ? ORDER BY doc_id", [scope]
        )
        return frame["doc_id"].tolist()

    def fingerprint(self, scope: str) -> str:
        """Changes when any document of the scope changes (id, content hash) or is stored anew.

        The time of storing counts: a store rebuilt from the same files, or a file edited and
        then put back as it was, holds segments that were never analysed.
        """
        with self.db.connect() as con:
            row = con.execute(
                "SELECT count(*), coalesce(sum(hash(d.doc_id || ':' || d.content_hash || ':' "
                "|| CAST(d.ingested_at AS VARCHAR))), 0) "
                "FROM scopes s JOIN documents d USING (doc_id) WHERE s.scope = ?",
                [scope],
            ).fetchone()
        return f"{row[0]}-{row[1]}"
