"""Orientation on real data: region-held-out macro-F1, per document and per unit, with timings.

Data: the Grand Débat local-meeting reports (`../shared/data/granddebat_reunions`): each row of
`units.csv` is a document (a "constats" box = difficulte, a "propositions" box = levier).
For each of the 8 régions, every method is trained on the 7 others and applied to it; the
out-of-région predictions are pooled into one macro-F1 (difficulte, levier).

- document level: the row is segmented like a note (`segment_notes`), each segment is
  oriented, the document takes the majority of its segments (`document_orientation`);
- unit level: the row's whole text is oriented as one piece.

Methods: majority class; TF-IDF (word 1-2 + char 2-5 grams) + logistic regression and
embeddings + logistic regression, both trained on whole rows; and `OrientationModel` as shipped
(segments of the training rows, the "déroulement" answers of the same reports as `autre`, the
Cep-style examples of `src/corpus/data/orient_examples.csv`), with and without section hints.

    python bench/orient.py                        # e5-small, lexical and baselines
    python bench/orient.py --embedders e5-small,use-multilingual
    python bench/orient.py --save-default         # rebuild src/corpus/data/orient_model-*.npz
    python bench/orient.py --only "e5-small sans"  # one method (8 folds take minutes each)
    python bench/orient.py --corrections 0,50,200  # refit on simulated corrections (lexical)
    python bench/orient.py --cascade              # lexical first, e5 only where it is unsure

`--corrections`: what the groupe de coopération's corrections teach (`corpus orient train
--from-corrections`). The régions are split in two halves: a tuning half (the démarche being
corrected) and a held-out half. The model in use is one that has not seen these reports'
labels (the Cep examples and the "déroulement" answers of the tuning half as `autre`); N of
the tuning half's segments it gets wrong are corrected from their row's label (chosen at
random among its errors, as a group corrects what it sees wrong); the model is refitted as
`--from-corrections` does (`orient.train.corrected_training_set`) and scored on the held-out
half (macro-F1, document and segment). `--sample` rows keep it to a couple of minutes.

`--cascade`: the lexical model orients every segment, the first of --embedders + lexical
only those the lexical model decides with a probability under a threshold
(`Settings.orient_e5_below`; `orient.orient_cascade`). Both models are trained per held-out
région as above (cached in --cache: a second run only recomputes the grid); for each threshold:
document macro-F1 and share of segments embedded, on the first 4 régions by name (tuning half),
the last 4 (report half) and all 8. The threshold chosen: the smallest tuning-half share whose
tuning-half F1 is within 0.002 of the embedder model's everywhere (threshold 1).

Segments and embeddings are cached under --cache (a DuckDB store), so a second run is fast.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_union

from corpus.config import Settings
from corpus.embed import embed_cached, load_embedder
from corpus.ingest import TableOptions
from corpus.orient import OrientationModel, document_orientation, orient_segments
from corpus.orient.train import segment_weights
from corpus.pipeline import table_segments
from corpus.store import Store
from corpus.text.french import fold

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "granddebat_reunions"
PACKAGE_DATA = ROOT / "src" / "corpus" / "data"
KINDS = {"difficulte_constat": "difficulte", "levier_proposition": "levier"}
LABELS = ["difficulte", "levier"]
# "Comment la réunion s'est-elle passée ?": talk about the meeting, not its content.
CONTEXT_MAX_CHARS = 500
CONTEXT_SAMPLE = 1200
EXAMPLE_WEIGHT = 3.0  # a hand-written Cep bullet weighs as much as three Grand Débat segments


class Corpus:
    """Units, their segments, context answers and Cep examples, with cached embeddings."""

    def __init__(self, data: Path, cache: Path, seed: int):
        cache.mkdir(parents=True, exist_ok=True)
        self.units = pd.read_csv(data / "units.csv")
        self.units["y"] = self.units["kind"].map(KINDS)
        self.segments = self._segments(data / "units.csv", cache)
        self.segments = self.segments.merge(
            self.units[["id", "region", "y"]], left_on="doc_id", right_on="id", how="left"
        )
        reports = pd.read_json(data / "reports.jsonl", lines=True)
        context = reports[["id", "region", "deroulement"]].dropna()
        lengths = context["deroulement"].str.len()
        context = context[(lengths >= 20) & (lengths <= CONTEXT_MAX_CHARS)]
        self.context = context.sample(CONTEXT_SAMPLE, random_state=seed).reset_index(drop=True)
        self.examples = pd.read_csv(PACKAGE_DATA / "orient_examples.csv")
        self.store = Store(cache / "store.duckdb")
        self.regions = sorted(self.units["region"].unique())

    @staticmethod
    def _segments(path: Path, cache: Path) -> pd.DataFrame:
        from themes import reading_code  # bench/themes.py, beside this script

        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        cached = cache / f"segments-{digest}-{reading_code()}.parquet"
        if cached.exists():
            return pd.read_parquet(cached)
        started = time.perf_counter()
        frame = table_segments(path, TableOptions(text="text", id="id", territory="region"),
                               Settings())
        frame.to_parquet(cached)
        print(f"segmentation : {len(frame)} segments en {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
        return frame

    def vectors(self, name: str) -> dict[str, np.ndarray]:
        embedder = load_embedder(name)
        started = time.perf_counter()
        out = {
            "segments": embed_cached(embedder, self.segments["text"].tolist(), self.store),
            "units": embed_cached(embedder, self.units["text"].tolist(), self.store),
            "context": embed_cached(embedder, self.context["deroulement"].tolist(), self.store),
            "examples": embed_cached(embedder, self.examples["text"].tolist(), self.store),
        }
        print(f"plongements {name} : {time.perf_counter() - started:.0f} s", file=sys.stderr)
        return out

    def training_set(
        self, regions: list[str], vectors: dict[str, np.ndarray] | None
    ) -> tuple[list[str], list[str], np.ndarray | None, np.ndarray]:
        """The default model's training data from `regions`: segments, context, examples."""
        seg = self.segments["region"].isin(regions).to_numpy()
        ctx = self.context["region"].isin(regions).to_numpy()
        segments = self.segments[seg]
        texts = (segments["text"].tolist() + self.context["deroulement"][ctx].tolist()
                 + self.examples["text"].tolist())
        labels = (segments["y"].tolist() + ["autre"] * int(ctx.sum())
                  + self.examples["label"].tolist())
        weights = np.concatenate([
            segment_weights(segments["doc_id"]), np.ones(int(ctx.sum())),
            np.full(len(self.examples), EXAMPLE_WEIGHT),
        ])
        emb = None
        if vectors is not None:
            emb = np.vstack([vectors["segments"][seg], vectors["context"][ctx],
                             vectors["examples"]])
        return texts, labels, emb, weights


