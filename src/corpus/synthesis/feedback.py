"""What participants said at the end of the event (retours): ratings and open answers.

Ratings get their number of answers, mean and distribution. Each open question ("Ce que je
retiens", "Ce qui m'a manqué", "Ce que je vais mettre en œuvre") gets, when its answers were
embedded (`fit_feedback`), the themes of its answers: found by the notes' own engine
(`corpus.themes.fit_themes`) over every answer of the run to that question, each with a
noun-phrase label, key terms, its number of answers and up to three answers quoted as written,
and linked to the note theme it speaks of, if any (`link_feedback`). Fewer answers than the
engine needs to tell subjects apart make one theme, and the summary says so (`grouped`); a
theme whose answers are hardly closer to each other than any two answers to the question is
shown as mixed (`cohesion`), not given a subject it does not have.
Without embeddings, a question gets the terms that several answers share (counted once per
answer) and two answers that use them.

Answers are pseudonymised upstream; one with a leftover e-mail or phone is never used.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import zip_longest
from typing import Any

import numpy as np
import pandas as pd

from corpus.config import Settings
from corpus.synthesis.answers import (  # noqa: F401 (re-exported)
    AnswerSummary,
    FeedbackSummary,
    FeedbackTheme,
    NoteLink,
    QuestionThemes,
    RatingStat,
)
from corpus.text.french import fold, folded_stop_words
from corpus.text.protect import leaks, without_marks
from corpus.vectors import unit

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
ANSWER_COLUMNS = ["answer_id", "feedback_id", "question", "text", "territory_id", "event_id",
                  "atelier_id"]
N_QUOTES = 3
N_TERMS = 5
N_DRAWS = 1000  # random answer sets a link is tested against: shares known within about 0.01


def as_dict(value) -> dict:
    """A ratings/answers cell: a dict, a JSON string or nothing."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value.strip():
        return dict(json.loads(value))
    return {}


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def answers_frame(feedback: pd.DataFrame) -> pd.DataFrame:
    """One row per usable open answer (non-empty, no leftover contact), feedback sorted by id:
    answer_id ("<feedback_id>/<question>"), feedback_id, question, text and where it was said."""
    if "feedback_id" in feedback:
        feedback = feedback.sort_values("feedback_id", kind="stable")
    rows = []
    for _, row in feedback.iterrows():
        fid = _text(row.get("feedback_id"))
        for question, text in as_dict(row.get("answers")).items():
            if isinstance(text, str) and text.strip() and not leaks(text):
                rows.append([f"{fid}/{question}", fid, question, text.strip(),
                             _text(row.get("territory_id")), _text(row.get("event_id")),
                             _text(row.get("atelier_id"))])
    return pd.DataFrame(rows, columns=ANSWER_COLUMNS)


def _key(word: str) -> str:
    key = fold(word)
    return key[:-1] if len(key) > 4 and key[-1] in "sx" else key


def answer_summary(question: str, answers: Sequence[str], *, n_terms: int = 6,
                   n_quotes: int = 2) -> AnswerSummary:
    """Terms shared by at least two answers to `question`, with two answers that use them."""
    answers = [a for a in answers if a.strip() and not leaks(a)]
    forms: dict[str, Counter] = {}
    per_answer: list[set[str]] = []
    stop = folded_stop_words(domain=True)
    for text in answers:
        keys = set()
        for word in _WORD.findall(text.replace("'", " ").replace("’", " ")):
            key = _key(word)
            if len(key) < 3 or key in stop or fold(word) in stop:
                continue
            keys.add(key)
            forms.setdefault(key, Counter())[word if word.isupper() else word.lower()] += 1
        per_answer.append(keys)
    df = Counter(k for keys in per_answer for k in keys)
    shared = sorted((k for k, c in df.items() if c >= 2), key=lambda k: (-df[k], k))[:n_terms]
    terms = [(forms[k].most_common(1)[0][0], df[k]) for k in shared]
    weight = {k: df[k] for k in shared}
    order = sorted(range(len(answers)),
                   key=lambda i: (-sum(weight.get(k, 0) for k in per_answer[i]), i))
    quotes = [answers[i] for i in order if per_answer[i] & set(shared)][:n_quotes]
    return AnswerSummary(question, len(answers), terms, quotes)


# -- themes of the answers ---------------------------------------------------------------------


