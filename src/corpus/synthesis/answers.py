"""The records of the participants' feedback in a synthesis: ratings, open answers, their
themes and the note themes they join (built by `corpus.synthesis.feedback`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class RatingStat:
    column: str
    n: int
    mean: float
    distribution: dict[str, int]  # value as written in French ("4,5") -> number of answers


@dataclass
class NoteLink:
    """The note theme a feedback theme speaks of, and how clearly (see `link_feedback`)."""

    theme_id: str
    label: str
    similarity: float  # cosine of the two centroids
    margin: float  # above the feedback theme's median cosine to every note theme
    beats: float  # share of random sets of as many answers whose margin is smaller


@dataclass
class FeedbackTheme:
    """A theme of the answers to one question, counted in one scope."""

    theme_id: str  # "R01", "R02"... within its question, largest first
    label: str
    n: int  # answers of the scope in this theme
    terms: list[str]
    quotes: list[str]  # answers as written, most central first
    link: NoteLink | None = None
    mixed: bool = False  # its answers share no subject (see `cohesion`): never linked


@dataclass
class AnswerSummary:
    question: str
    n: int
    terms: list[tuple[str, int]]  # (term, number of answers that use it), shared terms only
    quotes: list[str]
    themes: list[FeedbackTheme] = field(default_factory=list)  # empty: answers not embedded
    grouped: bool = False  # the engine told subjects apart; False: too few answers, one theme
    outside: int = 0  # answers of the scope in no theme
    n_fitted: int = 0  # answers to this question in the whole run (what the themes come from)


@dataclass
class FeedbackSummary:
    n: int
    ratings: list[RatingStat]
    answers: list[AnswerSummary]


@dataclass
class QuestionThemes:
    """The themes of every answer of a run to one question (`fit_feedback`)."""

    question: str
    answer_ids: list[str]
    vectors: np.ndarray  # one row per answer id, in the space of the notes' embeddings
    grouped: bool
    themes: list[dict]  # theme_id, label, terms, cohesion, mixed; largest first
    theme_of: dict[str, str | None]  # answer_id -> theme_id (None: in no theme)
    closeness: dict[str, float]  # answer_id -> closeness to its theme (for quotes)
    seed: int = 0  # of the random answer sets `link_feedback` compares with
    links: dict[str, NoteLink] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.answer_ids)

    def to_json(self) -> dict:
        """What the store keeps of it (the vectors stay in the embedding cache)."""
        return {"question": self.question, "answer_ids": list(self.answer_ids),
                "grouped": self.grouped, "themes": self.themes, "theme_of": self.theme_of,
                "closeness": self.closeness, "seed": self.seed}

    @classmethod
    def from_json(cls, data: dict, vectors: np.ndarray) -> QuestionThemes:
        """Back from `to_json`, with the answers' vectors (one row per answer id)."""
        return cls(data["question"], list(data["answer_ids"]),
                   np.asarray(vectors, dtype=np.float32), bool(data["grouped"]),
                   list(data["themes"]), dict(data["theme_of"]), dict(data["closeness"]),
                   int(data["seed"]))

    def members(self, theme_id: str) -> np.ndarray:
        """Rows of `vectors` in the theme."""
        return np.flatnonzero([self.theme_of.get(a) == theme_id for a in self.answer_ids])
