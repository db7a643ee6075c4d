"""The segments as the synthesis reads them: contract columns renamed, atelier keys, whether a
segment may be quoted, and nothing else (every theme of every scope filters these rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corpus.synthesis.model import DIFF, LEV, OTHER
from corpus.synthesis.wording import quotable

FRAME_COLUMNS = ("segment_id", "doc_id", "territory", "event", "atelier", "key", "text", "kind",
                 "orientation", "orientation_score", "theme_id", "theme_label", "row", "quotable")
RENAME = {"territory_id": "territory", "event_id": "event", "atelier_id": "atelier"}


def prepare_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """Contract columns, `row` (position for the embeddings), `key` (atelier key), sorted."""
    frame = segments.rename(columns=RENAME).copy()
    frame["row"] = np.arange(len(frame))
    frame["kind"] = (frame["kind"].fillna("contenu").astype(str) if "kind" in frame
                     else "contenu")
    for col in ("territory", "event", "atelier", "text"):
        frame[col] = frame[col].fillna("").astype(str) if col in frame else ""
    for col in ("orientation", "theme_id", "theme_label"):
        if col not in frame:
            frame[col] = None
    frame["key"] = frame["event"].astype(str) + "/" + frame["atelier"].astype(str)
    frame["orientation"] = frame["orientation"].where(frame["orientation"].isin([DIFF, LEV]), OTHER)
    frame["theme_id"] = frame["theme_id"].astype(object).where(frame["theme_id"].notna(), None)
    if "orientation_score" not in frame:
        frame["orientation_score"] = 0.0
    frame["orientation_score"] = frame["orientation_score"].astype(float).fillna(0.0)
    frame["quotable"] = frame["text"].map(quotable).astype(bool)
    # Only what the synthesis reads, strings as Python objects: each theme of each scope
    # filters these rows, and a filter copies every column (Arrow strings at that: 40 % of the
    # synthesis of 10,000 segments went to copying columns it never read).
    frame = frame[[c for c in FRAME_COLUMNS if c in frame]]
    frame = frame.astype({c: object for c in frame.columns if pd.api.types.is_string_dtype(
        frame[c])})
    return frame.sort_values("segment_id", kind="stable").reset_index(drop=True)
