"""Participant feedback (retours.csv / retours.xlsx) as Feedback records.

Each column gets a role from its header (lower case, accents stripped): organisation, atelier,
rating, ignored (timestamps) or answer. Columns about a person's identity (name, e-mail, phone)
are dropped here: personal data never goes further than this module.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from corpus.ingest.errors import IngestError, quote
from corpus.ingest.limits import check_text
from corpus.ingest.manifest import normalise_header
from corpus.ingest.tables import Table, parse_number
from corpus.records import Feedback

log = logging.getLogger(__name__)

_NAME = {"nom", "prenom", "prenoms", "identite"}
_CONTACT = {"mail", "email", "courriel", "telephone", "tel", "portable", "adresse"}
_ORGANISATION = ("organisation", "structure", "organisme", "employeur")
_IGNORED = {"horodatage", "date", "timestamp", "heure", "submitted", "soumis"}
_RATING_HEADER = re.compile(
    r"(?:^|_)note(?:_|$)|satisfaction|_\d+_a_\d+(?:_|$)|_sur_(?:5|10)(?:_|$)"
)
_RATING_RAW = re.compile(r"/\s*(?:5|10)\b|\(\s*\d+\s*[àa-]\s*\d+\s*\)")
_ATELIER_HEADERS = {
    "atelier",
    "atelier_id",
    "id_atelier",
    "code_atelier",
    "numero_atelier",
    "n_atelier",
    "no_atelier",
    "atelier_suivi",
}
MAX_RATING = 10.0


def column_roles(table: Table, known_ateliers: Iterable[str] = ()) -> dict[str, str]:
    """Role of every column: organisation, atelier, rating, ignored, identity or answer.

    `known_ateliers` (ids or problématiques) recognise an atelier column by its values.
    """
    known = {a.casefold() for a in known_ateliers}
    roles: dict[str, str] = {}
    for column in table.columns:
        key = normalise_header(column)
        words = set(key.split("_"))
        values = [row.values[column] for row in table.rows if row.values[column]]
        if words & _CONTACT or "e_mail" in key:
            role = "identity"
        elif len(words) <= 5 and any(w.startswith(_ORGANISATION) for w in words):
            role = "organisation"  # "Structure", "Nom de votre structure"
        elif words & _NAME:
            role = "identity"
        elif _RATING_HEADER.search(key) or _RATING_RAW.search(column):
            role = "rating"
        elif "atelier" in words and (
            key in _ATELIER_HEADERS
            or (values and sum(v.casefold() in known for v in values) >= 0.8 * len(values))
        ):
            role = "atelier"
        elif words & _IGNORED:
            role = "ignored"
        elif values and all(parse_number(v) is not None for v in values):
            role = "rating"
        else:
            role = "answer"
        if role == "organisation" and "organisation" in roles.values():
            role = "answer"
        if role == "atelier" and "atelier" in roles.values():
            role = "answer"
        roles[column] = role
    return roles


def read_feedback(
    table: Table,
    *,
    event_id: str,
    territory_id: str,
    source: str | Path,
    ateliers: dict[str, str] | None = None,
    max_answer_bytes: int | None = None,
    aside: Callable[[IngestError], None] | None = None,
) -> list[Feedback]:
    """One Feedback a participant row. `ateliers` maps atelier_id -> problématique.

    A row with an answer above `max_answer_bytes` is left out and its error given to `aside`
    (raised without it): the other participants' rows are kept.
    """
    ateliers = ateliers or {}
    by_name = {a.casefold(): a for a in ateliers}
    by_name.update({p.casefold(): a for a, p in ateliers.items() if p})
    roles = column_roles(table, by_name)
    dropped = [c for c, role in roles.items() if role == "identity"]
    if dropped:
        log.info("%s : colonnes personnelles écartées : %s", source, ", ".join(dropped))
    records: list[Feedback] = []
    for row in table.rows:
        if max_answer_bytes is not None and not _within(row, roles, max_answer_bytes, source,
                                                         aside):
            continue
        organisation, atelier = "", ""
        ratings: dict[str, float] = {}
        answers: dict[str, str] = {}
        for column, value in row.values.items():
            role = roles[column]
            if not value or role in ("identity", "ignored"):
                continue
            if role == "organisation":
                organisation = value
            elif role == "atelier":
                atelier = by_name.get(value.casefold(), value)
                if atelier not in ateliers:
                    log.warning("%s, ligne %s : atelier inconnu %s", source, row.line, quote(value))
            elif role == "rating":
                ratings[column] = _rating(value, column, row.line, source)
            else:
                answers[column] = value
        if not (organisation or atelier or ratings or answers):
            continue
        number = len(records) + 1
        records.append(
            Feedback(
                feedback_id=f"{event_id}/retour-{number:03d}",
                event_id=event_id,
                territory_id=territory_id,
                source=f"{source}:{row.line}",
                organisation=organisation,
                atelier_id=atelier,
                ratings=ratings,
                answers=answers,
            )
        )
    return records


def _within(row, roles: dict[str, str], limit: int, source: str | Path,
            aside: Callable[[IngestError], None] | None) -> bool:
    """False (the error given to `aside`, or raised) when a cell of the row is above `limit`."""
    for column, value in row.values.items():
        if roles[column] in ("identity", "ignored") or len(value) * 4 <= limit:
            continue
        try:
            check_text(source, f"la réponse de la colonne {quote(column)}", value, limit,
                       line=row.line)
        except IngestError as exc:
            if aside is None:
                raise
            aside(exc)
            return False
    return True


def _rating(value: str, column: str, line: int, source: str | Path) -> float:
    number = parse_number(value)
    if number is None:
        problem = f"la note {quote(value)} de la colonne {quote(column)} n'est pas un nombre"
    elif not 0 <= number <= MAX_RATING:
        problem = f"la note {quote(value)} de la colonne {quote(column)} sort de l'échelle 0-10"
    else:
        return number
    raise IngestError(
        source,
        problem,
        "écrivez une note en chiffres entre 0 et 10 (virgule décimale acceptée : 4,5), "
        "ou laissez la case vide",
        line=line,
    )
