"""Benchmark the themes stage on the Grand Débat meeting reports (real French texts).

    .venv/bin/python bench/themes.py                  # seed 42, all régions, held-out orientation
    .venv/bin/python bench/themes.py --seeds 42,1,7,123,5,99 --by-region-half --orientation none
    .venv/bin/python bench/themes.py --embedders use-multilingual,e5-small,concat --limit 300

Rows of `../shared/data/granddebat_reunions/units.csv` with a meeting theme (`label`, 4 values,
about 948 rows) are segmented as `corpus run` would, embedded (cached in a DuckDB store under
/tmp), and grouped by:
- ours: `corpus.themes.fit_themes` (number of themes chosen by the data);
- BERTopic defaults, as a user would run it: `BERTopic().fit_transform(segments, embeddings)`
  on the same segments and embeddings (default UMAP and HDBSCAN, outliers left as they are);
- TF-IDF + k-means on the documents' lemmas, told the true number of themes;
- for reference, a supervised ceiling: logistic regression on the documents' mean embeddings,
  trained on the meeting labels (5-fold cross-validation). The labels are weak (a meeting
  ticks one national theme but talks of several): no unsupervised grouping should be expected
  far above this line.
Our grands thèmes (themes grouped a level above) are scored the same way (`group_nmi`, target
0.42 against the 4 declared meeting themes).
Scores are at document level (a document's theme is the dominant theme of its segments):
NMI, ARI, outlier fraction, number of themes, wall time of the theme stage and its ratio to
BERTopic defaults. `--seeds` gives one row per seed and their spread; `--by-region-half`
scores each half of the régions on its own as well (a smaller corpus from other places).
`--scale 100000` only times our themes stage on that many segments (the real ones repeated with
a little noise on their vectors), with the process's peak memory.

Orientation (`--orientation held-out`, the default): the shipped model's recipe, trained on 7
régions and scored on the 8th, for each région (`bench/orient.py`; about 20 minutes on 2 cores,
embeddings cached under `--orient-cache`). `in-sample` scores the shipped model itself, which
was trained on every région: a quick check, not a held-out figure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, f1_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corpus.config import Settings  # noqa: E402
from corpus.embed import embed_cached, load_embedder  # noqa: E402
from corpus.store import Store  # noqa: E402
from corpus.themes import document_themes, fit_themes  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "granddebat_reunions" / "units.csv"
CACHE = Path(tempfile.gettempdir()) / "corpus-bench-themes"


def reading_code() -> str:
    """A digest of the code that cuts and reads texts (`corpus.text`, `corpus.lang`, ingest):
    a cache made by other code is not read back."""
    import hashlib

    src = ROOT / "src" / "corpus"
    digest = hashlib.sha256()
    for path in sorted([*src.glob("text/*.py"), *src.glob("lang/*.py"), *src.glob("ingest/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def cached_segments(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    """The segments of a table's `id`, `text` rows, cut and protected as `corpus run` would
    (the pipeline never sees the labels); cached as Parquet under /tmp, keyed by `name`."""
    from corpus.ingest import TableOptions
    from corpus.pipeline import table_segments

    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"segments-{name}-{len(rows)}-{reading_code()}.parquet"
    if cached.exists():
        return pd.read_parquet(cached)
    table = CACHE / f"{name}-{len(rows)}.csv"
    rows[["id", "text"]].to_csv(table, index=False)
    frame = table_segments(table, TableOptions(text="text", id="id"), Settings())
    frame.to_parquet(cached)
    return frame


def load_segments(limit: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labelled units and their segments."""
    units = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    units = units[units["label"].str.strip() != ""].sort_values("id")
    if limit:
        units = units.iloc[:limit]
    return units, cached_segments(units, "units")


def vectors_for(name: str, texts: list[str], store: Store) -> np.ndarray:
    if name == "concat":
        parts = [vectors_for(n, texts, store) for n in ("use-multilingual", "e5-small")]
        return (np.hstack(parts) / np.sqrt(2)).astype(np.float32)
    return embed_cached(load_embedder(name), texts, store)


