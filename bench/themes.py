"""Benchmark the themes stage on the Grand Débat meeting reports (real French texts).

    .venv/bin/python bench/themes.py [--limit N] [--embedders use-multilingual,e5-small,concat]

Rows of `../shared/data/granddebat_reunions/units.csv` with a meeting theme (`label`, 4 values,
about 948 rows) are segmented as `corpus run` would, embedded (cached in a DuckDB store under
/tmp), and grouped by:
- ours: `corpus.themes.fit_themes` (number of themes chosen by the data);
- BERTopic defaults, as a user would run it: `BERTopic().fit_transform(segments, embeddings)`
  on the same segments and embeddings (default UMAP and HDBSCAN, outliers left as they are);
- TF-IDF + k-means on the documents' lemmas, told the true number of themes.
Scores are at document level (a document's theme is the dominant theme of its segments):
NMI, ARI, outlier fraction, number of themes, wall time of the theme stage and its ratio to
BERTopic defaults. With `orient.py` present, orientation macro-F1 against `kind`.
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
from corpus.store import Store, segments_frame  # noqa: E402
from corpus.themes import document_themes, fit_themes  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "granddebat_reunions" / "units.csv"
CACHE = Path(tempfile.gettempdir()) / "corpus-bench-themes"


def load_segments(limit: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labelled units and their segments (segmentation cached as Parquet under /tmp)."""
    from corpus.ingest import read_table
    from corpus.segment import segment_notes

    units = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    units = units[units["label"].str.strip() != ""].sort_values("id")
    if limit:
        units = units.iloc[:limit]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"segments-{len(units)}.parquet"
    if cached.exists():
        return units, pd.read_parquet(cached)
    table = CACHE / f"units-{len(units)}.csv"
    units[["id", "text"]].to_csv(table, index=False)
    notes = read_table(table, text="text", id="id").notes  # the pipeline never sees labels
    frame = segments_frame(segment_notes(notes))
    frame.to_parquet(cached)
    return units, frame


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

    from corpus.theme_labels import stop_words

    docs = frame.groupby("doc_id", sort=True)["lemmas"].agg(" ".join)
    tfidf = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                            stop_words=list(stop_words()), min_df=2, sublinear_tf=True)
    labels = KMeans(k, n_init=10, random_state=seed).fit_predict(tfidf.fit_transform(docs))
    return pd.Series([f"K{c}" for c in labels], index=docs.index)


def orientation_f1(frame: pd.DataFrame, units: pd.DataFrame, store: Store) -> float | None:
    try:
        from corpus import orient
    except ImportError:
        return None
    settings = Settings()
    x = vectors_for(settings.embedder_orient, frame["text"].tolist(), store)
    try:
        model = orient.load_default_model(settings.embedder_orient)
    except (OSError, ValueError) as exc:
        print(f"orientation : modèle indisponible ({exc})")
        return None
    found = orient.orient_segments(frame, x, model)
    frame = frame.assign(**found[["orientation", "orientation_score"]])
    predicted = orient.document_orientation(frame)
    truth = units.set_index("id")["kind"].map(
        {"difficulte_constat": "difficulte", "levier_proposition": "levier"})
    truth = truth.reindex(predicted.index)
    return float(f1_score(truth, predicted, labels=["difficulte", "levier"], average="macro"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N labelled rows only")
    parser.add_argument("--embedders", default="use-multilingual")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--store", default=str(CACHE / "bench.duckdb"))
    parser.add_argument("--no-orientation", action="store_true")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    import bertopic  # noqa: F401  (imported once, outside the timings)
    from umap import UMAP

    # UMAP compiles with numba on its first call (10-40 s): not part of either method's time.
    UMAP(n_components=2, n_neighbors=5).fit_transform(np.random.default_rng(0).random((60, 8)))

    units, frame = load_segments(args.limit)
    truth = units.set_index("id")["label"]
    store = Store(args.store)
    print(f"{len(units)} documents, {len(frame)} segments, {truth.nunique()} thèmes de réunion")
    rows = []
    for name in args.embedders.split(","):
        x = vectors_for(name, frame["text"].tolist(), store)
        t = time.perf_counter()
        base, base_k = bertopic_defaults(frame, x, args.seed)
        base_s = time.perf_counter() - t
        t = time.perf_counter()
        mine, k = ours(frame, x, args.seed)
        mine_s = time.perf_counter() - t
        for method, assignments, n, secs in (("corpus", mine, k, mine_s),
                                             ("BERTopic défauts", base, base_k, base_s)):
            s = score(truth, document_themes(assignments, frame))
            rows.append({"méthode": method, "embedder": name, "thèmes": n,
                         "NMI": s["nmi"], "ARI": s["ari"],
                         "hors thème (segments)": float(assignments["theme_id"].isna().mean()),
                         "secondes": secs, "ratio / BERTopic": secs / base_s})
    t = time.perf_counter()
    s = score(truth, tfidf_kmeans(frame, truth.nunique(), args.seed))
    rows.append({"méthode": f"TF-IDF + k-means (k={truth.nunique()} donné)", "embedder": "-",
                 "thèmes": truth.nunique(), "NMI": s["nmi"], "ARI": s["ari"],
                 "hors thème (segments)": 0.0, "secondes": time.perf_counter() - t,
                 "ratio / BERTopic": float("nan")})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if not args.no_orientation:
        f1 = orientation_f1(frame, units, store)
        if f1 is not None:
            print(f"orientation (documents, contre `kind`) : macro-F1 = {f1:.3f} avec le modèle "
                  "livré, entraîné sur toutes ces régions : chiffre non tenu à l'écart ; le "
                  "chiffre régions tenues à l'écart est celui de bench/orient.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
