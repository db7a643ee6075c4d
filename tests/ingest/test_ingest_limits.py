"""Bounded work on any input: a text above the size limit is set aside, named with its size.

A 20 MB note, a 20 MB table cell or feedback answer must not hold a run for minutes: it is set
aside (file, line, size, limit, fix) and the rest is read, as any unreadable file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from corpus.config import Settings
from corpus.ingest import IngestError, read_demarche, read_table
from corpus.ingest.limits import LIMIT_ENV, note_limit, size_text

NOTE = ("# Constats\n- Les jeunes de 16-18 ans ne connaissent pas le conseil en évolution "
        "professionnelle.\n- Les missions locales et les CIO ne partagent pas leurs listes.\n\n")


def twenty_mb() -> str:
    return NOTE * (20 * 2**20 // len(NOTE.encode()) + 1)


def test_a_20_mb_note_is_set_aside_at_once_and_the_others_read(demarche, event_dir):
    (event_dir / "notes" / "A1.md").write_text(twenty_mb(), encoding="utf-8")
    started = time.perf_counter()
    found = read_demarche(demarche)
    assert time.perf_counter() - started < 5  # the note is not parsed
    assert sorted(n.atelier_id for n in found.notes) == ["A2", "A3"]
    (aside,) = found.set_aside
    assert aside.kind == "note" and aside.path.endswith("forum-cep-2024/notes/A1.md")
    assert "la note fait 20,0 Mo, au-delà de la limite de 256 Ko" in aside.reason
    assert "découpez la note" in aside.fix and f"{LIMIT_ENV}=" in aside.fix
    assert not any(p.endswith("A1.md") for p in found.file_hashes)  # re-read once fixed


def test_a_note_within_the_limit_is_read(demarche, event_dir):
    text = NOTE * 1000  # 167 KB, some fifty times a real note
    assert len(text.encode()) < Settings().max_note_kb * 1024
    (event_dir / "notes" / "A1.md").write_text(text, encoding="utf-8")
    found = read_demarche(demarche)
    assert found.set_aside == () and len(found.notes) == 3


def test_the_limit_applies_to_the_text_of_word_and_libreoffice_notes(demarche):
    # A1.md: 657 bytes on disk; A2.docx: 37 KB holding 624 bytes of text; A3.odt: 360 bytes
    found = read_demarche(demarche, max_note_bytes=400)
    assert sorted(n.atelier_id for n in found.notes) == ["A3"]
    reasons = {Path(s.path).name: s.reason for s in found.set_aside}
    assert reasons["A1.md"].startswith("la note fait 657 octets, au-delà de la limite de 400")
    assert reasons["A2.docx"].startswith("le texte de la note fait 624 octets, au-delà de la")


def test_strict_refuses_a_note_above_the_limit(demarche):
    with pytest.raises(IngestError) as caught:
        read_demarche(demarche, strict=True, max_note_bytes=400)
    assert "au-delà de la limite" in str(caught.value)


def test_the_limit_is_read_from_the_environment(monkeypatch, demarche):
    from corpus.config import ConfigError, environment

    monkeypatch.setenv(LIMIT_ENV, "0,5")
    environment.cache_clear()
    assert note_limit() == 512
    assert len(read_demarche(demarche).set_aside) == 2  # A1.md and A2.docx: over 512 bytes
    monkeypatch.setenv(LIMIT_ENV, "beaucoup")
    environment.cache_clear()
    with pytest.raises(ConfigError, match=LIMIT_ENV):
        note_limit()
    monkeypatch.delenv(LIMIT_ENV)
    environment.cache_clear()
    assert note_limit() == Settings().max_note_kb * 1024 == 256 * 1024


@pytest.mark.parametrize("size, written", [
    (900, "900 octets"), (256 * 1024, "256 Ko"), (20 * 2**20, "20,0 Mo"), (1_500_000, "1,4 Mo"),
])
def test_sizes_are_written_in_french(size, written):
    assert size_text(size) == written


def test_a_feedback_answer_above_the_limit_sets_its_row_aside(demarche, event_dir):
    path = event_dir / "retours.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    huge = "Très bien. " * 30_000  # 352 KB in one cell
    lines.append(f"14/03/2024 16:20;;;Pôle emploi;A1;4;{huge};")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = read_demarche(demarche)
    assert len(found.feedback) == 3  # the other participants' answers are kept
    (aside,) = found.set_aside
    assert (aside.kind, aside.line) == ("retours", 5)
    assert "la réponse de la colonne « Ce que je retiens » fait 352 Ko" in aside.reason
    assert aside.fix.startswith("raccourcissez ce texte")


def test_a_table_cell_above_the_limit_sets_its_row_aside(tmp_path):
    table = tmp_path / "projets.csv"
    rows = ["id;quartier;annee;texte", "p1;Nord;2015;Un guichet unique pour les jeunes.",
            f"p2;Nord;2016;{'Texte collé deux fois. ' * 15_000}",
            "p3;Sud;2015;Des permanences croisées une fois par mois."]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = read_table(table, text="texte", id="id", territory="quartier", event="annee")
    assert [n.doc_id for n in found.notes] == ["p1", "p3"]
    (aside,) = found.set_aside
    assert (aside.path, aside.kind, aside.line) == (table.as_posix(), "note", 3)
    assert "la cellule de la colonne « texte » (--text) fait 352 Ko" in aside.reason
    with pytest.raises(IngestError) as caught:
        read_table(table, text="texte", id="id", strict=True)
    assert caught.value.line == 3


def test_a_table_of_many_rows_is_not_set_aside(tmp_path):
    table = tmp_path / "avis.csv"
    body = "".join(f"{i};Ligne {i} : un avis court sur le conseil.\n" for i in range(20_000))
    table.write_text("id;texte\n" + body, encoding="utf-8")  # 0.9 MB in short rows
    found = read_table(table, text="texte", id="id")
    assert len(found.notes) == 20_000 and found.set_aside == ()


def test_a_word_note_whose_xml_is_far_above_the_limit_is_not_parsed(demarche, event_dir):
    (event_dir / "notes" / "A1.md").write_text("- Un frein : le manque de temps.\n", "utf-8")
    # A2.docx: word/document.xml of 3,681 bytes, over 32 times a limit of 100 bytes
    found = read_demarche(demarche, max_note_bytes=100)
    assert [n.atelier_id for n in found.notes] == ["A1"]
    reasons = {Path(s.path).name: s.reason for s in found.set_aside}
    assert reasons["A2.docx"].startswith(
        "le contenu XML de la note (« word/document.xml ») fait 4 Ko, au-delà de 32 fois la "
        "limite de 100 octets")
