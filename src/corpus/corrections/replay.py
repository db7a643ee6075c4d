"""The corrections log replayed on the engine's result: a pure function.

`replay(engine_themes, segments, log)` starts from what the engine found (its themes.json
entries and its segment -> theme assignment) and applies each active correction in the log's
order. It never reads a corrected result, so replaying twice gives the same result: the engine's
output is kept apart from the corrected one (`corpus.pipeline.corrections`). Each correction
comes back with an outcome: applied, not applicable (with the reason: the theme it named has
dissolved, was merged or hidden...), or out of scope (its segment is not part of this run).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corpus.corrections.model import (
    APPLIED,
    GROUP_ID,
    NOT_APPLICABLE,
    OUT_OF_SCOPE,
    Correction,
    describe,
)
from corpus.records import ORIENTATIONS

N_REPRESENTATIVES = 5


@dataclass
class Outcome:
    correction_id: str
    status: str
    reason: str = ""
    description: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"correction_id": self.correction_id, "status": self.status,
                "reason": self.reason, "description": self.description}


@dataclass
class Replayed:
    """The corrected themes (themes.json entries), segments (same columns as given) and the
    outcome of each correction, in the log's order."""

    themes: list[dict[str, Any]]
    segments: pd.DataFrame
    outcomes: list[Outcome]
    hidden: list[dict[str, str]] = field(default_factory=list)


class _State:
    """The result being corrected: theme entries by id, segments by id, and why themes left."""

    def __init__(self, themes: Sequence[dict], segments: pd.DataFrame):
        self.entries = {t["theme_id"]: copy.deepcopy(dict(t)) for t in themes}
        self.segs = segments.set_index("segment_id", drop=False)
        self.gone: dict[str, str] = {}  # theme_id -> why it is no longer there
        self.merged_into: dict[str, str] = {}
        self.touched: set[str] = set()

    def absent(self, theme_id: str) -> str:
        return self.gone.get(theme_id) or (
            f"le thème {theme_id} n'est plus trouvé par le moteur dans ce run "
            "(dissous, ou absent de ce périmètre)")

    def follow(self, theme_id: str) -> str:
        """A merged theme's id leads to the theme it was merged into."""
        seen = set()
        while theme_id in self.merged_into and theme_id not in seen:
            seen.add(theme_id)
            theme_id = self.merged_into[theme_id]
        return theme_id

    def members(self, theme_id: str) -> pd.Index:
        return self.segs.index[self.segs["theme_id"] == theme_id]

    def note(self, theme_id: str, c: Correction) -> None:
        entry = self.entries[theme_id]
        entry["corrections"] = sorted({*entry.get("corrections", []), c.correction_id})
        self.touched.add(theme_id)

    def new_id(self, base: str) -> str:
        n = 2
        while f"{base}-{n}" in self.entries or f"{base}-{n}" in self.gone:
            n += 1
        return f"{base}-{n}"

    def add_part(self, base: str, segment_ids: Sequence[str], label: str,
                 c: Correction) -> str:
        new = self.new_id(base)
        entry = copy.deepcopy(self.entries[base])
        entry.update(theme_id=new, label=label, split_from=base, corrections=[],
                     representative_segment_ids=[], status="scindé", label_chosen=False)
        self.entries[new] = entry
        self.segs.loc[list(segment_ids), "theme_id"] = new
        self.note(new, c)
        return new


def _rename(s: _State, c: Correction, **_: Any) -> str:
    label = c.value["label"]
    if GROUP_ID.match(c.target):
        group = _group_of(s, c)
        mine = [t for t in s.entries.values() if group and t.get("group_id") == group]
        if not mine:
            return f"le grand thème {c.target} n'existe plus dans ce run"
        for t in mine:
            t["group_label"] = label
            t["group_label_chosen"] = True
            s.note(t["theme_id"], c)
        return ""
    tid = s.follow(c.target)
    if tid not in s.entries:
        return s.absent(c.target)
    s.entries[tid].update(label=label, label_chosen=True)
    s.note(tid, c)
    return ""


