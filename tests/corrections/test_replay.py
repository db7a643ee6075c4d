"""The corrections log replayed on an engine result: pure, idempotent, nothing dropped."""

import numpy as np
import pandas as pd
import pytest

from corpus.corrections import (
    APPLIED,
    NOT_APPLICABLE,
    OUT_OF_SCOPE,
    Correction,
    CorrectionError,
    normalise,
    replay,
)

TEXTS = {
    "s1": ("T001", "difficulte", "a1", "Les financements du CPF arrivent trop tard."),
    "s2": ("T001", "difficulte", "a2", "Le reste à charge décourage les salariés."),
    "s3": ("T001", "levier", "a1", "Abondement de la région pour les transitions."),
    "s4": ("T002", "difficulte", "a1", "Les outils numériques ne se parlent pas."),
    "s5": ("T002", "levier", "a3", "Un espace partagé entre conseillers."),
    "s6": ("T003", "autre", "a2", "Les jeunes décrochent après le premier rendez-vous."),
    "s7": ("T003", "difficulte", "a3", "Les jeunes ne viennent pas aux ateliers."),
    "s8": (None, "autre", "a1", "World-café, 3 tables, 22 participants."),
}


def engine():
    segs = pd.DataFrame([
        {"segment_id": sid, "theme_id": t, "orientation": o, "event_id": "ev",
         "atelier_id": a, "territory_id": "marseille", "text": text}
        for sid, (t, o, a, text) in TEXTS.items()])
    labels = {"T001": "Financement des formations", "T002": "Outils numériques",
              "T003": "Jeunes"}
    groups = {"T001": "G01", "T002": "G02", "T003": "G01"}
    themes = []
    for tid, label in labels.items():
        rows = segs[segs["theme_id"] == tid]
        themes.append({"theme_id": tid, "label": label, "size": len(rows),
                       "group_id": groups[tid], "group_label": f"groupe {groups[tid]}",
                       "representative_segment_ids": rows["segment_id"].tolist()[:2],
                       "terms": []})
    return themes, segs


def c(n, action, target, value=None):
    action, target, value = normalise(action, target, value)
    return Correction(f"C{n:03d}", action, target, value)


def theme_of(result, sid):
    return result.segments.set_index("segment_id").at[sid, "theme_id"]


def test_empty_log_gives_the_engine_result_back():
    themes, segs = engine()
    out = replay(themes, segs, [])
    assert out.themes == themes
    assert out.segments["theme_id"].fillna("-").tolist() == segs["theme_id"].fillna("-").tolist()
    assert out.outcomes == []


@pytest.mark.parametrize("log, theme, label", [
    ([("rename", "T002", "Systèmes d'information partagés")], "T002",
     "Systèmes d'information partagés"),
    ([("merge", "T001", {"themes": ["T003"], "label": "Parcours et financement"})], "T001",
     "Parcours et financement"),
    ([("rename", "T003", "Décrochage des jeunes"), ("merge", "T001", ["T003"]),
      ("rename", "T003", "Renommé après fusion")], "T001", "Renommé après fusion"),
])
def test_labels_follow_renames_and_merges(log, theme, label):
    themes, segs = engine()
    out = replay(themes, segs, [c(i, *x) for i, x in enumerate(log, 1)])
    entry = next(t for t in out.themes if t["theme_id"] == theme)
    assert entry["label"] == label and entry["label_chosen"]
    assert set(out.segments.loc[out.segments["theme_id"] == theme, "theme_label"]) == {label}
    assert all(o.status == APPLIED for o in out.outcomes)


def test_merge_moves_segments_and_recounts():
    themes, segs = engine()
    out = replay(themes, segs, [c(1, "merge", "T001", ["T003"])])
    assert [t["theme_id"] for t in out.themes] == ["T001", "T002"]
    merged = out.themes[0]
    assert merged["size"] == 5 and merged["n_ateliers"] == 3
    assert merged["orientation_counts"] == {"difficulte": 3, "levier": 1, "autre": 1}
    assert merged["corrections"] == ["C001"]
    assert theme_of(out, "s7") == "T001"


def test_a_group_rename_follows_its_themes_when_group_ids_are_renumbered():
    themes, segs = engine()
    renumbered = [{**t, "group_id": {"G01": "G02", "G02": "G01"}[t["group_id"]]}
                  for t in themes]
    rename = Correction("C001", "rename", "G01", {"label": "Parcours",
                                                  "themes": ["T001", "T003"]})
    out = replay(renumbered, segs, [rename])
    labels = {t["theme_id"]: t["group_label"] for t in out.themes}
    assert labels["T001"] == labels["T003"] == "Parcours" and labels["T002"] == "groupe G02"
    gone = replay([t for t in themes if t["theme_id"] == "T002"],
                  segs.assign(theme_id=segs["theme_id"].where(segs["theme_id"] == "T002")),
                  [rename])
    assert gone.outcomes[0].status == NOT_APPLICABLE


