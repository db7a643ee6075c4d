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
    told = segs[segs["kind"] == "contenu"]
    ran = segs[segs["kind"] == "deroule"]  # "Débat mouvant animé par Marc, 22 participants…"
    assert len(ran) == 2 and ran["orientation"].isna().all()
    assert sum(counts.values()) == len(told) and told["orientation"].notna().all()
    found = pipeline.themes_scope(store, scope, settings, run_id="r1")
    themes = json.loads(store.results.get(scope, "themes"))
    assert found["themes"] == len(themes) >= 1
    segs = store.texts.segments()
    assert set(segs["theme_id"].dropna()) == {t["theme_id"] for t in themes}
    assert segs.loc[segs["kind"] == "deroule", "theme_id"].isna().all()
    assert store.texts.documents()["orientation"].notna().all()
    assert set(store.themes.registry()["theme_id"]) == {t["theme_id"] for t in themes}
