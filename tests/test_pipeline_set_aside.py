"""Partial ingestion through the pipeline (blank spaCy, no model): a bad note is left out of
the store and the scope, and comes in once fixed; `strict` stores nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import pipeline
from corpus.config import Settings
from corpus.ingest import IngestError
from corpus.store import Store

DEMARCHE = Path(__file__).resolve().parent / "fixtures" / "ingest" / "demarche"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(models_dir=tmp_path / "models", embedder_orient="lexical",
                    embedder_themes="fake")


@pytest.fixture
def demarche(tmp_path) -> Path:
    root = tmp_path / "demarche"
    shutil.copytree(DEMARCHE, root)
    return root


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
