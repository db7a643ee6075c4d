"""Training an orientation model on a labelled table."""

from __future__ import annotations

import pandas as pd
import pytest

from corpus import pipeline
from corpus.config import Settings


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


def test_train_orientation_refuses_a_single_label(tmp_path, nlp):
    path = tmp_path / "t.csv"
    pd.DataFrame({"texte": ["délais trop longs", "pas de bus"], "orientation": "frein"}).to_csv(
        path, index=False)
    with pytest.raises(ValueError, match="au moins deux"):
        pipeline.train_orientation(path, text="texte", label="orientation", embedder="lexical",
                                   nlp=nlp, settings=Settings(models_dir=tmp_path))
