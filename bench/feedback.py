"""When is a theme of feedback answers a mixture? `feedback_theme_min_cohesion` on real answers.

    .venv/bin/python bench/feedback.py [--draws 40] [--seeds 42,7]

The answers to one feedback question are themed by `synthesis.feedback.fit_question`; a theme
whose answers are hardly closer to each other than any two answers to the question (its
`cohesion`, below `Settings.feedback_theme_min_cohesion`) is shown as « Réponses diverses »
instead of being given a subject. This bench measures that rule on real open answers whose
subject is known: the Grand Débat's (`../shared/data/granddebat_questions/answers.csv`, read in
place). Each draw pools the answers of 3 to 6 questions into one pseudo-question, the size of a
démarche's feedback question: 4 to 20 answers a question, drawn from a long tail (so 25 to 80
answers in all), spread over 20 ateliers. Every theme found is then either about one subject
(at least two thirds of its answers from one question) or a mixture (no question holds half of
it); themes in between are left out of the score.

The questions, sorted by label, are split into two halves as in `bench/questions.py`: even
positions `tune`, odd positions `report`. On `tune`, the threshold with the best balanced
accuracy (mean of the share of mixtures flagged and the share of one-subject themes kept) is
chosen from a grid; printed for both halves: the number of themes of each kind, their cohesion
(quartiles), and the balanced accuracy at the chosen threshold and at the current setting.
Answers are protected and parsed as `corpus run` does (`protect_feedback` with spaCy, tags kept;
cached under /tmp/corpus-bench-feedback/), embedded by the themes embedder with places masked.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from questions import DATA, tail_sizes  # noqa: E402  (bench/questions.py, beside this)

from corpus.config import Settings  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "corpus-bench-feedback"
GRID = np.round(np.arange(0.0, 0.2001, 0.005), 3)
ONE, MIXED = 2 / 3, 0.5  # a theme's share from its main question: one subject / a mixture


def protected_answers(settings: Settings) -> pd.DataFrame:
    """id, label, text (protected) and tags of every answer, as `corpus run` stores them."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / "answers.parquet"
    if cached.is_file():
        return pd.read_parquet(cached)
    from corpus.records import Feedback
    from corpus.text.french import load_nlp
    from corpus.text.protect import Pseudonymiser, protect_feedback

    rows = pd.read_csv(DATA, dtype=str, keep_default_na=False).sort_values("id")
    feedback = [Feedback(feedback_id=i, event_id="e", territory_id="t", source="answers.csv",
                         answers={"q": text}) for i, text in zip(rows["id"], rows["text"],
                                                                  strict=True)]
    out = protect_feedback(feedback, Pseudonymiser("bench"), nlp=load_nlp(settings.spacy_model))
    frame = pd.DataFrame({"id": rows["id"].to_numpy(), "label": rows["label"].to_numpy(),
                          "text": [f.answers["q"] for f in out],
                          "tags": [f.answer_tags.get("q") for f in out]})
    frame.to_parquet(cached)
    return frame


def draws(answers: pd.DataFrame, questions: list[str], n: int,
          rng: np.random.Generator) -> list[np.ndarray]:
    """Row positions of `n` pseudo-questions: 3 to 6 questions, 4 to 20 answers each (long
    tail, `questions.tail_sizes`)."""
    by_q = {q: np.flatnonzero(answers["label"].to_numpy() == q) for q in questions}
    out = []
    for _ in range(n):
        k = int(rng.integers(3, 7))
        chosen = rng.choice(questions, k, replace=False)
        sizes = tail_sizes(k, rng, largest=20, smallest=4)
        out.append(np.sort(np.concatenate([rng.choice(by_q[q], s, replace=False)
                                           for q, s in zip(chosen, sizes, strict=True)])))
    return out


