"""Runs and pseudonyms: numbers behind "Personne N" survive runs, names are never stored."""

from datetime import datetime

from corpus.store import Store


def test_pseudonym_numbers_are_kept_per_scope_without_names(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    store.pseudonyms.add("sample", {"a1b2": 1, "c3d4": 2})
    store.pseudonyms.add("sample", {"a1b2": 7, "e5f6": 3})  # a known key keeps its number
    assert store.pseudonyms.numbers("sample") == {"a1b2": 1, "c3d4": 2, "e5f6": 3}
    assert store.pseudonyms.numbers("autre") == {}


def test_a_run_recorded_twice_is_one_row(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    for status in ("ok", "ok"):
        store.runs.record("r1", started_at=datetime(2026, 3, 19, 9), input="data/sample",
                          status=status, config={"seed": 42}, counts={"documents": 20})
    rows = store.read_only_sql("SELECT run_id, input FROM runs")
    assert rows.to_dict("records") == [{"run_id": "r1", "input": "data/sample"}]
