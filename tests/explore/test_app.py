"""The explorer's HTTP contract, through FastAPI's TestClient on a small fake store."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from store_inputs import ROWS

from corpus.explore.app import STATIC, create_app

CONTRACT = {"segment_id", "doc_id", "score", "territory", "event", "atelier", "orientation",
            "theme_id", "theme_label", "text"}


@pytest.fixture
def client(api):
    return TestClient(create_app(api))


def test_health(client):
    assert client.get("/api/health").json() == {"status": "ok"}


def test_search_follows_the_contract(client):
    body = client.get("/api/search", params={"q": "RQTH", "limit": 3}).json()
    results = body["results"]
    assert len(results) == 3
    assert all(CONTRACT <= set(r) for r in results)
    assert "RQTH" in results[0]["text"]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_search_filters(client):
    results = client.get("/api/search", params={
        "q": "formation", "territory": "marseille", "orientation": "difficulte", "limit": 50,
    }).json()["results"]
    expected = [t for e, _, t, o, _ in ROWS if e.startswith("marseille/") and o == "difficulte"]
    assert sorted(r["text"] for r in results) == sorted(expected)


@pytest.mark.parametrize(("params", "accepted"), [
    ({"territory": "paris"}, "haute-provence, marseille"),
    ({"orientation": "frein"}, "difficulte, levier, autre"),
    ({"theme": "T42"}, "T001, T002, T003, T004, T005"),
])
def test_bad_filter_is_a_400_naming_the_accepted_values(client, params, accepted):
    for path in ("/api/search", "/api/map", "/api/segments", "/api/export.csv"):
        answer = client.get(path, params={"q": "formation", **params})
        assert answer.status_code == 400
        assert "Valeurs acceptées" in answer.json()["detail"]
        assert accepted in answer.json()["detail"]


def test_themes_as_in_themes_json(client):
    themes = client.get("/api/themes").json()
    assert [t["theme_id"] for t in themes] == ["T001", "T002", "T003", "T004", "T005"]
    assert {"label", "terms", "group_id", "representative_segment_ids"} <= set(themes[0])


def test_one_theme_with_its_quotes(client):
    theme = client.get("/api/themes/T004").json()
    assert theme["label"] == "Mobilité en zone rurale"
    assert {q["text"] for q in theme["quotes"]} == {t for *_, t, _, th in ROWS if th == "T004"}
    assert all({"territory", "event", "atelier", "doc_id", "before", "after"} <= set(q)
               for q in theme["quotes"])
    missing = client.get("/api/themes/T999")
    assert missing.status_code == 404 and "T001" in missing.json()["detail"]


def test_a_filter_narrows_the_map_and_the_list(client):
    everything = client.get("/api/map").json()
    assert everything["total"] == everything["shown"] == len(ROWS)
    assert len(everything["x"]) == len(ROWS) and everything["method"] == "pca-centroides"
    narrowed = client.get("/api/map", params={"territory": "haute-provence"}).json()
    listed = client.get("/api/segments", params={"territory": "haute-provence"}).json()
    n = sum(e.startswith("haute-provence/") for e, *_ in ROWS)
    assert narrowed["total"] == listed["total"] == len(listed["results"]) == n
    assert narrowed["bounds"] == everything["bounds"]  # the frame stays: points disappear


def test_map_samples_a_large_selection(client, monkeypatch):
    import corpus.explore.projection as projection

    monkeypatch.setattr(projection, "MAP_POINTS", 5)
    body = client.get("/api/map").json()
    assert body["total"] == len(ROWS) and body["shown"] == 5 and len(body["x"]) == 5


def test_csv_export_of_the_selection(client):
    answer = client.get("/api/export.csv", params={"theme": "T002"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert {r["text"] for r in rows} == {t for *_, t, _, th in ROWS if th == "T002"}
    assert all(r["territory"] and r["event"] and r["atelier"] and r["doc_id"] for r in rows)
    found = client.get("/api/export.csv", params={"q": "RQTH", "limit": 2}).text
    assert found.lstrip("\ufeff").startswith("score,segment_id")


def test_the_page_and_its_files_name_no_outside_host(client):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="fr"' in page.text
    for name in ("app.js", "app.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    for path in STATIC.iterdir():
        text = path.read_text("utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), path.name


def test_projection_is_cached_in_the_store(api, small_store):
    from corpus.explore.projection import projection

    first = projection(api)
    cached = small_store.read_only_sql("SELECT count(*) AS n FROM projection")["n"].iloc[0]
    assert cached == len(ROWS)
    assert projection(api)[["x", "y"]].equals(first[["x", "y"]])
