"""Themes as the API reads them: the registry's entries and one theme's dossier (counts, its
evolution across events, quotes with their neighbouring segments)."""

from __future__ import annotations

import json

import pandas as pd

from corpus.api.filters import unknown
from corpus.api.index import RENAMED, Index
from corpus.records import ORIENTATIONS
from corpus.store.explore import ExploreTables

NEIGHBOURS = 1  # segments shown before and after a quote, from the same note


def theme_entries(index: Index, tables: ExploreTables) -> list[dict]:
    """The registry's themes.json entries for the themes the segments carry."""
    present = set(index.meta["theme_id"].dropna())
    payloads = tables.theme_payloads()
    return [json.loads(p) for tid, p in zip(payloads["theme_id"], payloads["payload"],
                                             strict=True)
            if tid in present and p]


def with_terms(summaries: pd.DataFrame, entries: list[dict]) -> pd.DataFrame:
    """`Store.themes.summaries` with each theme's key terms and grand thème."""
    extra = pd.DataFrame(
        [{"theme_id": t["theme_id"], "terms": t.get("terms", []),
          "group_id": t.get("group_id"), "group_label": t.get("group_label")}
         for t in entries],
        columns=["theme_id", "terms", "group_id", "group_label"],
    )
    return summaries.merge(extra, on="theme_id", how="left")


def dossier(index: Index, tables: ExploreTables, entries: list[dict], theme_id: str,
            quotes: int) -> dict:
    """One theme: label, terms, counts, ateliers, territories, orientation split, its
    evolution across events, and quotes with their provenance and neighbouring segments."""
    meta = index.meta
    mine = meta[meta["theme_id"].fillna("").str.lower() == theme_id.strip().lower()]
    if mine.empty:
        raise unknown("Thème", theme_id, meta["theme_id"].dropna())
    theme_id = str(mine["theme_id"].iloc[0])
    entry = next((t for t in entries if t["theme_id"] == theme_id), {})
    split = mine["orientation"].value_counts()
    dates = tables.event_dates().set_index("event_id")["date"]
    per_event = meta.groupby("event").size()
    evolution = []
    for ev in sorted(set(meta["event"]), key=lambda e: (str(dates.get(e, "")), e)):
        here = mine[mine["event"] == ev]
        evolution.append({
            "event": ev, "date": str(dates.get(ev, "") or "")[:10],
            "segments": len(here),
            "difficulte": int((here["orientation"] == "difficulte").sum()),
            "levier": int((here["orientation"] == "levier").sum()),
            "share": round(len(here) / max(1, int(per_event.get(ev, 0))), 4),
        })
    ateliers = mine["event"] + "/" + mine["atelier"]
    return {
        "theme_id": theme_id,
        "label": str(mine["theme_label"].iloc[0] or entry.get("label", "")),
        "terms": list(entry.get("terms", [])),
        "group_id": entry.get("group_id"), "group_label": entry.get("group_label"),
        "segments": len(mine),
        "ateliers": int(ateliers.nunique()),
        "territories": int(mine["territory"].nunique()),
        **{o: int(split.get(o, 0)) for o in ORIENTATIONS},
        "ateliers_list": sorted(set(ateliers)),
        "ateliers_counts": _counts(ateliers),
        "territories_list": _counts(mine["territory"]),
        "evolution": evolution,
        "quotes": _quotes(meta, mine, entry.get("representative_segment_ids", []), quotes),
        "segments_list": mine.rename(columns={v: k for k, v in RENAMED.items()})[
            ["segment_id", "territory_id", "event_id", "atelier_id", "orientation",
             "orientation_score", "text"]].to_dict("records"),
    }


def _quotes(meta: pd.DataFrame, mine: pd.DataFrame, representative: list[str],
            n: int) -> list[dict]:
    """Representative segments first, then the others, each with its note's neighbours."""
    ids = set(mine["segment_id"])
    chosen = [s for s in representative if s in ids][:n]
    taken = set(chosen)
    chosen += [s for s in mine["segment_id"].head(n + len(taken)) if s not in taken]
    by_id = mine.set_index("segment_id")
    out = []
    for sid in chosen[:n]:
        row = by_id.loc[sid]
        note = meta[meta["doc_id"] == row["doc_id"]]
        pos = int(row["position"])
        near = note[(note["position"] - pos).abs().between(1, NEIGHBOURS)]
        out.append({
            "segment_id": sid, "doc_id": row["doc_id"], "territory": row["territory"],
            "event": row["event"], "atelier": row["atelier"],
            "orientation": row["orientation"], "text": row["text"],
            "before": near[near["position"] < pos]["text"].tolist(),
            "after": near[near["position"] > pos]["text"].tolist(),
        })
    return out


def _counts(values: pd.Series) -> list[dict]:
    counts = values.value_counts()
    return [{"id": str(k), "segments": int(v)}
            for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
