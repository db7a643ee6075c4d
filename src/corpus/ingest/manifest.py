"""The two descriptions of an event a démarche folder carries: evenement.yaml and ateliers.csv.

Both are validated with pydantic; every problem becomes an IngestError naming the file, the
line and the fix, in French.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from corpus.ingest.errors import IngestError, quote
from corpus.ingest.tables import Table
from corpus.ingest.text import decode
from corpus.text.french import fold

MANIFEST_KEYS = (
    "territoire",
    "type_territoire",
    "evenement",
    "date",
    "lieu",
    "participants",
    "organisations",
    "contacts",
)
_ALIASES = {
    "territoire": ("territoire", "territory"),
    "type_territoire": ("type_territoire", "kind"),
    "evenement": ("evenement", "event"),
    "date": ("date",),
    "lieu": ("lieu", "place"),
    "participants": ("participants",),
    "organisations": ("organisations", "organizations"),
    "contacts": ("contacts",),
}
_FIXES = {
    "territoire": "écrivez le nom du territoire, par exemple territoire: Lyon Est",
    "type_territoire": "écrivez le type de territoire, par exemple type_territoire: urbain",
    "evenement": "écrivez le nom de l'événement, par exemple evenement: Forum des pros du Cep",
    "date": "écrivez la date au format AAAA-MM-JJ, par exemple date: 2024-03-14",
    "lieu": "écrivez le lieu, par exemple lieu: Maison de l'emploi, Vénissieux",
    "participants": "écrivez le nombre de participants en chiffres, par exemple participants: 120",
    "organisations": "écrivez une organisation par ligne, précédée de « - » (liste YAML)",
    "contacts": "écrivez un nom par ligne, précédé de « - » (liste YAML)",
}
_FRENCH_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def _names(value: Any) -> Any:
    """A YAML list, or one string with ";" between names, as a tuple of non-empty names."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(";")
    if isinstance(value, (list, tuple)):
        return tuple(str(item).strip() for item in value if item is not None and str(item).strip())
    return value


class EventManifest(BaseModel):
    """evenement.yaml, French keys (English aliases accepted)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    territoire: str = Field(min_length=1, validation_alias=AliasChoices(*_ALIASES["territoire"]))
    type_territoire: str = Field("", validation_alias=AliasChoices(*_ALIASES["type_territoire"]))
    evenement: str = Field(min_length=1, validation_alias=AliasChoices(*_ALIASES["evenement"]))
    date: Date
    lieu: str = Field("", validation_alias=AliasChoices(*_ALIASES["lieu"]))
    participants: int | None = Field(None, ge=0, strict=False)
    organisations: tuple[str, ...] = Field(
        (), validation_alias=AliasChoices(*_ALIASES["organisations"])
    )
    contacts: tuple[str, ...] = ()

    @field_validator("date", mode="before")
    @classmethod
    def _french_date(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and (match := _FRENCH_DATE.match(value)):
            day, month, year = (int(part) for part in match.groups())
            try:
                return Date(year, month, day)
            except ValueError:
                return value  # reported below as an invalid date
        if isinstance(value, (int, float)):  # pydantic would read a number as a Unix time
            raise ValueError("a number is not a date")
        return value

    @field_validator("participants", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("not a whole number")
        return value

    @field_validator("organisations", "contacts", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return _names(value)


def load_manifest(data: bytes, *, source: str | Path = "evenement.yaml") -> EventManifest:
    """Parse and validate evenement.yaml."""
    text = decode(data, source=source)
    try:
        lines = _key_lines(text)
        content = yaml.safe_load(text)
    except ValueError as exc:  # PyYAML builds dates itself: "2024-02-30" fails here
        line = next((n for key, n in lines.items() if normalise_header(key) == "date"), None)
        written = text.split("\n")[line - 1].split(":", 1)[-1] if line else ""
        raise IngestError(
            source,
            f"la date {quote(written)} n'existe pas dans le calendrier",
            _FIXES["date"],
            line=line,
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise IngestError(
            source,
            f"YAML invalide (détail : {problem})",
            "une clé par ligne, sous la forme « clé: valeur » ; les listes avec « - » en début "
            "de ligne ; mettez entre guillemets une valeur qui contient « : » ou « # »",
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    if not isinstance(content, dict):
        raise IngestError(
            source,
            "le fichier ne contient pas de clés « clé: valeur »",
            "écrivez une clé par ligne : " + ", ".join(MANIFEST_KEYS),
        )
    written = {normalise_header(str(key)): str(key).strip() for key in content}
    content = {normalise_header(str(key)): value for key, value in content.items()}
    lines = {key: lines.get(original) for key, original in written.items()}
    try:
        return EventManifest.model_validate(content)
    except ValidationError as exc:
        raise _manifest_error(exc, content, written, lines, source) from exc


def _key_lines(text: str) -> dict[str, int]:
    """Line (1-based) of every top-level key of a YAML mapping."""
    node = yaml.compose(text)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value).strip(): key.start_mark.line + 1
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def _manifest_error(
    exc: ValidationError,
    content: dict,
    written: dict[str, str],
    lines: dict[str, int | None],
    source: str | Path,
) -> IngestError:
    first = exc.errors()[0]
    key = str(first["loc"][0]) if first["loc"] else ""
    field = next((name for name, aliases in _ALIASES.items() if key in aliases), key)
    others = len(exc.errors()) - 1
    more = f" (et {others} autre(s) erreur(s) dans le fichier)" if others else ""
    if first["type"] == "extra_forbidden":
        accepted = ", ".join(MANIFEST_KEYS)
        return IngestError(
            source,
            f"clé inconnue {quote(written.get(key, key))}{more}",
            f"corrigez ou supprimez cette clé ; clés acceptées : {accepted}",
            line=lines.get(key),
        )
    if first["type"] == "missing":
        return IngestError(
            source,
            f"la clé « {field} » est absente{more}",
            f"ajoutez-la : {_FIXES.get(field, field)}",
        )
    value = content.get(key)
    return IngestError(
        source,
        f"la valeur de « {field} » n'est pas valide : {quote(value)}{more}",
        _FIXES.get(field, "corrigez cette valeur"),
        line=lines.get(key),
    )


# --- ateliers.csv -------------------------------------------------------------------------

WORKSHOP_COLUMNS = ("atelier_id", "problematique", "methode", "organisations", "participants")
PEOPLE_COLUMNS = ("exposant", "gardien", "scribe")
_WORKSHOP_FIXES = {
    "atelier_id": "donnez à chaque atelier un identifiant court (A1, A2...), le nom de sa note",
    "problematique": "écrivez la problématique de l'atelier, sous forme de question",
    "methode": "indiquez la méthode de l'atelier (world-café, débat mouvant...)",
}


class WorkshopRow(BaseModel):
    """One validated row of ateliers.csv."""

    model_config = ConfigDict(frozen=True)

    line: int
    atelier_id: str
    problematique: str
    methode: str
    organisations: tuple[str, ...]
    participants: int | None
    people: tuple[str, ...]


def normalise_header(name: str) -> str:
    """Header as a key: lower case, no accents, words joined by "_"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(unicodedata.normalize("NFKC", name))).strip("_")


