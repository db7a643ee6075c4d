"""Forgetting a person (RGPD): rewrite every stored text where a name appears, drop its
pseudonym numbers.

The caller gives a `rewrite(text) -> text` function (the name's words replaced) and the salted
keys of the name in the `pseudonyms` table; everything happens in one transaction. Documents
whose segments changed are stamped anew, so that the next run's cache keys change and every
output is computed again from the rewritten texts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pandas as pd

from corpus.store.database import Database, now

# table -> (key columns, plain text columns, JSON columns, list columns)
Columns = tuple[str, ...]
TEXT_TABLES: dict[str, tuple[Columns, Columns, Columns, Columns]] = {
    "segments": (("segment_id",), ("text", "theme_label", "lemmas", "tags"), (), ()),
    "feedback": (("feedback_id",), ("organisation", "answer_tags"), ("answers",), ()),
    "themes": (("theme_id",), ("label",), ("payload",), ("terms",)),
    "theme_history": (("theme_id", "run_id"), ("label",), (), ()),
    "ateliers": (("event_id", "atelier_id"), ("problematique",), (), ()),
    "events": (("event_id",), ("name", "place"), (), ()),
}


def _json_strings(value, rewrite: Callable[[str], str]):
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, list):
        return [_json_strings(v, rewrite) for v in value]
    if isinstance(value, dict):
        return {k: _json_strings(v, rewrite) for k, v in value.items()}
    return value


def _rewritten(frame: pd.DataFrame, plain, as_json, lists, rewrite: Callable[[str], str],
               special: dict[str, Callable[[str], str]]) -> pd.DataFrame:
    """The rows of `frame` that `rewrite` (or `special[column]`) changes, rewritten."""
    out = frame.copy()
    for col in plain:
        fn = special.get(col, rewrite)
        out[col] = frame[col].map(lambda v, fn=fn: fn(v) if isinstance(v, str) else v)
    for col in as_json:
        out[col] = frame[col].map(
            lambda v: json.dumps(_json_strings(json.loads(v), rewrite), ensure_ascii=False,
                                 sort_keys=True) if isinstance(v, str) else v)
    for col in lists:
        out[col] = frame[col].map(
            lambda v: None if v is None else [rewrite(x) if isinstance(x, str) else x
                                              for x in list(v)])
    changed = pd.Series(False, index=frame.index)
    for col in (*plain, *as_json):
        changed |= frame[col].fillna("").astype(str) != out[col].fillna("").astype(str)
    for col in lists:
        changed |= frame[col].map(lambda v: None if v is None else list(v)) != out[col]
    return out[changed]


def forget(db: Database, rewrite: Callable[[str], str], *,
           rewrite_lemmas: Callable[[str], str], pseudonym_keys: Iterable[str]) -> dict[str, int]:
    """Rewrite every stored text with `rewrite` (lemmas with `rewrite_lemmas`) and delete the
    pseudonym rows whose salted key is in `pseudonym_keys`; rows changed, per table. Tags
    (`corpus.text.tags`) where the name appears are cleared: the next run parses the
    rewritten text."""
    counts: dict[str, int] = {}

    def cleared(tags: str) -> str | None:
        return tags if rewrite(tags) == tags else None

    special = {"lemmas": rewrite_lemmas, "tags": cleared, "answer_tags": cleared}
    keys = sorted(set(pseudonym_keys))
    with db.transaction() as con:
        for table, (key, plain, as_json, lists) in TEXT_TABLES.items():
            columns = [*key, *plain, *as_json, *lists]
            frame = con.execute(f"SELECT {', '.join(columns)} FROM {table}").df()
            new = _rewritten(frame, plain, as_json, lists, rewrite, special)
            counts[table] = len(new)
            if new.empty:
                continue
            con.register("forgotten", new)
            sets = ", ".join(
                f"{c} = CAST(n.{c} AS JSON)" if c in as_json else f"{c} = n.{c}"
                for c in (*plain, *as_json, *lists))
            where = " AND ".join(f"t.{k} = n.{k}" for k in key)
            con.execute(f"UPDATE {table} AS t SET {sets} FROM forgotten AS n WHERE {where}")
            if table == "segments":  # new stamps: the next run recomputes from these texts
                con.execute("UPDATE documents SET ingested_at = ? WHERE doc_id IN "
                            "(SELECT DISTINCT doc_id FROM segments JOIN forgotten "
                            "USING (segment_id))", [now()])
            con.unregister("forgotten")
        # What the stages derived from these texts (themes, rendered synthesis with its quotes):
        # deleted, the next run computes it from the rewritten texts.
        counts["resultats_derives"] = int(con.execute(
            "SELECT count(*) FROM stage_results").fetchone()[0])
        con.execute("DELETE FROM stage_results")
        con.execute("DELETE FROM outputs")
        if keys:
            con.register("forgotten_keys", pd.DataFrame({"name_key": keys}))
            counts["pseudonyms"] = int(con.execute(
                "SELECT count(*) FROM pseudonyms JOIN forgotten_keys USING (name_key)"
            ).fetchone()[0])
            con.execute("DELETE FROM pseudonyms WHERE name_key IN "
                        "(SELECT name_key FROM forgotten_keys)")
        else:
            counts["pseudonyms"] = 0
    return counts


def pseudonym_numbers(db: Database, keys: Iterable[str]) -> dict[str, int]:
    """scope -> number for the pseudonym rows whose salted key is in `keys`."""
    wanted = pd.DataFrame({"name_key": sorted(set(keys))})
    frame = db.frame_of("SELECT scope, number FROM pseudonyms JOIN wanted USING (name_key)",
                        wanted)
    return {s: int(n) for s, n in zip(frame["scope"], frame["number"], strict=True)}


def pseudonym_scopes(db: Database) -> list[str]:
    return db.frame("SELECT DISTINCT scope FROM pseudonyms ORDER BY scope")["scope"].tolist()
