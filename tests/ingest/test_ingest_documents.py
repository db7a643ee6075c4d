"""Word and LibreOffice notes: headings, lists, tables and inline formatting read in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import IngestError
from corpus.ingest.docx import read_docx
from corpus.ingest.odt import read_odt

NOTES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "notes"


def test_docx_headings_bullets_and_table_in_document_order():
    text = read_docx((NOTES / "cooperation-entreprises.docx").read_bytes())
    lines = [line for line in text.splitlines() if line]
    assert lines == [
        "# Atelier A2 — Coopérer avec les entreprises qui recrutent",
        "Débat mouvant animé par Marc, 22 participants de France Travail, de l'Apec et de la CCI.",
        "## Difficultés",
        "- Les entreprises reçoivent cinq sollicitations différentes pour le même poste.",
        "- Les offres non pourvues ne sont pas partagées entre réseaux.",
        "## Leviers",
        "- Désigner un interlocuteur unique par bassin.",
        "- Une réunion trimestrielle avec les employeurs.",
        "# Propositions",  # "PROPOSITIONS :" typed in a normal paragraph
        "- Un agenda commun des job-datings du territoire.",  # "- " typed by hand
        "# Ressources",  # a short paragraph in bold
        "Structure ; Engagement",
        "France Travail ; partage des offres non pourvues",
        "CCI Lyon Métropole ; relais auprès des TPE",
    ]


def test_odt_headings_list_spaces_tabs_and_line_breaks():
    text = read_odt((NOTES / "reconversions-tpe.odt").read_bytes())
    lines = [line for line in text.splitlines() if line]
    assert lines == [
        "# Atelier A3 — Reconversions des salariés de TPE",
        "Accélérateur de coopération :  Transitions Pro et la CMA du Rhône.",  # text:s c=2
        "## Freins",
        "- Les salariés n'osent pas évoquer leur projet avec l'employeur.",
        "- Le PTP reste méconnu des artisans.",
        "## Pistes",
        "- Des permanences Cep à la Chambre de métiers",  # text:span kept in the sentence
        "  le premier mardi du mois",  # text:line-break inside the list item
        "Contact :\tréférente Cep de la CMA",  # text:tab
    ]


@pytest.mark.parametrize(
    ("reader", "name", "fix"),
    [
        (read_docx, "A2.docx", "enregistrez-le à nouveau au format .docx"),
        (read_odt, "A3.odt", "enregistrez-le à nouveau au format .odt"),
    ],
)
def test_damaged_documents_name_the_file_and_the_fix(reader, name, fix):
    with pytest.raises(IngestError) as error:
        reader(b"PK\x03\x04 ceci n'est pas un document", source=f"notes/{name}")
    assert str(error.value).startswith(f"notes/{name} : ")
    assert fix in str(error.value)
