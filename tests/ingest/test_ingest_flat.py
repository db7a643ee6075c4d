"""Flat tables of existing texts: one Note per row, given orientations mapped."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from corpus.ingest import IngestError, read_table

TABLES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "tables"
UNITS = Path("/work/shared/data/granddebat_reunions/units.csv")
COLUMNS = dict(text="texte", id="id", territory="territoire", event="événement", atelier="atelier")


def test_orientation_labels_are_mapped():
    result = read_table(TABLES / "orientations.csv", orientation="orientation", **COLUMNS)
    given = {note.doc_id: note.given_orientation for note in result.notes}
    assert given == {
        "u1": "difficulte",
        "u2": "difficulte",
        "u3": "levier",
        "u4": "levier",
        "u5": "levier",
        "u6": "autre",
        "u7": "difficulte",
        "u9": "levier",
    }  # u8 has no text: no note


def test_rows_become_notes_with_territories_events_and_ateliers():
    result = read_table(TABLES / "orientations.csv", **COLUMNS)
    assert [t.territory_id for t in result.territories] == ["Lyon Est", "Drôme"]
    # events are named within their territory, as a démarche folder's "<territoire>/<dossier>"
    assert [(e.event_id, e.territory_id, e.name) for e in result.events] == [
        ("Lyon Est/Forum 2024", "Lyon Est", "Forum 2024"),
        ("Drôme/Rencontres 2023", "Drôme", "Rencontres 2023"),
    ]
    assert [(w.atelier_id, w.event_id) for w in result.workshops] == [
        ("A1", "Lyon Est/Forum 2024"),
        ("A2", "Lyon Est/Forum 2024"),
        ("B1", "Drôme/Rencontres 2023"),
    ]
    notes = {note.doc_id: note for note in result.notes}
    assert notes["u4"].text == "Des permanences croisées ; une fois par mois"
    assert notes["u9"].text == "Créer une fiche de liaison\ncommune aux trois réseaux."
    assert notes["u9"].source.endswith("orientations.csv:10")  # the line where the row starts
    assert notes["u9"].format == "csv"
    assert notes["u9"].given_orientation is None  # no orientation column named
    # a row's stored version is its text and where it sits (moved or relabelled: stored again)
    assert notes["u1"].content_hash != hashlib.sha256(notes["u1"].text.encode()).hexdigest()
    path = (TABLES / "orientations.csv").as_posix()
    assert result.file_hashes == {
        path: hashlib.sha256((TABLES / "orientations.csv").read_bytes()).hexdigest()
    }


def test_defaults_without_id_territory_event_or_atelier():
    result = read_table(TABLES / "orientations.csv", text="texte")
    first = result.notes[0]
    assert (first.doc_id, first.territory_id, first.event_id, first.atelier_id) == (
        "orientations-2",
        "orientations",
        "orientations",
        "orientations-2",
    )
    assert len(result.workshops) == len(result.notes) == 8


def test_parquet_table():
    result = read_table(
        TABLES / "corpus.parquet",
        text="texte",
        id="id",
        territory="territoire",
        orientation="nature",
    )
    assert [(n.doc_id, n.given_orientation, n.format) for n in result.notes] == [
        ("p1", "difficulte", "parquet"),
        ("p2", "levier", "parquet"),
    ]
    assert result.notes[0].territory_id == "Vallée de la Drôme"


def test_xlsx_table_column_named_without_accents_or_case():
    result = read_table(TABLES / "retours.xlsx", text="ce qui m'a manque", territory="structure")
    assert [n.text for n in result.notes] == [
        "Un temps d'interconnaissance",
        "Des employeurs présents",
    ]
    assert result.notes[1].source.endswith("retours.xlsx:4")
    assert result.notes[1].format == "xlsx"


def test_unknown_orientation_names_the_line(tmp_path):
    table = tmp_path / "notes.csv"
    table.write_text(
        "id;texte;orientation\n1;Manque de temps;frein\n2;Un annuaire;peut-être\n", encoding="utf-8"
    )
    with pytest.raises(IngestError) as caught:
        read_table(table, text="texte", id="id", orientation="orientation")
    message = str(caught.value)
    assert message.startswith(f"{table.as_posix()}, ligne 3 : orientation inconnue « peut-être »")
    assert "Correction : écrivez difficulte (ou constat, frein), levier" in message


def test_missing_text_column_lists_the_columns(tmp_path):
    with pytest.raises(IngestError) as caught:
        read_table(TABLES / "orientations.csv", text="verbatim")
    message = str(caught.value)
    assert "la colonne « verbatim » (--text) est introuvable" in message
    assert "colonnes trouvées : id, texte, territoire, événement, atelier, orientation" in message


def test_duplicate_ids_are_refused(tmp_path):
    table = tmp_path / "notes.csv"
    table.write_text("id,texte\nn1,Manque de temps\nn1,Un annuaire\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_table(table, text="texte", id="id")
    assert caught.value.line == 3
    assert "déjà utilisé ligne 2" in str(caught.value)


@pytest.mark.skipif(not UNITS.exists(), reason="granddebat data not available")
def test_granddebat_units_are_read_completely():
    """The reading time is printed by bench/ingest.py ("read table")."""
    result = read_table(
        UNITS,
        text="text",
        id="id",
        territory="region",
        event="departement",
        atelier="report_id",
        orientation="kind",
    )
    assert len(result.notes) == 2645
    assert Counter(n.given_orientation for n in result.notes) == {
        "difficulte": 1438,
        "levier": 1207,
    }
    assert len(result.territories) == 8
    assert result.notes[0].doc_id == "gdr-88d347b8b0c3-cons"
    assert result.notes[0].atelier_id == "gdr-88d347b8b0c3"
    assert result.notes[0].territory_id == "Auvergne-Rhône-Alpes"
