"""Plain text and Markdown notes: decoding and "light Markdown" normalisation.

Light Markdown is what every note reader returns: heading lines start with "# " (or "## "),
bullet lines with "- ", other lines are kept as written. NFC and quote normalisation belong to
the segmentation stage, not here.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.ingest.errors import IngestError

_REENCODE_FIX = (
    "ouvrez le fichier dans un éditeur de texte (Bloc-notes, LibreOffice) et enregistrez-le "
    "en UTF-8"
)

# A bullet typed by hand: "•", "*", "-", "–", "—", "o ", "▪", "►", "→", "✓", "" (Word symbol
# font) or a number "1." / "1)". Glyph bullets may be glued to the word; the others need a space.
_BULLET = re.compile(r"^\s*(?:[•▪►→✓\uf0b7\uf0a7]\s*|[-*+–—·o]\s+|\d{1,2}[.)]\s+)(?=\S)")
_MD_BULLET = re.compile(r"^\s*(?:[-*+•–—]\s+|\d{1,2}[.)]\s+)(?=\S)")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-{3,})\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<title>[^*_].*?)\1\s*:?\s*$")
_BLANKS = re.compile(r"\n{3,}")
_SEPARATOR = re.compile(r"^\s*([-=_*~])\1{2,}\s*$")


def decode(data: bytes, *, source: str | Path = "texte") -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Line endings become "\\n". Latin-1 is never assumed silently: bytes that are neither UTF-8
    nor Windows-1252 raise an IngestError.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _unreadable(data, source) from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise _unreadable(data, source) from exc
            line = _mojibake_line(text)
            if line is not None:
                raise IngestError(
                    source,
                    "le fichier mélange deux encodages (UTF-8 et Windows-1252) : les accents "
                    "seraient mal lus",
                    _REENCODE_FIX,
                    line=line,
                ) from None
    if "\x00" in text:
        raise IngestError(
            source,
            "le fichier n'est pas du texte (il contient des octets nuls)",
            "enregistrez-le au format texte (.txt, .md ou .csv) ou dans un format pris en charge",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unreadable(data: bytes, source: str | Path) -> IngestError:
    hint = ""
    try:  # charset-normalizer only names a probable encoding for the message
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
        if best is not None:
            hint = f" (il semble encodé en {best.encoding})"
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        pass
    return IngestError(
        source,
        f"encodage illisible : ni UTF-8 ni Windows-1252{hint}",
        _REENCODE_FIX,
    )


def _mojibake_line(text: str) -> int | None:
    """Line of a UTF-8 accent read as Windows-1252 ("Ã©", "â€™"), if any."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(r"Ã(.)|â€", line):
            follower = match.group(1)
            if follower is None:
                return number
            try:
                code = follower.encode("cp1252")[0]
            except UnicodeEncodeError:
                continue
            if 0x80 <= code <= 0xBF:
                return number
    return None


def tidy(text: str) -> str:
    """Strip trailing spaces, collapse runs of blank lines, drop blank lines at both ends."""
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def space_headings(lines: list[str]) -> list[str]:
    """A blank line before every heading line, as Markdown readers expect."""
    out: list[str] = []
    for line in lines:
        if line.startswith("#") and out and out[-1].strip():
            out.append("")
        out.append(line)
    return out


def continued(item: str) -> str:
    """A list item written over several lines: continuation lines indented by two spaces."""
    return "\n  ".join(part.strip() for part in item.strip().split("\n"))


def heading_title(line: str) -> str | None:
    """The title of a hand-typed heading ("FREINS :", "Leviers :"), else None.

    A heading is a short line (five words at most) that ends with ":" or is written in
    capitals. Capitals are turned into a capitalised word ("PISTES D'ACTION" -> "Pistes
    d'action").
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 60 or _BULLET.match(stripped):
        return None
    body = stripped.rstrip(":").strip()
    words = body.split()
    if not words or len(words) > 5:
        return None
    letters = [c for c in body if c.isalpha()]
    capitals = len(letters) >= 2 and all(c.isupper() for c in letters)
    if not (stripped.endswith(":") or capitals) or not letters:
        return None
    if capitals:
        body = body[0] + body[1:].lower()
    return body


def _setext(lines: list[str], *, max_words: int = 1000) -> list[str]:
    """Underlined titles ("Freins" over "======" or "------") become "# " / "## " lines."""
    out: list[str] = []
    for line in lines:
        match = _SETEXT.match(line)
        previous = out[-1].strip() if out else ""
        if (
            match
            and previous
            and not previous.startswith(("#", "- "))
            and len(previous.split()) <= max_words
        ):
            marks = "#" if match.group(1).startswith("=") else "##"
            out[-1] = f"{marks} {out[-1].strip()}"
            continue
        out.append(line)
    return out


def markdown_to_light(text: str) -> str:
    """Markdown note: keep headings, turn every bullet style into "- ", bold titles into "# "."""
    out: list[str] = []
    for line in _setext(text.split("\n")):
        heading = _MD_HEADING.match(line)
        bold = _BOLD_LINE.match(line)
        if heading:
            level = "#" if len(heading.group(1)) == 1 else "##"
            out.append(f"{level} {heading.group(2)}")
        elif _MD_BULLET.match(line):
            out.append("- " + _MD_BULLET.sub("", line))
        elif bold and len(bold.group("title").split()) <= 5:
            out.append("# " + bold.group("title").strip().rstrip(":").strip())
        else:
            out.append(line)
    return tidy("\n".join(out))


def light_line(line: str) -> str:
    """One plain line: a typed bullet becomes "- ", a short title line "# Title"."""
    if line.lstrip().startswith("#"):
        return line.strip()
    if _BULLET.match(line):
        return "- " + _BULLET.sub("", line).strip()
    title = heading_title(line)
    return line if title is None else f"# {title}"


def plain_to_light(text: str) -> str:
    """Plain text note: typed bullets become "- ", short title lines become "# ".

    Only a short line (five words at most) over "====" or "----" is a title; separator lines
    ("-----", "*****", "_____") carry no text and are dropped.
    """
    lines = _setext(text.split("\n"), max_words=5)
    return tidy("\n".join(light_line(ln) for ln in lines if not _SEPARATOR.match(ln)))


def bullets_to_light(text: str) -> str:
    """Text of a table cell: typed bullets become "- "; no title detection (a short cell is
    content, not a heading)."""
    lines = (line.replace("\r", "") for line in text.replace("\r\n", "\n").split("\n"))
    return tidy(
        "\n".join("- " + _BULLET.sub("", ln).strip() if _BULLET.match(ln) else ln for ln in lines)
    )


def read_markdown(data: bytes, *, source: str | Path = "note.md") -> str:
    """A .md note as light Markdown."""
    return markdown_to_light(decode(data, source=source))


def read_plain(data: bytes, *, source: str | Path = "note.txt") -> str:
    """A .txt note as light Markdown."""
    return plain_to_light(decode(data, source=source))
