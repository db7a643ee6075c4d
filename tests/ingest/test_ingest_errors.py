"""Every bad file stops a strict ingestion with a French message: the file, the line, the fix.

(Without `strict`, the same files are set aside: tests/ingest/test_ingest_set_aside.py.)"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.ingest import IngestError, read_demarche

HEADER = "atelier_id;problématique;méthode;organisations;participants;exposant;gardien;scribe\n"
A1 = 'A1;Comment repérer plus tôt les jeunes décrocheurs ?;world-café;"Mission locale";18;;;\n'
A2 = "A2;Comment coopérer avec les entreprises ?;débat mouvant;Apec;22;;;\n"
A3 = "A3;Comment accompagner les reconversions ?;accélérateur de coopération;CMA;16;;;\n"


def _write(relative: str, content: str | bytes) -> Callable[[Path], None]:
    def mutate(event: Path) -> None:
        path = event / relative
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return mutate


def _manifest(line: str, replacement: str) -> Callable[[Path], None]:
    def mutate(event: Path) -> None:
        path = event / "evenement.yaml"
        text = path.read_text(encoding="utf-8")
        assert line in text
        path.write_text(text.replace(line, replacement), encoding="utf-8")

    return mutate


CASES = [
    # (id, mutation, file, line, words of the problem, words of the fix)
    (
        "methode-vide",
        _write("ateliers.csv", HEADER + A1 + "A2;Comment coopérer ?;;Apec;22;;;\n" + A3),
        "ateliers.csv",
        3,
        "la colonne « methode » est vide",
        "indiquez la méthode de l'atelier (world-café, débat mouvant...)",
    ),
    (
        "ligne-irreguliere",
        _write(
            "ateliers.csv", HEADER + A1 + "A2;Comment coopérer ?;débat mouvant;Apec;CIO;22;;;\n"
        ),
        "ateliers.csv",
        3,
        "9 champ(s) au lieu de 8",
        "entre guillemets",
    ),
    (
        "colonne-manquante",
        _write("ateliers.csv", "atelier_id;problematique;organisations\nA1;Comment ?;Apec\n"),
        "ateliers.csv",
        1,
        "colonne(s) manquante(s) : methode, participants ; colonnes trouvées : "
        "atelier_id, problematique, organisations",
        "atelier_id;problematique;methode;organisations;participants",
    ),
    (
        "encodage-illisible",
        _write("ateliers.csv", HEADER.encode() + b"A1;Cr\x81er \x8d;world-caf\x90;Apec;18;;;\n"),
        "ateliers.csv",
        None,
        "encodage illisible",
        "enregistrez-le en UTF-8",
    ),
    (
        "participants-atelier",
        _write("ateliers.csv", HEADER + A1 + A2.replace(";22;", ";une vingtaine;") + A3),
        "ateliers.csv",
        3,
        "« participants » n'est pas un nombre entier : « une vingtaine »",
        "écrivez le nombre de participants en chiffres",
    ),
    (
        "atelier-en-double",
        _write("ateliers.csv", HEADER + A1 + A2 + A1),
        "ateliers.csv",
        4,
        "l'atelier « A1 » est déjà décrit ligne 2",
        "donnez un identifiant différent à chaque atelier",
    ),
    (
        "yaml-invalide",
        _manifest("  - Apec\n", "  - Apec\n lieu: [Vénissieux\n"),
        "evenement.yaml",
        11,
        "YAML invalide",
        "« clé: valeur »",
    ),
    (
        "participants-pas-entier",
        _manifest("participants: 112", "participants: une centaine"),
        "evenement.yaml",
        7,
        "« participants » n'est pas valide : « une centaine »",
        "écrivez le nombre de participants en chiffres, par exemple participants: 120",
    ),
    (
        "date-impossible",
        _manifest("date: 2024-03-14", "date: 2024-02-30"),
        "evenement.yaml",
        5,
        "la date « 2024-02-30 » n'existe pas dans le calendrier",
        "au format AAAA-MM-JJ",
    ),
    (
        "date-illisible",
        _manifest("date: 2024-03-14", "date: mi-mars"),
        "evenement.yaml",
        5,
        "« date » n'est pas valide : « mi-mars »",
        "au format AAAA-MM-JJ",
    ),
    (
        "date-nombre",
        _manifest("date: 2024-03-14", "date: 2024"),
        "evenement.yaml",
        5,
        "« date » n'est pas valide : « 2024 »",
        "au format AAAA-MM-JJ",
    ),
    (
        "cle-inconnue",
        _manifest("lieu:", "adresse:"),
        "evenement.yaml",
        6,
        "clé inconnue « adresse »",
        "clés acceptées : territoire, type_territoire, evenement, date, lieu",
    ),
    (
        "cle-absente",
        _manifest("evenement: Forum des professionnels du Cep\n", ""),
        "evenement.yaml",
        None,
        "la clé « evenement » est absente",
        "ajoutez-la",
    ),
    (
        "note-sans-atelier",
        _write("notes/A9.md", "- Une idée\n"),
        "notes/A9.md",
        None,
        "l'atelier « A9 » n'est pas décrit dans ateliers.csv (ateliers décrits : A1, A2, A3)",
        "renommez la note",
    ),
    (
        "deux-notes",
        _write("notes/A1.txt", "FREINS :\n- Manque de temps\n"),
        "notes/A1.txt",
        None,
        "deux notes pour l'atelier « A1 » (A1.md et A1.txt)",
        "gardez une seule note par atelier",
    ),
    (
        "extension-inconnue",
        _write("notes/A1.pdf", b"%PDF-1.4"),
        "notes/A1.pdf",
        None,
        "format de note non pris en charge (.pdf)",
        "copiez son texte dans un fichier .txt ou .docx",
    ),
    (
        "note-vide",
        _write("notes/A1.md", "  \n\n \n"),
        "notes/A1.md",
        None,
        "la note est vide",
        "recopiez les notes du scribe",
    ),
    (
        "docx-endommage",
        _write("notes/A2.docx", b"PK\x03\x04 coupe pendant la copie"),
        "notes/A2.docx",
        None,
        "le document Word est illisible ou endommagé",
        "enregistrez-le à nouveau au format .docx",
    ),
    (
        "odt-endommage",
        _write("notes/A3.odt", b"pas un zip du tout"),
        "notes/A3.odt",
        None,
        "le document LibreOffice est illisible ou endommagé",
        "enregistrez-le à nouveau au format .odt",
    ),
    (
        "xlsx-endommage",
        _write("retours.xlsx", b"PK\x03\x04 tronque"),
        "retours.xlsx",
        None,
        "le classeur Excel est illisible ou endommagé",
        "enregistrez-le à nouveau au format .xlsx",
    ),
    (
        "note-hors-echelle",
        _write(
            "retours.csv",
            "Structure;Satisfaction (1 à 5);Ce que je retiens\nApec;4;Bien\nCIO;45;Très bien\n",
        ),
        "retours.csv",
        3,
        "la note « 45 » de la colonne « Satisfaction (1 à 5) » sort de l'échelle",
        "entre 0 et 10",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "file", "line", "problem", "fix"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_names_file_line_and_fix(demarche, event_dir, mutate, file, line, problem, fix):
    if file == "retours.xlsx":
        (event_dir / "retours.csv").unlink()
    mutate(event_dir)
    with pytest.raises(IngestError) as caught:
        read_demarche(demarche, strict=True)
    error = caught.value
    message = str(error)
    assert error.path.endswith(f"lyon-est/forum-cep-2024/{file}")
    assert error.line == line
    where = error.path if line is None else f"{error.path}, ligne {line}"
    assert message.startswith(f"{where} : ")
    assert problem in message
    assert f"Correction : {fix}" in message or (fix in error.fix and "Correction : " in message)
    assert "\n" not in message


def test_ateliers_csv_missing(demarche, event_dir):
    (event_dir / "ateliers.csv").unlink()
    with pytest.raises(IngestError) as caught:
        read_demarche(demarche)
    assert "le fichier des ateliers est introuvable" in str(caught.value)


def test_folder_without_any_manifest(tmp_path):
    (tmp_path / "lyon" / "forum").mkdir(parents=True)
    with pytest.raises(IngestError) as caught:
        read_demarche(tmp_path)
    assert "aucun fichier evenement.yaml trouvé" in str(caught.value)
    assert "<racine>/<territoire>/<evenement>/evenement.yaml" in caught.value.fix


def test_nothing_is_returned_when_one_file_is_bad(demarche, event_dir):
    """Strict: a bad last file stops the whole read, the good files are not returned."""
    _write("retours.csv", "Organisation;Note\nApec;dix\n")(event_dir)
    with pytest.raises(IngestError):
        read_demarche(demarche, strict=True)


def test_message_format_and_pickling():
    error = IngestError(
        "data/x/ateliers.csv",
        "la colonne « methode » est vide",
        "indiquez la méthode de l'atelier (world-café, débat mouvant...)",
        line=4,
    )
    assert str(error) == (
        "data/x/ateliers.csv, ligne 4 : la colonne « methode » est vide. Correction : indiquez "
        "la méthode de l'atelier (world-café, débat mouvant...)."
    )
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.path, clone.line, clone.problem, clone.fix) == (
        error.path,
        error.line,
        error.problem,
        error.fix,
    )
