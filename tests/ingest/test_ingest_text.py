"""Plain text and Markdown notes: encodings, bullets and hand-typed titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import IngestError
from corpus.ingest.text import decode, markdown_to_light, plain_to_light, read_markdown, read_plain

NOTES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "notes"


def test_markdown_note_keeps_headings_and_unifies_bullets():
    text = read_markdown((NOTES / "constats-leviers.md").read_bytes())
    lines = text.splitlines()
    assert lines[0] == "# Atelier A1 — Comment repérer plus tôt les jeunes décrocheurs ?"
    assert "## Constats" in lines and "## Leviers" in lines
    # "*", "+", "1." and "•" bullets all become "- "
    assert (
        "- Les jeunes de 16-18 ans ne connaissent pas le conseil en évolution professionnelle."
        in lines
    )
    assert (
        "- Délais d'attente trop longs pour un premier rendez-vous (jusqu'à six semaines)." in lines
    )
    assert "- Créer une fiche de liaison commune Mission locale / CIO / Cap emploi." in lines
    assert (
        "- Mobiliser le réseau des plates-formes de suivi et d'appui aux décrocheurs (PSAD)."
        in lines
    )
    assert "# Contacts" in lines  # a bold title line
    assert "- Mission locale Lyon Est : référente « décrochage scolaire »" in lines


def test_utf8_text_note_titles_bullets_and_blank_lines():
    text = read_plain((NOTES / "reconversion-utf8.txt").read_bytes())
    lines = text.splitlines()
    assert lines[0] == (
        "Atelier : accompagner les salariés en reconversion dans les très petites entreprises"
    )
    assert lines[1] == "" and lines[2] == "# Constats"  # four blank lines collapsed into one
    assert "- Les salariés des TPE n'osent pas parler de reconversion à leur employeur." in lines
    assert "- Peu de liens entre Transitions Pro et les chambres consulaires." in lines
    assert "# Leviers" in lines
    assert "- Des réunions d'information communes avec la CMA et la CCI." in lines
    assert "- Un annuaire partagé des conseillers Cep du territoire." in lines
    assert "- Co-animer des ateliers « métiers qui recrutent » avec France Travail." in lines


def test_cp1252_text_note_reads_accents_euro_and_oe():
    text = read_plain((NOTES / "mobilite-cp1252.txt").read_bytes())
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0] == "Atelier 7 – Mobilité et freins périphériques à l'emploi"
    assert "# Freins" in lines
    assert "# Pistes d’action" in lines
    assert "- Coût du permis de conduire : 1 800 € en moyenne" in lines
    assert "- Covoiturage organisé par les entreprises de la zone, une œuvre commune" in lines


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("FREINS :", "# Freins"),
        ("Leviers :", "# Leviers"),
        ("PISTES D'ACTION", "# Pistes d'action"),
        ("Les participants ont longuement débattu de la question :", None),
        ("Pôle emploi et la Mission locale se connaissent mal.", None),
        ("• Manque de temps", "- Manque de temps"),
        ("•Manque de temps", "- Manque de temps"),
        ("o Manque de temps", "- Manque de temps"),
        ("– Manque de temps", "- Manque de temps"),
        ("  * Manque de temps", "- Manque de temps"),
        ("1) Manque de temps", "- Manque de temps"),
        ("-5 % de demandeurs d'emploi cette année", None),
    ],
)
def test_plain_line_rules(raw, expected):
    assert plain_to_light(raw) == (raw if expected is None else expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Freins\n======\n* Manque de temps", "# Freins\n- Manque de temps"),
        ("### Ressources", "## Ressources"),
        ("+ Une fiche commune", "- Une fiche commune"),
        ("3. Une fiche commune", "- Une fiche commune"),
        ("— Une fiche commune", "- Une fiche commune"),
        ("Texte   \n\n\n\nSuite", "Texte\n\nSuite"),
    ],
)
def test_markdown_rules(raw, expected):
    assert markdown_to_light(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Leviers\n-------\n- Une fiche commune", "## Leviers\n- Une fiche commune"),
        (
            "Les participants ont beaucoup parlé des freins à la mobilité.\n----------\nSuite",
            "Les participants ont beaucoup parlé des freins à la mobilité.\nSuite",
        ),
        ("Constats\n\n**********\n\nManque de temps", "Constats\n\nManque de temps"),
    ],
)
def test_plain_underlines_and_separators(raw, expected):
    assert plain_to_light(raw) == expected


def test_decode_utf8_bom_and_crlf():
    assert decode("\ufeffLéa\r\nAprès".encode()) == "Léa\nAprès"


def test_decode_utf16_with_bom():
    assert decode("Créer une fiche commune".encode("utf-16")) == "Créer une fiche commune"


def test_decode_refuses_bytes_that_are_neither_utf8_nor_cp1252():
    with pytest.raises(IngestError) as error:
        decode(b"Cr\x81er une fiche \x8d commune", source="notes/A1.txt")
    message = str(error.value)
    assert message.startswith("notes/A1.txt : encodage illisible")
    assert "Correction : " in message and "UTF-8" in message


def test_decode_refuses_mixed_encodings_with_the_line():
    data = "Première ligne en UTF-8 : réunion\n".encode() + "Deuxième : accès\n".encode("cp1252")
    with pytest.raises(IngestError) as error:
        decode(data, source="notes/A2.txt")
    assert error.value.line == 1
    assert "mélange deux encodages" in str(error.value)
