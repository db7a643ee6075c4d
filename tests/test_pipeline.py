"""`corpus run` end to end on the shipped sample, through the real Prefect engine."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from corpus.protect import leaks

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, prefect_harness):
    from flows.pipeline import RunParams, pipeline

    tmp = tmp_path_factory.mktemp("run")
    params = RunParams(input=str(SAMPLE), out=str(tmp / "out"), store=str(tmp / "c.duckdb"))
    summary = pipeline(params)
    return tmp, params, summary


def test_sample_run_writes_the_output_contract(sample_run):
    tmp, _, summary = sample_run
    out = tmp / "out"
    segs = pd.read_parquet(out / "segments.parquet")
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(segs.columns[:10]) == [
        "segment_id", "doc_id", "territory", "event", "atelier", "text",
        "orientation", "orientation_score", "theme_id", "theme_label",
    ]
    assert list(docs.columns[:6]) == [
        "doc_id", "territory", "event", "atelier", "orientation", "theme_id"]
    assert len(segs) >= 200
    assert segs["territory"].nunique() == 2
    assert segs.groupby(["event", "atelier"]).ngroups >= 16
    assert len(docs) == 20 and set(segs["doc_id"]) == set(docs["doc_id"])
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["segments"] == len(segs) and run["seed"] == 42


def test_no_email_phone_or_listed_name_survives(sample_run):
    tmp, _, _ = sample_run
    segs = pd.read_parquet(tmp / "out" / "segments.parquet")
    text = "\n".join(segs["text"])
    assert leaks(text) == []
    # Names written in the sample's notes and manifests (contacts, trinômes).
    for name in ("Marchetti", "Mansouri", "Haddad", "Lefèvre", "Garcin", "Oliveri", "Pellegrin"):
        assert name not in text, name
    assert "Personne " in text
    # Organisations stay: they are the point of the analysis.
    assert "Mission locale" in text or "ML" in text
    assert "Cap emploi" in text


def test_second_ingest_adds_nothing(sample_run):
    from flows.ingest import IngestParams, ingest_flow

    tmp, params, _ = sample_run
    again = ingest_flow(IngestParams(input=params.input, store=params.store))
    assert again.added["documents"] == 0 and again.added["segments"] == 0
    assert again.unchanged == 20


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "corpus.cli", *args], cwd=cwd, capture_output=True, text=True,
        timeout=600,
    )


def test_bad_input_is_refused_and_store_untouched(tmp_path):
    bad = tmp_path / "demarche"
    shutil.copytree(SAMPLE / "marseille", bad / "marseille")
    ateliers = bad / "marseille" / "2026-03-journee-cep" / "ateliers.csv"
    lines = ateliers.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(";", ",", 2)  # a broken row: two fields glued together
    ateliers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "c.duckdb"
    done = _cli("ingest", str(bad), "--store", str(store), cwd=ROOT)
    assert done.returncode == 2
    assert "ateliers.csv" in done.stderr and "ligne 4" in done.stderr
    assert "Correction" in done.stderr
    status = _cli("status", "--store", str(store), "--json", cwd=ROOT)
    counts = json.loads(status.stdout)
    assert counts["documents"] == 0 and counts["segments"] == 0
