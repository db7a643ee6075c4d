"""The DuckDB store: all or nothing, idempotent, read-only SQL."""

import numpy as np
import pytest

from corpus.records import Demarche, Event, Feedback, Note, Segment, Territory, Workshop
from corpus.store import Store, StoreError


def _demarche(text="- Les délais de financement sont trop longs pour les OF."):
    note = Note(doc_id="t/e/a01", territory_id="t", event_id="t/e", atelier_id="a01",
                source="notes/a01.md", format="md", content_hash=str(hash(text)), text=text)
    return Demarche(
        root="sample",
        territories=(Territory(territory_id="t", name="Territoire", kind="rural"),),
        events=(Event(event_id="t/e", territory_id="t", name="Journée", participants=90,
                      organisations=("Apec", "Mission locale")),),
        workshops=(Workshop(atelier_id="a01", event_id="t/e", territory_id="t",
                            problematique="Comment financer ?", methode="world-café"),),
        notes=(note,),
        feedback=(Feedback(feedback_id="t/e/retour-001", event_id="t/e", territory_id="t",
                           source="retours.csv:2", ratings={"Note globale": 4.5},
                           answers={"Ce que je retiens": "Les contacts"}),),
        file_hashes={"notes/a01.md": note.content_hash},
    )


def _segments(demarche):
    note = demarche.notes[0]
    return [Segment(segment_id=f"{note.doc_id}#000", doc_id=note.doc_id, territory_id="t",
                    event_id="t/e", atelier_id="a01", position=0, text=note.text[2:])]


def test_write_then_skip_unchanged(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    d = _demarche()
    assert store.write_demarche(d, _segments(d), d.feedback) == {
        "documents": 1, "segments": 1, "feedback": 1}
    assert store.stored_hashes(["t/e/a01"]) == {"t/e/a01": d.notes[0].content_hash}
    store.write_demarche(d, _segments(d), d.feedback, skip_doc_ids=["t/e/a01"])
    counts = store.counts()
    assert (counts["documents"], counts["segments"], counts["feedback"]) == (1, 1, 1)


def test_changed_document_replaces_its_segments(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    d = _demarche()
    store.write_demarche(d, _segments(d), d.feedback)
    d2 = _demarche("- La plateforme numérique exclut les publics fragiles.")
    store.write_demarche(d2, _segments(d2), d2.feedback)
    texts = store.segments()["text"].tolist()
    assert texts == ["La plateforme numérique exclut les publics fragiles."]


def test_failed_write_leaves_store_as_it_was(tmp_path, monkeypatch):
    import duckdb

    import corpus.store as store_module

    store = Store(tmp_path / "c.duckdb")
    d = _demarche()
    store.write_demarche(d, _segments(d), d.feedback)
    before = store.segments()
    real = store_module.segments_frame

    def broken_frame(segments):
        frame = real(segments)
        frame["position"] = "pas un entier"  # fails inside the transaction, after the deletes
        return frame

    monkeypatch.setattr(store_module, "segments_frame", broken_frame)
    d2 = _demarche("- Texte nouveau qui ne doit pas rester à moitié écrit en base.")
    with pytest.raises(duckdb.Error):
        store.write_demarche(d2, _segments(d2), d2.feedback)
    assert store.segments()["text"].tolist() == before["text"].tolist()
    assert store.documents()["content_hash"].tolist() == [d.notes[0].content_hash]


def test_vectors_cache_round_trip(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    vec = {"a": np.array([0.6, 0.8], dtype=np.float32), "b": np.array([1, 0], dtype=np.float32)}
    assert store.put_vectors("fp", vec) == 2
    assert store.put_vectors("fp", vec) == 0
    got = store.get_vectors("fp", ["a", "c"])
    assert list(got) == ["a"] and np.allclose(got["a"], [0.6, 0.8])
    assert store.get_vectors("other", ["a"]) == {}


def test_sql_is_read_only(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    d = _demarche()
    store.write_demarche(d, _segments(d), d.feedback)
    assert store.read_only_sql("SELECT count(*) AS n FROM segments")["n"][0] == 1
    with pytest.raises(StoreError):
        store.read_only_sql("DELETE FROM segments")
    with pytest.raises(StoreError):
        store.read_only_sql("SELECT 1; DROP TABLE segments")
    assert store.counts()["segments"] == 1


def test_scope_fingerprint_follows_what_analysis_would_see(tmp_path):
    """Unchanged: same key. Edited, or edited and put back, or a rebuilt store: a new key."""
    store = Store(tmp_path / "c.duckdb")
    d = _demarche()
    store.write_demarche(d, _segments(d), d.feedback)
    store.set_scope("sample", ["t/e/a01"])
    first = store.scope_fingerprint("sample")
    store.write_demarche(d, _segments(d), d.feedback, skip_doc_ids=["t/e/a01"])
    assert store.scope_fingerprint("sample") == first
    d2 = _demarche("- La plateforme numérique exclut les publics fragiles.")
    store.write_demarche(d2, _segments(d2), d2.feedback)
    edited = store.scope_fingerprint("sample")
    store.write_demarche(d, _segments(d), d.feedback)  # the old text is back, not yet analysed
    assert len({first, edited, store.scope_fingerprint("sample")}) == 3
    rebuilt = Store(tmp_path / "other.duckdb")
    rebuilt.write_demarche(d, _segments(d), d.feedback)
    rebuilt.set_scope("sample", ["t/e/a01"])
    assert rebuilt.scope_fingerprint("sample") != first
