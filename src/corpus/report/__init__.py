"""Renderers, one per output format: the synthesis (`markdown`, `html`, `docx`, with `charts`),
the problématiques (`problematiques`), and the machine-readable tables (`tables`)."""

from __future__ import annotations

FILES = ("synthese.md", "synthese.html", "synthese.docx", "problematiques.json",
         "problematiques.md")


def render_all(synthesis, problematiques: list[dict]) -> dict[str, bytes]:
    """Every synthesis and problématiques file, by name, as bytes (written by the caller)."""
    from corpus.report import docx, html, markdown
    from corpus.report import problematiques as prob

    return {
        "synthese.md": markdown.render_markdown(synthesis).encode("utf-8"),
        "synthese.html": html.render_html(synthesis).encode("utf-8"),
        "synthese.docx": docx.docx_bytes(synthesis),
        "problematiques.json": prob.problematiques_json(problematiques),
        "problematiques.md": prob.problematiques_markdown(problematiques).encode("utf-8"),
    }
