"""Tables as French tools export them: cp1252 and ";", UTF-8 BOM and ",", XLSX, Parquet."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import IngestError
from corpus.ingest.tables import parse_number, read_any, read_csv, sniff_delimiter

TABLES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "tables"


def _read(name: str, **options):
    path = TABLES / name
    return read_any(path, path.read_bytes(), **options)


def test_excel_csv_cp1252_semicolons_accented_headers():
    table = _read("retours-excel-cp1252.csv")
    assert table.columns[1:5] == ["Nom", "Prénom", "Adresse e-mail", "Votre structure"]
    assert "Satisfaction globale (1 à 5)" in table.columns
    first, second = table.rows
    assert first.line == 2 and second.line == 3
    assert first.values["Ce qui m'a manqué"] == "Plus de temps pour échanger"
    assert parse_number(first.values["Satisfaction globale (1 à 5)"]) == 4.5
    assert parse_number(second.values["Qualité des échanges"]) == 2.5
    # a quoted field keeps its semicolon
    assert second.values["Ce que je retiens"] == "Les employeurs ; un seul interlocuteur"


def test_form_csv_utf8_bom_commas_and_multiline_field():
    table = _read("retours-formulaire-bom.csv")
    assert table.columns[0] == "Horodatage"  # no BOM glued to the first header
    assert "Ce que je retiens, en une phrase" in table.columns
    assert [row.line for row in table.rows] == [2, 3]  # the line where each record starts
    assert table.rows[1].values["Ce que je retiens, en une phrase"] == (
        "Le PTP, à faire connaître\naux artisans."
    )


def test_xlsx_first_sheet_keeps_sheet_row_numbers():
    table = _read("retours.xlsx")
    assert table.columns == [
        "Structure",
        "Atelier",
        "Satisfaction /5",
        "Ce qui m'a manqué",
        "Courriel",
    ]
    assert [row.line for row in table.rows] == [2, 4]  # row 3 is empty in the sheet
    assert table.rows[0].values["Satisfaction /5"] == "4"  # a number cell, not "4.0"
    assert table.rows[1].values["Structure"] == "Mission locale Lyon Est"


def test_xlsx_other_sheet_by_name_and_unknown_sheet():
    assert _read("retours.xlsx", sheet="Brouillon").columns == ["rien"]
    with pytest.raises(IngestError) as error:
        _read("retours.xlsx", sheet="Feuil3")
    assert "Réponses, Brouillon" in str(error.value)


def test_parquet_values_as_text():
    table = _read("corpus.parquet")
    assert table.columns == ["id", "texte", "territoire", "nature"]
    assert table.rows[0].values["territoire"] == "Vallée de la Drôme"
    assert table.rows[2].values["nature"] == ""  # a null cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4,5", 4.5),
        ("4.5", 4.5),
        (" 3 ", 3.0),
        ("4/5", 4.0),
        ("10", 10.0),
        ("très bien", None),
        ("", None),
        ("4,5,6", None),
    ],
)
def test_parse_number_accepts_decimal_commas(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("atelier_id;problematique;methode\nA1;Comment coopérer, ensemble ?;world-café\n", ";"),
        ('id,text,"Région, département"\n1,"a; b",x\n', ","),
        ("id\ttexte\n1\tun, deux; trois\n", "\t"),
        ("texte\nune seule colonne\n", ";"),
    ],
)
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


def test_trailing_empty_cells_written_by_excel_are_accepted():
    table = read_csv(b"a;b;;\n1;2;;\n", source="x.csv")
    assert table.columns == ["a", "b"]
    assert table.rows[0].values == {"a": "1", "b": "2"}


def test_ragged_row_names_the_line_and_the_quotes_fix():
    data = b"atelier_id;organisations\nA1;Apec\nA2;Apec;CIO\n"
    with pytest.raises(IngestError) as error:
        read_csv(data, source="ateliers.csv")
    assert error.value.line == 3
    assert "3 champ(s) au lieu de 2" in str(error.value)
    assert "entre guillemets" in error.value.fix


def test_unsupported_table_format():
    with pytest.raises(IngestError) as error:
        read_any(Path("retours.xls"), b"")
    assert "retours.xls : format de tableau non pris en charge (.xls)" in str(error.value)
