"""The machine-readable outputs: `segments.parquet`, `documents.parquet`, `run.json`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from corpus.files import atomic_path

SEGMENT_COLUMNS = [
    "segment_id", "doc_id", "territory", "event", "atelier", "text",
    "orientation", "orientation_score", "theme_id", "theme_label", "group_id", "kind",
]
DOCUMENT_COLUMNS = ["doc_id", "territory", "event", "atelier", "orientation", "theme_id"]
_RENAME = {"territory_id": "territory", "event_id": "event", "atelier_id": "atelier"}


def segments_table(stored: pd.DataFrame) -> pd.DataFrame:
    """Stored segments as the output contract's columns, sorted by segment id."""
    frame = stored.rename(columns=_RENAME)
    frame["kind"] = (frame["kind"] if "kind" in frame.columns else pd.Series(
        None, index=frame.index, dtype=object)).fillna("contenu").astype(object)
    extra = [c for c in ("section", "section_hint", "position") if c in frame.columns]
    frame = frame[SEGMENT_COLUMNS + extra].sort_values("segment_id", kind="stable")
    frame["orientation_score"] = frame["orientation_score"].astype("float64")
    return frame.reset_index(drop=True)


def documents_table(stored: pd.DataFrame) -> pd.DataFrame:
    frame = stored.rename(columns=_RENAME)
    extra = [c for c in ("source", "format", "n_segments") if c in frame.columns]
    return frame[DOCUMENT_COLUMNS + extra].sort_values("doc_id", kind="stable").reset_index(
        drop=True
    )


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """`frame` as a Parquet file (no index), written atomically."""
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)
    return Path(path)
