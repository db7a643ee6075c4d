"""Flat tables (CSV, TSV, XLSX, Parquet) of texts that already exist, one Note per row.

The user names the text column and, optionally, the id, territory, event, atelier and
orientation columns. Territory, Event and Workshop records are built for the distinct values.
An event is named within its territory and an atelier within its event: the year "2015" of
two districts is two events, whose ids are "<territory>/<event>" as a démarche folder's
("<territory>/<event folder>"); the event keeps "2015" as its name. Without a territory
column, every row is in the table's one territory and the event id is the value itself.
A row whose text is above the size limit (`limits`) is set aside with its line number.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.ingest.errors import IngestError, quote
from corpus.ingest.limits import check_text, note_limit
from corpus.ingest.manifest import normalise_header
from corpus.ingest.tables import Table, read_any
from corpus.ingest.text import bullets_to_light
from corpus.records import (
    Demarche,
    Event,
    Note,
    Orientation,
    SetAside,
    Territory,
    Workshop,
    orientation_label,
)

log = logging.getLogger(__name__)

class TableOptions(BaseModel):
    """Columns of a flat table (CSV, XLSX, Parquet); `text` is required for a table."""

    text: str | None = None
    id: str | None = None
    territory: str | None = None
    event: str | None = None
    atelier: str | None = None
    orientation: str | None = Field(None, description="Column of known difficulte/levier labels")


_FORMATS = {".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet"}


def read_table(
    path: Path | str,
    *,
    text: str,
    id: str | None = None,
    territory: str | None = None,
    event: str | None = None,
    atelier: str | None = None,
    orientation: str | None = None,
    sheet: str | int | None = None,
    strict: bool = False,
    max_note_bytes: int | None = None,
) -> Demarche:
    """One Note per row with a non-empty text; Territory/Event/Workshop for the distinct values.

    A row with a cell above `max_note_bytes` (default `limits.note_limit()`) is set aside
    (`Demarche.set_aside`, kind "note", with its line) unless `strict`, where it is raised.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(
            path,
            f"lecture impossible ({exc.strerror or exc})",
            "vérifiez le chemin du tableau et vos droits de lecture",
        ) from exc
    table = read_any(path, data, sheet=sheet)
    named = {
        "text": text,
        "id": id,
        "territory": territory,
        "event": event,
        "atelier": atelier,
        "orientation": orientation,
    }
    columns = {role: find_column(table, name, role, path) for role, name in named.items() if name}
    return _demarche(path, data, table, columns, note_limit(max_note_bytes), strict)


def find_column(table: Table, name: str, role: str, path: Path) -> str:
    """The column called `name`, matched exactly, else ignoring case and accents."""
    if name in table.columns:
        return name
    wanted = normalise_header(name)
    for column in table.columns:
        if normalise_header(column) == wanted:
            return column
    option = "--text" if role == "text" else f"--{role}"
    raise IngestError(
        path,
        f"la colonne {quote(name)} ({option}) est introuvable ; colonnes trouvées : "
        f"{', '.join(table.columns) or 'aucune'}",
        f"indiquez avec {option} le nom exact d'une de ces colonnes",
        line=1 if path.suffix.lower() != ".parquet" else None,
    )


