"""Flat tables (CSV, TSV, XLSX, Parquet) of texts that already exist, one Note per row.

The user names the text column and, optionally, the id, territory, event, atelier and
orientation columns. Territory, Event and Workshop records are built for the distinct values.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.ingest.errors import IngestError, quote
from corpus.ingest.manifest import normalise_header
from corpus.ingest.tables import Table, read_any
from corpus.ingest.text import bullets_to_light
from corpus.records import (
    Demarche,
    Event,
    Note,
    Orientation,
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
) -> Demarche:
    """One Note per row with a non-empty text; Territory/Event/Workshop for the distinct values."""
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
    return _demarche(path, data, table, columns)


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


def _demarche(path: Path, data: bytes, table: Table, columns: dict[str, str]) -> Demarche:
    stem, fmt, source = path.stem, _FORMATS[path.suffix.lower()], path.as_posix()
    territories: dict[str, Territory] = {}
    events: dict[str, Event] = {}
    workshops: dict[str, Workshop] = {}
    notes: list[Note] = []
    first_line: dict[str, int] = {}
    skipped = 0
    for line, values in table.rows:
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
        event_id = values.get(columns.get("event", ""), "") or territory_id
        atelier_id = values.get(columns.get("atelier", ""), "") or doc_id
        territories.setdefault(
            territory_id, Territory(territory_id=territory_id, name=territory_id)
        )
        event_record = events.setdefault(
            event_id, Event(event_id=event_id, territory_id=territory_id, name=event_id)
        )
        _same_parent("l'événement", event_id, event_record.territory_id, territory_id, source, line)
        workshop = workshops.setdefault(
            atelier_id,
            Workshop(
                atelier_id=atelier_id,
                event_id=event_id,
                territory_id=territory_id,
                problematique="",
            ),
        )
        _same_parent("l'atelier", atelier_id, workshop.event_id, event_id, source, line)
        notes.append(
            Note(
                doc_id=doc_id,
                territory_id=territory_id,
                event_id=event_id,
                atelier_id=atelier_id,
                source=f"{source}:{line}",
                format=fmt,
                content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                text=body,
                given_orientation=_orientation(values, columns, source, line),
            )
        )
    if skipped:
        log.info("%s : %d ligne(s) sans texte ignorée(s)", source, skipped)
    return Demarche(
        root=source,
        territories=tuple(territories.values()),
        events=tuple(events.values()),
        workshops=tuple(workshops.values()),
        notes=tuple(notes),
        file_hashes={source: hashlib.sha256(data).hexdigest()},
    )


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
