"""Exports for researchers' own tools: Parquet, French-Excel CSV, IRaMuTeQ and REFI-QDA (QDPX).

- parquet / csv: the output contract's segment columns; into a folder, documents and themes too.
  CSV is UTF-8 with a BOM, `;`-separated with decimal commas: it opens as is in French Excel.
- iramuteq: a text corpus in IRaMuTeQ's starred format (one text per document, `****` line of
  `*variable_modalite`, `-*theme_...` lines marking each segment's theme).
- qdpx: a REFI-QDA 1.0 project (MAXQDA, ATLAS.ti, NVivo, QualCoder...): a zip of `project.qde`
  and `Sources/<guid>.txt`; one text source per document, themes and orientations as codes,
  each segment a coded plain-text selection. Identifiers are name-based UUIDs: the same store
  gives the same file, byte for byte.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import pandas as pd

from corpus.files import write_atomic
from corpus.records import ORIENTATIONS
from corpus.report import tables
from corpus.text.french import fold
from corpus.version import __version__

if TYPE_CHECKING:
    from corpus.store import Store

FORMATS: tuple[str, ...] = ("parquet", "csv", "qdpx", "iramuteq")
DEFAULT_NAMES = {"qdpx": "corpus.qdpx", "iramuteq": "corpus_iramuteq.txt"}
THEME_COLUMNS = [
    "theme_id", "label", "terms", "size", "n_ateliers", "n_territories",
    "n_difficulte", "n_levier", "n_autre",
]
ORIENTATION_LABELS = {"difficulte": "Difficulté", "levier": "Levier", "autre": "Autre"}
ORIENTATION_COLORS = {"difficulte": "#C0392B", "levier": "#27AE60", "autre": "#7F8C8D"}
QDA_NS = "urn:QDA-XML:project:1.0"
# Fixed namespace of this project's REFI-QDA identifiers (uuid5 of its name).
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "corpus:refi-qda")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class ExportError(ValueError):
    """An export that cannot be written: an unknown format, an empty scope."""


@dataclass(frozen=True)
class ExportData:
    """What every format is built from: segments, documents and themes of one scope."""

    segments: pd.DataFrame  # output contract columns (+ section, section_hint, position)
    documents: pd.DataFrame  # doc_id, territory, event, atelier, orientation, theme_id, ...
    themes: pd.DataFrame  # THEME_COLUMNS


# -- tables ------------------------------------------------------------------------------------


def _majority(values: pd.Series) -> str | None:
    """Most frequent non-empty value, ties broken alphabetically (deterministic)."""
    counts = values.dropna().value_counts()
    if counts.empty:
        return None
    top = counts[counts == counts.max()].index
    return str(sorted(top)[0])


def themes_table(segments: pd.DataFrame, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per theme found in `segments`: label, key terms (from the registry), counts."""
    segs = segments[segments["theme_id"].notna()]
    reg = {}
    if registry is not None and len(registry):
        reg = {r.theme_id: r for r in registry.itertuples(index=False)}
    rows = []
    for theme_id, group in segs.groupby("theme_id", sort=True):
        entry = reg.get(theme_id)
        label = _majority(group["theme_label"]) or (entry.label if entry is not None else "")
        terms = list(entry.terms) if entry is not None and entry.terms is not None else []
        orient = group["orientation"].value_counts()
        rows.append({
            "theme_id": theme_id, "label": label or "", "terms": terms, "size": len(group),
            "n_ateliers": group[["event", "atelier"]].drop_duplicates().shape[0],
            "n_territories": group["territory"].nunique(),
            **{f"n_{o}": int(orient.get(o, 0)) for o in ORIENTATIONS},
        })
    return pd.DataFrame(rows, columns=THEME_COLUMNS)


