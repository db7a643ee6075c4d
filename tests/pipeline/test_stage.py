"""The loop over the stages, without Prefect: the store as the only channel, the cache."""

from __future__ import annotations

import json
import shutil

from corpus import pipeline
from corpus.store import Store


def _recorded(store: Store) -> dict[str, object]:
    frame = store.db.frame("SELECT stage, recorded_at FROM stage_results ORDER BY stage")
    return dict(zip(frame["stage"], frame["recorded_at"], strict=True))


def test_stages_talk_through_the_store_and_skip_what_is_already_done(
        tmp_path, demarche, settings, monkeypatch):
    """The whole loop without Prefect: every output written; an emptied output folder is
    written again from the store alone (no stage reads another's files); a rerun with nothing
    new recomputes nothing, and new code recomputes everything."""

    out = tmp_path / "out"
    ctx = pipeline.Context(store=str(tmp_path / "c.duckdb"), input=str(demarche),
                           settings=settings, out=str(out), run_id="r1")
    _, done, _ = pipeline.run_stages(pipeline.STAGES, ctx)
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"segments.parquet", "documents.parquet", "themes.json", "synthese.md",
            "synthese.html", "synthese.docx", "problematiques.json"} <= set(written)
    assert json.loads(written["themes.json"])[0]["theme_id"] in written["synthese.md"].decode()
    store = Store(tmp_path / "c.duckdb")
    first = _recorded(store)
    assert {"run:orientation", "run:themes", "run:feedback", "run:synthesis"} <= set(first)

    shutil.rmtree(out)
    pipeline.run_stages(pipeline.STAGES, ctx)
    assert _recorded(store) == first  # nothing recomputed
    assert {p.name: p.read_bytes() for p in out.iterdir()} == written

    for module in (pipeline.analysis, pipeline.outputs):  # an upgrade of corpus
        monkeypatch.setattr(module, "run_code", lambda: "une autre version")
    pipeline.run_stages(pipeline.STAGES, ctx)
    again = _recorded(store)
    assert all(again[k] > first[k] for k in ("run:orientation", "run:themes", "run:synthesis"))