def parse_workshops(table: Table, *, source: str | Path = "ateliers.csv") -> list[WorkshopRow]:
    """Validate ateliers.csv: required columns present, ids unique, methods and counts given."""
    keys = {normalise_header(column): column for column in table.columns}
    missing = [name for name in WORKSHOP_COLUMNS if name not in keys]
    if missing:
        raise IngestError(
            source,
            f"colonne(s) manquante(s) : {', '.join(missing)} ; colonnes trouvées : "
            f"{', '.join(table.columns) or 'aucune'}",
            "la première ligne doit nommer les colonnes "
            + ";".join(WORKSHOP_COLUMNS)
            + " (et, si vous voulez, "
            + ";".join(PEOPLE_COLUMNS)
            + ")",
            line=1,
        )
    if not table.rows:
        raise IngestError(
            source, "aucun atelier n'est décrit", "ajoutez une ligne par atelier sous l'en-tête"
        )
    workshops: list[WorkshopRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        value = {name: row.values[column] for name, column in keys.items()}
        for name in ("atelier_id", "problematique", "methode"):
            if not value[name]:
                raise IngestError(
                    source,
                    f"la colonne « {name} » est vide",
                    _WORKSHOP_FIXES[name],
                    line=row.line,
                )
        atelier_id = value["atelier_id"]
        if atelier_id in seen:
            raise IngestError(
                source,
                f"l'atelier {quote(atelier_id)} est déjà décrit ligne {seen[atelier_id]}",
                "donnez un identifiant différent à chaque atelier",
                line=row.line,
            )
        if re.search(r'[/\\:*?"<>|]', atelier_id):
            raise IngestError(
                source,
                f"l'identifiant d'atelier {quote(atelier_id)} contient un caractère interdit "
                "dans un nom de fichier",
                "utilisez des lettres, des chiffres, « - » ou « _ » (A1, atelier-3...)",
                line=row.line,
            )
        seen[atelier_id] = row.line
        workshops.append(
            WorkshopRow(
                line=row.line,
                atelier_id=atelier_id,
                problematique=value["problematique"],
                methode=value["methode"],
                organisations=_names(value["organisations"]),
                participants=_count(value["participants"], row.line, source),
                people=tuple(dict.fromkeys(_people(value))),
            )
        )
    return workshops


def _count(text: str, line: int, source: str | Path) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text.replace(" ", "").replace("\u00a0", "")):
        raise IngestError(
            source,
            f"la colonne « participants » n'est pas un nombre entier : {quote(text)}",
            "écrivez le nombre de participants en chiffres (par exemple 18), ou laissez vide",
            line=line,
        )
    return int(text.replace(" ", "").replace("\u00a0", ""))


def _people(value: dict[str, str]) -> list[str]:
    names: list[str] = []
    for role in PEOPLE_COLUMNS:
        names.extend(_names(value.get(role, "")))
    return names
