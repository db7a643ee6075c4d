"""`synthese.docx`: opens in Word or LibreOffice with the Markdown's outline and the charts."""

from __future__ import annotations

from docx import Document

from corpus.report.docx import write_docx
from corpus.text.protect import leaks


def test_docx_opens_and_has_the_markdown_headings_and_charts(tmp_path, synthesis,
                                                             markdown_headings):
    path = write_docx(synthesis, tmp_path / "synthese.docx")
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == markdown_headings
    assert len(doc.inline_shapes) == 3
    body = "\n".join(p.text for p in doc.paragraphs)
    assert leaks(body) == [] and "Difficultés du métier récurrentes" in body
    assert len(doc.tables) >= 3
