"""Fixtures of the stages' tests: a small démarche copied under tmp_path, and settings where
the fake embedder and the shipped lexical orientation model stand in for the real models (the
real ones run in the slow tests and in tests/flows/test_pipeline.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.config import Settings

DEMARCHE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "demarche"


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """A models folder of its own (the gazetteer is written there on first use)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def settings(models_dir) -> Settings:
    # The shipped lexical orientation model needs no embedder; themes use the fake embedder.
    return Settings(models_dir=models_dir, embedder_orient="lexical", embedder_themes="fake")


@pytest.fixture
def demarche(tmp_path) -> Path:
    root = tmp_path / "demarche"
    shutil.copytree(DEMARCHE, root)
    return root
