"""The output stages: the tables of the output contract."""

from __future__ import annotations

import pandas as pd

from corpus import pipeline
from corpus.store import Store


def test_output_tables_follow_the_contract(tmp_path, demarche, settings, blank_nlp):
    store = Store(tmp_path / "c.duckdb")
    ingested = pipeline.ingest(demarche, store, settings, nlp=blank_nlp)
    files = pipeline.write_tables(store, ingested.doc_ids, tmp_path / "out")
    segs = pd.read_parquet(files["segments"])
    assert list(segs.columns[:6]) == ["segment_id", "doc_id", "territory", "event", "atelier",
                                      "text"]
    assert sorted(pd.read_parquet(files["documents"])["doc_id"]) == ingested.doc_ids