def test_group_rename_relabels_every_theme_of_the_group():
    themes, segs = engine()
    out = replay(themes, segs, [c(1, "rename", "G01", "Parcours des personnes")])
    assert {t["group_label"] for t in out.themes if t["group_id"] == "G01"} == {
        "Parcours des personnes"}
    assert next(t for t in out.themes if t["theme_id"] == "T002")["group_label"] == "groupe G02"


@pytest.mark.parametrize("log, reason", [
    ([("rename", "T009", "Fantôme")], "n'est plus trouvé par le moteur"),
    ([("hide", "T002", None), ("rename", "T002", "Trop tard")], "masqué par C001"),
    ([("merge", "T001", ["T002"]), ("hide", "T002", None)], None),  # follows the merge
    ([("merge", "T001", ["T009"])], "T009 n'est plus trouvé"),
    ([("rename", "G07", "Inconnu")], "grand thème G07"),
    ([("move", "s1", "T009")], "T009 n'est plus trouvé"),
    ([("split", "T002", 2)], "trop peu"),
])
def test_a_correction_that_no_longer_fits_says_why(log, reason):
    themes, segs = engine()
    out = replay(themes, segs, [c(i, *x) for i, x in enumerate(log, 1)])
    last = out.outcomes[-1]
    if reason is None:  # hiding a merged theme hides the theme it was merged into
        assert last.status == APPLIED and "T001" not in [t["theme_id"] for t in out.themes]
    else:
        assert last.status == NOT_APPLICABLE and reason in last.reason


def test_move_and_orient_a_segment():
    themes, segs = engine()
    out = replay(themes, segs, [c(1, "move", "s6", "T002"), c(2, "orient", "s6", "difficulte"),
                                c(3, "orient", "other-territory/x", "levier")])
    row = out.segments.set_index("segment_id").loc["s6"]
    assert (row["theme_id"], row["theme_label"], row["orientation"], row["group_id"]) == (
        "T002", "Outils numériques", "difficulte", "G02")
    t3 = next(t for t in out.themes if t["theme_id"] == "T003")
    assert t3["size"] == 1 and t3["representative_segment_ids"] == ["s7"]
    assert out.outcomes[2].status == OUT_OF_SCOPE


@pytest.mark.parametrize("with_kind", [False, True])
def test_deroule_leaves_the_themes(with_kind):
    themes, segs = engine()
    if with_kind:
        segs["kind"] = "contenu"
    out = replay(themes, segs, [c(1, "orient", "s3", "déroulé")])
    row = out.segments.set_index("segment_id").loc["s3"]
    assert pd.isna(row["theme_id"]) and row["orientation"] == "autre"
    assert row.get("kind", "deroule") == "deroule"


def test_a_theme_emptied_by_moves_is_not_kept():
    themes, segs = engine()
    out = replay(themes, segs, [c(1, "move", "s4", "T001"), c(2, "move", "s5", "T001")])
    assert "T002" not in [t["theme_id"] for t in out.themes]


def test_split_by_chosen_segments_and_by_reclustering():
    themes, segs = engine()
    out = replay(themes, segs, [c(1, "split", "T001", {"segments": ["s3"],
                                                      "label": "Abondements"})])
    assert theme_of(out, "s3") == "T001-2"
    part = next(t for t in out.themes if t["theme_id"] == "T001-2")
    assert part["label"] == "Abondements" and part["split_from"] == "T001"
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=8), rng.normal(size=8)
    vectors = {sid: (a if sid in ("s1", "s2", "s3") else b) + rng.normal(size=8) * 0.01
               for sid in TEXTS}
    out = replay(themes, segs, [c(1, "merge", "T001", ["T003"]), c(2, "split", "T001", 2)],
                 vectors=vectors)
    assert {theme_of(out, s) for s in ("s1", "s2", "s3")} == {"T001"}
    assert {theme_of(out, s) for s in ("s6", "s7")} == {"T001-2"}
    again = replay(themes, segs, [c(1, "merge", "T001", ["T003"]), c(2, "split", "T001", 2)],
                   vectors=vectors)
    assert again.themes == out.themes  # replaying is deterministic


def test_pin_recreates_a_dissolved_theme():
    themes, segs = engine()
    pin = Correction("C001", "pin", "T003", {"segments": ["s6", "s7"],
                                             "entry": themes[2], "label": "Jeunes"})
    dissolved = segs.assign(theme_id=segs["theme_id"].replace({"T003": None}))
    out = replay([t for t in themes if t["theme_id"] != "T003"], dissolved, [pin])
    assert theme_of(out, "s7") == "T003" and out.outcomes[0].status == APPLIED
    assert next(t for t in out.themes if t["theme_id"] == "T003")["pinned"]


@pytest.mark.parametrize("action, target, value", [
    ("rename", "T001", "  "), ("merge", "T001", ["T001"]), ("split", "T001", 20),
    ("orient", "s1", "positif"), ("hide", "G01", None), ("annuler", "T001", None),
])
def test_a_bad_correction_is_refused_with_the_fix(action, target, value):
    with pytest.raises(CorrectionError):
        normalise(action, target, value)
