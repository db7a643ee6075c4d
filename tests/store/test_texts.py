"""Documents and segments: written all or nothing, unchanged ones skipped, changed ones replaced."""

import pytest

from corpus.store import Store


def test_write_then_skip_unchanged(tmp_path, make_demarche, segments_of):
    store = Store(tmp_path / "c.duckdb")
    d = make_demarche()
    assert store.texts.write_demarche(d, segments_of(d), d.feedback) == {
        "documents": 1, "segments": 1, "feedback": 1}
    assert store.texts.stored_hashes(["t/e/a01"]) == {"t/e/a01": d.notes[0].content_hash}
    store.texts.write_demarche(d, segments_of(d), d.feedback, skip_doc_ids=["t/e/a01"])
    counts = store.counts()
    assert (counts["documents"], counts["segments"], counts["feedback"]) == (1, 1, 1)


def test_changed_document_replaces_its_segments(tmp_path, make_demarche, segments_of):
    store = Store(tmp_path / "c.duckdb")
    d = make_demarche()
    store.texts.write_demarche(d, segments_of(d), d.feedback)
    d2 = make_demarche("- La plateforme numérique exclut les publics fragiles.")
    store.texts.write_demarche(d2, segments_of(d2), d2.feedback)
    texts = store.texts.segments()["text"].tolist()
    assert texts == ["La plateforme numérique exclut les publics fragiles."]


def test_failed_write_leaves_store_as_it_was(tmp_path, monkeypatch, make_demarche, segments_of):
    import duckdb

    import corpus.store.texts as store_module

    store = Store(tmp_path / "c.duckdb")
    d = make_demarche()
    store.texts.write_demarche(d, segments_of(d), d.feedback)
    before = store.texts.segments()
    real = store_module.segments_frame

    def broken_frame(segments):
        frame = real(segments)
        frame["position"] = "pas un entier"  # fails inside the transaction, after the deletes
        return frame

    monkeypatch.setattr(store_module, "segments_frame", broken_frame)
    d2 = make_demarche("- Texte nouveau qui ne doit pas rester à moitié écrit en base.")
    with pytest.raises(duckdb.Error):
        store.texts.write_demarche(d2, segments_of(d2), d2.feedback)
    assert store.texts.segments()["text"].tolist() == before["text"].tolist()
    assert store.texts.documents()["content_hash"].tolist() == [d.notes[0].content_hash]




def test_manifests_and_counts_of_the_documents_read(tmp_path, make_demarche, segments_of):
    store = Store(tmp_path / "c.duckdb")
    d = make_demarche()
    store.texts.write_demarche(d, segments_of(d), d.feedback)
    frames = store.texts.manifests(["t/e/a01"])
    assert frames["events"]["name"].tolist() == ["Journée"]
    assert frames["ateliers"]["problematique"].tolist() == ["Comment financer ?"]
    assert frames["territories"]["kind"].tolist() == ["rural"]
    assert frames["feedback"]["feedback_id"].tolist() == ["t/e/retour-001"]
    assert store.texts.count_segments(["t/e/a01"]) == 1
    assert store.texts.count_segments(["autre"]) == 0


def test_segments_keep_their_kind_and_an_older_store_reads_contenu(tmp_path):
    """`kind` is stored with each segment; a store made before the column reads "contenu"."""
    import duckdb

    from corpus.store import Store

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE segments (segment_id VARCHAR, doc_id VARCHAR, territory_id VARCHAR,"
                " event_id VARCHAR, atelier_id VARCHAR, position INTEGER, text VARCHAR,"
                " lemmas VARCHAR, section VARCHAR, section_hint VARCHAR,"
                " given_orientation VARCHAR, orientation VARCHAR, orientation_score DOUBLE,"
                " theme_id VARCHAR, theme_label VARCHAR)")
    con.execute("INSERT INTO segments (segment_id, doc_id, text) VALUES ('d#000', 'd', 'x')")
    con.close()
    segs = Store(path).texts.segments()
    assert segs["kind"].tolist() == ["contenu"]