def answer_lemmas(texts: Sequence[str], nlp, places: frozenset[str] = frozenset(),
                  tags: Sequence[str | None] | None = None) -> list[str]:
    """Content-word lemmas of each answer, as the segmenter keeps them for notes
    (`people.content_lemmas`), places out; from the answers' stored `tags` (`corpus.text.tags`)
    where given, else parsed. Stored tags are those of the protected answer: its people are
    pseudonyms, left out with the marks, and its other entities are not people."""
    from corpus.text import parsing
    from corpus.text import tags as text_tags
    from corpus.text.people import content_lemmas

    kept = [text_tags.loads(t) for t in (tags if tags is not None else [None] * len(texts))]
    todo = [without_marks(t) for t, k in zip(texts, kept, strict=True) if k is None]
    parsed = parsing.docs(nlp, todo)  # as the answers' stored tags were parsed

    def words(k) -> list[str]:
        if k is None:
            return content_lemmas(next(parsed), words_out=places)
        doc = text_tags.doc(nlp.vocab, text_tags.without_marks(k))
        return content_lemmas(doc, people=(), words_out=places)  # people are pseudonyms here

    return [" ".join(words(k)) for k in kept]


def cohesion(rows: np.ndarray, members: np.ndarray) -> float:
    """How much closer the `members` are to each other than any two `rows` (all the answers to
    the question): (mean pairwise cosine of members - that of all rows) / (1 - that of all).
    0: no closer than chance; 1: identical. Scaled by what is left above the question's own
    mean cosine, so it reads the same for spread (USE) and packed (e5) embeddings."""

    def mean_cosine(x: np.ndarray) -> float:
        n = len(x)
        total = x.sum(axis=0)
        return float((total @ total - n) / (n * (n - 1))) if n > 1 else 1.0

    x = unit(rows)
    base = mean_cosine(x)
    return (mean_cosine(x[members]) - base) / max(1.0 - base, 1e-9)


def fit_question(question: str, answers: pd.DataFrame, vectors: np.ndarray, *,
                 settings: Settings, nlp=None, places: frozenset[str] = frozenset(),
                 embedder: Any = None) -> QuestionThemes:
    """Themes of the answers to one question (rows of `answers_frame`, one vector each);
    with `embedder` (the one that gave `vectors`), labels are headings chosen as queries."""
    from corpus.themes import fit_themes

    frame = pd.DataFrame({
        "segment_id": answers["answer_id"].to_numpy(), "doc_id": answers["answer_id"].to_numpy(),
        **{c: answers[c].to_numpy() for c in ("territory_id", "event_id", "atelier_id", "text")},
    })
    tags = answers["tags"].tolist() if "tags" in answers.columns else None
    if tags is not None:
        frame["tags"] = tags
    if nlp is not None:
        frame["lemmas"] = answer_lemmas(frame["text"].tolist(), nlp, places, tags)
    result = fit_themes(frame, vectors, seed=settings.seed, settings=settings, nlp=nlp,
                        places=places, embedder=embedder)
    a = result.assignments
    grouped = len(frame) >= settings.themes_min_segments
    of_theme = a.set_index("segment_id")["theme_id"].reindex(frame["segment_id"]).to_numpy()
    tight = {t["theme_id"]: round(cohesion(vectors, np.flatnonzero(of_theme == t["theme_id"])), 3)
             for t in result.themes}
    mixed = {tid: grouped and len(tight) > 1 and c < settings.feedback_theme_min_cohesion
             for tid, c in tight.items()}
    ranked = sorted(result.themes,
                    key=lambda t: (mixed[t["theme_id"]], -t["size"], t["theme_id"]))
    ids = {t["theme_id"]: f"R{i:02d}" for i, t in enumerate(ranked, 1)}
    return QuestionThemes(
        question, frame["segment_id"].tolist(), np.asarray(vectors, dtype=np.float32), grouped,
        [{"theme_id": ids[t["theme_id"]], "label": t["label"], "terms": list(t["terms"]),
          "cohesion": tight[t["theme_id"]], "mixed": mixed[t["theme_id"]]} for t in ranked],
        {s: (ids[t] if isinstance(t, str) else None)
         for s, t in zip(a["segment_id"], a["theme_id"], strict=True)},
        {s: float(v) for s, v in zip(a["segment_id"], a["theme_score"].fillna(-1.0),
                                     strict=True)},
        settings.seed,
    )


