"""What a stage's result depends on."""

from __future__ import annotations

from corpus import pipeline
from corpus.store import Store


def test_stage_keys_change_with_what_the_stage_depends_on(tmp_path, demarche, settings,
                                                          blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    scope = pipeline.ingest(demarche, store, settings, nlp=blank_nlp).scope
    key = pipeline.stage_key("themes", store, scope, settings, None, "code")
    assert key == pipeline.stage_key("themes", store, scope, settings, None, "code")
    assert key != pipeline.stage_key("themes", store, scope, settings.with_(seed=7), None, "code")
    assert key != pipeline.stage_key("themes", store, scope, settings, None, "other code")