def _scores(units: pd.DataFrame, doc_pred: pd.Series, unit_pred: pd.Series) -> dict[str, float]:
    doc = units["id"].map(doc_pred).fillna(unit_pred)  # a row with no segment: its whole text
    return {
        "document": round(float(f1_score(units["y"], doc, average="macro", labels=LABELS)), 4),
        "unit": round(float(f1_score(units["y"], unit_pred, average="macro", labels=LABELS)), 4),
    }


def held_out(corpus: Corpus, method: Callable, name: str) -> dict:
    """Train on 7 régions, predict the 8th, for each; pooled macro-F1 and per-région figures."""
    started = time.perf_counter()
    segs, units = [], []
    for region in corpus.regions:
        train = [r for r in corpus.regions if r != region]
        seg_pred, unit_pred = method(train, region)
        segs.append(seg_pred)
        units.append(unit_pred)
    seg_pred = pd.concat(segs)
    unit_pred = pd.concat(units).reindex(corpus.units.index)
    frame = corpus.segments[["doc_id"]].join(seg_pred)
    doc_pred = document_orientation(frame)
    result = {"method": name, **_scores(corpus.units, doc_pred, unit_pred)}
    result["documents_autre"] = int((doc_pred == "autre").sum())
    per_region = {}
    for region in corpus.regions:
        mask = (corpus.units["region"] == region).to_numpy()
        per_region[region] = _scores(corpus.units[mask], doc_pred, unit_pred[mask])["document"]
    result["per_region_document"] = per_region
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _as_frame(labels, index, scores=None) -> pd.DataFrame:
    return pd.DataFrame(
        {"orientation": list(labels),
         "orientation_score": 1.0 if scores is None else list(scores)}, index=index
    )


def majority(corpus: Corpus) -> Callable:
    def method(train: list[str], region: str):
        best = corpus.units[corpus.units["region"].isin(train)]["y"].value_counts().idxmax()
        seg = corpus.segments.index[corpus.segments["region"] == region]
        unit = corpus.units.index[corpus.units["region"] == region]
        return _as_frame([best] * len(seg), seg), pd.Series(best, index=unit)
    return method