def _group_of(s: _State, c: Correction) -> str | None:
    """The grand thème a rename names: the one that now holds most of the themes it held when
    it was renamed (group ids are numbered anew at each run; theme ids are stable), else the
    one with the same id."""
    held = [s.follow(t) for t in c.value.get("themes", [])]
    votes: dict[str, int] = {}
    for tid in held:
        if tid in s.entries and s.entries[tid].get("group_id"):
            votes[s.entries[tid]["group_id"]] = votes.get(s.entries[tid]["group_id"], 0) + 1
    if votes:
        return min(votes, key=lambda g: (-votes[g], g != c.target, g))
    if held:
        return None
    return c.target


def _merge(s: _State, c: Correction, **_: Any) -> str:
    tid = s.follow(c.target)
    if tid not in s.entries:
        return s.absent(c.target)
    others = [o for o in dict.fromkeys(s.follow(t) for t in c.value["themes"]) if o != tid]
    present = [o for o in others if o in s.entries]
    if not present:
        return "; ".join(s.absent(o) for o in others) or "rien à fusionner"
    for other in present:
        s.segs.loc[s.members(other), "theme_id"] = tid
        del s.entries[other]
        s.gone[other] = f"le thème {other} a été fusionné dans {tid} par {c.correction_id}"
        s.merged_into[other] = tid
    if c.value.get("label"):
        s.entries[tid].update(label=c.value["label"], label_chosen=True)
    s.note(tid, c)
    return ""


def _split(s: _State, c: Correction, *, vectors: dict[str, np.ndarray] | None,
           seed: int, **_: Any) -> str:
    tid = s.follow(c.target)
    if tid not in s.entries:
        return s.absent(c.target)
    members = sorted(s.members(tid))
    label = s.entries[tid]["label"]
    if c.value.get("segments"):
        chosen = [x for x in c.value["segments"] if x in set(members)]
        if not chosen:
            return f"aucun des segments choisis n'est plus dans le thème {tid}"
        if len(chosen) == len(members):
            return f"les segments choisis sont tout le thème {tid} : rien à scinder"
        s.add_part(tid, chosen, c.value.get("label") or f"{label} (partie 2)", c)
        s.note(tid, c)
        return ""
    into = int(c.value.get("into", 2))
    if len(members) < 2 * into:
        return f"le thème {tid} n'a que {len(members)} segment(s) : trop peu pour {into} parties"
    if vectors is None or any(m not in vectors for m in members):
        return f"les plongements des segments du thème {tid} manquent pour le scinder"
    from sklearn.cluster import KMeans

    x = np.stack([vectors[m] for m in members]).astype(np.float64)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    parts = KMeans(n_clusters=into, random_state=seed, n_init=10).fit_predict(x)
    # The largest part keeps the theme's id; the others are numbered by size, then first id.
    order = sorted(range(into), key=lambda p: (-int((parts == p).sum()),
                                               members[int(np.argmax(parts == p))]))
    for n, p in enumerate(order[1:], start=2):
        ids = [m for m, q in zip(members, parts, strict=True) if q == p]
        s.add_part(tid, ids, f"{label} (partie {n})", c)
    s.note(tid, c)
    return ""


def _hide(s: _State, c: Correction, hidden: list[dict], **_: Any) -> str:
    tid = s.follow(c.target)
    if tid not in s.entries:
        return s.absent(c.target)
    s.segs.loc[s.members(tid), "theme_id"] = None
    hidden.append({"theme_id": tid, "label": s.entries[tid]["label"],
                   "correction_id": c.correction_id})
    del s.entries[tid]
    s.gone[tid] = f"le thème {tid} a été masqué par {c.correction_id}"
    return ""


def _pin(s: _State, c: Correction, **_: Any) -> str:
    tid = s.follow(c.target)
    if tid in s.entries:
        s.entries[tid]["pinned"] = True
        s.note(tid, c)
        return ""
    if c.target in s.gone:
        return s.gone[c.target]
    kept = [x for x in c.value.get("segments", []) if x in s.segs.index]
    if not kept or not c.value.get("entry"):
        return (f"le moteur a dissous le thème {c.target} et aucun de ses segments épinglés "
                "n'est dans ce run")
    entry = copy.deepcopy(c.value["entry"])
    entry.update(theme_id=c.target, pinned=True, status="épinglé", corrections=[])
    s.entries[c.target] = entry
    s.segs.loc[kept, "theme_id"] = c.target
    s.note(c.target, c)
    return ""


