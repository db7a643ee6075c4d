"""The Grand Débat's open answers (`../shared/data/granddebat_questions/`, read in place, never
copied), for the tests on real texts."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SHARED_DATA

ANSWERS = SHARED_DATA / "granddebat_questions" / "answers.csv"
# The marks of a module of slow tests on these answers, skipped where the shared data is absent.
ON_REAL_ANSWERS = [
    pytest.mark.slow,
    pytest.mark.skipif(not ANSWERS.exists(), reason=f"{ANSWERS} absent (données partagées)"),
]


def read_answers() -> pd.DataFrame:
    return pd.read_csv(ANSWERS, dtype=str, keep_default_na=False).sort_values("id")
