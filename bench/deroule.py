"""The déroulé rule (`corpus.text.deroule`): precision and recall on annotated lines, and what it
takes as déroulé in real meeting reports.

    python bench/deroule.py                 # the fixture's two halves
    python bench/deroule.py --reunions N    # and the segments of N Grand Débat reports
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from corpus.text import deroule
from corpus.text.french import load_nlp

FIXTURE = Path(__file__).resolve().parents[1] / "tests/fixtures/deroule/lines.tsv"
REUNIONS = Path(__file__).resolve().parents[1].parent / "shared/data/granddebat_reunions/units.csv"


def annotated(path: Path = FIXTURE) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(kind, text) rows of the fixture: the tuning half and the reporting half (by pairs)."""
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    rows = [(k, t) for k, t in rows]
    tune = [r for i, r in enumerate(rows) if (i // 2) % 2 == 0]
    test = [r for i, r in enumerate(rows) if (i // 2) % 2 == 1]
    return tune, test


def scores(rows, found) -> dict[str, float]:
    truth = [k == deroule.DEROULE for k, _ in rows]
    said = [k == deroule.DEROULE for k in found]
    tp = sum(a and b for a, b in zip(truth, said, strict=True))
    p = tp / max(1, sum(said))
    r = tp / max(1, sum(truth))
    return {"n": len(rows), "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / max(1e-9, p + r), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reunions", type=int, default=0, help="reports to segment (0: none)")
    parser.add_argument("--show", type=int, default=50, help="déroulé segments to print")
    parser.add_argument("--units", type=Path, default=REUNIONS, help="the reports' units.csv")
    parser.add_argument("--errors", action="store_true", help="print the fixture's errors")
    args = parser.parse_args()
    nlp = load_nlp()
    for name, rows in zip(("réglage", "contrôle"), annotated(), strict=True):
        found = deroule.kinds([t for _, t in rows], nlp)
        print(name, scores(rows, found))
        if args.errors:
            for (k, t), f in zip(rows, found, strict=True):
                if k != f:
                    print(f"   attendu {k}, trouvé {f} : {t}")
    if args.reunions:
        reunions(nlp, args.units, args.reunions, args.show)


def reunions(nlp, path: Path, n: int, show: int) -> None:
    """Segments of the first `n` reports' texts as `corpus run` cuts them; the déroulé ones."""
    from corpus.records import Note
    from corpus.text.segment import segment_notes

    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:n]
    notes = [Note(doc_id=r["id"], territory_id="t", event_id="t/e", atelier_id=r["report_id"],
                  source="units.csv", format="csv", content_hash=r["id"], text=r["text"])
             for r in rows]
    segs = segment_notes(notes, nlp=nlp)
    taken = [s for s in segs if s.kind == deroule.DEROULE]
    print(f"réunions : {len(notes)} textes, {len(segs)} segments, {len(taken)} déroulé "
          f"({100 * len(taken) / max(1, len(segs)):.1f} %)")
    for s in random.Random(0).sample(taken, min(show, len(taken))):
        print("  -", s.segment_id, "|", s.text[:200])


if __name__ == "__main__":
    main()
