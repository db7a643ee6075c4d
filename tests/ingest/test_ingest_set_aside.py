"""Partial reads: an unreadable file is set aside with its reason and fix, the rest is read.

A bad note or retours file leaves only that file out; a broken evenement.yaml or ateliers.csv
leaves its whole event out; nothing readable at all is refused, as `strict=True` refuses any.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.ingest import IngestError, read_demarche

NOT_A_ZIP = b"PK\x03\x04 ceci n'est pas un document Word" + bytes(range(256))


def test_a_bad_note_is_set_aside_and_the_others_read(demarche, event_dir):
    (event_dir / "notes" / "A2.docx").write_bytes(NOT_A_ZIP)
    found = read_demarche(demarche)
    assert sorted(n.atelier_id for n in found.notes) == ["A1", "A3"]
    assert len(found.feedback) > 0
    (aside,) = found.set_aside
    assert aside.path.endswith("forum-cep-2024/notes/A2.docx")
    assert aside.kind == "note"
    assert "Word" in aside.reason and "docx" in aside.fix
    assert aside.message.startswith(aside.path + " : ")
    # a set-aside file is not recorded as read: the store must not take it as stored
    assert not any(p.endswith("A2.docx") for p in found.file_hashes)
    assert any(p.endswith("A1.md") for p in found.file_hashes)


def test_strict_refuses_the_same_note(demarche, event_dir):
    (event_dir / "notes" / "A2.docx").write_bytes(NOT_A_ZIP)
    with pytest.raises(IngestError) as caught:
        read_demarche(demarche, strict=True)
    assert caught.value.path.endswith("notes/A2.docx")


def test_a_note_for_an_unknown_atelier_is_set_aside(demarche, event_dir):
    (event_dir / "notes" / "A9.md").write_text("- une note", encoding="utf-8")
    found = read_demarche(demarche)
    assert sorted(n.atelier_id for n in found.notes) == ["A1", "A2", "A3"]
    (aside,) = found.set_aside
    assert aside.path.endswith("notes/A9.md")
    assert "ajoutez l'atelier à ateliers.csv" in aside.fix


def test_a_bad_retours_file_is_set_aside_with_its_line(demarche, event_dir):
    (event_dir / "retours.csv").write_text(
        "Structure;Satisfaction (1 à 5);Ce que je retiens\nApec;4;Bien\nCIO;45;Très bien\n",
        encoding="utf-8")
    found = read_demarche(demarche)
    assert len(found.notes) == 3 and found.feedback == ()
    (aside,) = found.set_aside
    assert (aside.kind, aside.line) == ("retours", 3)
    assert aside.path.endswith("retours.csv")
    assert not any(p.endswith("retours.csv") for p in found.file_hashes)


def _second_event(demarche: Path, event_dir: Path) -> Path:
    other = demarche / "lyon-est" / "forum-cep-2025"
    shutil.copytree(event_dir, other)
    return other


def test_a_broken_manifest_sets_its_event_aside_when_others_remain(demarche, event_dir):
    other = _second_event(demarche, event_dir)
    (other / "evenement.yaml").write_text("territoire: [pas fermé\n", encoding="utf-8")
    found = read_demarche(demarche)
    assert {n.event_id for n in found.notes} == {"lyon-est/forum-cep-2024"}
    assert [e.event_id for e in found.events] == ["lyon-est/forum-cep-2024"]
    (aside,) = found.set_aside
    assert aside.kind == "evenement" and aside.path.endswith("forum-cep-2025/evenement.yaml")
    assert "événement entier écarté" in aside.message
    assert not any("forum-cep-2025" in p for p in found.file_hashes)


def test_a_missing_ateliers_file_sets_its_event_aside(demarche, event_dir):
    other = _second_event(demarche, event_dir)
    (other / "ateliers.csv").unlink()
    found = read_demarche(demarche)
    assert len(found.notes) == 3
    (aside,) = found.set_aside
    assert aside.kind == "evenement" and "ateliers" in aside.reason


def test_nothing_readable_is_refused(demarche, event_dir):
    for note in (event_dir / "notes").iterdir():
        note.write_bytes(NOT_A_ZIP)
        note.rename(note.with_suffix(".docx"))
    with pytest.raises(IngestError) as caught:
        read_demarche(demarche)
    assert "Correction : " in str(caught.value)


def test_a_clean_demarche_sets_nothing_aside(demarche):
    assert read_demarche(demarche).set_aside == ()
