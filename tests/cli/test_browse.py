"""`corpus themes` and `corpus theme ID`: a researcher checks a theme against its quotes."""

import json

import pytest
from store_inputs import ROWS, make_store
from typer.testing import CliRunner

from corpus.cli import app

runner = CliRunner()


def test_themes_ranked_by_ateliers_with_orientation_counts(tmp_path):
    store = make_store(tmp_path / "c.duckdb")
    done = runner.invoke(app, ["themes", "--store", str(store.path), "--json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)
    expected = {}
    for event, atelier, _, orientation, theme in ROWS:
        if theme is None:
            continue
        t = expected.setdefault(theme, {"segments": 0, "ateliers": set(), "difficulte": 0})
        t["segments"] += 1
        t["ateliers"].add(f"{event}/{atelier}")
        t["difficulte"] += orientation == "difficulte"
    assert {r["theme_id"] for r in rows} == set(expected)
    for r in rows:
        assert r["segments"] == expected[r["theme_id"]]["segments"]
        assert r["ateliers"] == len(expected[r["theme_id"]]["ateliers"])
        assert r["difficulte"] == expected[r["theme_id"]]["difficulte"]
    ateliers = [r["ateliers"] for r in rows]
    assert ateliers == sorted(ateliers, reverse=True)


def test_theme_filters_and_detail(tmp_path):
    store = make_store(tmp_path / "c.duckdb")
    done = runner.invoke(
        app, ["themes", "--store", str(store.path), "--orientation", "levier", "--json"])
    rows = json.loads(done.stdout)
    assert all(r["difficulte"] == 0 and r["levier"] == r["segments"] for r in rows)
    detail = runner.invoke(app, ["theme", "T001", "--store", str(store.path), "--json"])
    payload = json.loads(detail.stdout)
    texts = {s["text"] for s in payload["segments_list"]}
    assert texts == {text for _, _, text, _, theme in ROWS if theme == "T001"}


def test_unknown_theme_and_orientation_are_explained(tmp_path):
    store = make_store(tmp_path / "c.duckdb")
    done = runner.invoke(app, ["theme", "T999", "--store", str(store.path)])
    assert done.exit_code == 2 and "T999" in done.output and "T001" in done.output
    done = runner.invoke(app, ["themes", "--store", str(store.path), "--orientation", "frein"])
    assert done.exit_code == 2 and "difficulte, levier, autre" in " ".join(done.output.split())


# -- corpus query --------------------------------------------------------------------------


@pytest.fixture
def fake_embedder(monkeypatch):
    from corpus.embed import FakeEmbedder, fast

    monkeypatch.setattr(fast, "load_query_embedder", lambda: FakeEmbedder())


def test_cli_query_json(tmp_path, fake_embedder):
    from corpus.api import RESULT_COLUMNS

    store = make_store(tmp_path / "c.duckdb")
    result = runner.invoke(app, [
        "query", "financer la formation", "--store", str(store.path), "--territory",
        "marseille", "--limit", "3", "--json",
    ])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 3
    assert all(set(r) == set(RESULT_COLUMNS) for r in rows)
    assert {r["territory"] for r in rows} == {"marseille"}
    assert all(isinstance(r["score"], float) for r in rows)


def test_cli_query_table(tmp_path, fake_embedder):
    store = make_store(tmp_path / "c.duckdb")
    result = runner.invoke(app, ["query", "RQTH", "--store", str(store.path), "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "RQTH" in result.stdout and "score" in result.stdout


def test_cli_query_bad_orientation(tmp_path, fake_embedder):
    store = make_store(tmp_path / "c.duckdb")
    result = runner.invoke(app, [
        "query", "formation", "--store", str(store.path), "--orientation", "frein",
    ])
    assert result.exit_code == 2
    assert "Valeurs acceptées : difficulte, levier, autre" in " ".join(result.output.split())
