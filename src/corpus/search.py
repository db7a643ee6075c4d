"""Semantic search over the stored segments, for researchers' questions in plain French.

Filters run first, in SQL (territory, event, orientation, theme). The candidates are then read
page by page: their vectors come from the store's embedding cache (computed once, on the first
query), are ranked by cosine against the question, and only the best `limit` rows are kept
across pages, so memory stays flat however large the store. A small lexical bonus (words and
lemmas, accents and case ignored) lifts segments that contain the question's exact terms, so
that acronyms such as "CPF" or "RQTH" are not lost behind paraphrases.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn

import numpy as np
import pandas as pd

from corpus.config import default
from corpus.embed import Embedder, canonical_text, embed_cached, load_embedder
from corpus.records import ORIENTATIONS
from corpus.text.french import fold, folded_stop_words

if TYPE_CHECKING:
    from corpus.store import Store

log = logging.getLogger(__name__)

RESULT_COLUMNS = [
    "segment_id", "score", "territory", "event", "atelier", "orientation", "theme_id",
    "theme_label", "text",
]
PAGE_SIZE = 8192
STEM_CHARS = 6

_WORD = re.compile(r"\w+")


class SearchError(ValueError):
    """A query that cannot run: an unknown filter value, an empty question."""


def check_orientation(orientation: str | None) -> str | None:
    """The orientation as stored, or a SearchError naming the accepted values."""
    if orientation is None:
        return None
    value = fold(orientation.strip())
    if value not in ORIENTATIONS:
        raise SearchError(
            f"Orientation « {orientation} » inconnue. Valeurs acceptées : "
            f"{', '.join(ORIENTATIONS)}."
        )
    return value


def _stem(word: str) -> str:
    """A crude French stem: no plural mark, first letters only ("financement" ~ "financer")."""
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    return word[:STEM_CHARS]


def query_terms(text: str) -> list[str]:
    """Stems of the question's content words, accents and case ignored, in order, unique."""
    seen: dict[str, None] = {}
    stop = folded_stop_words(domain=False)
    for word in _WORD.findall(fold(text)):
        if len(word) >= 2 and word not in stop and not word.isdigit():
            seen.setdefault(_stem(word), None)
    return list(seen)


def lexical_scores(terms: Sequence[str], texts: Sequence[str]) -> np.ndarray:
    """For each text, the share of `terms` it holds (0 to 1).

    A word holds a term when it has the same stem: a full-length stem matches as a word
    prefix ("format" in "formations"), a short one as the whole word, plural allowed ("cpf").
    """
    if not terms or not len(texts):
        return np.zeros(len(texts))
    folded = fold("\x00".join(texts)).split("\x00")  # one pass over the page: C speed
    return folded_lexical_scores(terms, folded)


def folded_lexical_scores(terms: Sequence[str], folded: Sequence[str]) -> np.ndarray:
    """`lexical_scores` of texts already folded (`corpus.text.french.fold`)."""
    if not terms or not len(folded):
        return np.zeros(len(folded))
    hits = np.zeros(len(folded))
    for term in terms:
        pattern = re.compile(
            rf"\b{re.escape(term)}" + ("" if len(term) >= STEM_CHARS else r"[sx]?\b")
        )
        hits += np.fromiter((pattern.search(f) is not None for f in folded), float, len(folded))
    return hits / len(terms)


def lexical_overlap(terms: Sequence[str], text: str, lemmas: str | None = "") -> float:
    """Share of `terms` found among a segment's words and lemmas (0 to 1)."""
    return float(lexical_scores(terms, [f"{text} {lemmas or ''}"])[0])


def _known(values: Iterable[str], given: str, kind: str) -> NoReturn:
    values = sorted(values)
    shown = ", ".join(values[:20]) + (" ..." if len(values) > 20 else "")
    raise SearchError(
        f"{kind} « {given} » absent de la base. Valeurs connues : {shown or '(aucune)'}."
    )


def _check_filters(store: Store, territory: str | None, event: str | None,
                   theme: str | None) -> None:
    """Name the known values when a filter matches nothing the store holds."""
    if territory is None and event is None and theme is None:
        return
    known = store.texts.filter_values()
    if territory is not None and territory.lower() not in {
        t.lower() for t in known["territory"]
    }:
        _known(known["territory"], territory, "Territoire")
    if event is not None and not any(
        e == event or e.endswith(f"/{event}") for e in known["event"]
    ):
        _known(known["event"], event, "Événement")
    if theme is not None and theme.lower() not in {t.lower() for t in known["theme"]}:
        _known(known["theme"], theme, "Thème")


def query(
    store: Store,
    text: str,
    *,
    territory: str | None = None,
    event: str | None = None,
    orientation: str | None = None,
    theme: str | None = None,
    limit: int = 10,
    embedder: Embedder | None = None,
    page_size: int = PAGE_SIZE,
    lexical_weight: float = default("search_lexical_weight"),
) -> pd.DataFrame:
    """The `limit` stored segments closest to `text`, best first (ties by segment id).

    `event` is an event id ("marseille/2026-03-journee-cep") or its last part; `territory` and
    `theme` are ids (case ignored). The embedder defaults to `Settings().embedder_query`.
    Returns RESULT_COLUMNS; `score` is the cosine plus `lexical_weight` times the share of the
    question's terms the segment holds.
    """
    question = canonical_text(text)
    if not question:
        raise SearchError("La question est vide. Correction : donnez quelques mots à chercher.")
    if limit < 1:
        raise SearchError(f"--limit doit être au moins 1 (reçu : {limit}).")
    orientation = check_orientation(orientation)
    _check_filters(store, territory, event, theme)
    embedder = embedder or load_embedder()
    q = embedder.encode([question])[0]
    terms = query_terms(question)
    filters = {"territory": territory, "event": event, "orientation": orientation,
               "theme": theme}

    best: list[tuple[float, str, dict]] = []
    after: str | None = None
    n_seen = 0
    while True:
        page = store.texts.filtered_segments(**filters, after=after, limit=page_size)
        if page.empty:
            break
        after = str(page["segment_id"].iloc[-1])
        n_seen += len(page)
        texts = page["text"].tolist()
        vectors = embed_cached(embedder, texts, store)
        cosine = vectors @ q.astype(np.float32)
        bonus = lexical_scores(terms, [
            f"{t} {lem or ''}".replace("\x00", " ")
            for t, lem in zip(texts, page["lemmas"], strict=True)
        ])
        scores = np.round(cosine.astype(np.float64) + lexical_weight * bonus, 6)
        # Pages come sorted by segment id, so a stable sort breaks ties by segment id.
        top = np.argsort(-scores, kind="stable")[:limit]
        rows = page.iloc[top].to_dict("records")
        scored = [(float(s), r["segment_id"], r) for s, r in zip(scores[top], rows, strict=True)]
        best = heapq.nsmallest(limit, [*best, *scored], key=lambda x: (-x[0], x[1]))
        if len(page) < page_size:
            break
    log.info("recherche : %d segments candidats, %d retenus", n_seen, len(best))
    out = pd.DataFrame(
        [
            {
                "segment_id": r["segment_id"], "score": score, "territory": r["territory_id"],
                "event": r["event_id"], "atelier": r["atelier_id"],
                "orientation": r["orientation"], "theme_id": r["theme_id"],
                "theme_label": r["theme_label"], "text": r["text"],
            }
            for score, _, r in best
        ],
        columns=RESULT_COLUMNS,
    )
    return out.astype({"score": "float64"})
