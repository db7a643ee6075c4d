"""What each stage's result depends on: the keys of the stages' cache.

A key changes with the scope's documents as stored, the settings and seed, the seed
problématiques, the code that computes the results, and the models' fingerprints; a rerun
with none of them changed reuses the stage's result.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from corpus import embed, orient
from corpus.config import Settings
from corpus.files import digest, file_digest, tree_digest
from corpus.store import Store

PACKAGE = Path(__file__).resolve().parents[1]  # src/corpus
FLOWS = PACKAGE.parents[1] / "flows"


@functools.cache
def code_digest(*roots: Path) -> str:
    """The code that computes the results: `src/corpus` and `roots` (the flows), every Python
    file. In the cache keys, so that an upgrade recomputes an unchanged démarche."""
    return tree_digest((PACKAGE, *roots))


def run_code() -> str:
    """`code_digest` of the package and, in a checkout, of the flows beside it."""
    return code_digest(*([FLOWS] if FLOWS.is_dir() else []))


def stage_key(stage: str, store: Store, scope: str, settings: Settings,
              seed_from: str | None, code: str, *extra: Any) -> str:
    """What a stage's result depends on: the scope's documents as stored, the settings, the seed
    problématiques, the code, and `extra` (model fingerprints, the keys of earlier stages)."""
    return digest(stage, str(store.path.resolve()), scope, store.scopes.fingerprint(scope),
                  settings.as_dict(), settings.seed, file_digest(seed_from), code, *extra)


def orient_fingerprints(settings: Settings) -> tuple[str, ...]:
    """The orientation embedder's fingerprint and the model file's digest, and the shipped
    lexical model's digest when the shipped model is in use (the cascade's first model)."""
    from corpus.orient.train import LEXICAL

    model = settings.orient_model or orient.default_model_file(settings.embedder_orient)
    name = settings.embedder_orient
    fingerprint = name if name.lower() in LEXICAL else embed.load_embedder(name).fingerprint
    first = () if settings.orient_model else (file_digest(orient.default_model_file("lexical")),)
    return fingerprint, file_digest(model), *first


def manifests_digest(store: Store, scope: str) -> str:
    """The scope's manifests and feedback rows, in a fixed order."""
    doc_ids = store.scopes.doc_ids(scope)
    frames = store.texts.manifests(doc_ids) if doc_ids else {}
    return digest("manifests", {
        name: frame.astype(str).sort_values(list(frame.columns)).to_csv(index=False)
        for name, frame in frames.items()
    })
