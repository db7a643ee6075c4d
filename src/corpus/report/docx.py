"""`synthese.docx`: the synthesis for Word or LibreOffice, same sections as the Markdown.

Charts are PNG images drawn by matplotlib; headings use Word's "Heading N" styles so that the
document's outline matches the Markdown's.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from corpus.files import write_atomic
from corpus.report import charts
from corpus.report.markdown import Chart, Heading, Items, Para, Quotes, Table, document
from corpus.synthesis.model import Synthesis

MUTED = RGBColor(0x61, 0x6E, 0x7C)


def add_run(par: Paragraph, text: str) -> Run:
    """`par.add_run(text)`, the same XML: python-docx reads the text one character at a time,
    for tabs and line breaks (2.3 million calls, a fifth of the synthesis of 30,000 segments);
    a text without them is written whole."""
    if not text or any(c in text for c in "\t\r\n"):
        return par.add_run(text)
    r = par._p.add_r()
    r.add_t(text)
    return Run(r, par)


def set_text(cell, text: str) -> None:
    """`cell.text = text`, the same XML, its text written whole (`add_run`)."""
    if any(c in text for c in "\t\r\n"):
        cell.text = text
        return
    tc = cell._tc
    tc.clear_content()
    r = tc.add_p().add_r()
    if text:
        r.add_t(text)


def build_docx(syn: Synthesis):
    """A python-docx Document holding the synthesis."""
    doc = Document()
    body = doc.element.body
    # python-docx inserts each paragraph before the section properties, searching the whole body
    # for them: quadratic (87,861 searches, 2.9 s, for 10,000 segments). They are taken out
    # while the body is written, paragraphs appended, and put back last.
    section, width = body.sectPr, doc._block_width
    if section is not None:
        body.remove(section)
    styles: dict[str, str] = {}

    def paragraph(style: str | None = None, text: str = "") -> Paragraph:
        """A new paragraph at the end, of `style`, its id looked up once: python-docx reads
        every style of the document for each paragraph given a style by name (46 s of the
        synthesis of 10,000 segments)."""
        element = OxmlElement("w:p")
        body.append(element)
        par = Paragraph(element, doc._body)
        if text:
            add_run(par, text)
        if style is not None:
            if style not in styles:
                styles[style] = doc.styles[style].style_id
            # `element.style = ...`, the same XML: python-docx looks for each of the 33 kinds
            # of paragraph property that may follow the style (4 s for 40,000 paragraphs)
            props = OxmlElement("w:pPr")
            props.append(OxmlElement("w:pStyle", {qn("w:val"): styles[style]}))
            element.insert(0, props)
        return par

    props = doc.core_properties
    props.title, props.author, props.language = syn.title, "corpus", "fr-FR"
    for b in document(syn):
        if isinstance(b, Heading):
            paragraph("Title" if b.level == 0 else f"Heading {b.level}", b.text)
        elif isinstance(b, Para):
            run = add_run(paragraph(), b.text)
            if b.muted:
                run.italic, run.font.color.rgb = True, MUTED
        elif isinstance(b, Items):
            for key, value in b.items:
                par = paragraph("List Bullet")
                if key:
                    add_run(par, key).bold = True
                    add_run(par, " : ")
                add_run(par, value)
        elif isinstance(b, Quotes):
            for quote, source in b.items:
                par = paragraph("Quote")
                add_run(par, f"« {quote} »")
                src = par.add_run(f"\n— {source}")
                src.font.size, src.font.color.rgb = Pt(8), MUTED
        elif isinstance(b, Table) and b.rows:
            table = doc._body.add_table(1, len(b.header), width)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.header, strict=True):
                cell.text = ""
                add_run(cell.paragraphs[0], text).bold = True
            for row in b.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    set_text(cell, text)
        elif isinstance(b, Chart):
            fig = charts.figure(b.name, syn)
            if fig is None:
                paragraph(text=f"{b.caption} : pas assez de données.")
                continue
            paragraph().add_run().add_picture(io.BytesIO(charts.png(fig)), width=Cm(16))
            paragraph("Caption", b.caption)
    if section is not None:
        body.append(section)
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
