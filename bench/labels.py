"""Benchmark theme headings as queries: does a label find its own theme's segments?

    .venv/bin/corpus run data/sample --out /tmp/themes/out --store /tmp/themes/c.duckdb
    .venv/bin/python bench/labels.py /tmp/themes/out --store /tmp/themes/c.duckdb

Each theme's label is embedded with the themes embedder and every segment of the run ranked by
cosine to it; the label's AUC is the probability that a segment of its theme outranks one of
another theme (`corpus.themes.headings.query_auc`). The baseline is the theme's top c-TF-IDF
term (`terms[0]`), scored the same way. Grands thèmes: the same with their label and segments.
Also printed: each theme's size and how many ateliers it spans.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corpus.themes.headings import query_auc  # noqa: E402
from corpus.vectors import unit  # noqa: E402


def label_aucs(themes: Sequence[dict], theme_of: np.ndarray, x: np.ndarray,
               encode: Callable[[list[str]], np.ndarray]) -> pd.DataFrame:
    """Per theme: label, top term, and their AUC as queries over the segments `x` (one row
    each, `theme_of` their theme id; None: outside any theme, counted among the others)."""
    if not themes:
        return pd.DataFrame(columns=["theme_id", "label", "terme", "AUC libellé", "AUC terme"])
    labels = [t["label"] for t in themes]
    top = [(t["terms"] or [t["label"]])[0] for t in themes]
    texts = sorted(set(labels) | set(top))
    vec = dict(zip(texts, unit(np.asarray(encode(texts), dtype=np.float64)), strict=True))
    seg = unit(np.asarray(x, dtype=np.float64))
    rows = []
    for t, label, term in zip(themes, labels, top, strict=True):
        member = np.asarray([v == t["theme_id"] for v in theme_of])
        auc = query_auc(seg @ np.vstack([vec[label], vec[term]]).T, member)
        rows.append({"theme_id": t["theme_id"], "label": label, "terme": term,
                     "AUC libellé": float(auc[0]), "AUC terme": float(auc[1])})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    from corpus.config import Settings
    from corpus.embed import embed_cached, load_embedder
    from corpus.store import Store

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the output folder of `corpus run`")
    parser.add_argument("--store", required=True, help="its store (embeddings are cached there)")
    args = parser.parse_args(argv)
    segs = pd.read_parquet(args.out / "segments.parquet").sort_values("segment_id")
    themes = json.loads((args.out / "themes.json").read_text(encoding="utf-8"))
    embedder = load_embedder(Settings().embedder_themes)
    x = embed_cached(embedder, segs["text"].astype(str).tolist(), Store(args.store))
    table = label_aucs(themes, segs["theme_id"].to_numpy(), x, embedder.encode)
    info = pd.DataFrame([{"theme_id": t["theme_id"], "taille": t["size"],
                          "ateliers": t["n_ateliers"], "grand thème": t["group_label"]}
                         for t in themes])
    table = table.merge(info, on="theme_id")
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    gain = table["AUC libellé"].mean() - table["AUC terme"].mean()
    print(f"\n{len(themes)} thèmes, {segs['atelier'].nunique()} ateliers ; AUC moyenne : "
          f"libellé {table['AUC libellé'].mean():.3f}, terme c-TF-IDF "
          f"{table['AUC terme'].mean():.3f} (écart {gain:+.3f}, cible ≥ +0,05)")
    groups = sorted({(t["group_id"], t["group_label"]) for t in themes})
    if groups:
        gx = label_aucs([{"theme_id": g, "label": lab, "terms": [lab]} for g, lab in groups],
                        segs["group_id"].to_numpy(), x, embedder.encode)
        print("grands thèmes : " + " ; ".join(f"{r['label']} (AUC {r['AUC libellé']:.3f})"
                                             for _, r in gx.iterrows()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
