"""Corrections through the Python API and the explorer's write endpoints, on a small store:
the change is there on the next read, undo brings the engine's result back, and a write
without the page's token, from another origin, or while a run holds the store is refused."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from fastapi.testclient import TestClient
from store_inputs import THEMES

from corpus.explore.app import create_app
from corpus.pipeline.corrections import keep_engine_orientation, keep_engine_themes
from corpus.themes import themes_json

TOKEN = "jeton-de-test"
SAME = {"X-Corpus-Token": TOKEN, "Origin": "http://testserver"}


@pytest.fixture
def api(small_store, embedder):
    """The small store as a run leaves it: one scope, the engine's themes kept apart."""
    import corpus

    segs = small_store.texts.segments()
    small_store.scopes.set("/demarche", segs["doc_id"].unique().tolist())
    entries = [{"theme_id": t, "label": label, "group_id": "G01", "group_label": "Groupe",
                "size": int((segs["theme_id"] == t).sum()), "terms": [],
                "representative_segment_ids": []} for t, label in THEMES.items()]
    keep_engine_themes(small_store, "/demarche", themes_json(entries), segs, seed=42)
    keep_engine_orientation(small_store, "/demarche", segs)
    return corpus.open(small_store.path, embedder=embedder)


@pytest.fixture
def client(api):
    return TestClient(create_app(api, host="testserver", token=TOKEN))


def test_the_api_corrects_lists_and_undoes(api):
    row = api.correct("rename", "T001", "Emploi des personnes handicapées", by="Awa",
                      why="plus juste")
    assert (row["correction_id"], row["status"], row["by"]) == ("C001", "applied", "Awa")
    assert api.theme("T001")["label"] == "Emploi des personnes handicapées"
    api.correct("merge", "T001", ["T002"])
    assert "T002" not in set(api.themes()["theme_id"])
    api.undo("C002")
    assert "T002" in set(api.themes()["theme_id"])
    log = api.corrections()
    assert log["status"].tolist() == ["applied", "undone"]
    assert log["description"].iloc[0] == "thème T001 renommé « Emploi des personnes handicapées »"


def test_a_correction_that_fits_nothing_is_refused_and_not_kept(api):
    from corpus.api import CorrectionError

    with pytest.raises(CorrectionError, match="T042"):
        api.correct("rename", "T042", "Fantôme")
    assert api.corrections().empty


def test_the_page_carries_its_token(client):
    assert f'<meta name="corpus-token" content="{TOKEN}">' in client.get("/").text


def test_a_write_from_the_page_is_applied_and_undone(client):
    answer = client.post("/api/corrections", headers=SAME, json={
        "action": "rename", "target": "T001", "value": {"label": "Handicap et emploi"},
        "by": "Awa", "why": ""})
    assert answer.status_code == 201 and answer.json()["correction_id"] == "C001"
    assert client.get("/api/themes/T001").json()["label"] == "Handicap et emploi"
    assert client.delete("/api/corrections/C001", headers=SAME).status_code == 200
    assert client.get("/api/themes/T001").json()["label"] == THEMES["T001"]
    assert [c["status"] for c in client.get("/api/corrections").json()] == ["undone"]


@pytest.mark.parametrize("headers, why", [
    ({"Origin": "http://testserver"}, "jeton"),
    ({"X-Corpus-Token": "faux", "Origin": "http://testserver"}, "jeton"),
    ({"X-Corpus-Token": TOKEN, "Origin": "http://evil.example"}, "autre page"),
    ({"X-Corpus-Token": TOKEN, "Referer": "http://evil.example/x.html"}, "autre page"),
    ({"X-Corpus-Token": TOKEN, "Origin": "null"}, "autre page"),  # a file opened from disk
    ({"X-Corpus-Token": TOKEN, "Origin": "http://rebound.example", "Host": "rebound.example"},
     "hôte"),
])
def test_a_write_without_token_or_from_another_origin_is_refused(client, headers, why):
    body = {"action": "hide", "target": "T001", "value": {}, "by": "", "why": ""}
    answer = client.post("/api/corrections", headers=headers, json=body)
    assert answer.status_code == 403 and why in answer.json()["detail"]
    assert client.delete("/api/corrections/C001", headers=headers).status_code == 403
    assert client.get("/api/corrections").json() == []


def test_a_write_while_a_run_holds_the_store_is_refused(client, api, tmp_path):
    ready = tmp_path / "ready"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, time
        from corpus.store import runlock
        with runlock.writer({str(api.path)!r}, timeout=5):
            pathlib.Path({str(ready)!r}).write_text("1")
            time.sleep(30)
    """)])
    try:
        for _ in range(300):
            if ready.exists():
                break
            import time
            time.sleep(0.05)
        answer = client.post("/api/corrections", headers=SAME, json={
            "action": "hide", "target": "T001", "value": {}, "by": "", "why": ""})
    finally:
        holder.kill()
        holder.wait()
    assert answer.status_code == 409 and "run est en cours" in answer.json()["detail"]
    assert client.get("/api/corrections").json() == []
    assert client.get("/api/themes/T001").status_code == 200


def test_a_cross_site_simple_request_is_refused_before_its_body_is_read(client):
    answer = client.post("/api/corrections", content=b"not json",
                         headers={"Origin": "http://evil.example", "Content-Type": "text/plain"})
    assert answer.status_code == 403