def fit_feedback(answers: pd.DataFrame, vectors: np.ndarray, *, settings: Settings, nlp=None,
                 places: frozenset[str] = frozenset(),
                 embedder: Any = None) -> dict[str, QuestionThemes]:
    """question -> themes of its answers. `answers` is `answers_frame(...)` of the whole run;
    `vectors` one row per answer, from the embedder (and masking) that embedded the notes."""
    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2 or len(x) != len(answers):
        raise ValueError(f"fit_feedback : {len(answers)} réponses mais des vecteurs de forme "
                         f"{x.shape}. Correction : un vecteur par réponse, dans le même ordre.")
    questions = answers["question"].to_numpy()
    return {q: fit_question(q, answers.iloc[idx], x[idx], settings=settings, nlp=nlp,
                            places=places, embedder=embedder)
            for q in dict.fromkeys(questions) if len(idx := np.flatnonzero(questions == q))}


def _margins(centroids: np.ndarray, notes: np.ndarray) -> np.ndarray:
    """How far each centroid's nearest note theme stands above its median cosine to all."""
    sims = unit(centroids) @ notes.T
    return sims.max(axis=1) - np.median(sims, axis=1)


# Words that judge the day rather than name a subject: never enough to tie an answer's theme to
# a note theme ("l'atelier était trop court" is not about the "Voiture" theme).
JUDGEMENT_WORDS = frozenset("""
    court courte long longue trop rapide lent dense riche interessant interessante utile
    concret concrete clair claire bon bonne mauvais excellent super top merci bien mieux
    prochain prochaine dernier derniere suivant fois
""".split())


@lru_cache(maxsize=4096)
def _tagged(text: str, nlp):
    """`nlp(text)`, once per text and pipeline: the same labels and terms are read for every
    question's themes."""
    return nlp(text)


def subject_words(*texts: str, nlp=None) -> frozenset[str]:
    """The words of a theme's label and terms that may name its subject: folded, singular,
    four letters or more, neither stop words nor judgements of the day; with `nlp`, nor the
    words its tagger reads as adjectives there (« commune » of « Présélection commune » and of
    « Réunions d'info collectives communes » names no shared subject)."""
    stops = folded_stop_words(domain=True)
    out = set()
    for text in texts:
        text = str(text)
        if nlp is not None:
            text = " ".join(t.text for t in _tagged(text, nlp) if t.pos_ != "ADJ")
        for word in re.findall(r"[^\W\d_]{4,}", fold(text)):
            word = word[:-1] if word[-1] in "sx" and len(word) > 4 else word
            if word not in stops and word not in JUDGEMENT_WORDS:
                out.add(word)
    return frozenset(out)


def link_feedback(fitted: Mapping[str, QuestionThemes], centroids: Mapping[str, np.ndarray],
                  labels: Mapping[str, str], *, min_beats: float,
                  n_draws: int = N_DRAWS,
                  note_words: Mapping[str, Sequence[str]] | None = None,
                  nlp=None) -> dict[str, QuestionThemes]:
    """`fitted` with each feedback theme linked to the note theme it speaks of, if any.

    The candidate is the theme's nearest note theme (cosine of centroids); its margin is how
    far that cosine stands above the median of the theme's cosines to every note theme. The
    link holds when the margin beats that of at least `min_beats` of `n_draws` random sets of
    as many answers to the same question (seeded): a theme must lean towards one note theme
    more than chance does, with these note themes, these answers, this embedder. So the rule
    holds whatever the embedder's cosines cluster around and however many note themes there
    are. Mixed themes, and a theme of every answer, are never linked. With `note_words` (note
    theme id -> its label and terms), the link must also hold on the words: the feedback theme's
    label and terms share a subject word with the note theme's (`subject_words`), not only an
    adjective (as `nlp` tags them, when given) or a judgement of the day.
    """
    ids = sorted(centroids)
    if len(ids) < 2:
        return {q: replace(f, links={}) for q, f in fitted.items()}
    notes = unit(np.stack([centroids[t] for t in ids]))
    out = {}
    for qi, (question, f) in enumerate(fitted.items()):
        x, links = unit(f.vectors), {}
        for ti, meta in enumerate(f.themes):
            rows = f.members(meta["theme_id"])
            if meta["mixed"] or not 0 < len(rows) < len(x):
                continue
            centroid = unit(x[rows].mean(axis=0))
            sims = notes @ centroid
            best = int(np.argmax(sims))
            margin = float(sims[best] - np.median(sims))
            rng = np.random.default_rng([f.seed, qi, ti])
            drawn = rng.random((n_draws, len(x))).argsort(axis=1)[:, :len(rows)]
            pick = np.zeros((n_draws, len(x)))
            pick[np.arange(n_draws)[:, None], drawn] = 1.0
            beats = float((_margins(pick @ x, notes) < margin).mean())
            said = subject_words(meta.get("label", ""), *meta.get("terms", []), nlp=nlp)
            if note_words is not None and not said & subject_words(
                    *note_words.get(ids[best], []), nlp=nlp):
                continue
            if beats >= min_beats:
                links[meta["theme_id"]] = NoteLink(
                    ids[best], str(labels.get(ids[best], ids[best])), round(float(sims[best]), 3),
                    round(margin, 3), round(beats, 3))
        out[question] = replace(f, links=links)
    return out


