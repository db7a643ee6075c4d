"""The orientation cascade on real data (`python bench/orient.py --cascade`; see its text).

The lexical model orients every segment; the embedder + lexical model re-orients those the
lexical model decided with a probability under a threshold (`corpus.orient.orient_cascade`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from orient import Corpus, _scores

from corpus.orient import OrientationModel, document_orientation, orient_segments
from corpus.orient.model import LABEL_ORDER

CASCADE_GRID = (0.0, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)
CASCADE_TOLERANCE = 0.002


def cascade_folds(corpus: Corpus, embedder: str, vectors: dict, cache: Path) -> dict:
    """Per held-out région: the lexical and the `embedder` + lexical models' segment and unit
    frames (both trained on the other régions, as `ours`), cached in `cache`."""
    import hashlib

    # Keyed by the segments it was computed on: another segmentation must not read it back.
    digest = hashlib.sha256(pd.util.hash_pandas_object(
        corpus.segments[["text"]], index=False).to_numpy().tobytes()).hexdigest()[:12]
    path = cache / f"cascade-{embedder}-{digest}.pkl"
    if path.exists():
        return pd.read_pickle(path)
    out = {}
    for region in corpus.regions:
        started = time.perf_counter()
        train = [r for r in corpus.regions if r != region]
        seg = (corpus.segments["region"] == region).to_numpy()
        te = (corpus.units["region"] == region).to_numpy()
        frame = corpus.segments[seg][["text", "section_hint"]]
        whole = corpus.units[te][["id", "text"]]
        found = {}
        for name, emb_name, vec in (("lexical", None, None), ("e5", embedder, vectors)):
            texts, labels, emb, weights = corpus.training_set(train, vec)
            model = OrientationModel(embedder=emb_name).fit(texts, labels, emb,
                                                            sample_weight=weights)
            found[name] = (
                orient_segments(frame, None if vec is None else vec["segments"][seg], model),
                orient_segments(whole, None if vec is None else vec["units"][te], model),
            )
        # a heading's orientation (as `orient_segments` reads it) is no model's decision
        decided = ~frame["section_hint"].astype(str).isin(LABEL_ORDER).to_numpy()
        out[region] = {"found": found, "decided": decided, "unit_ids": whole["id"]}
        print(f"cascade : {region} en {time.perf_counter() - started:.0f} s", file=sys.stderr)
    pd.to_pickle(out, path)
    return out


def _cascaded(lexical: pd.DataFrame, e5: pd.DataFrame, decided: np.ndarray,
              below: float) -> tuple[pd.DataFrame, np.ndarray]:
    """The cascade's frame: e5's rows where the lexical model decided with a score < `below`
    (every decided row when `below` >= 1), and which rows went to e5."""
    unsure = decided & ((lexical["orientation_score"].to_numpy() < below) | (below >= 1.0))
    frame = lexical.copy()
    frame.loc[unsure] = e5.loc[unsure].to_numpy()
    return frame, unsure


def cascade_grid(corpus: Corpus, folds: dict, grid=CASCADE_GRID) -> list[dict]:
    """Macro-F1 per document and share of segments sent to e5 for each threshold, on the tune
    half (first 4 régions by name), the report half (last 4) and all 8."""
    halves = {"réglage": corpus.regions[:4], "rapport": corpus.regions[4:],
              "toutes": corpus.regions}
    rows = []
    for below in grid:
        segs, units, sent = [], [], {}
        for region, one in folds.items():
            (lex_seg, lex_unit), (e5_seg, e5_unit) = one["found"]["lexical"], one["found"]["e5"]
            seg_frame, unsure = _cascaded(lex_seg, e5_seg, one["decided"], below)
            unit_frame, _ = _cascaded(lex_unit, e5_unit, np.ones(len(lex_unit), bool), below)
            segs.append(seg_frame)
            ids = one["unit_ids"]
            units.append(ids.map(document_orientation(unit_frame.assign(doc_id=ids.to_numpy()))))
            sent[region] = (int(unsure.sum()), len(unsure))
        doc_pred = document_orientation(corpus.segments[["doc_id"]].join(pd.concat(segs)))
        unit_pred = pd.concat(units).reindex(corpus.units.index)
        row = {"seuil": below}
        for half, regions in halves.items():
            mask = corpus.units["region"].isin(regions).to_numpy()
            row[f"f1_{half}"] = _scores(corpus.units[mask], doc_pred, unit_pred[mask])["document"]
            row[f"e5_{half}"] = round(sum(sent[r][0] for r in regions)
                                      / sum(sent[r][1] for r in regions), 4)
        rows.append(row)
    return rows


def choose_threshold(rows: list[dict], tolerance: float = CASCADE_TOLERANCE) -> dict:
    """The rule: the smallest tune-half share of e5 whose tune-half F1 is within `tolerance`
    of e5 + lexical's (threshold 1) tune-half F1."""
    target = next(r for r in rows if r["seuil"] >= 1.0)["f1_réglage"] - tolerance
    return min((r for r in rows if r["f1_réglage"] >= target),
               key=lambda r: (r["e5_réglage"], r["seuil"]))


def cascade_report(corpus: Corpus, embedder: str, vectors: dict, cache: Path, *,
                   as_json: bool = False) -> None:
    """Print the grid and the threshold the rule chooses."""
    rows = cascade_grid(corpus, cascade_folds(corpus, embedder, vectors, cache))
    chosen = choose_threshold(rows)
    if as_json:
        print(json.dumps({"grid": rows, "chosen": chosen}, ensure_ascii=False, indent=2))
        return
    print("seuil   F1 réglage  e5   F1 rapport  e5   F1 toutes  e5")
    for r in rows:
        print(f"{r['seuil']:5.2f}   {r['f1_réglage']:.4f} {r['e5_réglage']:6.1%}   "
              f"{r['f1_rapport']:.4f} {r['e5_rapport']:6.1%}   "
              f"{r['f1_toutes']:.4f} {r['e5_toutes']:6.1%}")
    print(f"seuil choisi (part de {embedder} la plus petite dont le F1 de réglage est à "
          f"{CASCADE_TOLERANCE} près de celui de {embedder} partout) : {chosen['seuil']}")
