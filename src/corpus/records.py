"""The domain records: what ingestion produces and the later stages consume.

Identifiers are plain strings built from the démarche's own names (folder names, atelier ids),
so that a researcher reading `segments.parquet` recognises them.
"""

from __future__ import annotations

import re
from datetime import date as Date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from corpus.lang.fr import ORIENTATION_LABELS, fold

Orientation = Literal["difficulte", "levier", "autre"]
ORIENTATIONS: tuple[str, ...] = ("difficulte", "levier", "autre")

# How teams write an orientation in their own tables (`corpus.lang.fr`).
ORIENTATION_WORDS: dict[str, Orientation] = ORIENTATION_LABELS  # type: ignore[assignment]


def orientation_label(value: object) -> Orientation | None:
    """A label as written ("Difficulté", "frein", "levier_proposition"...) as its orientation.

    None for an empty value; ValueError, in French, for a value it does not know.
    """
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    key = re.sub(r"[^a-z0-9]+", "_", fold(str(value))).strip("_")
    if not key:
        return None
    if key in ORIENTATION_WORDS:
        return ORIENTATION_WORDS[key]
    raise ValueError(
        f"étiquette d'orientation inconnue « {value} » : écrivez difficulte (ou difficulté, "
        "constat, frein), levier (ou proposition, piste) ou autre"
    )


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Territory(_Record):
    territory_id: str
    name: str
    kind: str = ""  # "urbain", "rural", ... as the manifest says


class Event(_Record):
    event_id: str  # "<territory_id>/<event folder>"; in a table "<territory>/<event>"
    territory_id: str
    name: str
    date: Date | None = None
    place: str = ""
    participants: int | None = None
    organisations: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # names listed in the manifest: pseudonymised, never stored


class Workshop(_Record):
    """One atelier: a problématique, a method, the organisations around the table."""

    atelier_id: str
    event_id: str
    territory_id: str
    problematique: str
    methode: str = ""
    organisations: tuple[str, ...] = ()
    participants: int | None = None
    people: tuple[str, ...] = ()  # exposant, gardien, scribe when given: pseudonymised


class Note(_Record):
    """One input document: a scribe's note, or one row of a flat table."""

    doc_id: str
    territory_id: str
    event_id: str
    atelier_id: str
    source: str  # path of the file (and row number for tables)
    format: str  # md, txt, docx, odt, csv, xlsx, parquet
    content_hash: str  # sha256 of the raw bytes (file) or of the row's text (table)
    text: str  # light Markdown: "# heading" lines and "- bullet" lines
    given_orientation: Orientation | None = None  # from a table's --orientation column


class Feedback(_Record):
    """One participant's end-of-event feedback (one row of retours.csv / retours.xlsx)."""

    feedback_id: str
    event_id: str
    territory_id: str
    source: str
    organisation: str = ""
    atelier_id: str = ""
    ratings: dict[str, float] = Field(default_factory=dict)
    answers: dict[str, str] = Field(default_factory=dict)
    # question -> the parse's tokens of the protected answer (JSON, `corpus.text.tags`)
    answer_tags: dict[str, str] = Field(default_factory=dict)


class SetAside(_Record):
    """A file left out of a run because it cannot be read, with why and how to fix it.

    `kind`: "note" or "retours" (that file only; with `line`, possibly that row only: a table
    row or a feedback answer above the size limit), "evenement" (a broken evenement.yaml or
    ateliers.csv: the whole event is left out).
    """

    path: str
    kind: Literal["note", "retours", "evenement"]
    reason: str
    fix: str
    line: int | None = None

    @property
    def message(self) -> str:
        where = self.path if self.line is None else f"{self.path}, ligne {self.line}"
        whole = " (événement entier écarté)" if self.kind == "evenement" else ""
        return f"{where}{whole} : {self.reason}. Correction : {self.fix}"


class Demarche(_Record):
    """Everything read from one input (a démarche folder or a flat table), validated."""

    root: str
    territories: tuple[Territory, ...] = ()
    events: tuple[Event, ...] = ()
    workshops: tuple[Workshop, ...] = ()
    notes: tuple[Note, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    file_hashes: dict[str, str] = Field(default_factory=dict)  # path -> sha256 of every file read
    set_aside: tuple[SetAside, ...] = ()  # files left out, unreadable (not in file_hashes)


class Segment(_Record):
    """The unit of analysis: one bullet or a short run of sentences about one idea."""

    segment_id: str  # "<doc_id>#<position:03d>"
    doc_id: str
    territory_id: str
    event_id: str
    atelier_id: str
    position: int
    text: str
    lemmas: str = ""  # space-separated lemmas of content words, lower case
    section: str = ""  # the heading the segment sits under, as written
    section_hint: Orientation | None = None  # orientation suggested by that heading
    given_orientation: Orientation | None = None
    person_spans: tuple[tuple[int, int], ...] = ()  # spaCy PER entities (char offsets in text)
    # "deroule" for a line that says how the atelier ran (method, rounds, roles, head counts,
    # timings: `corpus.text.deroule`), "contenu" otherwise
    kind: Literal["contenu", "deroule"] = "contenu"
    # The parse's tokens of `text` (JSON, `corpus.text.tags`); None: parse again when needed.
    tags: str | None = None
