"""Scopes: which documents an input is made of, and when analysis must run again."""

from corpus.store import Store


def test_scope_fingerprint_follows_what_analysis_would_see(tmp_path, make_demarche, segments_of):
    """Unchanged: same key. Edited, or edited and put back, or a rebuilt store: a new key."""
    store = Store(tmp_path / "c.duckdb")
    d = make_demarche()
    store.texts.write_demarche(d, segments_of(d), d.feedback)
    store.scopes.set("sample", ["t/e/a01"])
    first = store.scopes.fingerprint("sample")
    store.texts.write_demarche(d, segments_of(d), d.feedback, skip_doc_ids=["t/e/a01"])
    assert store.scopes.fingerprint("sample") == first
    d2 = make_demarche("- La plateforme numérique exclut les publics fragiles.")
    store.texts.write_demarche(d2, segments_of(d2), d2.feedback)
    edited = store.scopes.fingerprint("sample")
    # The old text is back, not yet analysed.
    store.texts.write_demarche(d, segments_of(d), d.feedback)
    assert len({first, edited, store.scopes.fingerprint("sample")}) == 3
    rebuilt = Store(tmp_path / "other.duckdb")
    rebuilt.texts.write_demarche(d, segments_of(d), d.feedback)
    rebuilt.scopes.set("sample", ["t/e/a01"])
    assert rebuilt.scopes.fingerprint("sample") != first