def _move(s: _State, c: Correction, **_: Any) -> str:
    if c.target not in s.segs.index:
        return OUT_OF_SCOPE
    tid = s.follow(c.value["theme"])
    if tid not in s.entries:
        return s.absent(c.value["theme"])
    before = s.segs.at[c.target, "theme_id"]
    if isinstance(before, str) and before in s.entries:
        s.touched.add(before)
    s.segs.at[c.target, "theme_id"] = tid
    s.note(tid, c)
    return ""


def _orient(s: _State, c: Correction, **_: Any) -> str:
    if c.target not in s.segs.index:
        return OUT_OF_SCOPE
    value = c.value["orientation"]
    before = s.segs.at[c.target, "theme_id"]
    if isinstance(before, str) and before in s.entries:
        s.note(before, c)
    if value == "deroule":  # a line about how the atelier ran: no theme, never quoted
        s.segs.at[c.target, "orientation"] = "autre"
        s.segs.at[c.target, "theme_id"] = None
        if "kind" in s.segs.columns:
            s.segs.at[c.target, "kind"] = "deroule"
        return ""
    s.segs.at[c.target, "orientation"] = value
    if "kind" in s.segs.columns:
        s.segs.at[c.target, "kind"] = "contenu"
    return ""


ACTIONS = {"rename": _rename, "merge": _merge, "split": _split, "hide": _hide, "pin": _pin,
           "move": _move, "orient": _orient}


def _recount(entry: dict, rows: pd.DataFrame, recurring_min_ateliers: int) -> None:
    """A touched theme's counts, from its segments after the corrections."""
    ateliers = sorted({f"{e}/{a}" for e, a in zip(rows["event_id"], rows["atelier_id"],
                                                   strict=True)})
    orient = rows["orientation"].value_counts()
    ids = set(rows["segment_id"])
    reps = [r for r in entry.get("representative_segment_ids", []) if r in ids]
    reps += [r for r in sorted(ids) if r not in reps][:max(0, N_REPRESENTATIVES - len(reps))]
    entry.update(
        size=int(len(rows)), ateliers=ateliers, n_ateliers=len(ateliers),
        events=sorted({str(e) for e in rows["event_id"]}),
        territories=sorted({str(t) for t in rows["territory_id"]}),
        orientation_counts={o: int(orient.get(o, 0)) for o in ORIENTATIONS},
        recurring=len(ateliers) >= recurring_min_ateliers,
        representative_segment_ids=reps,
    )
    entry["n_territories"] = len(entry["territories"])


def replay(themes: Sequence[dict], segments: pd.DataFrame, log: Sequence[Correction], *,
           vectors: dict[str, np.ndarray] | None = None, seed: int = 42,
           recurring_min_ateliers: int = 2) -> Replayed:
    """The engine's result (`themes`: themes.json entries; `segments`: segment_id, theme_id,
    orientation, event_id, atelier_id, territory_id, optionally kind) corrected by `log`.

    `vectors` (segment_id -> vector) is needed only to split a theme in parts. With an empty
    log the engine's result comes back unchanged.
    """
    state = _State(themes, segments.copy())
    outcomes: list[Outcome] = []
    hidden: list[dict[str, str]] = []
    for c in log:
        reason = ACTIONS[c.action](state, c, vectors=vectors, seed=seed, hidden=hidden)
        status = (OUT_OF_SCOPE if reason == OUT_OF_SCOPE
                  else NOT_APPLICABLE if reason else APPLIED)
        outcomes.append(Outcome(c.correction_id, status,
                                "" if status != NOT_APPLICABLE else reason, describe(c)))
    segs = state.segs.reset_index(drop=True)
    for tid in sorted(state.touched):
        if tid not in state.entries:
            continue
        rows = segs[segs["theme_id"] == tid]
        if rows.empty:  # emptied by moves: a theme without segments is not kept
            del state.entries[tid]
            continue
        _recount(state.entries[tid], rows, recurring_min_ateliers)
    entries = state.entries
    theme_of = segs["theme_id"].astype(object)
    theme_of = theme_of.where(theme_of.isin(list(entries)), None)
    segs["theme_id"] = theme_of
    segs["theme_label"] = [entries[t]["label"] if isinstance(t, str) else None
                           for t in theme_of]
    segs["group_id"] = [entries[t].get("group_id") if isinstance(t, str) else None
                        for t in theme_of]
    return Replayed(themes=[entries[t] for t in sorted(entries)], segments=segs,
                    outcomes=outcomes, hidden=hidden)
