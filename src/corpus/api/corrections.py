"""Corrections through the Python API, the command line and the explorer: one entry appended
to the store's log, replayed at once on every scope that has themes (so the change is there on
the next read), under the store's run lock taken without waiting: while a run holds the store,
a correction is refused (`StoreBusy`) and nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from corpus.config import Settings
from corpus.corrections import (
    APPLIED,
    GROUP_ID,
    OUT_OF_SCOPE,
    CorrectionError,
    describe,
    normalise,
)
from corpus.store import Store, runlock

__all__ = ["CorrectionError", "correct", "corrections", "undo"]


def _replay(store: Store, settings: Settings) -> dict[str, dict]:
    """Replay the log on every scope; the log's statuses combine them: applied where it
    applied in one scope, else the first reason it did not. Returns {id: outcome}."""
    from corpus.pipeline.corrections import apply_corrections, engine_scopes

    combined: dict[str, dict] = {}
    for scope in engine_scopes(store):
        for o in apply_corrections(store, scope, settings, record=False)["outcomes"]:
            seen = combined.get(o["correction_id"])
            if seen is None or seen["status"] == OUT_OF_SCOPE or (
                    o["status"] == APPLIED and seen["status"] != APPLIED):
                combined[o["correction_id"]] = o
    store.corrections.set_status((o["correction_id"], o["status"], o["reason"])
                                 for o in combined.values() if o["status"] != OUT_OF_SCOPE)
    return combined


def _pinned(store: Store, theme_id: str) -> dict[str, Any]:
    """What a pin keeps of its theme, to recreate it if the engine dissolves it: its entry and
    its segments as they are now."""
    entries = store.results.scopes("themes")
    for scope in reversed(entries):
        for entry in json.loads(store.results.get(scope, "themes") or "[]"):
            if entry["theme_id"] == theme_id:
                segs = store.themes.segments(theme_id)["segment_id"].tolist()
                return {"entry": entry, "label": entry["label"], "segments": segs}
    return {}


def _group_themes(store: Store, group_id: str) -> list[str]:
    """The themes a grand thème holds now (the replay finds it again by them)."""
    found: set[str] = set()
    for scope in store.results.scopes("themes"):
        found |= {t["theme_id"] for t in json.loads(store.results.get(scope, "themes") or "[]")
                  if t.get("group_id") == group_id}
    return sorted(found)


def correct(store: Store, action: str, target: str, value: Any = None, *, by: str = "",
            why: str = "", settings: Settings | None = None) -> dict:
    """Append one correction and replay the log; returns the correction's row (with its
    status). A correction that fits nothing in the store is refused (CorrectionError) and
    not kept."""
    settings = settings or Settings()
    action, target, value = normalise(action, target, value)
    with runlock.at_once(store.path):
        from corpus.pipeline.corrections import engine_scopes

        if not engine_scopes(store):
            raise CorrectionError("la base n'a pas encore de thèmes. Correction : lancez "
                                  "d'abord `corpus run` sur la démarche.")
        if action == "pin":
            value = {**_pinned(store, target), **value}
        if action == "rename" and GROUP_ID.match(target):
            value = {**value, "themes": _group_themes(store, target)}
        row = store.corrections.add(action, target, value, by=by.strip(), why=why.strip())
        cid = row["correction_id"]
        try:
            outcome = _replay(store, settings).get(cid, {"status": OUT_OF_SCOPE})
        except BaseException:
            store.corrections.remove(cid)
            _replay(store, settings)
            raise
        if outcome["status"] != APPLIED:
            store.corrections.remove(cid)
            _replay(store, settings)
            reason = outcome.get("reason") or f"{target} n'est dans aucun run de cette base"
            raise CorrectionError(f"{describe(row)} : impossible, {reason}.")
        return store.corrections.get(cid)


def undo(store: Store, correction_id: str | None = None, *,
         settings: Settings | None = None) -> dict:
    """Undo one correction (default: the last in force) and replay the log; returns its
    row, marked undone."""
    settings = settings or Settings()
    with runlock.at_once(store.path):
        row = store.corrections.undo(correction_id)
        try:
            _replay(store, settings)
        except BaseException:
            store.corrections.restore(row["correction_id"], APPLIED)
            raise
        return store.corrections.get(row["correction_id"])


def corrections(store: Store, *, include_undone: bool = True) -> pd.DataFrame:
    """The log: correction_id, at, by, why, action, target, value, status, reason, undone_at,
    and a French description of each."""
    frame = store.corrections.frame(include_undone=include_undone)
    frame["description"] = [describe(r) for r in frame.to_dict("records")]
    return frame
