"""Benchmark the themes stage on open answers: do themes follow the questions, at any shape?

    .venv/bin/python bench/questions.py                 # both halves, seed 42
    .venv/bin/python bench/questions.py --half report --seeds 42,7
    .venv/bin/python bench/questions.py --shapes tail --no-all --seeds 42,7   # issue 21
    .venv/bin/python bench/questions.py --half report --shapes tail --no-all --stability

Answers of `../shared/data/granddebat_questions/answers.csv` (20 questions, 300 answers each)
are segmented and protected as `corpus run` would, their place names masked as the themes stage
does, embedded (cached in a DuckDB store under /tmp), and grouped in subsamples of different
shapes so that no count can be learnt: 5 and 10 questions (two draws of 5), with 10, 40 or 300
answers a question or uneven sizes (10 to 150), and all 20 questions with 10, 40 and uneven
answers; and long-tail shapes (`long_tail`, `--shapes tail`): sizes from a Zipf-like tail, one
subject of about 150 answers beside subjects of 8 to 15, for 5 questions, all the half's 10
(answers of any length, short ones only, long ones only) and the questions of one questionnaire
(subjects that share words). The questions are split in two halves (sorted names, every other
one): constants were tuned on `tune` and are reported on `report`.

For each subsample, side by side, on the same segments and vectors:
- corpus: `corpus.themes.fit_themes` with its labels (spaCy), as `corpus run` calls it;
- BERTopic's defaults, as a user would run them (`BERTopic().fit_transform(docs, embeddings)`);
- k-means on the answers' mean embeddings, told the true number of questions.
Scores are at answer level (an answer's theme is the dominant theme of its segments): NMI, the
recall of small subjects (`small_recall`: share of the questions below the median size that are
the majority of some theme) for the three methods, the NMI of the grands thèmes, the
number of themes against the number of questions (target: within half and twice), answers left
without a theme, labels that are a noun phrase written in two of the theme's segments and headed
by a noun (spaCy), and the time of the theme stage as a ratio to BERTopic's defaults.
`--stability` fits each subsample a second time (corpus with another seed, BERTopic unseeded, as
its defaults run) and prints the adjusted Rand index between the two fits' answer themes: how
much of a theme is the data's, how much the seed's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corpus.config import Settings  # noqa: E402
from corpus.embed import embed_cached, load_embedder  # noqa: E402
from corpus.store import Store  # noqa: E402
from corpus.text import french, places  # noqa: E402
from corpus.themes import document_themes, fit_themes  # noqa: E402

# ../shared/data beside the checkout (or two levels up, from a worktree under /work/wt)
SHARED = next((p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent)
               if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data")
DATA = SHARED / "granddebat_questions" / "answers.csv"
CACHE = Path(tempfile.gettempdir()) / "corpus-bench-themes"
OUT = "__hors_theme__"


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answers and their segments (cut and protected as `corpus run` would, cached)."""
    from themes import cached_segments  # bench/themes.py, beside this script

    answers = pd.read_csv(DATA, dtype=str, keep_default_na=False).sort_values("id")
    return answers, cached_segments(answers, "answers")


def subsamples(answers: pd.DataFrame, questions: list[str], half: str,
               rng: np.random.Generator) -> list[tuple[str, list[str]]]:
    """(shape, answer ids): 5 questions twice, 10 questions; 10, 40, 300 or uneven answers."""
    out = []
    by_q = {q: answers.loc[answers["label"] == q, "id"].tolist() for q in questions}
    draws = [("5", sorted(rng.choice(questions, 5, replace=False).tolist())),
             ("5", sorted(rng.choice(questions, 5, replace=False).tolist())),
             (str(len(questions)), questions)]
    for n_q, chosen in draws:
        for per in ("10", "40", "300", "10-150"):
            ids = []
            for q in chosen:
                n = int(rng.integers(10, 151)) if per == "10-150" else int(per)
                pool = by_q[q]
                ids += rng.choice(pool, min(n, len(pool)), replace=False).tolist()
            if n_q == "5" and per == "300" and any(s.startswith(f"{half} 5q×300") for s, _ in out):
                continue  # one draw of 5 × 300 is enough: the second adds time, not shape
            out.append((f"{half} {n_q}q×{per}", sorted(ids)))
    return out


