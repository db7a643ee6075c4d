"""The démarche walker: `<root>/<territoire>/<evenement>/` folders into one validated Demarche.

Everything is read and validated before anything is returned, so that a caller stores all or
nothing. Folders and files are visited in sorted order: the same folder gives the same records.
An unreadable note or retours file is set aside (`Demarche.set_aside`, with its reason and fix)
and the rest is read; a broken evenement.yaml or ateliers.csv sets its whole event aside. With
`strict=True`, or when nothing readable is left, the first such error is raised instead.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from corpus.ingest.errors import IngestError, quote
from corpus.ingest.feedback import read_feedback
from corpus.ingest.limits import check_note_archive, check_note_file, check_text, note_limit
from corpus.ingest.manifest import EventManifest, WorkshopRow, load_manifest, parse_workshops
from corpus.ingest.notes import note_format, read_note
from corpus.ingest.tables import read_any
from corpus.records import Demarche, Event, Feedback, Note, SetAside, Territory, Workshop

log = logging.getLogger(__name__)

MANIFEST = "evenement.yaml"
_STRUCTURE = (
    "organisez le dossier ainsi : <racine>/<territoire>/<evenement>/evenement.yaml, avec "
    "ateliers.csv, notes/<atelier_id>.(md|txt|docx|odt) et retours.(csv|xlsx) à côté"
)


@dataclass
class _Files:
    """Reads each file once and keeps the sha256 of its raw bytes."""

    hashes: dict[str, str] = field(default_factory=dict)
    limit: int = 256 * 1024  # of one text, in bytes (`limits.note_limit`)

    def read(self, path: Path) -> bytes:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(
                path,
                f"lecture impossible ({exc.strerror or exc})",
                "vérifiez que le fichier existe et que vous avez le droit de le lire",
            ) from exc
        self.hashes[path.as_posix()] = hashlib.sha256(data).hexdigest()
        return data

    def forget(self, paths) -> None:
        """Files set aside are not recorded as read (the store must not take them as stored)."""
        for path in paths:
            self.hashes.pop(Path(path).as_posix(), None)


@dataclass
class _SetAsides:
    """The errors of files set aside; with `strict`, the first one is raised instead."""

    strict: bool = False
    errors: list[tuple[IngestError, str]] = field(default_factory=list)

    def add(self, exc: IngestError, kind: str, *, row: bool = False) -> None:
        if self.strict:
            raise exc
        if row:  # one row of a retours file, the others kept
            log.warning("%s (ligne écartée, le reste du fichier est traité)", exc)
        else:
            log.warning("%s (%s écarté%s)", exc, "événement" if kind == "evenement" else "fichier",
                        ", le reste de la démarche est traité" if kind != "evenement" else "")
        self.errors.append((exc, kind))

    def records(self) -> tuple[SetAside, ...]:
        return tuple(SetAside(path=e.path, kind=kind, reason=e.problem, fix=e.fix, line=e.line)
                     for e, kind in self.errors)


def event_folders(root: Path) -> list[tuple[str, Path]]:
    """(territory_id, event folder) of every event under root.

    Root may be a démarche root, a territory folder or an event folder (it holds evenement.yaml).
    """
    if not root.is_dir():
        what = "n'existe pas" if not root.exists() else "n'est pas un dossier"
        raise IngestError(root, f"le dossier de la démarche {what}", _STRUCTURE)
    if (root / MANIFEST).is_file():
        return [(root.resolve().parent.name, root)]
    events = [
        (root.resolve().name, child) for child in _subfolders(root) if (child / MANIFEST).is_file()
    ]
    if events:
        return events
    events = [
        (territory.name, event)
        for territory in _subfolders(root)
        for event in _subfolders(territory)
        if (event / MANIFEST).is_file()
    ]
    for territory in _subfolders(root):
        for event in _subfolders(territory):
            if not (event / MANIFEST).is_file() and (event / "ateliers.csv").is_file():
                log.warning("%s : pas de %s, dossier ignoré", event.as_posix(), MANIFEST)
    if not events:
        raise IngestError(root, f"aucun fichier {MANIFEST} trouvé", _STRUCTURE)
    return events


def _subfolders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def read_demarche(root: Path | str, *, strict: bool = False,
                  max_note_bytes: int | None = None) -> Demarche:
    """Read and validate a démarche root, a territory folder or a single event folder.

    Unreadable files are set aside (`Demarche.set_aside`) unless `strict`, and so are notes
    and feedback answers above `max_note_bytes` (default: `limits.note_limit()`); IngestError
    when `strict` and a file is unreadable, or when no note at all is left readable.
    """
    root = Path(root)
    files = _Files(limit=note_limit(max_note_bytes))
    aside = _SetAsides(strict)
    territories: dict[str, Territory] = {}
    events: list[Event] = []
    workshops: list[Workshop] = []
    notes: list[Note] = []
    feedback: list[Feedback] = []
    for territory_id, folder in event_folders(root):
        before = set(files.hashes)
        try:
            manifest = load_manifest(
                files.read(folder / MANIFEST), source=(folder / MANIFEST).as_posix()
            )
            rows = _workshop_rows(folder, files)
        except IngestError as exc:
            aside.add(exc, "evenement")
            files.forget(set(files.hashes) - before)
            continue
        territory = Territory(
            territory_id=territory_id, name=manifest.territoire, kind=manifest.type_territoire
        )
        known = territories.setdefault(territory_id, territory)
        if known != territory:
            log.warning(
                "%s : territoire décrit autrement que dans un autre événement (%s), gardé : %s",
                (folder / MANIFEST).as_posix(),
                manifest.territoire,
                known.name,
            )
        event = _event(territory_id, folder, manifest)
        events.append(event)
        workshops.extend(
            Workshop(
                atelier_id=row.atelier_id,
                event_id=event.event_id,
                territory_id=territory_id,
                problematique=row.problematique,
                methode=row.methode,
                organisations=row.organisations,
                participants=row.participants,
                people=row.people,
            )
            for row in rows
        )
        notes.extend(_notes(folder, event, rows, files, aside))
        feedback.extend(_feedback(folder, event, rows, files, aside))
    if aside.errors and not notes:  # nothing readable left: refused, as with --strict
        raise aside.errors[0][0]
    return Demarche(
        root=root.as_posix(),
        territories=tuple(territories.values()),
        events=tuple(events),
        workshops=tuple(workshops),
        notes=tuple(notes),
        feedback=tuple(feedback),
        file_hashes=files.hashes,
        set_aside=aside.records(),
    )


def _event(territory_id: str, folder: Path, manifest: EventManifest) -> Event:
    return Event(
        event_id=f"{territory_id}/{folder.resolve().name}",
        territory_id=territory_id,
        name=manifest.evenement,
        date=manifest.date,
        place=manifest.lieu,
        participants=manifest.participants,
        organisations=manifest.organisations,
        people=manifest.contacts,
    )


def _one_of(folder: Path, stem: str, suffixes: tuple[str, ...]) -> Path | None:
    """The file `stem.<suffix>` of folder (suffix case ignored); two candidates is an error."""
    found = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.stem.casefold() == stem and p.suffix.lower() in suffixes
    )
    if len(found) > 1:
        raise IngestError(
            found[1],
            f"deux fichiers « {stem} » dans le même événement ({found[0].name} et {found[1].name})",
            "gardez un seul fichier et retirez ou renommez l'autre",
        )
    return found[0] if found else None


def _workshop_rows(folder: Path, files: _Files) -> list[WorkshopRow]:
    path = _one_of(folder, "ateliers", (".csv", ".xlsx"))
    if path is None:
        raise IngestError(
            folder / "ateliers.csv",
            "le fichier des ateliers est introuvable",
            "ajoutez ateliers.csv avec les colonnes "
            "atelier_id;problematique;methode;organisations;participants",
        )
    return parse_workshops(read_any(path, files.read(path)), source=path.as_posix())


def _notes(folder: Path, event: Event, rows: list[WorkshopRow], files: _Files,
           aside: _SetAsides) -> list[Note]:
    found: dict[str, tuple[Path, str, str, bytes]] = {}
    notes_dir = folder / "notes"
    candidates = sorted(notes_dir.iterdir()) if notes_dir.is_dir() else []
    for path in candidates:
        if path.name.startswith((".", "~$")) or not path.is_file():
            log.warning("%s : ignoré (dossier ou fichier caché)", path.as_posix())
            continue
        try:
            _read_note(path, rows, files, found)
        except IngestError as exc:
            aside.add(exc, "note")
            files.forget([path])
    notes = []
    for row in rows:
        if row.atelier_id not in found:
            log.warning("%s : pas de note pour l'atelier %s", event.event_id, row.atelier_id)
            continue
        path, fmt, text, data = found[row.atelier_id]
        notes.append(
            Note(
                doc_id=f"{event.event_id}/{row.atelier_id}",
                territory_id=event.territory_id,
                event_id=event.event_id,
                atelier_id=row.atelier_id,
                source=path.as_posix(),
                format=fmt,
                content_hash=hashlib.sha256(data).hexdigest(),
                text=text,
            )
        )
    return notes


def _read_note(path: Path, rows: list[WorkshopRow], files: _Files,
               found: dict[str, tuple[Path, str, str, bytes]]) -> None:
    """Read one note into `found` (atelier id -> path, format, text, bytes), or IngestError."""
    note_format(path)
    by_id = {row.atelier_id.casefold(): row.atelier_id for row in rows}
    atelier_id = by_id.get(path.stem.strip().casefold())
    if atelier_id is None:
        listed = ", ".join(row.atelier_id for row in rows[:12])
        raise IngestError(
            path.as_posix(),
            f"l'atelier {quote(path.stem)} n'est pas décrit dans ateliers.csv "
            f"(ateliers décrits : {listed})",
            "renommez la note <atelier_id>.<extension> avec l'identifiant de son atelier, "
            "ou ajoutez l'atelier à ateliers.csv",
        )
    if atelier_id in found:
        raise IngestError(
            path.as_posix(),
            f"deux notes pour l'atelier {quote(atelier_id)} "
            f"({found[atelier_id][0].name} et {path.name})",
            "gardez une seule note par atelier (réunissez-les dans un même fichier)",
        )
    try:
        check_note_file(path, path.stat().st_size, files.limit)
    except OSError:
        pass  # `files.read` names the problem
    data = files.read(path)
    check_note_archive(path, data, files.limit)
    fmt, text = read_note(path, data)
    check_text(path.as_posix(), "le texte de la note", text, files.limit)
    found[atelier_id] = (path, fmt, text, data)


def _feedback(folder: Path, event: Event, rows: list[WorkshopRow], files: _Files,
              aside: _SetAsides) -> list[Feedback]:
    before = set(files.hashes)
    try:
        path = _one_of(folder, "retours", (".csv", ".xlsx"))
        if path is None:
            log.info("%s : pas de fichier retours.csv ni retours.xlsx", event.event_id)
            return []
        table = read_any(path, files.read(path))
        return read_feedback(
            table,
            event_id=event.event_id,
            territory_id=event.territory_id,
            source=path.as_posix(),
            ateliers={row.atelier_id: row.problematique for row in rows},
            max_answer_bytes=files.limit,
            aside=lambda exc: aside.add(exc, "retours", row=True),
        )
    except IngestError as exc:
        aside.add(exc, "retours")
        files.forget(set(files.hashes) - before)
        return []
