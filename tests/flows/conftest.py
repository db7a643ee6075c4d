"""The real run of the shipped sample, shared by every integration test of the flows."""

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, prefect_harness):
    """`corpus run data/sample` through the real Prefect engine: (tmp, params, summary).
    Do not write into its store or output folder."""
    from flows.pipeline import RunParams, pipeline

    tmp = tmp_path_factory.mktemp("run")
    params = RunParams(input=str(SAMPLE), out=str(tmp / "out"), store=str(tmp / "c.duckdb"))
    summary = pipeline(params)
    return tmp, params, summary