def whole_row_lr(corpus: Corpus, vectors: dict[str, np.ndarray] | None) -> Callable:
    """Baseline: logistic regression on whole rows (TF-IDF when `vectors` is None)."""
    def method(train: list[str], region: str):
        tr = corpus.units["region"].isin(train).to_numpy()
        seg = (corpus.segments["region"] == region).to_numpy()
        te = (corpus.units["region"] == region).to_numpy()
        if vectors is None:
            features = make_union(
                TfidfVectorizer(preprocessor=fold, ngram_range=(1, 2), sublinear_tf=True,
                                min_df=2),
                TfidfVectorizer(preprocessor=fold, analyzer="char_wb", ngram_range=(2, 5),
                                sublinear_tf=True, min_df=2),
            )
            x_tr = features.fit_transform(corpus.units["text"][tr])
            x_seg = features.transform(corpus.segments["text"][seg])
            x_te = features.transform(corpus.units["text"][te])
        else:
            x_tr, x_seg, x_te = vectors["units"][tr], vectors["segments"][seg], vectors["units"][te]
        lr = LogisticRegression(C=4.0, max_iter=3000).fit(x_tr, corpus.units["y"][tr])
        proba = lr.predict_proba(x_seg)
        seg_frame = _as_frame(lr.classes_[proba.argmax(1)], corpus.segments.index[seg],
                              proba.max(1))
        return seg_frame, pd.Series(lr.predict(x_te), index=corpus.units.index[te])
    return method


def ours(corpus: Corpus, embedder: str | None, vectors: dict | None, *, hints: bool) -> Callable:
    def method(train: list[str], region: str):
        texts, labels, emb, weights = corpus.training_set(train, vectors)
        model = OrientationModel(embedder=embedder).fit(texts, labels, emb, sample_weight=weights)
        seg = (corpus.segments["region"] == region).to_numpy()
        te = (corpus.units["region"] == region).to_numpy()
        frame = corpus.segments[seg][["text", "section_hint"]]
        if not hints:
            frame = frame.assign(section_hint=None)
        seg_frame = orient_segments(frame, None if vectors is None else vectors["segments"][seg],
                                    model)
        # unit level: the whole text as a document of one segment
        whole = corpus.units[te][["id", "text"]]
        unit = orient_segments(whole, None if vectors is None else vectors["units"][te], model)
        unit_doc = document_orientation(unit.assign(doc_id=whole["id"]))
        return seg_frame, whole["id"].map(unit_doc)
    return method


def save_default(corpus: Corpus, embedder: str | None, vectors: dict | None) -> dict:
    """Fit on every région and write the shipped model for `embedder` (None: lexical)."""
    texts, labels, emb, weights = corpus.training_set(corpus.regions, vectors)
    model = OrientationModel(embedder=embedder).fit(texts, labels, emb, sample_weight=weights)
    info = {
        "trained_on": "Grand Débat 2019, réunions locales (units.csv: segments des constats et "
        "propositions; reports.jsonl: réponses « déroulement » comme autre) + "
        "orient_examples.csv",
        "regions": corpus.regions,
        "example_weight": EXAMPLE_WEIGHT,
    }
    path = model.save(PACKAGE_DATA / f"orient_model-{embedder or 'lexical'}.npz", info=info)
    return {"model": str(path.relative_to(ROOT)), "kib": round(path.stat().st_size / 1024)}


