"""The analysis stages write their results back to the store."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corpus import embed, orient, pipeline
from corpus.embed import FakeEmbedder
from corpus.orient import OrientationModel
from corpus.pipeline import analysis
from corpus.store import Store


def test_orientation_and_themes_are_written_back(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    scope = pipeline.ingest(demarche, store, settings, nlp=blank_nlp).scope
    counts = pipeline.orient_scope(store, scope, settings)
    segs = store.texts.segments()
    told = segs[segs["kind"] == "contenu"]
    # "Débat mouvant animé par Marc, 22 participants…", "Accélérateur de coopération : …" and,
    # under « Contacts », "Mission locale Lyon Est : référente « décrochage scolaire »"
    ran = segs[segs["kind"] == "deroule"]
    assert len(ran) == 3 and ran["orientation"].isna().all()
    assert sum(counts.values()) == len(told) and told["orientation"].notna().all()
    found = pipeline.themes_scope(store, scope, settings, run_id="r1")
    themes = json.loads(store.results.get(scope, "themes"))
    assert found["themes"] == len(themes) >= 1
    segs = store.texts.segments()
    assert set(segs["theme_id"].dropna()) == {t["theme_id"] for t in themes}
    assert segs.loc[segs["kind"] == "deroule", "theme_id"].isna().all()
    assert store.texts.documents()["orientation"].notna().all()
    assert set(store.themes.registry()["theme_id"]) == {t["theme_id"] for t in themes}


@pytest.fixture
def fake_e5_model():
    """A small model on the fake embedder, standing in for the shipped e5 + lexical one."""
    texts = ["manque de coordination", "pas de transport", "trop de délais", "créer un annuaire",
             "mettre en place un référent", "développer les immersions", "tour de table",
             "atelier animé en world café"]
    labels = ["difficulte"] * 3 + ["levier"] * 3 + ["autre"] * 2
    return OrientationModel(embedder="fake", n_bits=12, min_df=1).fit(
        texts, labels, FakeEmbedder().encode(texts))


def test_orientation_embeds_only_the_segments_the_lexical_model_is_unsure_of(
        tmp_path, demarche, settings, blank_nlp, fake_e5_model, monkeypatch):
    store = Store(tmp_path / "c.duckdb")
    scope = pipeline.ingest(demarche, store, settings, nlp=blank_nlp).scope
    with store.texts.db.transaction() as con:  # the démarche's notes all have headings
        con.execute("UPDATE segments SET section_hint = NULL WHERE position % 3 > 0")
    monkeypatch.setattr(analysis, "orientation_model", lambda s: fake_e5_model)
    embedded: list[str] = []
    cached = embed.embed_cached

    def counting(embedder, texts, store_):
        embedded.extend(texts)
        return cached(embedder, texts, store_)

    monkeypatch.setattr(embed, "embed_cached", counting)
    segs = analysis.content_segments(store.texts.segments())
    decided = segs[~segs["section_hint"].isin(["difficulte", "levier", "autre"])]
    lexical = orient.orient_segments(decided, None, orient.load_default_model("lexical"))
    assert 0 < len(decided) < len(segs)
    scores = np.unique(lexical["orientation_score"])
    middle = float(scores[len(scores) // 2 - 1: len(scores) // 2 + 1].mean())
    for below in (0.0, middle, 1.0):
        embedded.clear()
        pipeline.orient_scope(store, scope, settings.model_copy(update={"orient_e5_below": below}))
        unsure = decided["text"][lexical["orientation_score"] < below].tolist()
        assert embedded == (decided["text"].tolist() if below >= 1 else unsure)
        assert 0 < len(unsure) < len(decided) or below != middle  # the middle splits them
        found = analysis.content_segments(store.texts.segments())
        assert found["orientation_score"].between(0, 1).all()
        assert found["orientation"].notna().all()
        if below == 0.0:  # never embedded: the lexical model's orientations
            assert found.set_index("segment_id").loc[decided["segment_id"], "orientation"]\
                .tolist() == lexical["orientation"].tolist()
