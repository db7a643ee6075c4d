"""Participant feedback: column roles, decimal commas, and personal data dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import IngestError
from corpus.ingest.feedback import column_roles, read_feedback
from corpus.ingest.tables import read_any, read_csv

TABLES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "tables"
ATELIERS = {
    "A1": "Comment repérer plus tôt les jeunes décrocheurs ?",
    "A2": "Comment coopérer avec les entreprises qui recrutent ?",
}


def _feedback(name: str):
    path = TABLES / name
    table = read_any(path, path.read_bytes())
    return read_feedback(
        table,
        event_id="lyon-est/forum",
        territory_id="lyon-est",
        source=path.name,
        ateliers=ATELIERS,
    )


def test_excel_export_gives_ratings_answers_and_no_personal_data():
    first, second = _feedback("retours-excel-cp1252.csv")
    assert first.feedback_id == "lyon-est/forum/retour-001"
    assert second.feedback_id == "lyon-est/forum/retour-002"
    assert first.source == "retours-excel-cp1252.csv:2"
    assert first.organisation == "Mission locale Lyon Est"
    assert first.atelier_id == "A1"
    assert first.ratings == {"Satisfaction globale (1 à 5)": 4.5, "Qualité des échanges": 4.0}
    assert first.answers == {
        "Ce que je retiens": "La fiche de liaison commune, enfin !",
        "Ce qui m'a manqué": "Plus de temps pour échanger",
    }
    assert "Ce qui m'a manqué" not in second.answers  # an empty answer is left out
    dumped = first.model_dump_json() + second.model_dump_json()
    for personal in ("Martin", "Sophie", "s.martin@example.fr", "Girard", "Nom", "Prénom"):
        assert personal not in dumped
    assert "14/03/2024" not in dumped  # timestamps are ignored


def test_form_export_drops_phone_numbers_and_keeps_multiline_answers():
    first, second = _feedback("retours-formulaire-bom.csv")
    assert first.ratings == {"Note de l'atelier": 8.0}
    assert second.answers == {
        "Ce que je retiens, en une phrase": "Le PTP, à faire connaître\naux artisans."
    }
    assert "06 12 34 56 78" not in first.model_dump_json()


def test_xlsx_feedback_rows_keep_the_sheet_row_in_the_source():
    first, second = _feedback("retours.xlsx")
    assert (first.organisation, first.atelier_id, first.ratings) == (
        "France Travail",
        "A2",
        {"Satisfaction /5": 4.0},
    )
    assert second.source == "retours.xlsx:4"
    assert second.ratings == {"Satisfaction /5": 3.5}  # "3,5" typed as text in Excel
    assert "a@example.fr" not in first.model_dump_json()


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Nom", "identity"),
        ("Nom et prénom", "identity"),
        ("Adresse e-mail", "identity"),
        ("Courriel", "identity"),
        ("Téléphone", "identity"),
        ("Nom de votre structure", "organisation"),
        ("Organisation", "organisation"),
        ("Atelier suivi", "atelier"),
        ("Satisfaction générale", "rating"),
        ("Note globale", "rating"),
        ("Utilité (1 à 5)", "rating"),
        ("Intérêt /5", "rating"),
        ("Horodatage", "ignored"),
        ("Ce que je retiens pour ma structure et mes collègues", "answer"),
        ("Ce que je vais mettre en œuvre", "answer"),
    ],
)
def test_column_roles_from_french_headers(header, role):
    table = read_csv(f"{header}\nx\n".encode(), source="retours.csv")
    assert column_roles(table)[header] == role


def test_numeric_column_without_rating_header_is_a_rating():
    table = read_csv("Organisation;Utilité\nApec;4,5\nCIO;3\n".encode(), source="retours.csv")
    assert column_roles(table)["Utilité"] == "rating"


def test_atelier_given_by_its_problematique_is_mapped_to_its_id():
    data = "Atelier;Avis\nComment coopérer avec les entreprises qui recrutent ?;Très utile\n"
    [record] = read_feedback(
        read_csv(data.encode(), source="retours.csv"),
        event_id="e",
        territory_id="t",
        source="retours.csv",
        ateliers=ATELIERS,
    )
    assert record.atelier_id == "A2"


@pytest.mark.parametrize(
    ("cell", "problem"),
    [("12", "sort de l'échelle 0-10"), ("très bien", "n'est pas un nombre")],
)
def test_bad_rating_names_the_line_and_the_fix(cell, problem):
    data = f"Organisation;Satisfaction globale\nApec;4\nCIO;{cell}\n".encode()
    with pytest.raises(IngestError) as error:
        read_feedback(
            read_csv(data, source="retours.csv"),
            event_id="e",
            territory_id="t",
            source="retours.csv",
        )
    message = str(error.value)
    assert message.startswith("retours.csv, ligne 3 : ")
    assert problem in message
    assert "Correction : écrivez une note en chiffres entre 0 et 10" in message
