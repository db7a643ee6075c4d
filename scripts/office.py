"""Office files (.docx, .odt, .xlsx) that come out byte for byte the same on every build.

python-docx, odfpy and openpyxl stamp every zip entry with the clock, and openpyxl also stamps
the workbook's modified date. The `save_*` functions write the file, then rewrite the package
with the dates of a `Stamp`, so a rebuild leaves committed files unchanged. Used by
scripts/build_sample.py (the sample démarche) and tests/fixtures/ingest/make_fixtures.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from odf.opendocument import OpenDocument, OpenDocumentText
from odf.style import ListLevelProperties, ParagraphProperties, Style, TextProperties
from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P
from openpyxl import Workbook
from openpyxl.styles import Font

# A note is a list of blocks: ("h1" | "h2", heading), ("p", paragraph) or ("li", bullet).
Block = tuple[str, str]


@dataclass(frozen=True)
class Stamp:
    """The dates written into a package.

    `created` and `modified` (default: `created`) go into the document's metadata;
    `entry_time` is the time of every zip entry; `mode` gives every entry the same permission
    bits, or None keeps the bits each library wrote.
    """

    created: datetime
    modified: datetime | None = None
    entry_time: datetime = datetime(2026, 1, 1)
    mode: int | None = 0o644


def normalise_zip(path: Path, stamp: Stamp) -> None:
    """Rewrite a zip package with the entry times and metadata dates of `stamp`."""
    created = stamp.created.strftime("%Y-%m-%dT%H:%M:%S")
    modified = (stamp.modified or stamp.created).strftime("%Y-%m-%dT%H:%M:%S")
    dates = {
        "created": created,
        "modified": modified,
        "meta:creation-date": created,
        "dc:date": modified,
    }
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for info, data in entries:
            if info.filename in ("docProps/core.xml", "meta.xml"):
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: f"{m.group(1)}{dates[m.group(2)]}Z{m.group(3)}",
                    text,
                )
                text = re.sub(
                    r"(<(meta:creation-date|dc:date)>)[^<]*(</)",
                    lambda m: f"{m.group(1)}{dates[m.group(2)]}{m.group(3)}",
                    text,
                )
                data = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=stamp.entry_time.timetuple()[:6])
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr if stamp.mode is None else stamp.mode << 16
            dst.writestr(new, data)
    path.write_bytes(buffer.getvalue())


def save_docx(document: Any, path: Path, stamp: Stamp) -> None:
    """Save a python-docx document with the dates of `stamp`."""
    document.core_properties.created = stamp.created
    document.core_properties.modified = stamp.modified or stamp.created
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    normalise_zip(path, stamp)


def save_odt(document: OpenDocument, path: Path, stamp: Stamp) -> None:
    """Save an odfpy document with the dates of `stamp`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    normalise_zip(path, stamp)


def save_xlsx(workbook: Workbook, path: Path, stamp: Stamp) -> None:
    """Save an openpyxl workbook with the dates of `stamp` (openpyxl resets `modified`)."""
    workbook.properties.created = stamp.created
    workbook.properties.modified = stamp.modified or stamp.created
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    normalise_zip(path, stamp)


def write_docx(path: Path, blocks: list[Block], stamp: Stamp, *, author: str) -> None:
    """A Word note: Heading 1 and 2 styles, List Bullet items, plain paragraphs."""
    document = Document()
    props = document.core_properties
    props.author = author
    props.last_modified_by = author
    props.title = blocks[0][1]
    props.revision = 1
    for kind, text in blocks:
        if kind == "h1":
            document.add_heading(text, level=1)
        elif kind == "h2":
            document.add_heading(text, level=2)
        elif kind == "li":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    save_docx(document, path, stamp)


def write_odt(path: Path, blocks: list[Block], stamp: Stamp) -> None:
    """A LibreOffice note: styled headings, bulleted lists, body paragraphs."""
    document = OpenDocumentText()
    h1 = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph")
    h1.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    h1.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.2cm"))
    h2 = Style(name="Heading_20_2", displayname="Heading 2", family="paragraph")
    h2.addElement(TextProperties(fontsize="13pt", fontweight="bold"))
    h2.addElement(ParagraphProperties(margintop="0.25cm", marginbottom="0.1cm"))
    body = Style(name="Text_20_body", displayname="Text body", family="paragraph")
    for style in (h1, h2, body):
        document.styles.addElement(style)
    bullets = ListStyle(name="L1")
    level = ListLevelStyleBullet(level=1, bulletchar="•")
    level.addElement(ListLevelProperties(spacebefore="0.4cm", minlabelwidth="0.4cm"))
    bullets.addElement(level)
    document.automaticstyles.addElement(bullets)

    current_list = None
    for kind, text in blocks:
        if kind == "li":
            if current_list is None:
                current_list = List(stylename=bullets)
                document.text.addElement(current_list)
            item = ListItem()
            item.addElement(P(stylename=body, text=text))
            current_list.addElement(item)
            continue
        current_list = None
        if kind == "h1":
            document.text.addElement(H(outlinelevel=1, stylename=h1, text=text))
        elif kind == "h2":
            document.text.addElement(H(outlinelevel=2, stylename=h2, text=text))
        else:
            document.text.addElement(P(stylename=body, text=text))
    save_odt(document, path, stamp)


def write_form_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    stamp: Stamp,
    *,
    sheet: str,
    creator: str,
    widths: Sequence[float],
) -> None:
    """An online form's export: a bold frozen header, one row per answer, French dates."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(header))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        worksheet.append(list(row))
        for column, value in enumerate(row, start=1):
            if isinstance(value, datetime):
                cell = worksheet.cell(row=worksheet.max_row, column=column)
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
    for index, width in enumerate(widths):
        worksheet.column_dimensions[chr(ord("A") + index)].width = width
    worksheet.freeze_panes = "A2"
    workbook.properties.creator = creator
    save_xlsx(workbook, path, stamp)
