"""The ingest stage on a small démarche (blank spaCy, no model): stored once, only what changed
segmented again, names protected before storing, unreadable files left out until fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import pipeline
from corpus.ingest import IngestError, TableOptions
from corpus.store import Store


def test_ingest_stores_once_and_records_the_scope(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    first = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    assert first.added["documents"] == 3 and first.added["segments"] > 0
    assert first.scope == str(demarche.resolve())
    assert store.scopes.doc_ids(first.scope) == first.doc_ids
    again = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    assert again.added == pipeline.NOTHING_ADDED and again.unchanged == 3
    assert store.counts()["segments"] == first.added["segments"]


def test_only_the_changed_note_is_segmented_again(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    note = demarche / "lyon-est" / "forum-cep-2024" / "notes" / "A1.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n- Une ligne ajoutée après coup.\n",
                    encoding="utf-8")
    read = pipeline.read_input(demarche)
    new, unchanged = pipeline.changed_notes(store, read)
    assert [n.atelier_id for n in new] == ["A1"] and len(unchanged) == 2
    added = pipeline.ingest(demarche, store, settings, nlp=blank_nlp).added
    assert added["documents"] == 1


def test_names_are_protected_before_they_are_stored(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    people = [p for w in pipeline.read_input(demarche).workshops for p in w.people]
    text = " ".join(store.texts.segments()["text"])
    assert people and not any(name in text for name in people)


def test_a_table_without_its_text_column_is_refused(tmp_path, settings):
    table = tmp_path / "avis.csv"
    table.write_text("id;texte\n1;Le CPF ne suffit pas\n", encoding="utf-8")
    with pytest.raises(IngestError, match="--text"):
        pipeline.ingest(table, Store(tmp_path / "c.duckdb"), settings, TableOptions())


def _break(note: Path) -> bytes:
    good = note.read_bytes()
    note.write_bytes(b"PK\x03\x04" + bytes(200))  # a Word file that is not one
    return good


def test_a_bad_note_is_left_out_then_taken_in_once_fixed(tmp_path, demarche, settings,
                                                         blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    note = demarche / "lyon-est" / "forum-cep-2024" / "notes" / "A2.docx"
    good = _break(note)
    first = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    assert [s["path"] for s in first.set_aside] == [note.as_posix()]
    assert first.added["documents"] == 2
    assert not any(d.endswith("/A2") for d in store.scopes.doc_ids(first.scope))
    assert note.as_posix() not in store.texts.stored_file_hashes()
    note.write_bytes(good)
    fixed = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    assert fixed.set_aside == [] and fixed.added["documents"] == 1
    assert len(store.scopes.doc_ids(fixed.scope)) == 3


def test_strict_stores_nothing(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    _break(demarche / "lyon-est" / "forum-cep-2024" / "notes" / "A2.docx")
    with pytest.raises(IngestError, match="A2.docx"):
        pipeline.ingest(demarche, store, settings, nlp=blank_nlp, strict=True)
    assert store.counts()["documents"] == 0