def score(truth: pd.Series, doc_theme: pd.Series) -> dict:
    found = doc_theme.reindex(truth.index).fillna("__hors_theme__").astype(str)
    return {
        "nmi": normalized_mutual_info_score(truth, found),
        "ari": adjusted_rand_score(truth, found),
        "doc_outliers": float((found == "__hors_theme__").mean()),
    }


def ours(frame: pd.DataFrame, x: np.ndarray, seed: int) -> tuple[pd.DataFrame, int]:
    result = fit_themes(frame, x, seed=seed, settings=Settings(seed=seed))
    return result.assignments, len(result.themes)


def bertopic_defaults(frame: pd.DataFrame, x: np.ndarray, seed: int) -> tuple[pd.DataFrame, int]:
    from bertopic import BERTopic

    topics, _ = BERTopic().fit_transform(frame["text"].tolist(), embeddings=x)
    ids = [None if t < 0 else f"B{t:03d}" for t in topics]
    assignments = pd.DataFrame({"segment_id": frame["segment_id"], "theme_id": ids})
    return assignments, len({t for t in topics if t >= 0})


def tfidf_kmeans(frame: pd.DataFrame, k: int, seed: int) -> pd.Series:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from corpus.text.french import stop_words

    docs = frame.groupby("doc_id", sort=True)["lemmas"].agg(" ".join)
    tfidf = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                            stop_words=list(stop_words()), min_df=2, sublinear_tf=True)
    labels = KMeans(k, n_init=10, random_state=seed).fit_predict(tfidf.fit_transform(docs))
    return pd.Series([f"K{c}" for c in labels], index=docs.index)


def supervised_ceiling(frame: pd.DataFrame, x: np.ndarray, truth: pd.Series, seed: int) -> dict:
    """A reference, not a method: logistic regression on each document's mean embedding,
    trained on the labels themselves (5-fold cross-validation). How far the meeting labels,
    which are weak, can be recovered from these vectors at all."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    doc = frame["doc_id"].astype(str).to_numpy()
    means = pd.DataFrame(x.astype(np.float64)).groupby(doc, sort=True).mean()
    y = np.asarray(truth.reindex(means.index), dtype=object)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    found = cross_val_predict(LogisticRegression(max_iter=3000), means.to_numpy(), y, cv=folds)
    return {"nmi": normalized_mutual_info_score(y, found), "ari": adjusted_rand_score(y, found)}


def scale_check(frame: pd.DataFrame, x: np.ndarray, n: int, seed: int) -> dict:
    """`fit_themes` on `n` segments: the real ones repeated, each copy's vectors moved by a
    little noise, as a stand-in for a large démarche (time and memory, not quality)."""
    import resource

    rng = np.random.default_rng(seed)
    copies = -(-n // len(frame))
    parts, vectors = [], []
    for c in range(copies):
        parts.append(frame.assign(segment_id=frame["segment_id"] + f"~{c}",
                                  doc_id=frame["doc_id"] + f"~{c}"))
        moved = x + rng.normal(scale=0.02, size=x.shape)
        vectors.append(moved / np.linalg.norm(moved, axis=1, keepdims=True))
    big = pd.concat(parts, ignore_index=True).iloc[:n]
    xb = np.vstack(vectors)[:n].astype(np.float32)
    t = time.perf_counter()
    result = fit_themes(big, xb, seed=seed, settings=Settings(seed=seed))
    return {"segments": n, "thèmes": len(result.themes),
            "hors thème": float(result.assignments["theme_id"].isna().mean()),
            "secondes": time.perf_counter() - t,
            "pic mémoire du processus (Mio)":
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def orientation_in_sample(frame: pd.DataFrame, units: pd.DataFrame, store: Store) -> float:
    """Macro-F1 of the shipped model on these documents (it was trained on them)."""
    from corpus import orient

    settings = Settings()
    x = vectors_for(settings.embedder_orient, frame["text"].tolist(), store)
    model = orient.load_default_model(settings.embedder_orient)
    found = orient.orient_segments(frame, x, model)
    frame = frame.assign(**found[["orientation", "orientation_score"]])
    predicted = orient.document_orientation(frame)
    truth = units.set_index("id")["kind"].map(
        {"difficulte_constat": "difficulte", "levier_proposition": "levier"})
    truth = truth.reindex(predicted.index)
    return float(f1_score(truth, predicted, labels=["difficulte", "levier"], average="macro"))


def orientation_held_out(cache: Path, seed: int) -> dict:
    """The shipped model's recipe, each région predicted by a model trained on the 7 others
    (`bench/orient.py`, all 2,645 units, not only those with a meeting theme)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import orient as orient_bench

    corpus = orient_bench.Corpus(orient_bench.DATA, cache, seed)
    name = Settings().embedder_orient
    method = orient_bench.ours(corpus, name, corpus.vectors(name), hints=True)
    return {**orient_bench.held_out(corpus, method, f"OrientationModel {name}"),
            "units": len(corpus.units)}


