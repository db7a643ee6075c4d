"""Shared fixtures of the embedding tests: French segments, a store, model folders.

Unit tests use the fake embedder and folders written under tmp_path. The real-model tests
(marked slow) use `models_dir`: the project's built models/ folders, linked read-only into a
temporary folder, or built there when the project has none. No test writes into models/.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corpus.config import Settings
from corpus.embed.folder import BUILD_FORMAT, MANIFEST, file_entries, is_current
from corpus.embed.provision import MODEL_NAMES, build_models
from corpus.store import Store

SEGMENTS = [
    "Les délais de financement CPF + AIF sont trop longs : les personnes abandonnent leur projet.",
    "On ne connaît pas l’offre de service des autres structures du territoire.",
    "La plateforme numérique exclut les publics éloignés du numérique, surtout en zone rurale.",
    "Un annuaire partagé des référents de chaque structure, mis à jour deux fois par an.",
    "Mobilité",
    "Des réunions d'information collectives communes entre Pôle emploi et Cap emploi.",
]


@pytest.fixture
def segments() -> list[str]:
    """Six atelier segments, one of a single word."""
    return list(SEGMENTS)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "corpus.duckdb")


@pytest.fixture
def write_model_folder() -> Callable[..., dict[str, Any]]:
    """Write a model folder with the given files and a manifest that lists them."""

    def write(folder: Path, files: dict[str, bytes], **extra: Any) -> dict[str, Any]:
        folder.mkdir(parents=True)
        for rel, content in files.items():
            (folder / rel).write_bytes(content)
        manifest = {
            "format": BUILD_FORMAT,
            "name": folder.name,
            "files": file_entries(folder, [folder / rel for rel in files]),
            "sources": {},
            **extra,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest))
        return manifest

    return write


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding current e5-small and use-multilingual folders.

    The project's folders are linked when current (a build takes a while and 470 MB); the
    others are built here, so that no test writes into the project's models/.
    """
    root = tmp_path_factory.mktemp("models")
    project = Settings().models_dir
    for name in MODEL_NAMES:
        if is_current(project / name):
            (root / name).symlink_to((project / name).resolve(), target_is_directory=True)
    build_models(root)  # builds only the folders that were not linked
    return root
