"""Pseudonymisation against an annotated set of person names: recall, precision, kept.

    .venv/bin/python bench/protect.py [--fixture FILE] [--show] [--real N]

Reads tests/fixtures/protect/names.jsonl (scribe-style French lines written for this check,
with the expected person names and the organisations and places that must stay), runs the real
spaCy model and the pipeline's rules on each line, and prints, for the `tune` half (even rows,
on which the rules were adjusted) and the `report` half (odd rows, read only): recall and
precision on person names, and the share of organisations and places kept. Targets: recall
>= 98 %, kept >= 99 %. `--show` lists what was missed and what was wrongly touched (with
`--real`, what the rules took).
`--real N` also counts what the rules (beside spaCy) take for a name in the first N real texts
of ../shared/data/granddebat_reunions/units.csv (read in place): spans and characters, a
measure of what pseudonymisation may take from texts without people (counts only).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "protect" / "names.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--show", action="store_true", help="list misses and wrong touches")
    parser.add_argument("--real", type=int, default=0, help="count rule spans on N real texts")
    args = parser.parse_args()

    from corpus.config import Settings
    from corpus.text import french, names, places
    from corpus.text.protect_eval import halves, load_rows, pipeline_spans, score

    settings = Settings()
    nlp = french.load_nlp(settings.spacy_model)
    finder = names.name_finder(settings.models_dir, settings.spacy_model)
    spans_of = pipeline_spans(nlp, places.french_communes(settings.models_dir), finder)
    rows = load_rows(args.fixture)
    print(f"{args.fixture.relative_to(ROOT) if args.fixture.is_relative_to(ROOT) else args.fixture}"
          f" : {len(rows)} lignes")
    print(f"{'moitié':<8} {'lignes':>6} {'personnes':>9} {'rappel':>7} {'précision':>9} "
          f"{'org./lieux':>10} {'gardés':>7}")
    for name, part in halves(rows).items():
        t0 = time.perf_counter()
        s = score(part, spans_of)
        print(f"{name:<8} {len(part):>6} {s.persons:>9} {s.recall:>7.1%} {s.precision:>9.1%} "
              f"{s.kept_total:>10} {s.kept_share:>7.1%}   ({time.perf_counter() - t0:.1f} s)")
        if args.show:
            for miss in s.missed:
                print(f"    manqué : {miss}")
            for touched in s.touched:
                print(f"    touché : {touched}")
    if args.real:
        real_texts(args.real, finder, places.french_communes(settings.models_dir), args.show)
    return 0


def real_texts(limit: int, finder, communes, show: bool = False) -> None:
    import pandas as pd

    from corpus.text.protect import Pseudonymiser

    found = [p / "shared" / "data" / "granddebat_reunions" / "units.csv"
             for p in (ROOT.parent, ROOT.parents[1])]  # beside the checkout, or a worktree's
    units = next((u for u in found if u.exists()), found[0])
    if not units.exists():
        print(f"{units} absent : --real lit les données partagées.", file=sys.stderr)
        return
    texts = pd.read_csv(units, nrows=limit)["text"].fillna("").astype(str).tolist()
    pseudo = Pseudonymiser("banc", communes=communes, finder=finder)
    spans = [(t, s, e) for t in texts for s, e in pseudo.finder.spans(t, pseudo.is_place)]
    chars = sum(len(t) for t in texts)
    touched = sum(e - s for _, s, e in spans)
    print(f"règles seules sur {len(texts)} textes réels ({chars} caractères) : {len(spans)} "
          f"noms, {touched} caractères ({touched / max(chars, 1):.3%}), "
          f"{sum(1 for t in texts if any(x is t for x, _, _ in spans))} textes touchés")
    if show:
        for t, s, e in spans:
            print(f"    pris : {t[s:e]}  <-  {t[max(0, s - 50):e + 50]!r}")


if __name__ == "__main__":
    sys.exit(main())
