"""The analysis stages write their results back to the store."""

from __future__ import annotations

import json

from corpus import pipeline
from corpus.store import Store


def test_orientation_and_themes_are_written_back(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    scope = pipeline.ingest(demarche, store, settings, nlp=blank_nlp).scope
    counts = pipeline.orient_scope(store, scope, settings)
    segs = store.texts.segments()
    assert sum(counts.values()) == len(segs) and segs["orientation"].notna().all()
    found = pipeline.themes_scope(store, scope, settings, run_id="r1")
    themes = json.loads(store.results.get(scope, "themes"))
    assert found["themes"] == len(themes) >= 1
    segs = store.texts.segments()
    assert set(segs["theme_id"].dropna()) == {t["theme_id"] for t in themes}
    assert store.texts.documents()["orientation"].notna().all()
    assert set(store.themes.registry()["theme_id"]) == {t["theme_id"] for t in themes}