def corrections_curve(data: Path, cache: Path, seed: int, counts: list[int],
                      sample: int) -> list[dict]:
    """Held-out macro-F1 after 0, 50, 200... simulated corrections (see the module's text)."""
    from corpus.orient.train import corrected_training_set

    units = pd.read_csv(data / "units.csv")
    units = units.sample(min(sample, len(units)), random_state=seed).sort_values("id")
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"units-{seed}-{len(units)}.csv"
    if not path.exists():
        units.to_csv(path, index=False)
    units["y"] = units["kind"].map(KINDS)
    segs = Corpus._segments(path, cache).merge(units[["id", "region", "y"]], left_on="doc_id",
                                                right_on="id", how="left")
    regions = sorted(units["region"].unique())
    tuning, held = set(regions[::2]), set(regions[1::2])
    reports = pd.read_json(data / "reports.jsonl", lines=True)
    context = reports[["region", "deroulement"]].dropna()
    context = context[context["region"].isin(tuning)
                      & context["deroulement"].str.len().between(20, CONTEXT_MAX_CHARS)]
    context = context.sample(min(600, len(context)), random_state=seed)
    examples = pd.concat([pd.read_csv(PACKAGE_DATA / "orient_examples.csv")[["text", "label"]],
                          pd.DataFrame({"text": context["deroulement"], "label": "autre"})],
                         ignore_index=True)
    base = OrientationModel(embedder=None).fit(examples["text"].tolist(), examples["label"],
                                               sample_weight=np.full(len(examples), 1.0))
    mine = segs[segs["region"].isin(tuning)].sort_values("segment_id").reset_index(drop=True)
    other = segs[segs["region"].isin(held)].reset_index(drop=True)
    pseudo = mine.assign(label=orient_segments(mine[["text", "section_hint"]], None,
                                               base)["orientation"].to_numpy())
    wrong = pseudo[pseudo["label"] != pseudo["y"]]
    order = np.random.default_rng(seed).permutation(len(wrong))

    def score(model) -> dict:
        found = orient_segments(other[["text", "section_hint"]], None, model)
        docs = document_orientation(found.assign(doc_id=other["doc_id"].to_numpy()))
        truth = units.set_index("id")["y"].loc[docs.index]
        return {"document": round(float(f1_score(truth, docs, average="macro",
                                                  labels=LABELS)), 4),
                "segment": round(float(f1_score(other["y"], found["orientation"].astype(str),
                                                average="macro", labels=LABELS)), 4)}

    out = [{"corrections": "modèle en usage", **score(base)}]
    for n in counts:
        started = time.perf_counter()
        chosen = wrong.iloc[np.sort(order[:n])]
        corrected = pd.DataFrame({"segment_id": chosen["segment_id"], "text": chosen["text"],
                                  "label": chosen["y"]})
        frame = corrected_training_set(pseudo[["segment_id", "doc_id", "text", "label"]],
                                       corrected, examples)
        model = OrientationModel(embedder=None).fit(frame["text"].tolist(), frame["label"],
                                                    sample_weight=frame["weight"].to_numpy())
        out.append({"corrections": n, **score(model),
                    "seconds": round(time.perf_counter() - started, 1)})
    print(f"moitié de réglage : {len(mine)} segments ({len(wrong)} mal orientés par le modèle "
          f"en usage) ; moitié tenue à l'écart : {len(other)} segments, "
          f"{other['doc_id'].nunique()} lignes", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/corpus-bench-orient"))
    parser.add_argument("--embedders", default="e5-small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--save-default", action="store_true",
                        help="write src/corpus/data/orient_model-*.npz instead of evaluating")
    parser.add_argument("--only", default="",
                        help="run only the methods whose name contains one of these "
                        "comma-separated words (e.g. 'OrientationModel e5-small sans')")
    parser.add_argument("--corrections", default="",
                        help="held-out macro-F1 after these numbers of simulated corrections "
                        "(e.g. 0,50,200; lexical model)")
    parser.add_argument("--sample", type=int, default=4000,
                        help="rows of units.csv used by --corrections")
    parser.add_argument("--cascade", action="store_true",
                        help="lexical model first, the first --embedders model + lexical only "
                        "where the lexical model is unsure: F1 and share of e5 per threshold")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.corrections:
        counts = [int(n) for n in args.corrections.split(",") if n.strip()]
        results = corrections_curve(args.data, args.cache, args.seed, counts, args.sample)
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=2))
            return
        for r in results:
            print(f"corrections {str(r['corrections']):>16s}  macro-F1 tenu à l'écart : "
                  f"document {r['document']:.4f}  segment {r['segment']:.4f}", flush=True)
        return

    corpus = Corpus(args.data, args.cache, args.seed)
    names = [n for n in args.embedders.split(",") if n]
    vectors = {name: corpus.vectors(name) for name in names}
    if args.save_default:
        out = [save_default(corpus, None, None)]
        out += [save_default(corpus, name, vectors[name]) for name in names]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return

    if args.cascade:
        from orient_cascade import cascade_report  # bench/orient_cascade.py, beside this file

        cascade_report(corpus, names[0], vectors[names[0]], args.cache, as_json=args.json)
        return

    runs: list[tuple[str, Callable]] = []
    if not args.no_baselines:
        runs += [("majorité", majority(corpus)), ("TF-IDF + LR", whole_row_lr(corpus, None))]
        runs += [(f"{n} + LR", whole_row_lr(corpus, vectors[n])) for n in names]
    runs += [("OrientationModel lexical", ours(corpus, None, None, hints=True))]
    for n in names:
        runs += [(f"OrientationModel {n}", ours(corpus, n, vectors[n], hints=True)),
                 (f"OrientationModel {n} sans titres", ours(corpus, n, vectors[n], hints=False))]
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    runs = [(name, method) for name, method in runs if not wanted or any(w in name for w in wanted)]
    results = []
    for name, method in runs:
        result = held_out(corpus, method, name)
        results.append(result)
        if not args.json:
            print(f"{name:42s} document {result['document']:.4f}  unité {result['unit']:.4f}  "
                  f"autre {result['documents_autre']:3d}  {result['seconds']:7.1f} s", flush=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
