"""Orientation of segments: `difficulte`, `levier` or `autre`.

`features` (cues, hashed n-grams), `model` (the classifier, its files, the shipped model),
`apply` (segments and documents), `train` (a team's own model, cross-validated).
"""

from corpus.orient.apply import document_orientation, orient_cascade, orient_segments
from corpus.orient.model import (
    OrientationModel,
    default_model_file,
    default_model_path,
    load_default_model,
)

__all__ = [
    "OrientationModel", "default_model_file", "default_model_path", "document_orientation",
    "load_default_model", "orient_cascade", "orient_segments",
]
