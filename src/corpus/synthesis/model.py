"""What a synthesis holds: quotes, recurring difficulties and levers, themes, scopes, the loop.

Plain dataclasses built by `corpus.synthesis.build` and read by the renderers (`corpus.report`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from corpus.synthesis.actors import Actors
from corpus.synthesis.feedback import FeedbackSummary

DIFF, LEV, OTHER = "difficulte", "levier", "autre"


@dataclass(frozen=True)
class Quote:
    segment_id: str
    text: str
    territory: str  # display name
    event: str
    atelier: str


@dataclass
class LeverMatch:
    """A lever theme that answers a difficulty, with where its levers were found."""

    theme_id: str
    label: str
    similarity: float
    n_segments: int
    ateliers: list[str]
    territories: list[str]
    elsewhere: bool  # found in a territory where the difficulty was not voiced
    quotes: list[Quote]


@dataclass
class ThemeEntry:
    """A recurring difficulty or lever in a scope, counted on its segments of that orientation."""

    theme_id: str
    label: str
    terms: list[str]
    orientation: str
    n_segments: int
    ateliers: list[str]  # atelier keys "event/atelier"
    territories: list[str]
    segment_ids: list[str]
    quotes: list[Quote]
    theme_size: int  # all the theme's segments in the scope
    status: str = ""
    levers: list[LeverMatch] = field(default_factory=list)  # difficulties only: the "pistes"
    group_id: str | None = None  # its grand thème
    group_label: str = ""

    @property
    def n_ateliers(self) -> int:
        return len(self.ateliers)

    @property
    def n_territories(self) -> int:
        return len(self.territories)


@dataclass
class ThemeSummary:
    """One theme over the whole démarche."""

    theme_id: str
    label: str
    terms: list[str]
    status: str
    seed_theme_id: str | None
    orientation_counts: dict[str, int]
    by_atelier: dict[str, int]
    territories: list[str]
    segment_ids: list[str]
    quotes: dict[str, list[Quote]]
    organisations: list[str]  # organisations around the table of its ateliers, most frequent first
    methods: list[str]  # methods of its ateliers
    levers: list[LeverMatch] = field(default_factory=list)
    recurring: bool = False
    difficulty_ateliers: list[str] = field(default_factory=list)
    group_id: str | None = None  # its grand thème
    group_label: str = ""
    label_is_phrase: bool = True
    gender: str = ""  # "Fem"/"Masc" as its segments write the label (`french.written_gender`)

    @property
    def size(self) -> int:
        return len(self.segment_ids)

    @property
    def ateliers(self) -> list[str]:
        return sorted(self.by_atelier)

    @property
    def difficulty_share(self) -> float:
        return self.orientation_counts[DIFF] / self.size if self.size else 0.0


@dataclass
class AtelierGlance:
    key: str
    atelier: str
    territory: str
    problematique: str
    methode: str
    organisations: list[str]
    participants: int | None
    orientation_counts: dict[str, int]
    # how the atelier actually ran, from its déroulé lines: "Méthode des échos ; Exposante :
    # conseillère VAE ; 14 participants" (empty when the notes do not say)
    deroule: str = ""


@dataclass
class Glance:
    events: list[dict]  # name, territory, date (French), place, participants
    ateliers: list[AtelierGlance]
    participants: int | None
    methods: dict[str, int]
    organisations: list[str]


@dataclass
class ScopeSynthesis:
    kind: str  # "demarche" | "territoire" | "evenement"
    key: str
    title: str
    glance: Glance
    counts: dict[str, int]
    difficulties: list[ThemeEntry]
    levers: list[ThemeEntry]
    feedback: FeedbackSummary
    actors: Actors
    territory_id: str = ""  # for a territory or an event

    @property
    def pistes(self) -> list[ThemeEntry]:
        return [d for d in self.difficulties if d.levers]


@dataclass
class Loop:
    found_again: list[dict]
    faded: list[dict]
    new: list[dict]


@dataclass
class Synthesis:
    title: str
    demarche: ScopeSynthesis
    territories: list[ScopeSynthesis]
    events: list[ScopeSynthesis]
    themes: list[ThemeSummary]
    loop: Loop | None
    map_points: list[tuple[str, float, float, str | None]]  # segment_id, x, y, theme_id
    territory_names: dict[str, str]
    # Files left out of the run, unreadable (`corpus.records.SetAside` as dicts): path, kind,
    # reason, fix, line. Listed at the top of the synthesis.
    set_aside: list[dict] = field(default_factory=list)
    # The groupe de coopération's corrections replayed on this run (`corpus.corrections`):
    # correction_id, description, by, why, at, status, reason.
    corrections: list[dict] = field(default_factory=list)
    # The segments the map stands for: `map_points` shows them all up to
    # `synthesis.build.MAP_POINTS`, a sample beyond (said in the map's caption).
    map_total: int = 0

    def to_dict(self) -> dict:
        return asdict(self)
