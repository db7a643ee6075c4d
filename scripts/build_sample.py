"""Build the binary files of the shipped sample démarche: .docx and .odt notes, retours.xlsx.

Their texts are plain files beside this script, to read and edit: one Markdown note per
atelier in scripts/sample/<territoire>/<atelier>.md, and the participants' answers in
scripts/sample/haute-provence/retours.csv. The sample's .md, .txt, .csv and .yaml files are
not built: they are edited in data/sample/ directly. Run from anywhere with the project's
environment:

    .venv/bin/python scripts/build_sample.py

Outputs are byte-for-byte reproducible (fixed metadata dates and zip entry times), so
rebuilding without editing a text leaves data/sample/ unchanged.
"""

from __future__ import annotations

import csv
import unicodedata
from datetime import datetime
from pathlib import Path

from office import Block, Stamp, write_docx, write_form_xlsx, write_odt

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "sample"
SAMPLE = HERE.parent / "data" / "sample"

# Each binary note of the sample and when it was last saved; its text is
# TEXTS / <territoire> / <atelier>.md, its format the file's extension.
MARSEILLE = "marseille/2026-03-journee-cep"
HAUTE_PROVENCE = "haute-provence/2026-06-journee-cep"
NOTES: dict[str, datetime] = {
    f"{MARSEILLE}/notes/a02-achats-groupes.docx": datetime(2026, 3, 19, 12, 40),
    f"{MARSEILLE}/notes/a04-donnees-territoriales.odt": datetime(2026, 3, 19, 12, 50),
    f"{MARSEILLE}/notes/a06-mixite-metiers.docx": datetime(2026, 3, 19, 16, 5),
    f"{MARSEILLE}/notes/a07-evenements-publics.odt": datetime(2026, 3, 19, 16, 20),
    f"{MARSEILLE}/notes/a09-handicap-rqth.docx": datetime(2026, 3, 20, 9, 15),
    f"{HAUTE_PROVENCE}/notes/a02-saisonniers-agricoles.odt": datetime(2026, 6, 11, 12, 45),
    f"{HAUTE_PROVENCE}/notes/a04-ingenierie-financiere.docx": datetime(2026, 6, 11, 12, 30),
    f"{HAUTE_PROVENCE}/notes/a06-vae.odt": datetime(2026, 6, 11, 16, 10),
    f"{HAUTE_PROVENCE}/notes/a07-reconversion-salaries.docx": datetime(2026, 6, 12, 10, 0),
    f"{HAUTE_PROVENCE}/notes/a09-interconnaissance.odt": datetime(2026, 6, 11, 17, 0),
}
AUTHOR = "Atelier Cep"

# The feedback form's export: its answers, and when the export was made.
RETOURS = f"{HAUTE_PROVENCE}/retours.xlsx"
RETOURS_TEXT = TEXTS / "haute-provence" / "retours.csv"
RETOURS_SAVED = datetime(2026, 6, 11, 17, 30)
RETOURS_DATE_FORMAT = "%d/%m/%Y %H:%M:%S"
RETOURS_NUMBERS = ("Note globale (1 à 5)", "Utilité pour ma pratique (1 à 5)")
RETOURS_WIDTHS = [20, 20, 38, 30, 12, 12, 60, 45, 55]

PREFIXES = (("## ", "h2"), ("# ", "h1"), ("- ", "li"))


def read_note(path: Path) -> list[Block]:
    """Read a note's light Markdown: `# ` title, `## ` headings, `- ` bullets, paragraphs.

    A line that starts with none of these continues the paragraph or bullet above it; a
    blank line ends it. Text is normalised to NFC.
    """
    blocks: list[Block] = []
    open_block = False
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            open_block = False
            continue
        if line.startswith("#") and not line.startswith(("# ", "## ")):
            raise ValueError(
                f"{path}, ligne {number} : seuls les titres « # » et « ## » sont lus ; "
                "écrivez « ## » suivi d'une espace."
            )
        for prefix, kind in PREFIXES:
            if line.startswith(prefix):
                blocks.append((kind, line.removeprefix(prefix).strip()))
                open_block = kind == "li"
                break
        else:
            if open_block:
                kind, previous = blocks[-1]
                blocks[-1] = (kind, f"{previous} {line}")
            else:
                blocks.append(("p", line))
                open_block = True
    if not blocks or blocks[0][0] != "h1":
        raise ValueError(
            f"{path}, ligne 1 : une note commence par son titre ; écrivez « # Atelier … »."
        )
    return blocks


def read_retours(path: Path) -> tuple[list[str], list[list[object]]]:
    """Read the form's answers: `;`-separated UTF-8, dates as 11/06/2026 16:02:41, decimal
    commas in the two ratings, an empty cell for an unanswered question."""
    with path.open(encoding="utf-8", newline="") as file:
        header, *lines = csv.reader(file, delimiter=";")
    numbers = [header.index(name) for name in RETOURS_NUMBERS]
    rows: list[list[object]] = []
    for number, line in enumerate(lines, start=2):
        if len(line) != len(header):
            raise ValueError(
                f"{path}, ligne {number} : {len(line)} colonnes au lieu de {len(header)} ; "
                "une réponse vide s'écrit « ;; »."
            )
        row: list[object] = [unicodedata.normalize("NFC", cell) or None for cell in line]
        cell = line[0]
        try:
            row[0] = datetime.strptime(cell, RETOURS_DATE_FORMAT)
            for index in numbers:
                if cell := line[index]:
                    value = float(cell.replace(",", "."))
                    row[index] = int(value) if value.is_integer() else value
        except ValueError:
            raise ValueError(
                f"{path}, ligne {number} : « {cell} » illisible ; écrivez la date comme "
                "11/06/2026 16:02:41 et les notes comme 4 ou 4,5."
            ) from None
        rows.append(row)
    return header, rows


def main() -> None:
    for target, saved in NOTES.items():
        path = SAMPLE / target
        blocks = read_note(TEXTS / target.split("/")[0] / f"{path.stem}.md")
        if path.suffix == ".docx":
            write_docx(path, blocks, Stamp(saved), author=AUTHOR)
        else:
            write_odt(path, blocks, Stamp(saved))
        print(f"écrit {path.relative_to(SAMPLE.parent.parent)}")
    header, rows = read_retours(RETOURS_TEXT)
    path = SAMPLE / RETOURS
    write_form_xlsx(
        path,
        header,
        rows,
        Stamp(RETOURS_SAVED),
        sheet="Réponses au formulaire 1",
        creator="Formulaire",
        widths=RETOURS_WIDTHS,
    )
    print(f"écrit {path.relative_to(SAMPLE.parent.parent)}")


if __name__ == "__main__":
    main()
