"""Themes: groups of segments about the same subject across ateliers and territories.

`space` (the space segments are grouped in), `clustering` (micro-clusters, consensus,
outliers), `labels` (key terms and labels), `registry` (stable ids across runs), `fit` (the
stage: `fit_themes`, themes.json).
"""

from corpus.themes.fit import (
    ThemeResult,
    document_themes,
    fit_themes,
    seed_vectors,
    themes_json,
)

__all__ = ["ThemeResult", "document_themes", "fit_themes", "seed_vectors", "themes_json"]
