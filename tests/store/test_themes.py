"""Theme tables: the registry as runs leave it, and themes as a researcher reads them."""

from datetime import datetime

import numpy as np
import pandas as pd

from corpus.store import Store
from corpus.themes.registry import registry_rows

THEMES = [
    {"theme_id": "T001", "label": "Financement des formations", "terms": ["financement", "cpf"],
     "size": 2, "n_ateliers": 2, "n_territories": 1},
    {"theme_id": "T002", "label": "Mobilité rurale", "terms": ["mobilité"], "size": 1,
     "n_ateliers": 1, "n_territories": 1},
]
CENTROIDS = {"T001": np.array([1.0, 0.0], dtype=np.float32),
             "T002": np.array([0.0, 1.0], dtype=np.float32)}


def _save(store, run_id, centroids=CENTROIDS, themes=THEMES):
    rows, history, counts = registry_rows(themes, centroids, store.themes.registry(),
                                          run_id=run_id, fingerprint="fp",
                                          recorded_at=datetime(2026, 3, 19))
    store.themes.save(rows, history, run_id=run_id)
    return counts


def test_a_theme_seen_again_keeps_its_first_run_and_moves_its_centroid(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    assert _save(store, "r1") == {"new": 2, "updated": 0}
    moved = {"T001": np.array([0.0, 1.0], dtype=np.float32), "T002": CENTROIDS["T002"]}
    assert _save(store, "r2", moved) == {"new": 0, "updated": 2}
    reg = store.themes.registry("fp").set_index("theme_id")
    np.testing.assert_allclose(reg.loc["T001", "centroid"], [2 ** -0.5, 2 ** -0.5], atol=1e-6)
    _save(store, "r2", moved)  # the same run recorded twice counts once
    reg = store.themes.registry("fp").set_index("theme_id")
    assert reg.loc["T001", "first_run"] == "r1" and reg.loc["T001", "n_runs"] == 2
    assert store.themes.registry("autre-modele").empty
    history = store.themes.history()
    assert history[["theme_id", "run_id"]].values.tolist() == [
        ["T001", "r1"], ["T001", "r2"], ["T002", "r1"], ["T002", "r2"]]


def test_theme_detail_gives_its_quotes_and_ateliers(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    segs = pd.DataFrame({
        "segment_id": ["d1#000", "d1#001", "d2#000"], "doc_id": ["d1", "d1", "d2"],
        "territory_id": ["t", "t", "t"], "event_id": ["t/e", "t/e", "t/e"],
        "atelier_id": ["a01", "a01", "a02"], "position": [0, 1, 0],
        "text": ["Le CPF ne suffit pas", "Abonder le CPF", "Le permis coûte cher"],
        "lemmas": "", "section": "", "section_hint": None, "given_orientation": None,
        "orientation": ["difficulte", "levier", "difficulte"], "orientation_score": 1.0,
        "theme_id": ["T001", "T001", "T002"],
        "theme_label": ["Financement", "Financement", "Mobilité"],
    })
    with store.db.transaction() as con:
        con.register("s", segs)
        con.execute("INSERT INTO segments BY NAME SELECT * FROM s")
    detail = store.themes.detail("T001")
    assert detail["segments"] == 2 and detail["difficulte"] == 1 and detail["levier"] == 1
    assert detail["ateliers_list"] == ["t/e/a01"]
    assert [s["text"] for s in detail["segments_list"]] == ["Le CPF ne suffit pas",
                                                            "Abonder le CPF"]
    assert store.themes.detail("T999") is None
    assert store.themes.ids() == ["T001", "T002"]
