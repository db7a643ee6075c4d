"""`corpus run` on damaged inputs, as a user runs it: one clean message per bad file, never a
traceback; by default the rest of the démarche is processed (exit 3), with `--strict` nothing is
written (exit 2). Real processes, real Prefect engine, real models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from corpus_process import SAMPLE, run

pytestmark = pytest.mark.slow

EVENT = Path("marseille") / "2026-03-journee-cep"


def _damaged(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of data/sample with a note that is random bytes named .docx and a truncated
    retours.xlsx (the two kinds of files a run sets aside)."""
    root = tmp_path / "demarche"
    shutil.copytree(SAMPLE, root)
    notes = root / EVENT / "notes"
    victim = sorted(notes.iterdir())[0]
    bad_note = victim.with_suffix(".docx")
    victim.unlink()
    bad_note.write_bytes(bytes(range(256)) * 12)
    retours = next((root / "haute-provence").glob("*/retours.xlsx"))
    retours.write_bytes(retours.read_bytes()[:700])
    return root, bad_note, retours


def test_a_damaged_demarche_is_processed_without_its_bad_files(tmp_path):
    root, bad_note, retours = _damaged(tmp_path)
    out = tmp_path / "out"
    code, log = run(["run", str(root), "--store", str(tmp_path / "c.duckdb"), "--out", str(out)],
                    tmp_path, tmp_path / "run.log")
    assert code == 3, log[-4000:]
    assert "Traceback" not in log
    for path in (bad_note, retours):
        assert str(path) in log
    assert log.count("Correction : ") >= 2
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    aside = {Path(s["path"]).name: s for s in summary["set_aside"]}
    assert set(aside) == {bad_note.name, "retours.xlsx"}
    assert aside[bad_note.name]["kind"] == "note" and aside[bad_note.name]["fix"]
    assert aside["retours.xlsx"]["kind"] == "retours"
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 19 and not docs["doc_id"].str.endswith(bad_note.stem).any()
    synthese = (out / "synthese.md").read_text(encoding="utf-8")
    assert "## Fichiers écartés" in synthese and bad_note.name in synthese
    assert "Fichiers écartés" in (out / "synthese.html").read_text(encoding="utf-8")


def test_strict_refuses_with_one_clean_message_and_writes_nothing(tmp_path):
    root, bad_note, _ = _damaged(tmp_path)
    store = tmp_path / "c.duckdb"
    code, log = run(["run", str(root), "--store", str(store), "--out", str(tmp_path / "out"),
                     "--strict"], tmp_path, tmp_path / "run.log")
    assert code == 2, log[-4000:]
    assert "Traceback" not in log
    final = next(line for line in log.splitlines() if line.startswith("Erreur"))
    assert "Correction : " in final and ("notes/" in final or "retours" in final)
    assert not (tmp_path / "out" / "run.json").exists()
    if store.exists():
        with duckdb.connect(str(store), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_debug_shows_the_traceback(tmp_path):
    root, _, _ = _damaged(tmp_path)
    code, log = run(["ingest", str(root), "--store", str(tmp_path / "c.duckdb"), "--strict",
                     "--debug"], tmp_path, tmp_path / "run.log")
    assert code == 2 and "Traceback" in log
