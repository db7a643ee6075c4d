"""Test configuration: no network, Prefect in a temporary home, shared heavy fixtures.

The environment is set before any test module imports Prefect or a model. Prefect's home lives
under pytest's base temporary folder (with every test's tmp_path), never in the user's home.
"""

import os
import tempfile
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ["PREFECT_LOGGING_EXTRA_LOGGERS"] = "corpus"
os.environ["PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"] = "ignore"
os.environ.pop("PREFECT_API_URL", None)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_configure(config):
    """PREFECT_HOME and hypothesis' storage in pytest's base temporary folder (kept with the
    last runs' tmp_paths)."""
    factory = getattr(config, "_tmp_path_factory", None)
    base = factory.getbasetemp() if factory is not None else Path(tempfile.mkdtemp())
    os.environ["PREFECT_HOME"] = str(base / "prefect-home")
    # hypothesis' caches (its example database is off in the property tests)
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(base / "hypothesis")


@pytest.fixture(autouse=True)
def _environment_read_afresh():
    """Each test reads the CORPUS_* variables anew (`config.environment()` reads them once)."""
    from corpus.config import environment

    environment.cache_clear()
    yield
    environment.cache_clear()


@pytest.fixture(scope="session")
def prefect_harness():
    """A real Prefect engine and temporary server for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, prefect_harness):
    """`corpus run data/sample` through the real Prefect engine: (tmp, params, summary), shared
    by the flows' and the explorer's integration tests. Do not write into its store or output
    folder: copy them."""
    from flows.pipeline import RunParams, pipeline

    tmp = tmp_path_factory.mktemp("run")
    params = RunParams(input=str(SAMPLE), out=str(tmp / "out"), store=str(tmp / "c.duckdb"))
    summary = pipeline(params)
    return tmp, params, summary


# The test files that use the sample's real run (`sample_run`): pytest-xdist runs them on one
# worker, so that the run is built once (tests/test_conftest.py checks the list is complete).
SAMPLE_RUN_FILES = ("tests/flows/test_pipeline.py", "tests/flows/test_privacy.py",
                    "tests/explore/test_sample.py")


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist sends each test file to one worker (its module and session fixtures, real
    runs and models, built once), and the files of `SAMPLE_RUN_FILES` to the same one.
    (`--dist loadgroup` does not group with pytest 9 here: tried, tests spread anyway.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "sample_run" if path in SAMPLE_RUN_FILES else path

    return ByFile(config, log)


@pytest.fixture(scope="session")
def nlp():
    """The real French spaCy pipeline, loaded once (integration tests only)."""
    from corpus.text.french import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def blank_nlp():
    """spaCy's French tokenizer and a rule-based sentencizer: no model, for unit tests."""
    import spacy

    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    return nlp


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
