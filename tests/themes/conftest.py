"""Fixtures of the themes' tests on real texts."""

import pandas as pd
import pytest
from real_answers import read_answers


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    """The Grand Débat's open answers, sorted by id (tests/real_answers.py)."""
    return read_answers()
