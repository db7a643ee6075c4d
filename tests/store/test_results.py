"""What one stage hands to the next through the store: its result, with the key it was
computed for, and the rendered files."""

from corpus.store import Store


def test_a_result_is_found_only_for_the_key_it_was_computed_with(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    assert store.results.get("/démarche", "themes") is None
    store.results.put("/démarche", "themes", {"n": 7, "label": "Délais de financement"}, key="k1")
    assert store.results.get("/démarche", "themes") == {"n": 7, "label": "Délais de financement"}
    assert store.results.get("/démarche", "themes", key="k1") == {"n": 7,
                                                                   "label": "Délais de financement"}
    assert store.results.get("/démarche", "themes", key="k2") is None
    assert store.results.get("/autre", "themes") is None
    store.results.put("/démarche", "themes", {"n": 8}, key="k2")  # replaces, never appends
    assert store.results.get("/démarche", "themes", key="k2") == {"n": 8}


def test_files_are_replaced_whole_and_forgotten_with_the_results(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    store.results.put_files("/d", {"synthese.md": "# Synthèse".encode(), "a.docx": b"\x00PK"})
    store.results.put_files("/d", {"synthese.md": b"# Nouvelle"})
    assert store.results.files("/d") == {"synthese.md": b"# Nouvelle"}
    store.results.put("/d", "themes", [1], key="k")
    store.results.forget()
    assert store.results.files("/d") == {} and store.results.get("/d", "themes") is None
