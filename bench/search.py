"""Search quality: e5-small against USE (raw and place-masked texts) and the lexical bonus.

    .venv/bin/python bench/search.py [--threads 1] [--boot 10000]

Queries and relevance come from the Grand Débat's open answers
(`../shared/data/granddebat_questions/answers.csv`, read in place: 20 questions x 300 answers).
A query is a question; its relevant documents are that question's 300 answers, searched among
all 6,000 answers. Two query forms: the question's wording ("question") and its content lemmas
as spaCy finds them (`french.is_content`, in order, unique: "mots", the few words a researcher
would type; derived mechanically, never written by hand).

The questions, sorted by label, are split into two halves: even positions `tune`, odd
positions `report`. Systems, all ranked by the project's own code (`corpus.api.ranking.rank`
over an in-memory `corpus.api.index.Index`: cosine plus `weight` x the share of the query's
content words a document holds, over its text and its spaCy lemmas, ties by id):

- e5: e5-small as `load_query_embedder()` loads it (its "query: " prompt on queries and
  documents alike, as the search did when it read e5), on the raw texts;
- USE: `use-multilingual` on the raw texts (what the search reads: `Settings.embedder_query`);
- USE masqué: `use-multilingual` on the texts the themes stage embeds (`places.mask_texts`
  with the communes of models/, as `pipeline.analysis.masked_texts` does);
- e5 passage: e5 with e5's own asymmetric prompts ("passage: " on the answers, "query: " on
  the queries), which the project does not use: to see what e5 loses to its one prompt;
- lexical: the bonus alone (cosine 0).

Each embedder is ranked without the bonus (weight 0), with `Settings.search_lexical_weight`,
and with the weight chosen on `tune` (best mean nDCG@10 over both query forms, from a small
grid; the e5 cosines of the setting's comment are closer together than USE's; on `tune` that
row is in-sample). Printed per half and query form: nDCG@10, precision@10, recall@100 (at most
1/3: 300 relevant) and MAP over the whole ranking, averaged over queries; then, per half and
form, e5 minus USE (raw and masked) and e5 passage minus USE, per query: wins / ties / losses
on nDCG@10 and a paired bootstrap 95 % interval of the mean difference (queries resampled,
seeded). Vectors and lemmas are cached under /tmp/searchq/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT.parent / "shared" / "data" / "granddebat_questions" / "answers.csv"
CACHE = Path("/tmp/searchq")
GRID = (0.0, 0.025, 0.05, 0.1, 0.2, 0.4)
FORMS = ("question", "mots")
PAIRS = (("e5", "USE"), ("e5", "USE masqué"), ("e5 passage", "USE"))


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]


def load_answers():
    """The answers sorted by id (a hash: no order by question), their questions by label."""
    import pandas as pd

    frame = pd.read_csv(ANSWERS).sort_values("id").reset_index(drop=True)
    questions = frame.groupby("label")["question"].first().sort_index()
    return frame, questions


def spacy_lemmas(texts: list[str], spacy_model: str) -> list[list[str]]:
    """Content lemmas of each text as the segmenter keeps them (cached)."""
    path = CACHE / f"lemmas-people-{spacy_model}-{_digest(texts)}.json"
    if path.is_file():
        return json.loads(path.read_text("utf-8"))
    from corpus.text import parsing
    from corpus.text.french import load_nlp
    from corpus.text.people import content_lemmas

    nlp = load_nlp(spacy_model)
    out = [content_lemmas(doc) for doc in parsing.docs(nlp, texts)]
    path.write_text(json.dumps(out, ensure_ascii=False), "utf-8")
    return out


def vectors(embedder, texts: list[str], tag: str, timings: dict[str, float]) -> np.ndarray:
    """`embedder.encode(texts)`, cached by fingerprint and texts; texts/s noted when computed."""
    path = CACHE / f"vec-{tag}-{embedder.fingerprint}-{_digest(texts)}.npy"
    if path.is_file():
        return np.load(path)
    start = time.perf_counter()
    out = np.asarray(embedder.encode(texts), dtype=np.float32)
    timings[tag] = len(texts) / (time.perf_counter() - start)
    np.save(path, out)
    return out


def embedders(threads: int):
    """(e5 as the search would load it, USE), each computing on `threads` threads. The search
    reads `Settings.embedder_query` (USE since this bench's figures); e5 is loaded as
    `load_query_embedder` loads it when that setting names e5: through its ONNX export when
    current."""
    from corpus.config import Settings
    from corpus.embed.backends import load_embedder
    from corpus.embed.fast import OnnxEmbedder, onnx_embedder

    fast = onnx_embedder(Settings().models_dir)
    e5 = (OnnxEmbedder(fast.folder, threads=threads) if isinstance(fast, OnnxEmbedder)
          else load_embedder("e5-small", threads=threads))  # same fingerprint and vectors
    return e5, load_embedder("use-multilingual", threads=threads)


def with_prompt(embedder, prompt: str):
    """A copy of an e5 embedder that prefixes `prompt` (cached apart by its tag)."""
    import copy

    other = copy.copy(embedder)
    other.prompt = prompt
    return other


def ranked(index, cosine: np.ndarray, share: np.ndarray, terms: list[str],
           weight: float) -> np.ndarray:
    """Every row, best first: round(cosine + weight x share, 6), ties by row, as
    `corpus.api.ranking.rank` scores them; its own top 100 is checked to be the same rows."""
    from corpus.api import ranking

    scores = np.round(cosine + weight * share, 6)
    order = np.lexsort((np.arange(len(scores)), -scores))
    top = ranking.rank(index, np.arange(len(cosine)), cosine, terms, 100, weight)
    if [r for _, r in top] != order[:100].tolist():
        sys.exit("classement différent de corpus.api.ranking.rank : banc à corriger")
    return order


def metrics(order: np.ndarray, relevant: np.ndarray) -> dict[str, float]:
    """nDCG@10, P@10, R@100 and average precision of one ranking (binary relevance)."""
    hits = relevant[order]
    discounts = 1 / np.log2(np.arange(2, 12))
    ideal = discounts[:min(10, int(relevant.sum()))].sum()
    found = np.flatnonzero(hits)
    ap = float(np.mean((np.arange(len(found)) + 1) / (found + 1))) if len(found) else 0.0
    return {"nDCG@10": float(hits[:10] @ discounts / ideal), "P@10": float(hits[:10].mean()),
            "R@100": float(hits[:100].sum() / relevant.sum()), "MAP": ap}


def evaluate(args) -> None:
    import pandas as pd

    from corpus.api.index import Index
    from corpus.config import Settings
    from corpus.pipeline.analysis import masked_texts
    from corpus.text.french import load_nlp

    settings = Settings()
    CACHE.mkdir(parents=True, exist_ok=True)
    frame, questions = load_answers()
    texts = frame["text"].astype(str).tolist()
    labels = frame["label"].to_numpy()
    doc_lemmas = spacy_lemmas(texts, settings.spacy_model)
    index = Index(version=(), meta=pd.DataFrame(index=range(len(texts))),
                  columns={"text": np.array(texts, dtype=object),
                           "lemmas": np.array([" ".join(x) for x in doc_lemmas], dtype=object)})

    nlp = load_nlp(settings.spacy_model)
    from corpus.text.french import is_content, lemma

    queries = {"question": questions.tolist(), "mots": []}
    for doc in nlp.pipe(questions.tolist()):
        words = [lemma(t) for t in doc if is_content(t)]
        queries["mots"].append(" ".join(dict.fromkeys(words)))
    masked, _ = masked_texts(texts, [], settings)
    changed = sum(a != b for a, b in zip(texts, masked, strict=True))

    timings: dict[str, float] = {}
    e5, use = embedders(args.threads)
    docs = {"e5": vectors(e5, texts, "e5-docs", timings),
            "USE": vectors(use, texts, "use-docs", timings),
            "USE masqué": vectors(use, masked, "use-masked", timings),
            "e5 passage": vectors(with_prompt(e5, "passage: "), texts, "e5-passage-docs",
                                  timings)}
    qvec = {}
    for form in FORMS:
        qvec[("e5", form)] = vectors(e5, queries[form], f"e5-q-{form}", timings)
        qvec[("USE", form)] = vectors(use, queries[form], f"use-q-{form}", timings)
    qvec.update({("USE masqué", f): qvec[("USE", f)] for f in FORMS})
    qvec.update({("e5 passage", f): qvec[("e5", f)] for f in FORMS})
    moved = int((1 - (docs["USE"] * docs["USE masqué"]).sum(axis=1) > 1e-6).sum())

    from corpus.api.ranking import folded_lexical_scores, query_terms

    labels_sorted = questions.index.tolist()
    halves = {"tune": labels_sorted[0::2], "report": labels_sorted[1::2]}
    # (system, weight, form, label) -> metrics
    scores: dict[tuple, dict[str, float]] = {}
    for form in FORMS:
        for qi, label in enumerate(labels_sorted):
            relevant = labels == label
            terms = query_terms(queries[form][qi])
            share = folded_lexical_scores(terms, index.folded(np.arange(len(texts))))
            for system in docs:
                cosine = (docs[system] @ qvec[(system, form)][qi]).astype(np.float64)
                for weight in GRID:
                    order = ranked(index, cosine, share, terms, weight)
                    scores[(system, weight, form, label)] = metrics(order, relevant)
            order = ranked(index, np.zeros(len(texts)), share, terms, 1.0)
            scores[("lexical", 1.0, form, label)] = metrics(order, relevant)

    def mean(system, weight, form, half, key="nDCG@10") -> float:
        return float(np.mean([scores[(system, weight, form, lab)][key] for lab in halves[half]]))

    tuned = {s: max(GRID, key=lambda w, s=s: (sum(mean(s, w, f, "tune") for f in FORMS), -w))
             for s in docs}
    setting = settings.search_lexical_weight
    rows = [("lexical seul", "lexical", 1.0)]
    for system in docs:
        rows += [(f"{system}", system, 0.0), (f"{system} + lexical {setting:g}", system, setting),
                 (f"{system} + lexical {tuned[system]:g} (réglé)", system, tuned[system])]

    print(f"{len(texts)} réponses, {len(labels_sorted)} questions ; "
          f"{changed} textes changés par le masquage des lieux, {moved} vecteurs USE changés")
    for form in FORMS:
        print(f"forme « {form} », ex. : {queries[form][1]!r}")
    if timings:
        print("plongements calculés (textes/s) : "
              + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
    keys = ("nDCG@10", "P@10", "R@100", "MAP")
    for half in halves:
        print(f"\n== moitié {half} ({', '.join(halves[half])})")
        head = " | ".join(f"{f}: " + " ".join(f"{k:>7}" for k in keys) for f in FORMS)
        print(f"{'système':<34} | {head}")
        for name, system, weight in rows:
            cells = " | ".join(
                " " * (len(f) + 2) + " ".join(f"{mean(system, weight, f, half, k):7.3f}"
                                              for k in keys) for f in FORMS)
            print(f"{name:<34} | {cells}")

    rng = np.random.default_rng(args.seed)
    print("\n== e5 moins USE, nDCG@10 par requête : gagnées/égales/perdues, moyenne, IC 95 % "
          f"(bootstrap apparié, {args.boot} tirages)")
    for half in halves:
        for form in FORMS:
            for mine, other in PAIRS:
                for label_w, w_e5, w_o in (("sans lexical", 0.0, 0.0),
                                           (f"lexical {setting:g}", setting, setting),
                                           ("réglés", tuned[mine], tuned[other])):
                    diff = np.array([scores[(mine, w_e5, form, lab)]["nDCG@10"]
                                     - scores[(other, w_o, form, lab)]["nDCG@10"]
                                     for lab in halves[half]])
                    boot = diff[rng.integers(0, len(diff), (args.boot, len(diff)))].mean(axis=1)
                    lo, hi = np.percentile(boot, [2.5, 97.5])
                    print(f"{half:<6} {form:<8} {mine:<10} − {other:<10} {label_w:<13} "
                          f"{(diff > 1e-9).sum():2d}/{(abs(diff) <= 1e-9).sum():2d}/"
                          f"{(diff < -1e-9).sum():2d}  {diff.mean():+.3f} "
                          f"[{lo:+.3f}, {hi:+.3f}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="threads per embedder")
    parser.add_argument("--boot", type=int, default=10000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    evaluate(parser.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