def themed_summary(question: str, answers: pd.DataFrame, fitted: QuestionThemes, *,
                   n_quotes: int = N_QUOTES) -> AnswerSummary:
    """The themes of `fitted` among `answers` (one scope's rows of `answers_frame`)."""
    summary = answer_summary(question, answers["text"].tolist())
    members: dict[str, list[tuple[float, str, str]]] = {}
    for aid, text in zip(answers["answer_id"], answers["text"], strict=True):
        tid = fitted.theme_of.get(aid)
        if tid is not None:
            members.setdefault(tid, []).append((-fitted.closeness.get(aid, -1.0), aid, text))
        else:
            summary.outside += 1
    themes, mixed = [], []
    for meta in fitted.themes:
        rows = sorted(members.get(meta["theme_id"], []))
        if not rows:
            continue
        if meta["mixed"]:
            mixed.append((meta["theme_id"], rows))
            continue
        quotes = list(dict.fromkeys(text for _, _, text in rows))[:n_quotes]
        themes.append(FeedbackTheme(meta["theme_id"], meta["label"], len(rows),
                                    meta["terms"][:N_TERMS], quotes,
                                    fitted.links.get(meta["theme_id"])))
    themes.sort(key=lambda t: (-t.n, t.theme_id))
    if mixed:
        themes.append(_diverse(question, mixed, n_quotes))
    summary.themes, summary.grouped, summary.n_fitted = themes, fitted.grouped, fitted.n
    return summary


def _diverse(question: str, mixed: Sequence[tuple[str, list]], n_quotes: int) -> FeedbackTheme:
    """The answers of every theme without a subject of its own, as one entry: two entries both
    headed « Réponses diverses » read as a mistake. Their terms are those most of them share
    (`answer_summary`), their quotes the most central of each theme in turn."""
    texts = [text for _, rows in mixed for _, _, text in rows]
    terms = [t for t, _ in answer_summary(question, texts, n_terms=N_TERMS).terms]
    turns = [list(dict.fromkeys(text for _, _, text in rows)) for _, rows in mixed]
    quotes = list(dict.fromkeys(q for row in zip_longest(*turns) for q in row if q))
    return FeedbackTheme(mixed[0][0], "Réponses diverses", len(texts), terms,
                         quotes[:n_quotes], None, True)


def summarise_feedback(feedback: pd.DataFrame,
                       themes: Mapping[str, QuestionThemes] | None = None) -> FeedbackSummary:
    """Ratings (n, mean, distribution) and, for each open question, the themes of its answers
    (`themes`, from `fit_feedback`) or, without them, its shared terms."""
    ratings: dict[str, list[float]] = {}
    if "feedback_id" in feedback:
        feedback = feedback.sort_values("feedback_id", kind="stable")
    for _, row in feedback.iterrows():
        for col, val in as_dict(row.get("ratings")).items():
            if val is not None and not pd.isna(val):
                ratings.setdefault(col, []).append(float(val))
    stats = []
    for col in sorted(ratings):
        vals = ratings[col]
        dist = Counter(f"{v:g}".replace(".", ",") for v in sorted(vals))
        stats.append(RatingStat(col, len(vals), round(sum(vals) / len(vals), 2), dict(dist)))
    texts: dict[str, list[str]] = {}
    for _, row in feedback.iterrows():
        for question, text in as_dict(row.get("answers")).items():
            if isinstance(text, str) and text.strip():
                texts.setdefault(question, []).append(text.strip())
    answers = answers_frame(feedback) if themes else None
    summaries = [
        themed_summary(q, answers[answers["question"] == q], themes[q])
        if themes and q in themes else answer_summary(q, found)
        for q, found in texts.items()
    ]
    return FeedbackSummary(len(feedback), stats, summaries)
