"""A small analysed store (tests/store_inputs.py) with a theme registry and fake vectors: the
fixtures of the API and explorer tests (imported by their conftest.py)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from store_inputs import THEMES, make_store

from corpus.embed import FakeEmbedder, embed_cached
from corpus.store.themes import HISTORY_COLUMNS

GROUPS = {"T001": "G01", "T002": "G02", "T003": "G01", "T004": "G02", "T005": "G02"}


def add_registry(store, embedder) -> None:
    """themes.json entries as `corpus run` records them, and the segments' vectors cached."""
    segs = store.texts.segments()
    embed_cached(embedder, segs["text"].tolist(), store)
    rows = []
    for theme_id, label in THEMES.items():
        mine = segs[segs["theme_id"] == theme_id]
        payload = {
            "theme_id": theme_id, "label": label, "terms": label.lower().split()[:3],
            "group_id": GROUPS[theme_id], "group_label": f"Groupe {GROUPS[theme_id]}",
            "size": len(mine), "representative_segment_ids": mine["segment_id"].tolist()[1:2],
        }
        rows.append({"theme_id": theme_id, "label": label, "terms": payload["terms"],
                     "centroid": [1.0, 0.0], "fingerprint": embedder.fingerprint,
                     "first_run": "r1", "last_run": "r1", "n_runs": 1,
                     "payload": json.dumps(payload, ensure_ascii=False)})
    store.themes.save(pd.DataFrame(rows), pd.DataFrame(columns=HISTORY_COLUMNS), run_id="r1")
    groups = segs["theme_id"].map(GROUPS)
    store.texts.update_segments(segs.assign(group_id=groups))


@pytest.fixture
def embedder():
    return FakeEmbedder()


@pytest.fixture
def small_store(tmp_path, embedder):
    store = make_store(tmp_path / "corpus.duckdb")
    add_registry(store, embedder)
    return store


@pytest.fixture
def api(small_store, embedder):
    import corpus

    return corpus.open(small_store.path, embedder=embedder)


__all__ = ["GROUPS", "add_registry", "api", "embedder", "small_store"]
