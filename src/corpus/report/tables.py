"""The machine-readable outputs: `segments.parquet`, `documents.parquet`, `run.json`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

SEGMENT_COLUMNS = [
    "segment_id", "doc_id", "territory", "event", "atelier", "text",
    "orientation", "orientation_score", "theme_id", "theme_label",
]
DOCUMENT_COLUMNS = ["doc_id", "territory", "event", "atelier", "orientation", "theme_id"]
_RENAME = {"territory_id": "territory", "event_id": "event", "atelier_id": "atelier"}


def segments_table(stored: pd.DataFrame) -> pd.DataFrame:
    """Stored segments as the output contract's columns, sorted by segment id."""
    frame = stored.rename(columns=_RENAME)
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


def write_atomic(path: Path, data: bytes) -> Path:
    """Write through a temporary file and rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return path


def write_json(payload, path: Path) -> Path:
    text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False, default=str)
    return write_atomic(path, (text + "\n").encode("utf-8"))
