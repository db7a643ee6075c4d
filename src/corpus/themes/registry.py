"""Stable theme ids across runs: match a run's themes to known themes and earlier seeds.

A known theme (a row of the store's `themes` table, or an entry of an earlier run's
`problematiques.json`) keeps its id when one of the new themes lies close enough to it: cosine
similarity of centroids at or above `Settings.theme_match_threshold`, or at or above
`Settings.theme_match_floor` when each is the other's nearest (mutual best), one-to-one, best
pairs first. A seed that has no centroid under the current embedder is compared by its key terms.
Themes that match nothing get the next free ids ("T001", "T002"...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corpus.config import default
from corpus.text.french import fold
from corpus.vectors import unit

_ID = re.compile(r"^T(\d+)$")


@dataclass(frozen=True)
class Known:
    """A theme known before this run: from the registry, from a seed, or both."""

    theme_id: str
    centroid: np.ndarray | None  # mean of its segments in an earlier run (matching)
    terms: tuple[str, ...]
    seed: bool
    guide: np.ndarray | None = None  # embedding of a seed's text (guidance only)


def theme_number(theme_id: str) -> int | None:
    match = _ID.match(theme_id or "")
    return int(match.group(1)) if match else None


def format_id(number: int) -> str:
    return f"T{number:03d}"


def seed_terms(seed: dict) -> tuple[str, ...]:
    """The key terms of a seed problématique: its `terms`, else the words of label/question."""
    terms = seed.get("terms") or []
    if isinstance(terms, str):
        terms = [terms]
    if not terms:
        text = f"{seed_label(seed)} {seed.get('question', '')}"
        terms = [w for w in re.findall(r"\w+", text) if len(w) > 3]
    return tuple(str(t) for t in terms)


def seed_label(seed: dict) -> str:
    """A seed's theme label (`label`, or `theme_label` as problematiques.json writes it)."""
    return str(seed.get("label") or seed.get("theme_label") or "")


def seed_text(seed: dict) -> str:
    """What is embedded for a seed: label, question and terms."""
    parts = [seed_label(seed), str(seed.get("question") or ""), ", ".join(seed_terms(seed))]
    return ". ".join(p for p in parts if p)


def known_themes(
    registry: pd.DataFrame | None,
    seeds: Sequence[dict] | None,
    *,
    seed_vectors: dict[str, np.ndarray] | None = None,
) -> list[Known]:
    """Registry rows and seeds as one list sorted by id (a seed also in the registry is one)."""
    out: dict[str, Known] = {}
    if registry is not None and len(registry):
        for row in registry.itertuples(index=False):
            centroid = getattr(row, "centroid", None)
            vec = None if centroid is None else np.asarray(centroid, dtype=np.float32)
            terms = tuple(getattr(row, "terms", None) or ())
            out[row.theme_id] = Known(row.theme_id, vec, terms, False)
    for seed in seeds or ():
        theme_id = str(seed.get("theme_id") or "")
        if not theme_id:
            continue
        earlier = out.get(theme_id)
        vec = earlier.centroid if earlier is not None else None
        guide = vec if vec is not None else (seed_vectors or {}).get(theme_id)
        terms = seed_terms(seed) or (earlier.terms if earlier else ())
        out[theme_id] = Known(theme_id, vec, terms, True, guide)
    return [out[k] for k in sorted(out)]


def _lexical(a: Sequence[str], b: Sequence[str], min_shared: int) -> float:
    """Overlap of two term lists as folded words: shared / size of the smaller set."""
    wa = {fold(w) for t in a for w in t.split() if len(w) > 2}
    wb = {fold(w) for t in b for w in t.split() if len(w) > 2}
    shared = len(wa & wb)
    if shared < min(min_shared, len(wa), len(wb)) or not wa or not wb:
        return 0.0
    return shared / min(len(wa), len(wb))


