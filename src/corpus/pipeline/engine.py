"""What the engine found, kept apart from what the corrections make of it: the orientation and
themes stages store it here, the corrections stage derives the corrected results from it (so
that nothing is corrected twice)."""

from __future__ import annotations

from corpus.store import Store

ENGINE_THEMES = "themes.engine"
ENGINE_ORIENTATION = "orientation.engine"


def keep_engine_orientation(store: Store, scope: str, segs) -> None:
    """What the orientation model found (and the segments' kind, when the store has it)."""
    payload = {"orientation": dict(zip(segs["segment_id"], segs["orientation"], strict=True))}
    if "kind" in segs.columns:
        payload["kind"] = dict(zip(segs["segment_id"], segs["kind"].astype(object), strict=True))
    store.results.put(scope, ENGINE_ORIENTATION, payload)


def keep_engine_themes(store: Store, scope: str, themes_text: str, assignments, *,
                       seed: int) -> None:
    """What the themes engine found: themes.json's text and each segment's theme (and the
    run's seed: a split between runs re-clusters as the next run will)."""
    store.results.put(scope, ENGINE_THEMES, {
        "themes": themes_text, "seed": seed,
        "segments": {sid: (tid if isinstance(tid, str) else None) for sid, tid in
                     zip(assignments["segment_id"], assignments["theme_id"], strict=True)},
    })