def _documents_with_labels(documents: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Documents, their missing orientation / theme filled from their segments' majority."""
    docs = documents.copy()
    by_doc = segments.groupby("doc_id")
    orient = by_doc["orientation"].agg(_majority)
    theme = by_doc["theme_id"].agg(_majority)
    docs["orientation"] = docs["orientation"].where(
        docs["orientation"].notna(), docs["doc_id"].map(orient)
    )
    docs["theme_id"] = docs["theme_id"].where(docs["theme_id"].notna(), docs["doc_id"].map(theme))
    return docs


def load(store: Store, *, scope: str | None = None) -> ExportData:
    """Segments, documents and themes of the whole store, or of one ingested input."""
    doc_ids = None
    if scope is not None:
        doc_ids = store.scopes.doc_ids(scope)
        if not doc_ids:
            raise ExportError(
                f"Aucun document enregistré pour l'entrée « {scope} ». Correction : donnez le "
                "chemin de la démarche ou de la table telle qu'elle a été ingérée, ou exportez "
                "toute la base (sans --input)."
            )
    segments = tables.segments_table(store.texts.segments(doc_ids=doc_ids))
    if segments.empty:
        raise ExportError(
            f"{store.path} : la base ne contient aucun segment à exporter. Correction : lancez "
            "d'abord `corpus ingest` ou `corpus run`, ou passez --store avec la bonne base."
        )
    documents = _documents_with_labels(
        tables.documents_table(store.texts.documents(doc_ids=doc_ids)), segments
    )
    return ExportData(segments, documents, themes_table(segments, store.themes.labels()))


# -- parquet and csv ---------------------------------------------------------------------------


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """French-Excel CSV: UTF-8 with BOM, `;`, decimal commas, lists joined by ", "."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].map(lambda v: isinstance(v, (list, tuple))).any():
            frame[col] = frame[col].map(
                lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v
            )
    text = frame.to_csv(sep=";", index=False, decimal=",", lineterminator="\r\n")
    return write_atomic(path, text.encode("utf-8-sig"))


def _write_tables(data: ExportData, fmt: str, out: Path) -> list[Path]:
    write = tables.write_parquet if fmt == "parquet" else write_csv
    if out.suffix and not out.is_dir():
        return [write(data.segments, out)]
    out.mkdir(parents=True, exist_ok=True)
    return [
        write(data.segments, out / f"segments.{fmt}"),
        write(data.documents, out / f"documents.{fmt}"),
        write(data.themes, out / f"themes.{fmt}"),
    ]


# -- IRaMuTeQ ----------------------------------------------------------------------------------


def slug(value: object, *, empty: str = "na") -> str:
    """A modality IRaMuTeQ accepts: lower-case ASCII letters, digits and underscores."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = _NOT_SLUG.sub("_", fold(text).replace("œ", "oe").replace("æ", "ae")).strip("_")
    return text or empty


def iramuteq_text(text: str) -> str:
    """One segment as one line with nothing IRaMuTeQ reads as markup (`*`, `_word_`, `-*`)."""
    text = text.replace("*", " ").replace("_", " ")
    return " ".join(text.split())


def iramuteq_corpus(data: ExportData) -> str:
    """The whole corpus: per document a `****` line of starred variables, then its segments."""
    lines: list[str] = []
    segs = data.segments.sort_values(["doc_id", "position", "segment_id"], kind="stable")
    by_doc = dict(tuple(segs.groupby("doc_id", sort=False)))
    for doc in data.documents.sort_values("doc_id").itertuples(index=False):
        group = by_doc.get(doc.doc_id)
        if group is None or group.empty:
            continue
        lines.append(
            f"**** *territoire_{slug(doc.territory)} *evenement_{slug(doc.event)} "
            f"*atelier_{slug(doc.atelier)} *orientation_{slug(doc.orientation)}"
        )
        themed = group["theme_id"].notna().any()
        current = None
        for seg in group.itertuples(index=False):
            theme = slug(seg.theme_id, empty="aucun") if themed else None
            if theme is not None and theme != current:
                lines.append(f"-*theme_{theme}")
                current = theme
            line = iramuteq_text(seg.text)
            if line:
                lines.append(line)
        lines.append("")
    return "\n".join(lines)


# -- REFI-QDA ----------------------------------------------------------------------------------


def guid(kind: str, key: str) -> str:
    """A stable identifier: the same (kind, key) always gives the same UUID."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def _xml_safe(text: object) -> str:
    return _XML_INVALID.sub(" ", "" if text is None else str(text))


def source_text(segments: pd.DataFrame) -> tuple[str, list[tuple[int, int]]]:
    """A document's plain text (its segments, a blank line apart) and each segment's span."""
    parts, spans, pos = [], [], 0
    for text in segments["text"]:
        clean = _xml_safe(text)
        if parts:
            pos += 2
        spans.append((pos, pos + len(clean)))
        parts.append(clean)
        pos += len(clean)
    return "\n\n".join(parts) + "\n", spans


def _el(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, attrs)


def _description(parent: ET.Element, text: str) -> None:
    if text:
        _el(parent, "Description").text = _xml_safe(text)


def qdpx_project(data: ExportData, *, name: str = "corpus") -> tuple[bytes, dict[str, str]]:
    """`project.qde` bytes and the source files {zip path: text} of a REFI-QDA project."""
    user = guid("user", "corpus")
    # Unprefixed tags under a default namespace declared on the root: what REFI-QDA readers
    # expect (ElementTree's default_namespace option rejects unqualified attributes).
    root = ET.Element("Project", {
        "xmlns": QDA_NS, "name": name, "origin": f"corpus {__version__}",
        "creatingUserGUID": user,
    })
    _el(_el(root, "Users"), "User", guid=user, name="corpus")

    codes = _el(_el(root, "CodeBook"), "Codes")
    code_of: dict[str, str] = {}
    themes = _el(codes, "Code", guid=guid("code", "themes"), name="Thèmes", isCodable="false")
    _description(themes, "Thèmes trouvés par corpus (identifiants stables d'un run à l'autre).")
    for t in data.themes.itertuples(index=False):
        code_of[f"theme:{t.theme_id}"] = guid("code", f"theme:{t.theme_id}")
        code = _el(themes, "Code", guid=code_of[f"theme:{t.theme_id}"],
                   name=_xml_safe(f"{t.theme_id} {t.label}".strip()), isCodable="true")
        _description(code, f"Termes clés : {', '.join(t.terms)}" if len(t.terms) else "")
    orients = _el(codes, "Code", guid=guid("code", "orientations"), name="Orientations",
                  isCodable="false")
    for o in ORIENTATIONS:
        code_of[f"orientation:{o}"] = guid("code", f"orientation:{o}")
        _el(orients, "Code", guid=code_of[f"orientation:{o}"], name=ORIENTATION_LABELS[o],
            isCodable="true", color=ORIENTATION_COLORS[o])

    variables = _el(root, "Variables")
    var_names = {"territory": "Territoire", "event": "Événement", "atelier": "Atelier"}
    for key, label in var_names.items():
        _el(variables, "Variable", guid=guid("variable", key), name=label, typeOfVariable="Text")

    sources = _el(root, "Sources")
    files: dict[str, str] = {}
    segs = data.segments.sort_values(["doc_id", "position", "segment_id"], kind="stable")
    by_doc = dict(tuple(segs.groupby("doc_id", sort=False)))
    for doc in data.documents.sort_values("doc_id").itertuples(index=False):
        group = by_doc.get(doc.doc_id)
        if group is None or group.empty:
            continue
        doc_guid = guid("source", doc.doc_id)
        text, spans = source_text(group)
        files[f"Sources/{doc_guid}.txt"] = text
        source = _el(sources, "TextSource", guid=doc_guid, name=_xml_safe(doc.doc_id),
                     plainTextPath=f"internal://{doc_guid}.txt", creatingUser=user)
        _description(source, f"Territoire : {doc.territory} ; événement : {doc.event} ; "
                             f"atelier : {doc.atelier}")
        for seg, (start, end) in zip(group.itertuples(index=False), spans, strict=True):
            keys = []
            if isinstance(seg.theme_id, str) and f"theme:{seg.theme_id}" in code_of:
                keys.append(f"theme:{seg.theme_id}")
            if seg.orientation in ORIENTATIONS:
                keys.append(f"orientation:{seg.orientation}")
            if not keys:  # a selection without a code means nothing to a QDA tool
                continue
            sel = _el(source, "PlainTextSelection", guid=guid("selection", seg.segment_id),
                      name=_xml_safe(seg.segment_id), startPosition=str(start),
                      endPosition=str(end), creatingUser=user)
            for key in keys:
                coding = _el(sel, "Coding", guid=guid("coding", f"{seg.segment_id}|{key}"),
                             creatingUser=user)
                _el(coding, "CodeRef", targetGUID=code_of[key])
        for key in var_names:
            value = _el(source, "VariableValue")
            _el(value, "VariableRef", targetGUID=guid("variable", key))
            _el(value, "TextValue").text = _xml_safe(getattr(doc, key))
    ET.indent(root)
    xml = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
    return xml.encode("utf-8"), files


def _zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip with fixed timestamps: same entries, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def qdpx_bytes(data: ExportData, *, name: str = "corpus") -> bytes:
    xml, files = qdpx_project(data, name=name)
    entries = [("project.qde", xml)]
    entries += [(path, text.encode("utf-8")) for path, text in sorted(files.items())]
    return _zip_bytes(entries)


# -- entry point -------------------------------------------------------------------------------


def check_format(fmt: str) -> str:
    value = fmt.strip().lower()
    if value not in FORMATS:
        raise ExportError(
            f"Format « {fmt} » inconnu. Formats acceptés : {', '.join(FORMATS)}."
        )
    return value


def _file_target(out: Path, fmt: str) -> Path:
    """`out` itself, or the default file name inside it when it is (or looks like) a folder."""
    return out / DEFAULT_NAMES[fmt] if out.is_dir() or not out.suffix else out


def export(store: Store, fmt: str, out: Path, *, scope: str | None = None) -> list[Path]:
    """Write the store (or one ingested input, `scope`) in `fmt` under `out`; return the files.

    parquet / csv: `out` ending in .parquet / .csv gets the segments; a folder gets
    segments, documents and themes. qdpx / iramuteq: `out` is the file, or a folder that
    receives corpus.qdpx / corpus_iramuteq.txt.
    """
    fmt = check_format(fmt)
    out = Path(out)
    data = load(store, scope=scope)
    if fmt in ("parquet", "csv"):
        return _write_tables(data, fmt, out)
    target = _file_target(out, fmt)
    name = Path(scope).name if scope else store.path.stem
    if fmt == "iramuteq":
        payload = iramuteq_corpus(data).encode("utf-8")
    else:
        payload = qdpx_bytes(data, name=name)
    return [write_atomic(target, payload)]
