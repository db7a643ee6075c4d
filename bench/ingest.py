"""Ingest and segment the real Grand Débat units as a table; print units/s, segments/s, memory.

    .venv/bin/python bench/ingest.py [--limit N] [--reparse]

Each text is parsed once, at segmentation: its tokens are kept (`corpus.text.tags`) and the
themes' labels rebuild their docs from them ("label docs from tags"); `--reparse` also times
the parse of the same texts those docs replace.

Reads ../shared/data/granddebat_reunions/units.csv in place (never copied into the project).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT.parent / "shared" / "data" / "granddebat_reunions" / "units.csv"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N units")
    parser.add_argument("--reparse", action="store_true",
                        help="also time the parse that the stored tags replace")
    args = parser.parse_args()
    if not UNITS.exists():
        print(f"{UNITS} absent : ce banc lit les données partagées.", file=sys.stderr)
        return 1

    from corpus import pipeline
    from corpus.config import Settings
    from corpus.ingest import TableOptions
    from corpus.store import Store
    from corpus.text import french

    settings = Settings()
    t0 = time.perf_counter()
    nlp = french.load_nlp(settings.spacy_model)
    t_load = time.perf_counter() - t0

    # The ingest stage itself, as `corpus run` runs it; it times its own steps.
    options = TableOptions(text="text", id="id", territory="region", event="departement",
                           atelier="report_id", orientation="kind")
    with tempfile.TemporaryDirectory() as tmp:
        table = UNITS
        if args.limit:
            import pandas as pd

            table = Path(tmp) / "units.csv"
            pd.read_csv(UNITS, nrows=args.limit).to_csv(table, index=False)
        store = Store(Path(tmp) / "bench.duckdb")
        ctx = pipeline.Context(store=str(store.path), input=str(table), settings=settings,
                               table=options)
        result = pipeline.Ingest().run(ctx)
        protected = store.texts.segments(tags=True)
        n_units = len(result["doc_ids"])
        n_chars = int(protected["text"].str.len().sum())
    seconds = result["seconds"]
    t_read, t_seg = seconds.get("read", 0.0), seconds.get("segment", 0.0)
    t_prot, t_store = seconds.get("protect", 0.0), seconds.get("store", 0.0)

    from corpus.text import tags as text_tags
    from corpus.text.protect import without_marks

    stored = [t for t in protected["tags"] if isinstance(t, str)]
    t0 = time.perf_counter()
    for value in stored:
        text_tags.doc(nlp.vocab, text_tags.without_marks(text_tags.loads(value)))
    t_docs = time.perf_counter() - t0
    t_reparse = None
    if args.reparse:
        unused = [n for n in ("senter", "parser") if n in nlp.pipe_names]
        t0 = time.perf_counter()
        with nlp.select_pipes(disable=unused):
            for _ in nlp.pipe((without_marks(t) for t in protected["text"]), batch_size=64):
                pass
        t_reparse = time.perf_counter() - t0

    total = t_read + t_seg + t_prot + t_store
    print(f"units            {n_units:>9,}   ({n_chars / 1e6:.2f} M characters of segments)")
    print(f"segments         {len(protected):>9,}")
    print(f"spaCy load       {t_load:>9.1f} s  (once per process, not counted below)")
    print(f"read table       {t_read:>9.1f} s")
    print(f"segment (spaCy)  {t_seg:>9.1f} s")
    print(f"protect          {t_prot:>9.1f} s")
    print(f"store (DuckDB)   {t_store:>9.1f} s")
    print(f"segments tagged  {len(stored):>9,}   ({sum(map(len, stored)) / 1e6:.1f} MB of tags)")
    print(f"label docs from tags {t_docs:>5.1f} s  (themes stage; no parse)")
    if t_reparse is not None:
        print(f"reparse (replaced) {t_reparse:>7.1f} s  (what the themes stage parsed before)")
    print(f"units/s          {n_units / total:>9.1f}")
    print(f"segments/s       {len(protected) / total:>9.1f}")
    print(f"peak memory      {peak_mib():>9.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
