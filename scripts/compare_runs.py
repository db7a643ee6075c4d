"""Compare two `corpus run` output folders: the files a refactoring must leave unchanged.

    .venv/bin/python scripts/compare_runs.py reports/before reports/after

For `themes.json`, `segments.parquet`, `documents.parquet` and `problematiques.json`, prints
"identique" or what differs (columns, rows, values, keys), and exits 1 when anything differs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd


def _frames(a: Path, b: Path) -> list[str]:
    left, right = pd.read_parquet(a), pd.read_parquet(b)
    if list(left.columns) != list(right.columns):
        return [f"colonnes : {list(left.columns)} / {list(right.columns)}"]
    if len(left) != len(right):
        return [f"lignes : {len(left)} / {len(right)}"]
    out = []
    for col in left.columns:
        differ = ~((left[col] == right[col]) | (left[col].isna() & right[col].isna()))
        if differ.any():
            i = int(differ.to_numpy().nonzero()[0][0])
            out.append(f"{col} : {int(differ.sum())} ligne(s), ex. ligne {i} : "
                       f"{left[col].iloc[i]!r} / {right[col].iloc[i]!r}")
    return out


def _json(a: Path, b: Path) -> list[str]:
    left = json.loads(a.read_text(encoding="utf-8"))
    right = json.loads(b.read_text(encoding="utf-8"))
    if left == right:
        return []
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"éléments : {len(left)} / {len(right)}"]
        out = []
        for i, (x, y) in enumerate(zip(left, right, strict=True)):
            for key in sorted(set(x) | set(y)):
                if x.get(key) != y.get(key):
                    out.append(f"[{i}].{key} : {x.get(key)!r} / {y.get(key)!r}")
        return out
    return ["contenus différents"]


def main(before: str, after: str) -> int:
    differs = False
    for name, compare in (("themes.json", _json), ("segments.parquet", _frames),
                          ("documents.parquet", _frames), ("problematiques.json", _json)):
        found = compare(Path(before) / name, Path(after) / name)
        differs |= bool(found)
        print(f"{name} : {'identique' if not found else 'différent'}")
        for line in found:
            print(f"  {line}")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
