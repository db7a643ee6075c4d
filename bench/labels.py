"""Benchmark theme headings as queries: does a label find its own theme's segments?

    .venv/bin/corpus run data/sample --out /tmp/headings/out --store /tmp/headings/c.duckdb
    .venv/bin/python bench/labels.py /tmp/headings/out --store /tmp/headings/c.duckdb

Each theme's label is embedded with the themes embedder and the segments the themes stage
grouped (`kind` contenu, places masked as the stage masks them: the same vectors, read from the
store's cache) are ranked by cosine to it; the label's AUC is the probability that a segment of
its theme outranks any other one (`corpus.themes.headings.query_auc`). The baseline is the
theme's top c-TF-IDF term (`terms[0]`), scored the same way. Grands thèmes: the same with their
label and their segments, against their themes' most frequent top term.

    .venv/bin/python bench/labels.py --reunions 300 [--skip 300] [--seed 42]

`--reunions N`: N units (by id, after the first `--skip`) of the labelled rows of
`../shared/data/granddebat_reunions/units.csv`,
segmented as in `bench/themes.py`, themes fitted twice on the same vectors (headings as
queries; the former labels, the phrase that best covers the key terms), both scored the same
way against the top term. Data the sample's settings were never read on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corpus.themes.headings import query_auc  # noqa: E402
from corpus.vectors import unit  # noqa: E402


def label_aucs(items: Sequence[dict], member_of: np.ndarray, x: np.ndarray,
               encode: Callable[[list[str]], np.ndarray]) -> pd.DataFrame:
    """Per item (`id`, `label`, `term`): the AUC of its label and of its term as queries over
    the segments `x` (one row each, `member_of` the item id of each; None: outside any)."""
    columns = ["id", "label", "terme", "AUC libellé", "AUC terme"]
    if not items:
        return pd.DataFrame(columns=columns)
    texts = sorted({i["label"] for i in items} | {i["term"] for i in items})
    vec = dict(zip(texts, unit(np.asarray(encode(texts), dtype=np.float64)), strict=True))
    seg = unit(np.asarray(x, dtype=np.float64))
    rows = []
    for item in items:
        member = np.asarray([v == item["id"] for v in member_of])
        auc = query_auc(seg @ np.vstack([vec[item["label"]], vec[item["term"]]]).T, member)
        rows.append(dict(zip(columns, [item["id"], item["label"], item["term"],
                                       float(auc[0]), float(auc[1])], strict=True)))
    return pd.DataFrame(rows)


def _summary(table: pd.DataFrame) -> str:
    label, term = table["AUC libellé"].mean(), table["AUC terme"].mean()
    return f"libellé {label:.3f}, terme c-TF-IDF {term:.3f} (écart {label - term:+.3f})"


def _grands_themes(themes: Sequence[dict], group_of: np.ndarray, x: np.ndarray,
                   encode: Callable[[list[str]], np.ndarray]) -> None:
    """Prints each grand thème's heading AUC against its themes' most frequent top term."""
    groups: dict[str, dict] = {}
    for t in themes:
        g = groups.setdefault(t["group_id"], {"id": t["group_id"], "label": t["group_label"],
                                              "tops": Counter(), "themes": 0})
        g["themes"] += 1
        if t["terms"]:
            g["tops"][t["terms"][0]] += t["size"]
    items = [{"id": g["id"], "label": g["label"],
              "term": min(g["tops"], key=lambda w: (-g["tops"][w], w)) if g["tops"] else g["label"]}
             for g in sorted(groups.values(), key=lambda g: g["id"])]
    if not items:
        return
    gx = label_aucs(items, group_of, x, encode)
    gx["thèmes"] = [groups[i]["themes"] for i in gx["id"]]
    with pd.option_context("display.width", 220, "display.max_colwidth", 70):
        print("\ngrands thèmes :")
        print(gx.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"AUC moyenne des grands thèmes : {_summary(gx)}")


def reunions(limit: int, seed: int, skip: int = 0) -> int:
    """Themes of `limit` meeting-report units (by id, after the first `skip`) fitted twice on
    the same vectors, headings as queries and the former labels; both against the top term."""
    import importlib.util
    import tempfile

    from corpus.config import Settings
    from corpus.embed import embed_cached, load_embedder
    from corpus.store import Store
    from corpus.text.french import load_nlp
    from corpus.themes import fit_themes

    spec = importlib.util.spec_from_file_location("bench_themes", ROOT / "bench" / "themes.py")
    bench_themes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_themes)
    units = pd.read_csv(bench_themes.DATA, dtype=str, keep_default_na=False)
    units = units[units["label"].str.strip() != ""].sort_values("id").iloc[skip:skip + limit]
    frame = bench_themes.cached_segments(units, f"units-from-{skip}" if skip else "units")
    embedder = load_embedder(Settings().embedder_themes)
    store = Store(Path(tempfile.gettempdir()) / "corpus-bench-labels.duckdb")
    x = embed_cached(embedder, frame["text"].astype(str).tolist(), store)
    nlp = load_nlp(Settings().spacy_model)
    order = np.argsort(frame["segment_id"].astype(str).to_numpy(), kind="stable")
    seg_x = np.asarray(x)[order]
    ids = frame["segment_id"].astype(str).to_numpy()[order]
    for name, used in (("titres-requêtes", embedder), ("ancien libellé", None)):
        result = fit_themes(frame, x, seed=seed, settings=Settings(seed=seed), nlp=nlp,
                            embedder=used)
        of = result.assignments.set_index("segment_id")["theme_id"].reindex(ids).to_numpy()
        items = [{"id": t["theme_id"], "label": t["label"],
                  "term": (t["terms"] or [t["label"]])[0]} for t in result.themes]
        table = label_aucs(items, of, seg_x, embedder.encode)
        print(f"{name} : {len(units)} comptes rendus, {len(ids)} segments, "
              f"{len(items)} thèmes ; AUC moyenne : {_summary(table)}")
        print("  " + " ; ".join(table["label"].head(12)))
        group_of = result.assignments.set_index("segment_id")["group_id"].reindex(ids)
        _grands_themes(result.themes, group_of.to_numpy(), seg_x, embedder.encode)
    return 0


def main(argv: list[str] | None = None) -> int:
    from corpus.config import Settings
    from corpus.embed import embed_cached, load_embedder
    from corpus.pipeline.analysis import topic_texts
    from corpus.store import Store

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", help="the output folder of `corpus run`")
    parser.add_argument("--store", help="its store (embeddings are cached there)")
    parser.add_argument("--reunions", type=int, default=0,
                        help="instead: the first N meeting-report units of the shared data")
    parser.add_argument("--skip", type=int, default=0,
                        help="with --reunions: start after this many units")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.reunions:
        return reunions(args.reunions, args.seed, args.skip)
    if args.out is None or not args.store:
        parser.error("indiquez le dossier de sortie et --store, ou --reunions N")
    settings = Settings()
    segs = pd.read_parquet(args.out / "segments.parquet")
    if "kind" in segs.columns:
        segs = segs[segs["kind"] != "deroule"]
    segs = segs.sort_values("segment_id").reset_index(drop=True)
    themes = json.loads((args.out / "themes.json").read_text(encoding="utf-8"))
    store = Store(args.store)
    embedder = load_embedder(settings.embedder_themes)
    texts, _ = topic_texts(store, segs, settings)
    x = embed_cached(embedder, texts, store)
    items = [{"id": t["theme_id"], "label": t["label"], "term": (t["terms"] or [t["label"]])[0]}
             for t in themes]
    table = label_aucs(items, segs["theme_id"].to_numpy(), x, embedder.encode)
    info = pd.DataFrame([{"id": t["theme_id"], "taille": t["size"],
                          "ateliers": t["n_ateliers"], "grand thème": t["group_label"]}
                         for t in themes])
    table = table.merge(info, on="id") if len(table) else table
    with pd.option_context("display.width", 220, "display.max_colwidth", 60):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\n{len(themes)} thèmes sur {len(segs)} segments ; AUC moyenne : {_summary(table)}, "
          "cible ≥ +0,05")
    _grands_themes(themes, segs["group_id"].to_numpy(), x, embedder.encode)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
