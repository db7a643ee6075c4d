"""`synthese.docx`: the synthesis for Word or LibreOffice, same sections as the Markdown.

Charts are PNG images drawn by matplotlib; headings use Word's "Heading N" styles so that the
document's outline matches the Markdown's.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Cm, Pt, RGBColor

from corpus.files import write_atomic
from corpus.report import charts
from corpus.report.markdown import Chart, Heading, Items, Para, Quotes, Table, document
from corpus.synthesis.model import Synthesis

MUTED = RGBColor(0x61, 0x6E, 0x7C)


def build_docx(syn: Synthesis):
    """A python-docx Document holding the synthesis."""
    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.language = syn.title, "corpus", "fr-FR"
    for b in document(syn):
        if isinstance(b, Heading):
            doc.add_heading(b.text, level=b.level)
        elif isinstance(b, Para):
            run = doc.add_paragraph().add_run(b.text)
            if b.muted:
                run.italic, run.font.color.rgb = True, MUTED
        elif isinstance(b, Items):
            for key, value in b.items:
                par = doc.add_paragraph(style="List Bullet")
                if key:
                    par.add_run(key).bold = True
                    par.add_run(" : ")
                par.add_run(value)
        elif isinstance(b, Quotes):
            for quote, source in b.items:
                par = doc.add_paragraph(style="Quote")
                par.add_run(f"« {quote} »")
                src = par.add_run(f"\n— {source}")
                src.font.size, src.font.color.rgb = Pt(8), MUTED
        elif isinstance(b, Table) and b.rows:
            table = doc.add_table(rows=1, cols=len(b.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.header, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in b.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
        elif isinstance(b, Chart):
            fig = charts.figure(b.name, syn)
            if fig is None:
                doc.add_paragraph(f"{b.caption} : pas assez de données.")
                continue
            doc.add_picture(io.BytesIO(charts.png(fig)), width=Cm(16))
            doc.add_paragraph(b.caption, style="Caption")
    return doc


def docx_bytes(syn: Synthesis) -> bytes:
    """The .docx file's bytes: the same synthesis gives the same bytes (the zip's entries get a
    fixed date instead of the minute they were written)."""
    buffer = io.BytesIO()
    build_docx(syn).save(buffer)
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(item.filename))
    return fixed.getvalue()


def write_docx(syn: Synthesis, path: Path) -> Path:
    return write_atomic(Path(path), docx_bytes(syn))
