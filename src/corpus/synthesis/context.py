"""What the synthesis reads of the segments: the frame of one run, its columns as arrays, the
quotes of a set of rows and the lever themes that answer them.

Rows are rows of `Context.frame` and carry its index (their positions in it): quotes and levers
read the columns once as arrays instead of extracting the columns of each theme's rows in each
scope (2,190 themes in 65 scopes at 100,000 segments: bench/scale.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corpus.synthesis.feedback import QuestionThemes
from corpus.synthesis.model import LEV, LeverMatch, Quote
from corpus.synthesis.wording import as_quote
from corpus.vectors import mean_direction

# Sets of rows whose cosines to the lever themes are one matrix product: bounds its memory
# (1,024 sets by 2,190 lever themes: 18 MB) whatever the number of themes.
SETS_PER_PRODUCT = 1024


@dataclass
class Context:
    """The run's segments (`frame`, déroulé left out), its themes' metadata and what the
    synthesis asks of them in every scope."""

    frame: pd.DataFrame
    meta: dict[str, Mapping]
    names: dict[str, str]  # territory id -> name
    embeddings: np.ndarray | None
    lever_ids: list[str]
    lever_centroids: np.ndarray | None
    min_ateliers: int
    n_quotes: int
    n_levers: int
    min_similarity: float
    min_share: float
    feedback_themes: Mapping[str, QuestionThemes] | None = None
    deroule: Mapping[str, str] | None = None  # atelier key -> how it ran (`ran_as`)

    def column(self, name: str) -> np.ndarray:
        """A column of `frame` as an array, taken once: rows of `frame` are read through
        their index (their positions in it), not by extracting columns of each theme's rows."""
        columns = self.__dict__.setdefault("_columns", {})
        if name not in columns:
            columns[name] = self.frame[name].to_numpy()
        return columns[name]

    def quotes(self, rows: pd.DataFrame, first: Sequence[str] = (), n: int | None = None,
               order: Sequence[str] | None = None) -> list[Quote]:
        """Up to n quotable segments of `rows` (rows of `frame`, with its index), one per
        atelier before a second one.

        Order: the `order` ids as given, else the `first` ids (representatives), then by score
        (highest first, ties by segment id).
        """
        at = rows.index.to_numpy()
        ok = self.column("quotable")[at].astype(bool)  # `prepare_segments` marks them
        ids = self.column("segment_id")[at[ok]]
        rank = {sid: i for i, sid in enumerate(order if order is not None else first)}
        last = len(rank)
        if order is None:
            scores = self.column("orientation_score")[at[ok]].astype(float)
            positions = sorted(range(len(ids)),
                               key=lambda i: (rank.get(ids[i], last), -scores[i], ids[i]))
        else:  # stable: rows outside `order` keep their order, after it
            positions = sorted(range(len(ids)), key=lambda i: rank.get(ids[i], last))
        return self._quotes_at(rows, ok, positions, n or self.n_quotes)

    def _quotes_at(self, rows: pd.DataFrame, ok: np.ndarray, positions: Sequence[int],
                   n: int) -> list[Quote]:
        """The first n of `positions` (indices into the quotable rows of `rows`, rows of
        `frame`), one per atelier before a second one."""
        at = rows.index.to_numpy()[ok]  # the quotable rows' positions in `frame`
        keys = self.column("key")[at]
        seen: set[str] = set()
        head: list[int] = []
        for i in positions:  # stops at n ateliers: a theme's rows may number thousands
            if keys[i] not in seen:
                seen.add(keys[i])
                head.append(i)
                if len(head) == n:
                    break
        if len(head) < n:
            taken = set(head)
            head += [i for i in positions if i not in taken][: n - len(head)]
        chosen = at[head]  # only the quoted rows are read (a theme's may number thousands)
        cols = {c: self.column(c)[chosen] for c in ("segment_id", "text", "territory", "event",
                                                      "atelier")}
        return [
            Quote(cols["segment_id"][i], as_quote(cols["text"][i]),
                  self.names.get(cols["territory"][i], cols["territory"][i]), cols["event"][i],
                  cols["atelier"][i])
            for i in range(len(chosen))
        ]

    def levers_for(self, row_sets: Sequence[pd.DataFrame]) -> list[list[LeverMatch]]:
        """For each set of rows, the lever themes whose lever centroid is closest to the
        set's centroid; the cosines of many sets in one matrix product (one product per set
        was 5,555 products by 2,190 lever centroids, 8 s of the synthesis of 100,000
        segments: bench/scale.py)."""
        out: list[list[LeverMatch]] = [[] for _ in row_sets]
        if self.embeddings is None or self.lever_centroids is None:
            return out
        full = [i for i, rows in enumerate(row_sets) if not rows.empty]
        if not full:
            return out
        row, territory = self.column("row"), self.column("territory")
        for start in range(0, len(full), SETS_PER_PRODUCT):
            chunk = full[start:start + SETS_PER_PRODUCT]
            ats = [row_sets[i].index.to_numpy() for i in chunk]
            targets = np.stack([mean_direction(self.embeddings[row[at].astype(int)])
                                for at in ats])
            for i, at, target, sims in zip(chunk, ats, targets,
                                           targets @ self.lever_centroids.T, strict=True):
                out[i] = self._levers_near(at, target, sims, territory)
        return out

    def _levers_near(self, at: np.ndarray, target: np.ndarray, sims: np.ndarray,
                     territory: np.ndarray) -> list[LeverMatch]:
        """The lever themes nearest `target` (the centroid of the rows at `at`), `sims` its
        cosines to every lever theme."""
        found: list[LeverMatch] = []
        voiced = set(territory[at])
        for j in _top(sims, self.n_levers):
            if sims[j] < self.min_similarity:
                break
            tid = self.lever_ids[j]
            lev = self.lever_rows(tid)
            closest = np.argsort(-(lev.vectors @ target), kind="stable")
            found.append(LeverMatch(
                tid, self.label(tid), round(float(sims[j]), 3), len(lev.rows), list(lev.keys),
                list(lev.territory_names), bool(lev.territories - voiced),
                self._quotes_at(lev.rows, lev.ok, closest, 2),
            ))
        return found

    def lever_rows(self, tid: str) -> Levers:
        """The lever segments of theme `tid`, which of them may be quoted, the vectors of those,
        their ateliers and territories: computed once per run for every lever theme, not once
        per scope and difficulty theme (which made the synthesis grow as n^1.36 and filter
        100,000 rows for each of 2,190 themes: bench/scale.py)."""
        cache = self.__dict__.get("_lever_rows")
        if cache is None:
            levers = self.frame[(self.frame["orientation"] == LEV) & self.frame["theme_id"].notna()]
            cache = self.__dict__["_lever_rows"] = {
                t: self._levers(mine) for t, mine in levers.groupby("theme_id", sort=False)}
        if tid not in cache:
            cache[tid] = self._levers(self.frame.iloc[:0])
        return cache[tid]

    def _levers(self, rows: pd.DataFrame) -> Levers:
        ok = rows["quotable"].to_numpy(dtype=bool)
        territories = set(rows["territory"].unique())
        return Levers(rows, ok, self.embeddings[rows["row"].to_numpy()[ok]],
                       tuple(sorted(set(rows["key"].unique()))), territories,
                       tuple(sorted({self.names.get(t, t) for t in territories})))

    def label(self, tid: str) -> str:
        meta = self.meta.get(tid, {})
        if meta.get("label"):
            return str(meta["label"])
        labels = self.frame.loc[self.frame["theme_id"] == tid, "theme_label"].dropna()
        return str(labels.iloc[0]) if len(labels) else tid

    def territory_names(self, rows: pd.DataFrame) -> list[str]:
        return sorted({self.names.get(t, t) for t in rows["territory"].unique()})


@dataclass(frozen=True)
class Levers:
    """A lever theme's segments, as `Context.levers_for` reads them."""

    rows: pd.DataFrame
    ok: np.ndarray  # which rows may be quoted
    vectors: np.ndarray  # of the quotable rows
    keys: tuple[str, ...]  # its ateliers, sorted
    territories: set[str]
    territory_names: tuple[str, ...]  # sorted


def _top(values: np.ndarray, n: int) -> np.ndarray:
    """The positions of the n largest `values`, largest first, ties in position order: the
    first n of a stable argsort of -values, without sorting them all."""
    if len(values) <= n:
        return np.argsort(-values, kind="stable")
    nth = np.partition(values, len(values) - n)[len(values) - n]
    held = np.flatnonzero(values >= nth)
    return held[np.argsort(-values[held], kind="stable")][:n]
