"""The one wiring of the stages, step by step, on a small démarche in a store under tmp_path.

The fake embedder and spaCy's blank French pipeline stand in for the models here; the real
ones run in the slow tests and in tests/flows/test_pipeline.py (`corpus run` end to end).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from corpus import pipeline
from corpus.config import Settings
from corpus.ingest import IngestError, TableOptions
from corpus.store import Store

DEMARCHE = Path(__file__).resolve().parent / "fixtures" / "ingest" / "demarche"


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """A models folder of its own (the gazetteer is written there on first use)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def settings(models_dir) -> Settings:
    # The shipped lexical orientation model needs no embedder; themes use the fake embedder.
    return Settings(models_dir=models_dir, embedder_orient="lexical", embedder_themes="fake")


@pytest.fixture
def demarche(tmp_path) -> Path:
    root = tmp_path / "demarche"
    shutil.copytree(DEMARCHE, root)
    return root


def test_ingest_stores_once_and_records_the_scope(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    first = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    assert first.added["documents"] == 3 and first.added["segments"] > 0
    assert first.scope == str(demarche.resolve())
    assert store.scopes.doc_ids(first.scope) == first.doc_ids
    again = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    assert again.added == pipeline.NOTHING_ADDED and again.unchanged == 3
    assert store.counts()["segments"] == first.added["segments"]


def test_only_the_changed_note_is_segmented_again(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    note = demarche / "lyon-est" / "forum-cep-2024" / "notes" / "A1.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n- Une ligne ajoutée après coup.\n",
                    encoding="utf-8")
    read = pipeline.read_input(demarche)
    new, unchanged = pipeline.changed_notes(store, read)
    assert [n.atelier_id for n in new] == ["A1"] and len(unchanged) == 2
    added = pipeline.ingest(demarche, store, settings, nlp=blank_nlp).added
    assert added["documents"] == 1


def test_names_are_protected_before_they_are_stored(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    people = [p for w in pipeline.read_input(demarche).workshops for p in w.people]
    text = " ".join(store.texts.segments()["text"])
    assert people and not any(name in text for name in people)


def test_a_table_without_its_text_column_is_refused(tmp_path, settings):
    table = tmp_path / "avis.csv"
    table.write_text("id;texte\n1;Le CPF ne suffit pas\n", encoding="utf-8")
    with pytest.raises(IngestError, match="--text"):
        pipeline.ingest(table, Store(tmp_path / "c.duckdb"), settings, TableOptions())


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


def test_output_tables_follow_the_contract(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    ingested = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    files = pipeline.write_tables(store, ingested.doc_ids, tmp_path / "out")
    segs = pd.read_parquet(files["segments"])
    assert list(segs.columns[:6]) == ["segment_id", "doc_id", "territory", "event", "atelier",
                                      "text"]
    assert sorted(pd.read_parquet(files["documents"])["doc_id"]) == ingested.doc_ids


def test_stage_keys_change_with_what_the_stage_depends_on(tmp_path, demarche, settings,
                                                          blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    scope = pipeline.ingest(demarche, store, settings, nlp=blank_nlp).scope
    key = pipeline.stage_key("themes", store, scope, settings, None, "code")
    assert key == pipeline.stage_key("themes", store, scope, settings, None, "code")
    assert key != pipeline.stage_key("themes", store, scope, settings.with_(seed=7), None, "code")
    assert key != pipeline.stage_key("themes", store, scope, settings, None, "other code")


@pytest.mark.slow
def test_train_orientation_reports_metrics_and_saves_a_loadable_model(tmp_path, nlp):
    from corpus.orient import OrientationModel

    rows = [("délais de financement trop longs", "Difficulté"),
            ("pas de transport en commun en zone rurale", "frein"),
            ("manque de coordination entre les structures", "constat"),
            ("les jeunes ne viennent pas aux rendez-vous", "Difficulté"),
            ("créer un annuaire partagé des partenaires", "proposition"),
            ("mettre en place un référent unique", "piste"),
            ("développer les immersions en entreprise", "proposition"),
            ("renforcer le lien avec les OPCO", "levier")]
    path = tmp_path / "retours.csv"
    pd.DataFrame(rows, columns=["Verbatim", "Type"]).to_csv(path, sep=";", index=False,
                                                            encoding="utf-8-sig")
    result = pipeline.train_orientation(path, text="Verbatim", label="Type", embedder="lexical",
                                        out=tmp_path / "m", nlp=nlp, folds=4, n_bits=12,
                                        settings=Settings(models_dir=tmp_path))
    assert result["labels"] == {"difficulte": 4, "levier": 4}
    assert result["rows"] == 8 and result["folds"] == 4
    assert 0.0 <= result["macro_f1_documents"] <= 1.0
    model = OrientationModel.load(result["model"])
    assert model.classes_ == ["difficulte", "levier"]
    assert model.info_["table"] == "retours.csv"


@pytest.mark.slow
def test_train_orientation_refuses_a_single_label(tmp_path, nlp):
    path = tmp_path / "t.csv"
    pd.DataFrame({"texte": ["délais trop longs", "pas de bus"], "orientation": "frein"}).to_csv(
        path, index=False)
    with pytest.raises(ValueError, match="au moins deux"):
        pipeline.train_orientation(path, text="texte", label="orientation", embedder="lexical",
                                   nlp=nlp, settings=Settings(models_dir=tmp_path))


def _recorded(store: Store) -> dict[str, object]:
    frame = store.db.frame("SELECT stage, recorded_at FROM stage_results ORDER BY stage")
    return dict(zip(frame["stage"], frame["recorded_at"], strict=True))


def test_stages_talk_through_the_store_and_skip_what_is_already_done(
        tmp_path, demarche, settings, monkeypatch):
    """The whole loop without Prefect: every output written; an emptied output folder is
    written again from the store alone (no stage reads another's files); a rerun with nothing
    new recomputes nothing, and new code recomputes everything."""
    import shutil

    out = tmp_path / "out"
    ctx = pipeline.Context(store=str(tmp_path / "c.duckdb"), input=str(demarche),
                           settings=settings, out=str(out), run_id="r1")
    _, done, _ = pipeline.run_stages(pipeline.STAGES, ctx)
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"segments.parquet", "documents.parquet", "themes.json", "synthese.md",
            "synthese.html", "synthese.docx", "problematiques.json"} <= set(written)
    assert json.loads(written["themes.json"])[0]["theme_id"] in written["synthese.md"].decode()
    store = Store(tmp_path / "c.duckdb")
    first = _recorded(store)
    assert {"run:orientation", "run:themes", "run:feedback", "run:synthesis"} <= set(first)

    shutil.rmtree(out)
    pipeline.run_stages(pipeline.STAGES, ctx)
    assert _recorded(store) == first  # nothing recomputed
    assert {p.name: p.read_bytes() for p in out.iterdir()} == written

    for module in (pipeline.analysis, pipeline.outputs):  # an upgrade of corpus
        monkeypatch.setattr(module, "run_code", lambda: "une autre version")
    pipeline.run_stages(pipeline.STAGES, ctx)
    again = _recorded(store)
    assert all(again[k] > first[k] for k in ("run:orientation", "run:themes", "run:synthesis"))
