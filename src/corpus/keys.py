"""What each cached stage of a run depends on: the keys the flows give Prefect's task cache.

A key changes with the scope's documents as stored, the settings and seed, the seed
problématiques, the code that computes the results, and the models' fingerprints; a rerun
with none of them changed reuses the stage's result.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import corpus
from corpus import embed, orient
from corpus.config import Settings
from corpus.files import digest, file_digest, tree_digest
from corpus.store import Store


@functools.cache
def code_digest(*roots: Path) -> str:
    """The code that computes the results: `src/corpus` and `roots` (the flows), every Python
    file. In the cache keys, so that an upgrade recomputes an unchanged démarche."""
    return tree_digest((Path(corpus.__file__).parent, *roots))


def stage_key(stage: str, store: Store, scope: str, settings: Settings,
              seed_from: str | None, code: str, *extra: Any) -> str:
    """What a stage's result depends on: the scope's documents as stored, the settings, the seed
    problématiques, the code, and `extra` (model fingerprints)."""
    return digest(stage, str(store.path.resolve()), scope, store.scopes.fingerprint(scope),
                  settings.as_dict(), settings.seed, file_digest(seed_from), code, *extra)


def orient_fingerprints(settings: Settings) -> tuple[str, str]:
    """The orientation embedder's fingerprint and the model file's digest."""
    model = settings.orient_model or orient.default_model_file(settings.embedder_orient)
    return embed.load_embedder(settings.embedder_orient).fingerprint, file_digest(model)


def synthesis_key(store: Store, scope: str, out: str | Path, settings: Settings,
                  seed_from: str | None, code: str) -> str:
    """Same segments and themes files, manifests and feedback, seeds, settings and code."""
    doc_ids = store.scopes.doc_ids(scope)
    frames = store.texts.manifests(doc_ids) if doc_ids else {}
    manifests = {  # rows in a fixed order
        name: frame.astype(str).sort_values(list(frame.columns)).to_csv(index=False)
        for name, frame in frames.items()
    }
    return digest("synthesis", [file_digest(Path(out) / n)
                                for n in ("segments.parquet", "themes.json")],
                  file_digest(seed_from), manifests, settings.as_dict(),
                  str(store.path.resolve()), code)
