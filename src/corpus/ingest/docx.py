"""Word (.docx) notes as light Markdown, with python-docx.

Paragraphs come in document order; heading styles (and short all-bold paragraphs) become
"# " / "## " lines, list paragraphs "- " lines, table rows one line with cells joined by " ; ".
Plain paragraphs get the hand-typed bullet and title rules of .txt notes ("FREINS :" -> "# Freins").
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from corpus.ingest.errors import check_zip, damaged_file
from corpus.ingest.text import continued, light_line, space_headings, tidy

_HEADING_STYLE = re.compile(r"^(?:heading|titre|überschrift)\s*(\d)?$", re.IGNORECASE)
_TITLE_STYLES = {"title", "titre", "subtitle", "sous-titre"}
_DAMAGED = "le document Word est illisible ou endommagé"
_FIX = ("ouvrez-le dans Word ou LibreOffice et enregistrez-le à nouveau au format .docx "
        "(un ancien .doc renommé en .docx ne suffit pas)")


def read_docx(data: bytes, *, source: str | Path = "note.docx") -> str:
    """A .docx note as light Markdown."""
    from docx import Document
    from docx.table import Table

    check_zip(data, source, _DAMAGED, _FIX)
    with damaged_file(source, _DAMAGED, _FIX):
        document = Document(BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
                lines.append("")
            else:
                lines.append(_paragraph_line(block))
    return tidy("\n".join(space_headings(lines)))


def _paragraph_line(paragraph) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = _HEADING_STYLE.match(style.strip())
    if heading:
        level = int(heading.group(1) or 1)
        return ("# " if level <= 1 else "## ") + " ".join(text.split())
    if style.strip().lower() in _TITLE_STYLES:
        return "# " + " ".join(text.split())
    if _is_list(paragraph, style):
        return "- " + continued(text.lstrip("-•*–— \t"))
    if _all_bold(paragraph) and len(text.split()) <= 5:
        return "# " + text.rstrip(":").strip()
    return "\n".join(light_line(line) for line in text.split("\n"))


def _is_list(paragraph, style: str) -> bool:
    lowered = style.lower()
    if "list" in lowered or "liste" in lowered:
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _all_bold(paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):  # a merged cell comes once per grid column
                continue
            seen.append(cell._tc)
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" ; ".join(cells))
    return lines
