"""`corpus themes rename|merge|hide`, `corpus segment move|orient`, `corpus corrections
list|undo|export` on a small analysed store: what a coordinator types, and what changes."""

import json

from store_inputs import THEMES, make_store, segment_id_of
from typer.testing import CliRunner

from corpus.cli import app
from corpus.pipeline.corrections import keep_engine_orientation, keep_engine_themes
from corpus.themes import themes_json

runner = CliRunner()


def analysed(tmp_path):
    store = make_store(tmp_path / "c.duckdb")
    segs = store.texts.segments()
    store.scopes.set("/demarche", segs["doc_id"].unique().tolist())
    entries = [{"theme_id": t, "label": label, "group_id": "G01", "group_label": "Groupe",
                "size": int((segs["theme_id"] == t).sum()), "terms": [],
                "representative_segment_ids": []} for t, label in THEMES.items()]
    keep_engine_themes(store, "/demarche", themes_json(entries), segs, seed=42)
    keep_engine_orientation(store, "/demarche", segs)
    return store


def invoke(*args):
    done = runner.invoke(app, list(args))
    return done.exit_code, done.stdout


def test_a_correction_session_on_the_command_line(tmp_path):
    store = analysed(tmp_path)
    s = ["--store", str(store.path)]
    code, out = invoke("themes", "rename", "T001", "Handicap et emploi", "--by", "Awa",
                       "--why", "plus juste", "--json", *s)
    assert code == 0 and json.loads(out)["status"] == "applied"
    code, out = invoke("themes", "merge", "T001", "T002", "--json", *s)
    assert code == 0 and json.loads(out)["value"] == {"themes": ["T002"]}
    seg = store.texts.segments()["segment_id"].iloc[0]
    assert invoke("segment", "orient", seg, "levier", *s)[0] == 0
    code, out = invoke("themes", "--json", *s)  # the listing still answers, corrected
    listed = {r["theme_id"]: r["label"] for r in json.loads(out)}
    assert listed["T001"] == "Handicap et emploi" and "T002" not in listed
    assert invoke("corrections", "undo", "C002", *s)[0] == 0
    code, out = invoke("corrections", "list", "--json", *s)
    rows = json.loads(out)
    assert [(r["correction_id"], r["status"], r["by"]) for r in rows] == [
        ("C001", "applied", "Awa"), ("C002", "undone", ""), ("C003", "applied", "")]
    assert "T002" in {r["theme_id"] for r in json.loads(invoke("themes", "--json", *s)[1])}
    assert invoke("corrections", "export", "--out", str(tmp_path / "log.json"), *s)[0] == 0
    exported = json.loads((tmp_path / "log.json").read_text("utf-8"))
    assert exported[0]["description"] == "thème T001 renommé « Handicap et emploi »"
    assert set(exported[0]) >= {"correction_id", "at", "by", "why", "action", "target",
                                "value", "status"}


def test_a_correction_that_cannot_apply_is_refused_with_the_reason(tmp_path):
    store = analysed(tmp_path)
    s = ["--store", str(store.path)]
    done = runner.invoke(app, ["segment", "move", segment_id_of("RQTH"), "T099", *s])
    assert done.exit_code == 2 and "T099" in done.output
    done = runner.invoke(app, ["segment", "orient", segment_id_of("RQTH"), "positif", *s])
    assert done.exit_code == 2 and "difficulte, levier, autre, deroule" in done.output
    assert json.loads(invoke("corrections", "list", "--json", *s)[1]) == []
