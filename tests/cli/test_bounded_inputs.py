"""Bounded work on any input, as a user runs it: a 20 MB note is set aside at once (exit 3,
its name, size and the limit) while the other notes are ingested; a table whose years recur
under several districts runs to its outputs with one event per district and year."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from corpus_process import SAMPLE, SMALL, run

pytestmark = pytest.mark.slow


def test_a_20_mb_note_is_set_aside_and_the_others_ingested(tmp_path):
    root = tmp_path / "demarche"
    shutil.copytree(SMALL, root)
    note = root / "lyon-est" / "forum-cep-2024" / "notes" / "A1.md"
    text = note.read_text(encoding="utf-8") + "\n"
    note.write_text(text * (20 * 2**20 // len(text.encode()) + 1), encoding="utf-8")
    started = time.monotonic()
    code, log = run(["ingest", str(root), "--store", str(tmp_path / "c.duckdb"), "--json"],
                    tmp_path, tmp_path / "ingest.log", timeout=300)
    took = time.monotonic() - started
    assert code == 3, log[-3000:]
    assert "Traceback" not in log
    assert took < 120, f"{took:.0f} s"  # before: still segmenting after 12 minutes of CPU
    message = next(line for line in log.splitlines() if "A1.md" in line and "Mo" in line)
    assert "la note fait 20,0 Mo, au-delà de la limite de 256 Ko" in message
    assert "découpez la note" in message
    summary = json.loads(log[log.index("{"):log.rindex("}") + 1])
    assert summary["added"]["documents"] == 2  # A2.docx and A3.odt
    assert [Path(s["path"]).name for s in summary["set_aside"]] == ["A1.md"]


def _projects(path: Path) -> Path:
    """A table of projects by district and year (the sample's bullets): each year recurs in
    both districts, and "atelier 1" in every district and year."""
    bullets = [re.sub(r"^[-*•]\s+", "", line).strip()
               for note in sorted(SAMPLE.glob("*/*/notes/*.md"))
               for line in note.read_text(encoding="utf-8").splitlines()
               if re.match(r"^[-*•]\s+\S", line) and len(line) > 40]
    rows = [{"id": f"p{i:03d}", "quartier": ("Nord", "Sud")[i % 2],
             "annee": ("2015", "2016")[i // 2 % 2], "atelier": f"atelier {i // 4 % 2 + 1}",
             "texte": text} for i, text in enumerate(bullets[:48])]
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    return path


def test_a_table_with_years_in_every_district_runs_with_one_event_each(tmp_path):
    table = _projects(tmp_path / "projets.csv")
    out = tmp_path / "out"
    code, log = run(["run", str(table), "--text", "texte", "--id", "id", "--territory",
                     "quartier", "--event", "annee", "--atelier", "atelier", "--out", str(out),
                     "--store", str(tmp_path / "c.duckdb")], tmp_path, tmp_path / "run.log")
    assert code == 0, log[-4000:]
    assert "apparaît sous deux parents" not in log
    docs = pd.read_parquet(out / "documents.parquet")
    assert sorted(docs["event"].unique()) == ["Nord/2015", "Nord/2016", "Sud/2015", "Sud/2016"]
    assert (docs["event"].str.split("/").str[0] == docs["territory"]).all()
    segs = pd.read_parquet(out / "segments.parquet")
    ateliers = segs[["event", "atelier"]].drop_duplicates()
    assert len(ateliers) == 8  # "atelier 1" and "atelier 2" in each of the four events