def region_groups(units: pd.DataFrame, by_half: bool) -> dict[str, set[str]]:
    """All documents, and with `by_half` each half of the régions (alternate, sorted)."""
    groups = {"toutes": set(units["id"])}
    if by_half:
        regions = sorted(units["region"].unique())
        for half in (regions[::2], regions[1::2]):
            name = ", ".join(half)
            groups[name] = set(units.loc[units["region"].isin(half), "id"])
    return groups


def warm_up() -> None:
    """Imports and numba compilations, outside every timing: UMAP compiles its exact and
    approximate (from 4,096 rows) neighbours on first use, once seeded (ours) and once not
    (BERTopic's defaults), about 30 to 50 s in all."""
    warnings.filterwarnings("ignore")
    import bertopic  # noqa: F401
    from umap import UMAP

    for rows in (60, 5000):
        for seeded in ({}, {"random_state": 0, "n_jobs": 1}):
            UMAP(n_components=2, n_neighbors=5, **seeded).fit_transform(
                np.random.default_rng(0).random((rows, 8)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N labelled rows only")
    parser.add_argument("--embedders", default="use-multilingual")
    parser.add_argument("--seeds", default="42",
                        help="comma-separated seeds: one row per seed, then their spread")
    parser.add_argument("--by-region-half", action="store_true",
                        help="also score each half of the régions on its own")
    parser.add_argument("--store", default=str(CACHE / "bench.duckdb"))
    parser.add_argument("--orientation", choices=("held-out", "in-sample", "none"),
                        default="held-out",
                        help="held-out: train on 7 régions, score the 8th (about 20 min)")
    parser.add_argument("--orient-cache", type=Path, default=Path("/tmp/corpus-bench-orient"))
    parser.add_argument("--scale", type=int, default=0,
                        help="only time our themes on N segments (real ones repeated)")
    args = parser.parse_args(argv)
    warm_up()

    units, frame = load_segments(args.limit)
    truth = units.set_index("id")["label"]
    store = Store(args.store)
    seeds = [int(v) for v in args.seeds.split(",") if v.strip()]
    if args.scale:
        x = vectors_for(args.embedders.split(",")[0], frame["text"].tolist(), store)
        print(scale_check(frame, x, args.scale, seeds[0]))
        return 0
    print(f"{len(units)} documents, {len(frame)} segments, {truth.nunique()} thèmes de réunion")
    # Each method's first call also pays one-time costs (imports, numba compilations: 13 s
    # instead of 7 s for ours, 25 s instead of 8 s for BERTopic): one untimed call of each.
    names = args.embedders.split(",")
    vectors = {name: vectors_for(name, frame["text"].tolist(), store) for name in names}
    bertopic_defaults(frame, vectors[names[0]], seeds[0])
    ours(frame, vectors[names[0]], seeds[0])
    rows = []
    for group, ids in region_groups(units, args.by_region_half).items():
        mask = frame["doc_id"].isin(ids).to_numpy()
        part = frame[mask].reset_index(drop=True)
        for name in names:
            x = vectors[name][mask]
            for seed in seeds:
                t = time.perf_counter()
                base, base_k = bertopic_defaults(part, x, seed)
                base_s = time.perf_counter() - t
                t = time.perf_counter()
                mine, k = ours(part, x, seed)
                mine_s = time.perf_counter() - t
                grouped = mine.assign(theme_id=mine["group_id"])
                n_groups = int(grouped["theme_id"].dropna().nunique())
                for method, assignments, n, secs in (("corpus", mine, k, mine_s),
                                                     ("corpus, grands thèmes", grouped, n_groups,
                                                      mine_s),
                                                     ("BERTopic défauts", base, base_k, base_s)):
                    s = score(truth[truth.index.isin(ids)], document_themes(assignments, part))
                    rows.append({"régions": group, "méthode": method, "embedder": name,
                                 "graine": seed, "thèmes": n, "NMI": s["nmi"], "ARI": s["ari"],
                                 "hors thème (segments)":
                                     float(assignments["theme_id"].isna().mean()),
                                 "secondes": secs, "ratio / BERTopic": secs / base_s})
            s = supervised_ceiling(part, x, truth, seeds[0])
            rows.append({"régions": group, "méthode": "supervisé, étiquettes vues (plafond)",
                         "embedder": name, "graine": seeds[0], "thèmes": truth.nunique(),
                         "NMI": s["nmi"], "ARI": s["ari"], "hors thème (segments)": 0.0,
                         "secondes": float("nan"), "ratio / BERTopic": float("nan")})
        t = time.perf_counter()
        k_true = truth.reindex(sorted(ids)).nunique()
        s = score(truth[truth.index.isin(ids)], tfidf_kmeans(part, k_true, seeds[0]))
        rows.append({"régions": group, "méthode": f"TF-IDF + k-means (k={k_true} donné)",
                     "embedder": "-", "graine": seeds[0], "thèmes": k_true, "NMI": s["nmi"],
                     "ARI": s["ari"], "hors thème (segments)": 0.0,
                     "secondes": time.perf_counter() - t, "ratio / BERTopic": float("nan")})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.max_colwidth", 48):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if len(seeds) > 1:
            spread = table.groupby(["régions", "méthode", "embedder"], sort=False).agg(
                NMI_moyenne=("NMI", "mean"), NMI_min=("NMI", "min"), NMI_max=("NMI", "max"),
                thèmes_min=("thèmes", "min"), thèmes_max=("thèmes", "max"),
                hors_thème_max=("hors thème (segments)", "max"),
                ratio_moyen=("ratio / BERTopic", "mean"))
            print(f"\nsur {len(seeds)} graines ({args.seeds}) :")
            print(spread.to_string(float_format=lambda v: f"{v:.3f}"))
    if args.orientation == "in-sample":
        f1 = orientation_in_sample(frame, units, store)
        print(f"orientation (documents, contre `kind`) : macro-F1 = {f1:.3f} avec le modèle "
              "livré, entraîné sur toutes ces régions : chiffre non tenu à l'écart")
    elif args.orientation == "held-out":
        r = orientation_held_out(args.orient_cache, seeds[0])
        worst = min(r["per_region_document"].items(), key=lambda kv: kv[1])
        print(f"orientation, régions tenues à l'écart ({r['method']}, {r['units']} textes "
              f"des 8 régions) : macro-F1 documents {r['document']:.4f}, "
              f"texte entier {r['unit']:.4f} ; région la plus faible {worst[0]} {worst[1]:.4f} ; "
              f"{r['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
