"""Shared fixtures of the ingestion tests: the French files under tests/fixtures/ingest/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
NOTES = FIXTURES / "notes"
TABLES = FIXTURES / "tables"
DEMARCHE = FIXTURES / "demarche"


@pytest.fixture
def demarche(tmp_path: Path) -> Path:
    """A writable copy of the valid démarche (1 territory, 1 event, 3 ateliers)."""
    root = tmp_path / "demarche"
    shutil.copytree(DEMARCHE, root)
    return root


@pytest.fixture
def event_dir(demarche: Path) -> Path:
    return demarche / "lyon-est" / "forum-cep-2024"