def themes_of(rows: np.ndarray, answers: pd.DataFrame, x: np.ndarray, settings: Settings,
              nlp, words) -> list[dict]:
    """Each theme of one pseudo-question: its cohesion, its share from its main question."""
    from corpus.synthesis.feedback import fit_question

    part = answers.iloc[rows]
    frame = pd.DataFrame({
        "answer_id": part["id"].to_numpy(), "territory_id": "t", "event_id": "e",
        "atelier_id": [f"a{i % 20:02d}" for i in range(len(part))],
        "text": part["text"].to_numpy(), "tags": part["tags"].to_numpy()})
    found = fit_question("q", frame, x[rows], settings=settings, nlp=nlp, places=words)
    label = dict(zip(part["id"], part["label"], strict=True))
    out = []
    for theme in found.themes:
        members = [a for a, t in found.theme_of.items() if t == theme["theme_id"]]
        if len(found.themes) < 2 or not found.grouped or not members:
            continue  # never flagged: one theme, or too few answers to tell subjects apart
        share = pd.Series([label[a] for a in members]).value_counts().iloc[0] / len(members)
        out.append({"cohesion": theme["cohesion"], "share": share, "size": len(members)})
    return out


def balanced(table: pd.DataFrame, threshold: float) -> float:
    flagged = table["cohesion"] < threshold
    mixed = table["kind"] == "mélange"
    return 0.5 * (flagged[mixed].mean() + (~flagged[~mixed]).mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=40, help="pseudo-questions per half")
    parser.add_argument("--seeds", default="42,7")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    from corpus.embed import embed_cached, load_embedder
    from corpus.store import Store
    from corpus.text import french, places

    base = Settings()
    answers = protected_answers(base)
    texts, words = places.mask_texts(answers["text"].astype(str).tolist(), [],
                                     places.french_communes(base.models_dir))
    x = embed_cached(load_embedder(base.embedder_themes), texts, Store(CACHE / "bench.duckdb"))
    nlp = french.load_nlp(base.spacy_model)
    questions = sorted(answers["label"].unique())
    halves = {"tune": questions[0::2], "report": questions[1::2]}
    rows = []
    for seed in [int(s) for s in args.seeds.split(",") if s.strip()]:
        rng = np.random.default_rng(seed)
        for half, qs in halves.items():
            for positions in draws(answers, qs, args.draws, rng):
                for t in themes_of(positions, answers, x, base.with_(seed=seed), nlp, words):
                    rows.append({"moitié": half, "graine": seed, **t})
    table = pd.DataFrame(rows)
    table["kind"] = np.where(table["share"] >= ONE, "un sujet",
                             np.where(table["share"] < MIXED, "mélange", "entre les deux"))
    scored = table[table["kind"] != "entre les deux"]
    tune = scored[scored["moitié"] == "tune"]
    best = max(GRID, key=lambda t: (round(balanced(tune, t), 6), -t))
    current = base.feedback_theme_min_cohesion
    print(f"{len(table)} thèmes ({args.draws} pseudo-questions par moitié et graine, graines "
          f"{args.seeds}) ; seuil choisi sur tune : {best:.3f} ; réglage actuel : {current:.3f}")
    for half in halves:
        part = table[table["moitié"] == half]
        print(f"\n== {half}")
        for kind, group in part.groupby("kind"):
            q = group["cohesion"].quantile([0.25, 0.5, 0.75]).round(3).tolist()
            print(f"  {kind:<15} {len(group):>4} thèmes, cohésion quartiles {q}, "
                  f"taille médiane {group['size'].median():.0f}")
        s = scored[scored["moitié"] == half]
        print(f"  exactitude équilibrée : {balanced(s, best):.3f} au seuil choisi, "
              f"{balanced(s, current):.3f} au réglage actuel ; mélanges signalés "
              f"{(s.loc[s['kind'] == 'mélange', 'cohesion'] < best).mean():.2f} / "
              f"{(s.loc[s['kind'] == 'mélange', 'cohesion'] < current).mean():.2f}, "
              f"thèmes d'un sujet gardés "
              f"{(s.loc[s['kind'] == 'un sujet', 'cohesion'] >= best).mean():.2f} / "
              f"{(s.loc[s['kind'] == 'un sujet', 'cohesion'] >= current).mean():.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
