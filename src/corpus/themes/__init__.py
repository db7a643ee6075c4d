"""Themes: groups of segments about the same subject across ateliers and territories.

`space` (the space segments are grouped in), `clustering` (density themes, outliers), `terms`
(key terms), `labels` (noun-phrase candidates and labels), `headings` (the candidate that best
finds its theme's segments as a query), `groups` (grands thèmes), `registry` (stable ids across
runs), `describe` (themes.json entries), `fit` (the stage: `fit_themes`).
"""

from corpus.themes.describe import ThemeResult, themes_json
from corpus.themes.fit import document_themes, fit_themes, seed_vectors

__all__ = ["ThemeResult", "document_themes", "fit_themes", "seed_vectors", "themes_json"]
