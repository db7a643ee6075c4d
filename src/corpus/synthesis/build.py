"""End-of-event synthesis: what the ateliers found, per event, per territory and for the démarche.

Pure functions on the pipeline's tables. Every figure is counted from `segments` (rows with their
orientation and theme) so that a reader can follow any claim back to its segment ids; `themes`
gives labels, key terms, representative segments and the loop status.

A theme counts as a *difficulty theme* (resp. *lever theme*) in a scope when at least
`min_share` of its segments there are oriented `difficulte` (resp. `levier`), and it is
*recurring* when those oriented segments come from `recurring_min_ateliers` ateliers or from
two territories. Entries are ranked by ateliers, then territories, then number of segments.
Levers answering a difficulty are found by cosine similarity between the centroid of the
difficulty's segments and the centroid of each theme's lever segments (its own theme included).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from corpus.config import default
from corpus.synthesis.actors import actors_in_scope
from corpus.synthesis.context import Context
from corpus.synthesis.feedback import QuestionThemes, link_feedback, summarise_feedback
from corpus.synthesis.frame import RENAME, prepare_segments
from corpus.synthesis.model import (
    DIFF,
    LEV,
    OTHER,
    AtelierGlance,
    Glance,
    ScopeSynthesis,
    Synthesis,
    ThemeEntry,
    ThemeSummary,
)
from corpus.synthesis.wording import (  # noqa: F401 (re-exported)
    QUOTE_MAX_CHARS,
    as_int,
    as_quote,
    as_strings,
    clip,
    french_date,
    loop_status,
    quotable,
    ran_as,
)
from corpus.text.french import fold, written_gender
from corpus.vectors import mean_direction


def _entries(sub: pd.DataFrame, orientation: str, ctx: Context) -> list[ThemeEntry]:
    out, answered = [], []
    themed = sub[sub["theme_id"].notna()]
    sizes = themed["theme_id"].value_counts()
    # oriented rows grouped once, not each theme's rows filtered (2,190 themes in 65 scopes)
    for tid, rows in themed[themed["orientation"] == orientation].groupby("theme_id", sort=True):
        size = int(sizes[tid])
        keys, terrs = sorted(rows["key"].unique()), sorted(rows["territory"].unique())
        if len(rows) < ctx.min_share * size:
            continue
        if len(keys) < ctx.min_ateliers and len(terrs) < 2:
            continue
        meta = ctx.meta.get(tid, {})
        entry = ThemeEntry(
            tid, ctx.label(tid), list(meta.get("terms", [])), orientation, len(rows), keys,
            ctx.territory_names(rows), sorted(rows["segment_id"]),
            ctx.quotes(rows, meta.get("representative_segment_ids", [])), size,
            str(meta.get("status", "")),
        )
        entry.group_id = meta.get("group_id")
        entry.group_label = str(meta.get("group_label") or "")
        if orientation == DIFF:
            answered.append((entry, rows))
        out.append(entry)
    levers = ctx.levers_for([rows for _, rows in answered])
    for (entry, _), found in zip(answered, levers, strict=True):
        entry.levers = found
    out.sort(key=lambda e: (-e.n_ateliers, -e.n_territories, -e.n_segments, e.theme_id))
    return out


def _glance(sub: pd.DataFrame, ev: pd.DataFrame, at: pd.DataFrame, ctx: Context) -> Glance:
    events = [
        {"name": str(r.get("name") or r["event_id"]),
         "territory": ctx.names.get(r["territory_id"], r["territory_id"]),
         "date": french_date(r.get("date")), "place": str(r.get("place") or ""),
         "participants": as_int(r.get("participants"))}
        for _, r in ev.sort_values("event_id").iterrows()
    ]
    counts = sub.groupby(["key", "orientation"]).size()
    rows = {f"{r['event_id']}/{r['atelier_id']}": r for _, r in at.iterrows()}
    terr_of = dict(zip(sub["key"], sub["territory"], strict=True))
    ateliers = []
    for key in sorted(set(rows) | set(terr_of)):
        r = rows.get(key, {})
        terr = r.get("territory_id") if len(r) else terr_of[key]
        ateliers.append(AtelierGlance(
            key, key.rsplit("/", 1)[-1], ctx.names.get(terr, terr),
            str(r.get("problematique") or ""), str(r.get("methode") or ""),
            as_strings(r.get("organisations")), as_int(r.get("participants")),
            {o: int(counts.get((key, o), 0)) for o in (DIFF, LEV, OTHER)},
            (ctx.deroule or {}).get(key, ""),
        ))
    known = [e["participants"] for e in events if e["participants"] is not None]
    methods = Counter(a.methode for a in ateliers if a.methode)
    orgs = {o for _, r in ev.iterrows() for o in as_strings(r.get("organisations"))}
    orgs |= {o for a in ateliers for o in a.organisations}
    return Glance(events, ateliers, sum(known) if known else None,
                  dict(sorted(methods.items(), key=lambda kv: (-kv[1], kv[0]))), sorted(orgs))


def _scope(kind: str, key: str, title: str, sub: pd.DataFrame, ev: pd.DataFrame,
           at: pd.DataFrame, fb: pd.DataFrame, ctx: Context) -> ScopeSynthesis:
    counts = {"segments": len(sub), "themes": int(sub["theme_id"].nunique()),
              "hors_theme": int(sub["theme_id"].isna().sum())}
    counts |= {o: int((sub["orientation"] == o).sum()) for o in (DIFF, LEV, OTHER)}
    glance = _glance(sub, ev, at, ctx)
    present = glance.organisations + sorted(set(as_strings(list(fb.get("organisation", [])))))
    return ScopeSynthesis(
        kind, key, title, glance, counts, _entries(sub, DIFF, ctx), _entries(sub, LEV, ctx),
        summarise_feedback(fb, ctx.feedback_themes), actors_in_scope(present),
    )


def _theme_summaries(ctx: Context, at: pd.DataFrame) -> list[ThemeSummary]:
    orgs = {f"{r['event_id']}/{r['atelier_id']}": as_strings(r.get("organisations"))
            for _, r in at.iterrows()}
    methods = {f"{r['event_id']}/{r['atelier_id']}": str(r.get("methode") or "")
               for _, r in at.iterrows()}
    out, asked = [], []
    frame = ctx.frame
    themed = frame[frame["theme_id"].notna()]
    by_orientation = {o: dict(tuple(themed[themed["orientation"] == o].groupby("theme_id",
                                                                                sort=False)))
                      for o in (DIFF, LEV, OTHER)}
    for tid, group in themed.groupby("theme_id", sort=True):
        meta = ctx.meta.get(tid, {})
        reps = meta.get("representative_segment_ids", [])
        by_atelier = group.groupby("key").size()
        oriented = {o: by_orientation[o].get(tid, group.iloc[:0]) for o in (DIFF, LEV, OTHER)}
        org_count = Counter(o for k in by_atelier.index for o in orgs.get(k, []))
        summary = ThemeSummary(
            tid, ctx.label(tid), list(meta.get("terms", [])), str(meta.get("status", "")),
            meta.get("seed_theme_id"), {o: len(rows) for o, rows in oriented.items()},
            {k: int(v) for k, v in by_atelier.items()}, ctx.territory_names(group),
            sorted(group["segment_id"]),
            {o: ctx.quotes(rows, reps) for o, rows in oriented.items()},
            [o for o, _ in sorted(org_count.items(), key=lambda kv: (-kv[1], fold(kv[0])))],
            concentrated_methods(by_atelier, methods),
        )
        summary.difficulty_ateliers = sorted(set(oriented[DIFF]["key"]))
        summary.group_id = meta.get("group_id")
        summary.group_label = str(meta.get("group_label") or "")
        summary.label_is_phrase = bool(meta.get("label_is_phrase", True))
        summary.gender = written_gender(summary.label, group["text"])
        summary.recurring = len(by_atelier) >= ctx.min_ateliers or group["territory"].nunique() > 1
        asked.append(oriented[DIFF] if len(oriented[DIFF]) else group)
        out.append(summary)
    for summary, found in zip(out, ctx.levers_for(asked), strict=True):
        summary.levers = found
    return out


def concentrated_methods(by_atelier: pd.Series, methods: Mapping[str, str]) -> list[str]:
    """The methods of the ateliers where a theme concentrates (at least twice its mean count
    per atelier, and two segments), most segments first: the methods that may help choose.
    Empty when the theme is spread evenly (its ateliers would list every method)."""
    mean = by_atelier.sum() / max(1, len(by_atelier))
    held = by_atelier[(by_atelier >= 2 * mean) & (by_atelier >= 2)]
    order = sorted(held.items(), key=lambda kv: (-kv[1], kv[0]))
    return list(dict.fromkeys(methods[k] for k, _ in order if methods.get(k)))


# Points drawn on the synthesis's map at most: a static chart shows the shape of the whole, and
# beyond a few thousand points they cover each other (the explorer draws 6,000 as well). The
# 100,000 of bench/scale.py made 19 MB of HTML and 15 s of drawing. A reading choice, not fitted.
MAP_POINTS = 6000


def map_sample(segment_ids: Sequence[str], limit: int = MAP_POINTS) -> np.ndarray:
    """Positions of the segments the map shows: all up to `limit`, else the `limit` whose
    ids hash lowest (CRC-32): the same whatever the rows' order, and a segment shown stays
    shown as the corpus grows."""
    if len(segment_ids) <= limit:
        return np.arange(len(segment_ids))
    ids = np.asarray([str(s) for s in segment_ids], dtype=object)
    keys = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in ids), dtype=np.int64,
                       count=len(ids))
    return np.sort(np.lexsort((ids, keys))[:limit])


def map_points(frame: pd.DataFrame, embeddings: np.ndarray | None) -> list[tuple]:
    """2-D coordinates of the segments: scikit-learn's PCA (exact, from the eigenvectors of the
    covariance matrix; each axis's sign fixed by `svd_flip`: deterministic). The full SVD of
    100,000 x 512 took 11.7 s of the synthesis, the covariance's 0.7 s (same coordinates to the
    4 decimals kept on 30,000 unit vectors)."""
    from sklearn.decomposition import PCA

    if embeddings is None or len(frame) < 3:
        return []
    x = np.asarray(embeddings, dtype=np.float64)[frame["row"].to_numpy()]
    pca = PCA(n_components=2, svd_solver="covariance_eigh").fit(x)
    shown = map_sample(frame["segment_id"].tolist(), MAP_POINTS)
    if len(shown) < len(frame):
        x, frame = x[shown], frame.iloc[shown]
    xy = np.round((x - pca.mean_) @ pca.components_.T, 4)
    return [(s, float(a), float(b), t) for s, (a, b), t in
            zip(frame["segment_id"], xy, frame["theme_id"], strict=True)]


def _table(frame: pd.DataFrame | None, columns: Sequence[str]) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame(columns=list(columns))
    return frame.rename(columns={v: k for k, v in RENAME.items()})


def build_synthesis(
    segments: pd.DataFrame,
    themes: Sequence[Mapping],
    *,
    ateliers: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    territories: pd.DataFrame | None = None,
    feedback: pd.DataFrame | None = None,
    embeddings: np.ndarray | None = None,
    previous: Sequence[Mapping] | None = None,
    title: str = "Synthèse des ateliers de dialogue territorial",
    recurring_min_ateliers: int = 2,
    n_quotes: int = 3,
    n_levers: int = 3,
    min_similarity: float = default("synthesis_lever_min_similarity"),
    min_share: float = default("synthesis_min_share"),
    feedback_themes: Mapping[str, QuestionThemes] | None = None,
    feedback_link_min_beats: float = default("feedback_link_min_beats"),
    nlp=None,
) -> Synthesis:
    """The synthesis of one run: the démarche, each territory, each event, and the loop.

    `embeddings` are aligned with the rows of `segments` as given; without them there are no
    pistes (levers answering difficulties) and no map. `feedback_themes` (question -> themes of
    its answers, `corpus.synthesis.feedback.fit_feedback`, in the embedding space of
    `embeddings`) replace the shared words of the open answers; with `embeddings`, each is
    linked to the note theme it speaks of (`feedback_link_min_beats`: see
    `corpus.synthesis.feedback.link_feedback`; `nlp` tells the adjectives that do not make a
    shared subject).
    """
    frame = prepare_segments(segments)
    at = _table(ateliers, ["event_id", "atelier_id", "territory_id", "problematique", "methode",
                           "organisations", "participants"])
    ev = _table(events, ["event_id", "territory_id", "name", "date", "place", "participants",
                         "organisations"])
    fb = _table(feedback, ["feedback_id", "event_id", "territory_id", "organisation",
                           "atelier_id", "ratings", "answers"])
    names = {} if territories is None else dict(
        zip(territories["territory_id"], territories["name"], strict=True))
    emb = None if embeddings is None else np.asarray(embeddings, dtype=np.float64)
    if emb is not None and len(emb) != len(frame):
        raise ValueError(f"{len(emb)} vecteurs pour {len(frame)} segments : les embeddings "
                         "doivent suivre les lignes de `segments`.")
    # a déroulé line says how its atelier ran: shown there, never counted, quoted or themed
    aside = frame[frame["kind"] == "deroule"]
    frame = frame[frame["kind"] != "deroule"].reset_index(drop=True)
    lev = frame[(frame["orientation"] == LEV) & frame["theme_id"].notna()]
    lever_ids = sorted(set(lev["theme_id"]))
    centroids = None
    if emb is not None and lever_ids:
        rows_of = {t: rows.to_numpy() for t, rows in lev.groupby("theme_id", sort=True)["row"]}
        centroids = np.stack([mean_direction(emb[rows_of[t]]) for t in lever_ids])
    ctx = Context(frame, {str(t["theme_id"]): t for t in themes}, names, emb, lever_ids,
                   centroids, recurring_min_ateliers, n_quotes, n_levers, min_similarity, min_share,
                   feedback_themes, {k: ran_as(rows["text"].tolist())
                                     for k, rows in aside.groupby("key", sort=True)})
    if feedback_themes and emb is not None:
        themed = frame[frame["theme_id"].notna()]
        note_centroids = {t: mean_direction(emb[rows["row"].to_numpy()])
                          for t, rows in themed.groupby("theme_id", sort=True)}
        ctx.feedback_themes = link_feedback(
            feedback_themes, note_centroids, {t: ctx.label(t) for t in note_centroids},
            min_beats=feedback_link_min_beats,
            note_words={t: [ctx.label(t), *ctx.meta.get(t, {}).get("terms", [])]
                        for t in note_centroids}, nlp=nlp)
    summaries = _theme_summaries(ctx, at)

    parts = {col: dict(tuple(frame.groupby(col, sort=False))) for col in ("event", "territory")}

    def scope(kind: str, key: str, heading: str, col: str | None = None) -> ScopeSynthesis:
        if col is None:
            return _scope(kind, key, heading, frame, ev, at, fb, ctx)
        tables = [t[t[f"{col}_id"] == key] for t in (ev, at, fb)]
        return _scope(kind, key, heading, parts[col].get(key, frame.iloc[:0]), *tables, ctx)

    terr_ids = sorted(set(frame["territory"]) | set(ev["territory_id"]))
    event_ids = sorted(set(frame["event"]) | set(ev["event_id"]))
    ev_names = {r["event_id"]: r for _, r in ev.iterrows()}
    per_event = []
    for eid in event_ids:
        row = ev_names.get(eid, {})
        terr = row.get("territory_id") if len(row) else frame.loc[
            frame["event"] == eid, "territory"].iloc[0]
        when = french_date(row.get("date")) if len(row) else ""
        heading = f"{row.get('name') or eid} — {names.get(terr, terr)}"
        per_event.append(scope("evenement", eid, heading + (f" ({when})" if when else ""),
                               "event"))
        per_event[-1].territory_id = terr
    per_territory = [scope("territoire", t, f"Territoire : {names.get(t, t)}", "territory")
                     for t in terr_ids]
    for terr_scope in per_territory:
        terr_scope.territory_id = terr_scope.key
    return Synthesis(
        title,
        scope("demarche", "demarche", "Ensemble de la démarche"),
        per_territory,
        per_event,
        summaries,
        None if previous is None else loop_status(summaries, previous),
        map_points(frame, emb),
        {t: names.get(t, t) for t in terr_ids},
        map_total=len(frame) if emb is not None and len(frame) >= 3 else 0,
    )
