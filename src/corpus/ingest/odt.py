"""LibreOffice (.odt) notes as light Markdown, with odfpy.

text:h becomes "# " / "## ", every paragraph inside text:list-item becomes "- ", other text:p
are lines (with the hand-typed bullet and title rules of .txt notes), table rows one line with
cells joined by " ; ". Inline text:span, text:a, text:s, text:tab and text:line-break are
rendered; footnotes, frames and annotations are left out.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from corpus.ingest.errors import check_zip, damaged_file
from corpus.ingest.text import continued, light_line, space_headings, tidy

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_SKIPPED = {
    (TEXT_NS, "note"),
    (TEXT_NS, "tracked-changes"),
    (TEXT_NS, "sequence-decls"),
    (TEXT_NS, "variable-decls"),
    (TEXT_NS, "table-of-content"),
    ("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "annotation"),
}


def read_odt(data: bytes, *, source: str | Path = "note.odt") -> str:
    """An .odt note as light Markdown."""
    from odf.opendocument import load

    problem = "le document LibreOffice est illisible ou endommagé"
    fix = "ouvrez-le dans LibreOffice Writer et enregistrez-le à nouveau au format .odt"
    check_zip(data, source, problem, fix)
    with damaged_file(source, problem, fix):
        body = load(BytesIO(data)).text
        lines: list[str] = []
        _blocks(body, lines, in_list=False)
    return tidy("\n".join(space_headings(lines)))


def _blocks(node, lines: list[str], *, in_list: bool) -> None:
    """Walk block-level elements in document order, appending light Markdown lines."""
    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if qname is None or qname in _SKIPPED:
            continue
        namespace, name = qname
        if namespace == TEXT_NS and name == "h":
            text = " ".join(_inline(child).split())
            if text:
                level = child.attributes.get((TEXT_NS, "outline-level"), "1")
                lines.append(("# " if str(level) in ("", "1") else "## ") + text)
        elif namespace == TEXT_NS and name == "p":
            text = _inline(child).strip()
            if text and in_list:
                lines.append("- " + continued(text.lstrip("-•*–— \t")))
            elif text:
                lines.extend(light_line(line) for line in text.split("\n"))
            else:
                lines.append("")
        elif namespace == TEXT_NS and name in ("list", "list-item", "list-header"):
            _blocks(child, lines, in_list=True)
        elif namespace == TABLE_NS and name == "table":
            lines.extend(_table_lines(child))
            lines.append("")
        else:  # sections, table rows containers, soft page breaks...
            _blocks(child, lines, in_list=in_list)


def _inline(node) -> str:
    """The text of a paragraph, spans and links included, spaces and breaks rendered."""
    parts: list[str] = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
            continue
        qname = getattr(child, "qname", None)
        if qname is None or qname in _SKIPPED:
            continue
        namespace, name = qname
        if namespace == TEXT_NS and name == "s":
            parts.append(" " * int(child.attributes.get((TEXT_NS, "c"), 1) or 1))
        elif namespace == TEXT_NS and name == "tab":
            parts.append("\t")
        elif namespace == TEXT_NS and name == "line-break":
            parts.append("\n")
        else:
            parts.append(_inline(child))
    return "".join(parts)


def _table_lines(table) -> list[str]:
    lines = []
    for row in _descendants(table, (TABLE_NS, "table-row")):
        cells = []
        for cell in row.childNodes:
            if getattr(cell, "qname", None) != (TABLE_NS, "table-cell"):
                continue
            text = " ".join(
                " ".join(_inline(p).split()) for p in _descendants(cell, (TEXT_NS, "p"))
            ).strip()
            if text:
                cells.append(text)
        if cells:
            lines.append(" ; ".join(cells))
    return lines


def _descendants(node, qname: tuple[str, str]):
    for child in node.childNodes:
        if getattr(child, "qname", None) == qname:
            yield child
        elif getattr(child, "childNodes", None) and getattr(child, "qname", None) != (
            TABLE_NS,
            "table",
        ):
            yield from _descendants(child, qname)