def tail_sizes(n_questions: int, rng: np.random.Generator, largest: int = 150,
               smallest: int = 10) -> list[int]:
    """Long-tail subject sizes: the k-th largest about largest / k^a (a Zipf law whose exponent
    puts the smallest near `smallest`), each moved by a random factor, within 8 (or `smallest`
    if below) and `largest`."""
    a = np.log(largest / smallest) / np.log(max(n_questions, 2))
    sizes = largest * np.arange(1, n_questions + 1) ** -a * np.exp(rng.normal(0, 0.2, n_questions))
    return [int(v) for v in np.clip(np.round(sizes), min(8, smallest), largest)]


def long_tail(answers: pd.DataFrame, questions: list[str], half: str,
              rng: np.random.Generator) -> list[tuple[str, list[str]]]:
    """(shape, answer ids) with uneven subject sizes drawn from a long tail (150 answers beside
    subjects of 8 to 15): 5 and 10 questions with answers of any length, 10 with short answers
    only (below their question's median length) and with long ones only, and the questions of
    one questionnaire (subjects that share words)."""
    length = answers["text"].str.len()
    median = length.groupby(answers["label"]).transform("median")
    pools = {"": answers, " courtes": answers[length < median],
             " longues": answers[length >= median]}
    by_theme = answers[answers["label"].isin(questions)].groupby("label_theme")["label"].unique()
    shared = sorted(by_theme.loc[by_theme.map(len).idxmax()])
    draws = [("5q", sorted(rng.choice(questions, min(5, len(questions)), replace=False)), ""),
             (f"{len(questions)}q", questions, ""),
             (f"{len(questions)}q", questions, " courtes"),
             (f"{len(questions)}q", questions, " longues"),
             (f"{len(shared)}q même questionnaire", shared, "")]
    out = []
    for name, chosen, pool in draws:
        order = rng.permutation(len(chosen))  # which question gets which size: by chance
        sizes = tail_sizes(len(chosen), rng)
        ids: list[str] = []
        for rank, j in enumerate(order):
            ids_q = pools[pool].loc[pools[pool]["label"] == chosen[j], "id"].tolist()
            ids += rng.choice(ids_q, min(sizes[rank], len(ids_q)), replace=False).tolist()
        out.append((f"{half} {name}×traîne{pool}", sorted(ids)))
    return out


def small_recall(truth: pd.Series, found: pd.Series) -> float:
    """Share of the subjects below the median size that are the majority of some theme (more
    than half of its answers); NaN when no subject is below the median."""
    sizes = truth.value_counts()
    small = set(sizes.index[sizes < sizes.median()])
    if not small:
        return float("nan")
    table = pd.crosstab(found[found != OUT], truth[found != OUT])
    majority = {str(table.columns[row.argmax()]) for _, row in table.iterrows()
                if row.max() > 0.5 * row.sum()}
    return len(small & majority) / len(small)


def label_ok(theme: dict, nlp) -> bool:
    """A noun phrase written in two of its segments, headed by a noun."""
    if not theme.get("label_is_phrase"):
        return False
    head = french._head(nlp(theme["label"]))
    return head is not None and head.pos_ in ("NOUN", "PROPN")


def answer_level(truth: pd.Series, assignments: pd.DataFrame, part: pd.DataFrame) -> pd.Series:
    return document_themes(assignments, part).reindex(truth.index).fillna(OUT).astype(str)


