"""The size limit on one text (a note, a table cell, a feedback answer), checked before any work.

Segmentation is linear in the text (about a minute a MB on two busy cores) and spaCy's memory
grows with the longest paragraph, so one pasted or repeated 20 MB note would hold a whole run.
Such a text is set aside with its size and the limit, as any unreadable file
(`Settings.max_note_kb`; the environment variable CORPUS_MAX_NOTE_KB sets it).
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from corpus.config import environment
from corpus.ingest.errors import IngestError, quote

LIMIT_ENV = "CORPUS_MAX_NOTE_KB"
# The main XML of a .docx / .odt holds markup around its text (2.6 bytes a byte of text in the
# sample's notes, more with heavy formatting): a member this many times the limit is not parsed.
XML_PER_TEXT = 32
_MAIN_XML = {"docx": "word/document.xml", "odt": "content.xml"}
_SPLIT_NOTE = "découpez la note en plusieurs fichiers (une note par atelier)"
_SPLIT_CELL = "raccourcissez ce texte ou répartissez-le sur plusieurs lignes"
_FIX = "{split}, ou relevez la limite : " + LIMIT_ENV + "={kb} par exemple"


def note_limit(given: int | None = None) -> int:
    """The limit in bytes: `given`, else the setting (`CORPUS_MAX_NOTE_KB`, kilobytes)."""
    if given is not None:
        return int(given)
    return int(environment().max_note_kb * 1024)


def size_text(n: int) -> str:
    """A size as a French reader writes it: "256 Ko", "20,0 Mo"."""
    if n < 1024 * 1024:
        return f"{max(n, 1) / 1024:.0f} Ko" if n >= 1024 else f"{n} octets"
    return f"{n / 2**20:.1f} Mo".replace(".", ",")


def _too_big(source: str | Path, what: str, size: int, limit: int, *,
             line: int | None = None, times: int = 1) -> IngestError:
    split = _SPLIT_CELL if line is not None else _SPLIT_NOTE
    suggested = max(limit // 1024 * 2, -(-size // (1024 * times)))  # enough for this text
    bound = f"{times} fois " if times > 1 else ""
    return IngestError(
        source,
        f"{what} fait {size_text(size)}, au-delà de {bound}la limite de {size_text(limit)} par "
        "texte (une note de scribe fait quelques Ko)",
        _FIX.format(split=split, kb=suggested),
        line=line,
    )


def check_note_file(path: Path, size: int, limit: int) -> None:
    """Refuse a .md / .txt note bigger than the limit from its size on disk, before reading it."""
    if path.suffix.lower() in (".md", ".markdown", ".txt") and size > limit:
        raise _too_big(path.as_posix(), "la note", size, limit)


def check_note_archive(path: Path, data: bytes, limit: int) -> None:
    """Refuse a .docx / .odt whose main XML is too big to hold a text within the limit."""
    member = _MAIN_XML.get(path.suffix.lower().lstrip("."))
    if member is None:
        return
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            size = archive.getinfo(member).file_size
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return  # the reader names the damage
    if size > limit * XML_PER_TEXT:
        raise _too_big(path.as_posix(), f"le contenu XML de la note ({quote(member)})", size,
                       limit, times=XML_PER_TEXT)


def check_text(source: str | Path, what: str, text: str, limit: int, *,
               line: int | None = None) -> None:
    """Refuse a text (a note's, a cell's) bigger than the limit once encoded in UTF-8."""
    if len(text) * 4 <= limit:  # no UTF-8 character takes more than 4 bytes
        return
    size = len(text.encode("utf-8"))
    if size > limit:
        raise _too_big(source, what, size, limit, line=line)