def match(
    centroids: np.ndarray,
    terms: Sequence[Sequence[str]],
    known: Sequence[Known],
    *,
    threshold: float,
    reference: np.ndarray | None = None,
    floor: float | None = None,
    seed_min_overlap: float = default("theme_seed_min_overlap"),
    seed_min_shared: int = default("theme_seed_min_shared_terms"),
) -> dict[int, Known]:
    """Theme index -> the known theme it continues; one-to-one, most similar pairs first.

    Centroids are compared after subtracting `reference` (the current corpus's mean
    embedding): every e5 centroid has a cosine of 0.98 with every other one, centred they
    spread out (same theme in two territories: 0.83-0.95, different themes: at most 0.81).
    """
    pairs: list[tuple[float, int, str]] = []
    by_id = {k.theme_id: k for k in known}
    ref = np.zeros(centroids.shape[1:]) if reference is None else np.asarray(reference)
    mine = unit(np.asarray(centroids, dtype=np.float64) - ref)
    comparable = [k for k in known
                  if k.centroid is not None and k.centroid.shape == centroids.shape[1:]]
    sims = (mine @ unit(np.stack([k.centroid for k in comparable]).astype(np.float64) - ref).T
            if comparable and len(centroids) else np.zeros((len(centroids), 0)))
    column = {k.theme_id: j for j, k in enumerate(comparable)}
    nearest_known = sims.argmax(axis=1) if sims.size else None
    nearest_new = sims.argmax(axis=0) if sims.size else None
    floor = threshold if floor is None else min(floor, threshold)
    for k in known:
        for i in range(len(centroids)):
            if k.theme_id in column:
                j = column[k.theme_id]
                sim = float(sims[i, j])
                mutual = nearest_known[i] == j and nearest_new[j] == i
                if sim >= threshold or (sim >= floor and mutual):
                    pairs.append((round(sim, 6), i, k.theme_id))
                    continue
            # A seed problématique is also recognised by its key terms (its text embedding is
            # too short to compare with a theme centroid).
            if k.seed and (sim := _lexical(terms[i], k.terms, seed_min_shared)) >= seed_min_overlap:
                pairs.append((round(sim, 6), i, k.theme_id))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    out: dict[int, Known] = {}
    taken: set[str] = set()
    for _, i, theme_id in pairs:
        if i in out or theme_id in taken:
            continue
        out[i] = by_id[theme_id]
        taken.add(theme_id)
    return out


def assign_ids(n_themes: int, matched: dict[int, Known], known: Sequence[Known]) -> list[str]:
    """Ids in theme order: matched themes keep theirs, the others continue the sequence."""
    numbers = [n for k in known if (n := theme_number(k.theme_id)) is not None]
    following = max(numbers, default=0) + 1
    ids = []
    for i in range(n_themes):
        if i in matched:
            ids.append(matched[i].theme_id)
        else:
            ids.append(format_id(following))
            following += 1
    return ids


def registry_rows(
    themes: Sequence[dict],
    centroids: dict[str, np.ndarray],
    known: pd.DataFrame,
    *,
    run_id: str,
    fingerprint: str,
    recorded_at,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """The registry rows and history rows a run's themes give, and {"new", "updated"}.

    `known` is the registry as stored (`Store.themes.registry()`). A known theme_id keeps its
    first run, and its centroid moves to the running mean of its runs (under the same
    embedder); recording the same run twice counts it once. A new theme_id starts its history.
    """
    import json

    known = known.set_index("theme_id")
    rows, history = [], []
    for theme in themes:
        tid = theme["theme_id"]
        centroid = np.asarray(centroids[tid], dtype=np.float64)
        first, n_runs = run_id, 1
        if tid in known.index:
            old = known.loc[tid]
            first = old["first_run"]
            same_run = old["last_run"] == run_id
            n_runs = int(old["n_runs"] or 0) + (0 if same_run else 1)
            prev = old["centroid"]
            if prev is not None and prev.shape == centroid.shape and old["fingerprint"] == (
                fingerprint
            ):
                weight = max(1, n_runs - 1)
                centroid = unit(prev * weight + centroid)
        rows.append({
            "theme_id": tid, "label": theme["label"], "terms": list(theme["terms"]),
            "centroid": centroid.astype(np.float32).tolist(), "fingerprint": fingerprint,
            "first_run": first, "last_run": run_id, "n_runs": n_runs,
            "payload": json.dumps(theme, ensure_ascii=False, sort_keys=True, default=str),
        })
        history.append({
            "theme_id": tid, "run_id": run_id, "label": theme["label"],
            "size": int(theme["size"]), "n_ateliers": int(theme["n_ateliers"]),
            "n_territories": int(theme["n_territories"]), "recorded_at": recorded_at,
        })
    new = sum(1 for r in rows if r["theme_id"] not in known.index)
    return (pd.DataFrame(rows, columns=list(_REGISTRY_COLUMNS)),
            pd.DataFrame(history, columns=list(_HISTORY_COLUMNS)),
            {"new": new, "updated": len(rows) - new})


_REGISTRY_COLUMNS = ("theme_id", "label", "terms", "centroid", "fingerprint", "first_run",
                     "last_run", "n_runs", "payload")
_HISTORY_COLUMNS = ("theme_id", "run_id", "label", "size", "n_ateliers", "n_territories",
                    "recorded_at")
