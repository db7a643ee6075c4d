"""Test configuration: no network, Prefect in a temporary home, shared heavy fixtures.

The environment is set at import time, before any test module imports Prefect or a model.
"""

import os
import tempfile
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="corpus-prefect-home-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ["PREFECT_LOGGING_EXTRA_LOGGERS"] = "corpus"
os.environ.pop("PREFECT_API_URL", None)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def prefect_harness():
    """A real Prefect engine and temporary server for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def nlp():
    """The real French spaCy pipeline, loaded once."""
    from corpus.text.french import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def synthesis_inputs():
    """A small démarche after orientation and themes (see tests/synthesis_inputs.py)."""
    from synthesis_inputs import make_inputs

    return make_inputs()


@pytest.fixture(scope="session")
def synthesis(synthesis_inputs):
    """The synthesis of `synthesis_inputs`, with embeddings and a previous run. Do not mutate."""
    from corpus.synthesis.build import build_synthesis

    i = synthesis_inputs
    return build_synthesis(
        i.segments, i.themes, ateliers=i.ateliers, events=i.events, territories=i.territories,
        feedback=i.feedback, embeddings=i.embeddings, previous=i.previous,
    )
