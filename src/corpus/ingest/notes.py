"""Scribe notes: one reader per file format, all returning light Markdown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corpus.ingest.docx import read_docx
from corpus.ingest.errors import IngestError
from corpus.ingest.odt import read_odt
from corpus.ingest.text import read_markdown, read_plain

READERS: dict[str, Callable[..., str]] = {
    "md": read_markdown,
    "txt": read_plain,
    "docx": read_docx,
    "odt": read_odt,
}


def note_format(path: Path) -> str:
    """The note format of a file name ("md", "txt", "docx", "odt"), or an IngestError."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "markdown":
        return "md"
    if suffix not in READERS:
        advice = {
            "doc": "ouvrez-la dans Word et enregistrez-la au format .docx",
            "pdf": "copiez son texte dans un fichier .txt ou .docx",
            "rtf": "ouvrez-la dans Word ou LibreOffice et enregistrez-la au format .docx",
        }.get(suffix, "enregistrez la note au format .docx, .odt, .md ou .txt")
        raise IngestError(
            path,
            f"format de note non pris en charge (.{suffix or 'sans extension'})",
            advice,
        )
    return suffix


def read_note(path: Path, data: bytes) -> tuple[str, str]:
    """(format, light Markdown text) of one note; an empty note is an error."""
    fmt = note_format(path)
    text = READERS[fmt](data, source=path)
    if not text.strip():
        raise IngestError(
            path,
            "la note est vide",
            "recopiez les notes du scribe dans ce fichier, ou retirez-le du dossier notes/",
        )
    return fmt, text