def run_ours(part, x, settings, nlp, words):
    result = fit_themes(part, x, seed=settings.seed, settings=settings, nlp=nlp, places=words)
    return result.assignments, result.themes, len(result.groups)


def run_bertopic(part, x):
    from bertopic import BERTopic

    topics, _ = BERTopic().fit_transform(part["text"].tolist(), embeddings=x)
    ids = [None if t < 0 else f"B{t:03d}" for t in topics]
    return pd.DataFrame({"segment_id": part["segment_id"], "theme_id": ids}), len(
        {t for t in topics if t >= 0})


def kmeans_told_k(part, x, k, seed) -> pd.Series:
    from sklearn.cluster import KMeans

    from corpus.vectors import unit

    codes, docs = pd.factorize(part["doc_id"], sort=True)
    sums = np.zeros((len(docs), x.shape[1]))
    np.add.at(sums, codes, x)
    labels = KMeans(k, n_init=10, random_state=seed).fit_predict(unit(sums))
    return pd.Series([f"K{c}" for c in labels], index=docs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("tune", "report", "both"), default="both")
    parser.add_argument("--seeds", default="42")
    parser.add_argument("--store", default=str(CACHE / "bench.duckdb"))
    parser.add_argument("--no-all", action="store_true", help="skip the 20-question shapes")
    parser.add_argument("--shapes", choices=("tail", "even", "all"), default="all",
                        help="tail: long-tail sizes only; even: the earlier shapes only")
    parser.add_argument("--stability", action="store_true",
                        help="also fit each subsample again (corpus: seed + 1000; BERTopic: "
                             "its defaults, unseeded) and print the ARI between the two fits")
    args = parser.parse_args(argv)
    from themes import warm_up  # bench/themes.py, beside this script

    warm_up()
    base = Settings()
    answers, frame = load()
    truth_all = answers.set_index("id")["label"]
    # As the themes stage reads them: marks removed, place names masked (no manifest here).
    texts, words = places.mask_texts(frame["text"].astype(str).tolist(), [],
                                     places.french_communes(base.models_dir))
    x_all = embed_cached(load_embedder(base.embedder_themes), texts, Store(args.store))
    nlp = french.load_nlp(base.spacy_model)
    questions = sorted(truth_all.unique())
    halves = {"tune": questions[::2], "report": questions[1::2]}
    rows = []
    for seed in [int(s) for s in args.seeds.split(",") if s.strip()]:
        settings = base.with_(seed=seed)
        rng = np.random.default_rng(seed)
        shapes = []
        for half in ("tune", "report"):
            if args.half in (half, "both") and args.shapes != "tail":
                shapes += subsamples(answers, halves[half], half, rng)
            if args.half in (half, "both") and args.shapes != "even":
                shapes += long_tail(answers, halves[half], half, rng)
        if not args.no_all and args.shapes != "tail":
            shapes += [s for s in subsamples(answers, questions, "toutes", rng)
                       if " 20q×" in s[0] and not s[0].endswith("×300")]
        first = True
        for shape, ids in shapes:
            mask = frame["doc_id"].isin(set(ids)).to_numpy()
            part = frame[mask].reset_index(drop=True)
            x = x_all[mask]
            truth = truth_all.reindex(sorted(set(part["doc_id"])))
            k = truth.nunique()
            if first:  # one untimed call of each: imports and compilations
                run_ours(part, x, settings, nlp, words)
                run_bertopic(part, x)
                first = False
            t = time.perf_counter()
            mine, themes, n_groups = run_ours(part, x, settings, nlp, words)
            mine_s = time.perf_counter() - t
            t = time.perf_counter()
            theirs, their_k = run_bertopic(part, x)
            their_s = time.perf_counter() - t
            ours_docs = answer_level(truth, mine, part)
            their_docs = answer_level(truth, theirs, part)
            km = kmeans_told_k(part, x, k, seed).reindex(truth.index).astype(str)
            grouped = answer_level(truth, mine.assign(theme_id=mine["group_id"]), part)
            again = {}
            if args.stability:  # the same answers, another seed: how much of a theme is the seed
                other = run_ours(part, x, settings.with_(seed=seed + 1000), nlp, words)[0]
                again = {"ARI autre graine": adjusted_rand_score(
                             ours_docs, answer_level(truth, other, part)),
                         "BERTopic ARI relance": adjusted_rand_score(
                             their_docs, answer_level(truth, run_bertopic(part, x)[0], part))}
            rows.append({
                "graine": seed, "forme": shape, "questions": k, "réponses": len(truth),
                "thèmes": len(themes), "thèmes/questions": len(themes) / k,
                "NMI": normalized_mutual_info_score(truth, ours_docs),
                "rappel petits": small_recall(truth, ours_docs),
                "grands thèmes": n_groups,
                "grands thèmes NMI": normalized_mutual_info_score(truth, grouped),
                "sans thème": float((ours_docs == OUT).mean()),
                "labels phrase": float(np.mean([label_ok(t, nlp) for t in themes]))
                if themes else 0.0,
                "BERTopic thèmes": their_k,
                "BERTopic NMI": normalized_mutual_info_score(truth, their_docs),
                "BERTopic rappel petits": small_recall(truth, their_docs),
                "BERTopic sans thème": float((their_docs == OUT).mean()),
                "k-means (k donné) NMI": normalized_mutual_info_score(truth, km),
                "k-means rappel petits": small_recall(truth, km),
                "secondes": mine_s, "ratio / BERTopic": mine_s / their_s, **again,
            })
            print(f"  {shape}: {len(themes)} thèmes pour {k} questions, "
                  f"NMI {rows[-1]['NMI']:.3f}", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    table["dans [q/2, 2q]"] = table["thèmes/questions"].between(0.5, 2.0)
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    table["moitié"] = table["forme"].str.split().str[0]
    table["cible NMI"] = table["forme"].str.contains(r"×40|×10-150|×traîne", regex=True)
    print("\nRésumé par moitié (cible : NMI ≥ 0,50 sur 40 et 10-150 réponses, thèmes dans "
          "[q/2, 2q], au plus 10 % sans thème, labels ≥ 80 %, temps ≤ 1,5 × BERTopic) :")
    summary = table.groupby("moitié", sort=False).apply(lambda g: pd.Series({
        "sous-échantillons": len(g),
        "dans [q/2, 2q]": f"{int(g['dans [q/2, 2q]'].sum())}/{len(g)}",
        "thèmes/questions min-max": f"{g['thèmes/questions'].min():.2f}-"
                                    f"{g['thèmes/questions'].max():.2f}",
        "NMI (40, 10-150, traîne)": g.loc[g["cible NMI"], "NMI"].mean(),
        "BERTopic NMI": g.loc[g["cible NMI"], "BERTopic NMI"].mean(),
        "k-means NMI": g.loc[g["cible NMI"], "k-means (k donné) NMI"].mean(),
        "rappel petits": g["rappel petits"].mean(),
        "BERTopic rappel petits": g["BERTopic rappel petits"].mean(),
        "k-means rappel petits": g["k-means rappel petits"].mean(),
        "grands thèmes NMI": g.loc[g["cible NMI"], "grands thèmes NMI"].mean(),
        "sans thème max": g["sans thème"].max(),
        "labels phrase": g["labels phrase"].mean(),
        **({"ARI autre graine": g["ARI autre graine"].mean(),
            "BERTopic ARI relance": g["BERTopic ARI relance"].mean()}
           if "ARI autre graine" in g else {}),
        "ratio / BERTopic médian": g["ratio / BERTopic"].median(),
        "ratio / BERTopic, temps cumulés": g["secondes"].sum()
        / (g["secondes"] / g["ratio / BERTopic"]).sum(),
    }), include_groups=False)
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(summary.to_string(float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
