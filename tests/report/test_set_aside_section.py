"""The synthesis lists the files a run set aside, with the fix, in all three formats."""

import dataclasses

from corpus.report import render_all
from corpus.report.markdown import render_markdown

ASIDE = [
    {"path": "demarche/lyon/forum/notes/A2.docx", "kind": "note", "line": None,
     "reason": "le document Word est illisible ou endommagé",
     "fix": "ouvrez-le dans Word et enregistrez-le à nouveau au format .docx"},
    {"path": "demarche/lyon/forum/retours.csv", "kind": "retours", "line": 7,
     "reason": "la note « 45 » sort de l'échelle", "fix": "indiquez une note entre 0 et 10"},
]


def test_set_aside_files_are_listed_with_reason_line_and_fix(synthesis):
    syn = dataclasses.replace(synthesis, set_aside=ASIDE)
    text = render_markdown(syn)
    section = text.split("## Fichiers écartés", 1)[1].split("\n## ", 1)[0]
    assert "2 fichiers illisibles ont été écartés" in section
    for item in ASIDE:
        assert item["path"] in section and item["fix"] in section
    assert "| 7 |" in section
    # before the démarche's own section: the reader sees it first
    assert text.index("## Fichiers écartés") < text.index(f"## {syn.demarche.title}")


def test_html_and_docx_carry_the_same_list(synthesis):
    import io

    from docx import Document

    files = render_all(dataclasses.replace(synthesis, set_aside=ASIDE[:1]), [])
    html = files["synthese.html"].decode("utf-8")
    assert "Fichiers écartés" in html and "A2.docx" in html
    doc = Document(io.BytesIO(files["synthese.docx"]))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert ASIDE[0]["path"] in cells and ASIDE[0]["fix"] in cells


def test_no_section_when_nothing_was_set_aside(synthesis):
    assert "Fichiers écartés" not in render_markdown(synthesis)