def _demarche(path: Path, data: bytes, table: Table, columns: dict[str, str], limit: int,
              strict: bool) -> Demarche:
    stem, fmt, source = path.stem, _FORMATS[path.suffix.lower()], path.as_posix()
    territories: dict[str, Territory] = {}
    events: dict[str, Event] = {}
    workshops: dict[tuple[str, str], Workshop] = {}
    notes: list[Note] = []
    aside: list[SetAside] = []
    first_line: dict[str, int] = {}
    skipped = 0
    for line, values in table.rows:
        try:
            for role, column in columns.items():
                if len(values[column]) * 4 > limit:  # else within the limit in any encoding
                    check_text(source, f"la cellule de la colonne {quote(column)} (--{role})",
                               values[column], limit, line=line)
        except IngestError as exc:
            if strict:
                raise
            log.warning("%s (ligne écartée, le reste du tableau est traité)", exc)
            aside.append(SetAside(path=source, kind="note", reason=exc.problem, fix=exc.fix,
                                  line=line))
            continue
        body = bullets_to_light(values[columns["text"]])
        if not body.strip():
            skipped += 1
            continue
        doc_id = values[columns["id"]] if "id" in columns else f"{stem}-{line}"
        if not doc_id:
            raise IngestError(
                source, "l'identifiant est vide", "donnez un identifiant à chaque ligne", line=line
            )
        if doc_id in first_line:
            raise IngestError(
                source,
                f"l'identifiant {quote(doc_id)} est déjà utilisé ligne {first_line[doc_id]}",
                "donnez un identifiant unique à chaque ligne",
                line=line,
            )
        first_line[doc_id] = line
        territory_id = values.get(columns.get("territory", ""), "") or stem
        event_name = values.get(columns.get("event", ""), "")
        event_id = event_key(territory_id, event_name, "territory" in columns)
        atelier_id = values.get(columns.get("atelier", ""), "") or doc_id
        territories.setdefault(
            territory_id, Territory(territory_id=territory_id, name=territory_id)
        )
        event_record = events.setdefault(
            event_id,
            Event(event_id=event_id, territory_id=territory_id, name=event_name or event_id),
        )
        _same_parent("l'événement", event_id, event_record.territory_id, territory_id, source, line)
        workshops.setdefault(
            (event_id, atelier_id),
            Workshop(
                atelier_id=atelier_id,
                event_id=event_id,
                territory_id=territory_id,
                problematique="",
            ),
        )
        given = _orientation(values, columns, source, line)
        placed = columns.keys() & {"territory", "event", "atelier", "orientation"}
        notes.append(
            Note(
                doc_id=doc_id,
                territory_id=territory_id,
                event_id=event_id,
                atelier_id=atelier_id,
                source=f"{source}:{line}",
                format=fmt,
                content_hash=row_hash(body, (territory_id, event_id, atelier_id, given or "")
                                      if placed else ()),
                text=body,
                given_orientation=given,
            )
        )
    if skipped:
        log.info("%s : %d ligne(s) sans texte ignorée(s)", source, skipped)
    if aside and not notes:  # nothing readable left: refused, as with --strict
        first = aside[0]
        raise IngestError(source, first.reason, first.fix, line=first.line)
    return Demarche(
        root=source,
        territories=tuple(territories.values()),
        events=tuple(events.values()),
        workshops=tuple(workshops.values()),
        notes=tuple(notes),
        file_hashes={source: hashlib.sha256(data).hexdigest()},
        set_aside=tuple(aside),
    )


def event_key(territory_id: str, event: str, by_territory: bool) -> str:
    """The id of a table's event: named within its territory when the table has territories.

    ("Nord", "2015", True) -> "Nord/2015"; without an event value, the territory's own event
    (its id); without a territory column, the value itself (one territory: no clash).
    """
    if not event:
        return territory_id
    return f"{territory_id}/{event}" if by_territory else event


def row_hash(body: str, placement: tuple[str, ...] = ()) -> str:
    """What identifies a row's stored version: its text, and where it sits when the table
    says so (a row moved to another event, or relabelled, is stored again)."""
    key = "\x1f".join((*placement, body)) if placement else body
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _same_parent(what: str, value: str, known: str, found: str, source: str, line: int) -> None:
    if known != found:
        raise IngestError(
            source,
            f"{what} {quote(value)} apparaît sous deux parents "
            f"({quote(known)} puis {quote(found)})",
            "donnez des noms distincts, ou vérifiez les colonnes territoire / événement choisies",
            line=line,
        )


def _orientation(
    values: dict[str, str], columns: dict[str, str], source: str, line: int
) -> Orientation | None:
    if "orientation" not in columns:
        return None
    value = values[columns["orientation"]]
    try:
        return orientation_label(value)
    except ValueError:
        raise IngestError(
            source,
            f"orientation inconnue {quote(value)} dans la colonne {quote(columns['orientation'])}",
            "écrivez difficulte (ou constat, frein), levier (ou proposition, piste) ou autre",
            line=line,
        ) from None
