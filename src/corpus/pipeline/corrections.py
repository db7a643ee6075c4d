"""The corrections stage: the log replayed on the engine's result, after the themes.

The orientation and themes stages keep what the engine found apart ("orientation.engine",
"themes.engine" in the store's results); this stage derives from them, and the log, the
corrected "themes" result and the segments' and documents' theme and orientation columns. It
never reads a corrected result, so a rerun (or a correction made between runs, which replays
at once through `apply_corrections`) gives the same result and nothing is applied twice.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np

from corpus import orient
from corpus.config import Settings
from corpus.corrections import NOT_APPLICABLE, OUT_OF_SCOPE, Correction, describe, replay
from corpus.pipeline.analysis import Themes, read_seeds, scope_segments, topic_texts
from corpus.pipeline.engine import (  # noqa: F401 (re-exported)
    ENGINE_ORIENTATION,
    ENGINE_THEMES,
    keep_engine_orientation,
    keep_engine_themes,
)
from corpus.pipeline.keys import run_code, stage_key
from corpus.pipeline.stage import Context, Mapper, serial
from corpus.store import Store

log = logging.getLogger(__name__)

REPLAYED = "corrections"


def _vectors(store: Store, segs, settings: Settings, log_: list[Correction]
             ) -> dict[str, np.ndarray] | None:
    """The segments' theme-space vectors, only when a split has to re-cluster a theme."""
    if not any(c.action == "split" and not c.value.get("segments") for c in log_):
        return None
    from corpus import embed

    texts, _ = topic_texts(store, segs, settings)
    matrix = embed.embed_cached(embed.load_embedder(settings.embedder_themes), texts, store)
    return dict(zip(segs["segment_id"], np.asarray(matrix), strict=True))


def carry_seeded(store: Store, seed_from: str | None) -> list[str]:
    """The corrections an earlier territory's problématiques carry (`--seed-from`), added to
    the log once. Returns their new ids."""
    rows = [c for item in read_seeds(seed_from) or [] for c in item.get("corrections", [])]
    return store.corrections.add_carried(rows) if rows else []


def apply_corrections(store: Store, scope: str, settings: Settings, *,
                      record: bool = True) -> dict[str, Any]:
    """Replay the active log on the scope's engine result and write the corrected result.

    With `record`, the outcomes become the log's statuses. Returns {"applied": [ids],
    "not_applicable": [{correction_id, reason, description}], "out_of_scope": [ids],
    "hidden": [...], "themes": n, "outcomes": [...]}.
    """
    from corpus.themes import document_themes, themes_json

    engine = store.results.get(scope, ENGINE_THEMES)
    segs = scope_segments(store, scope)
    if engine is None or segs.empty:
        return {"applied": [], "not_applicable": [], "out_of_scope": [], "hidden": [],
                "themes": 0}
    found = store.results.get(scope, ENGINE_ORIENTATION) or {}
    sid = segs["segment_id"]
    segs["theme_id"] = sid.map(engine["segments"]).astype(object)
    if found.get("orientation"):
        segs["orientation"] = sid.map(found["orientation"]).fillna(segs["orientation"])
    if "kind" in segs.columns and found.get("kind"):
        segs["kind"] = sid.map(found["kind"]).fillna(segs["kind"])
    active = store.corrections.active()
    result = replay(json.loads(engine["themes"]), segs, active,
                    vectors=_vectors(store, segs, settings, active),
                    seed=int(engine.get("seed", settings.seed)),
                    recurring_min_ateliers=settings.recurring_min_ateliers)
    fixed = result.segments
    store.texts.update_segments(fixed)
    if "kind" in fixed.columns:
        store.corrections.set_kind(fixed[["segment_id", "kind"]])
    docs = store.texts.documents(doc_ids=fixed["doc_id"].unique())
    docs["theme_id"] = docs["doc_id"].map(document_themes(fixed, fixed))
    docs["orientation"] = docs["doc_id"].map(orient.document_orientation(fixed))
    store.texts.update_documents(docs)
    store.results.put(scope, "themes", themes_json(result.themes))

    outcomes = [o.to_dict() for o in result.outcomes]
    gone = [o["correction_id"] for o in outcomes if o["status"] == OUT_OF_SCOPE]
    if gone:  # a segment of another scope is out of scope; one no longer stored has gone
        stored = store.corrections.stored_segments([c.target for c in active
                                                    if c.correction_id in gone])
        for o, c in zip(outcomes, active, strict=True):
            if o["status"] == OUT_OF_SCOPE and c.target not in stored:
                o.update(status=NOT_APPLICABLE,
                         reason=f"le segment {c.target} n'existe plus dans la base")
    if record:
        store.corrections.set_status((o["correction_id"], o["status"], o["reason"])
                                     for o in outcomes if o["status"] != OUT_OF_SCOPE)
    by_id = {c.correction_id: c for c in active}
    listed = [{**by_id[o["correction_id"]].to_dict(), **o} for o in outcomes
              if o["status"] != OUT_OF_SCOPE]
    store.results.put(scope, REPLAYED, {"corrections": listed, "hidden": result.hidden})
    return {
        "applied": [o["correction_id"] for o in outcomes if o["status"] == "applied"],
        "not_applicable": [{k: o[k] for k in ("correction_id", "reason", "description")}
                           for o in outcomes if o["status"] == NOT_APPLICABLE],
        "out_of_scope": [o["correction_id"] for o in outcomes if o["status"] == OUT_OF_SCOPE],
        "hidden": result.hidden,
        "themes": len(result.themes),
        "outcomes": outcomes,
    }


def engine_scopes(store: Store) -> list[str]:
    """The scopes with an engine result: where a new correction is replayed at once."""
    return store.results.scopes(ENGINE_THEMES)


def warn(summary: dict[str, Any]) -> None:
    """One line per correction that no longer applies."""
    for item in summary["not_applicable"]:
        log.warning("correction %s non applicable (%s) : %s", item["correction_id"],
                    item["description"], item["reason"])


class Corrections:
    """The groupe de coopération's corrections, replayed on the engine's themes."""

    name = "corrections"

    def key(self, ctx: Context) -> str:
        store = ctx.open()
        return stage_key("corrections", store, ctx.scope, ctx.settings, ctx.seed_from,
                         run_code(), Themes().key(ctx), store.corrections.digest())

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        store = ctx.open()
        carried = carry_seeded(store, ctx.seed_from)
        summary = apply_corrections(store, ctx.scope, ctx.settings)
        warn(summary)
        summary.pop("outcomes")
        return {**summary, "carried": carried, "log": store.corrections.digest()}


__all__ = ["Corrections", "apply_corrections", "carry_seeded", "describe", "engine_scopes",
           "keep_engine_orientation", "keep_engine_themes", "warn"]
