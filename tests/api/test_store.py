"""The Python API (`corpus.open`): what a notebook user reads from a store."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from search_oracle import query
from store_inputs import H_EVENT, ROWS, segment_id_of

from corpus.api import RESULT_COLUMNS, SearchError


@pytest.mark.parametrize("filters", [
    {}, {"territory": "marseille"}, {"orientation": "difficulte"}, {"theme": "T001"},
    {"event": "2026-06-journee-cep", "orientation": "levier"},
])
def test_query_ranks_as_corpus_query(api, small_store, embedder, filters):
    for question in ("financer la formation", "RQTH et handicap", "jeunes sans voiture"):
        mine = api.query(question, limit=5, **filters)
        ref = query(small_store, question, embedder=embedder, limit=5, **filters)
        assert list(mine.columns) == RESULT_COLUMNS
        assert mine["segment_id"].tolist() == ref["segment_id"].tolist()
        assert (mine["score"] - ref["score"]).abs().max() < 1e-5


def test_query_ranking_with_many_candidates_matches(api, small_store, embedder, monkeypatch):
    """The bound that skips hopeless candidates gives the same top rows in tiny chunks."""
    from corpus.api import ranking

    monkeypatch.setattr(ranking, "CHUNK", 2)
    mine = api.query("les délais des financements", limit=7)
    ref = query(small_store, "les délais des financements", embedder=embedder, limit=7)
    assert mine["segment_id"].tolist() == ref["segment_id"].tolist()


def test_segments_filter_by_atelier_and_orientation(api):
    found = api.segments(atelier=f"{H_EVENT}/a03-jeunes", orientation="difficulte")
    expected = [t for e, a, t, o, _ in ROWS if e == H_EVENT and a == "a03-jeunes"
                and o == "difficulte"]
    assert sorted(found["text"]) == sorted(expected)
    assert set(found["territory"]) == {"haute-provence"}


def test_themes_carry_terms_and_groups(api):
    frame = api.themes(orientation="levier")
    assert isinstance(frame, pd.DataFrame)
    assert set(frame["group_id"]) <= {"G01", "G02"}
    assert all(frame["levier"] == frame["segments"])
    row = frame.set_index("theme_id").loc["T001"]
    assert row["terms"] == ["financement", "de", "la"]


def test_theme_page_has_quotes_with_their_neighbours(api):
    theme = api.theme("t001")  # case ignored
    assert theme["theme_id"] == "T001" and theme["label"] == "Financement de la formation"
    texts = [t for _, _, t, _, th in ROWS if th == "T001"]
    assert theme["segments"] == len(texts)
    assert theme["difficulte"] + theme["levier"] + theme["autre"] == len(texts)
    assert {e["event"] for e in theme["evolution"]} == {r[0] for r in ROWS}
    assert sum(e["segments"] for e in theme["evolution"]) == len(texts)
    # the representative segment comes first, then the note's neighbours around each quote
    first = theme["quotes"][0]
    assert first["segment_id"] == segment_id_of("Les financements de la Région arrivent")
    assert first["before"] == ["Le permis de conduire peut être payé avec le CPF, mais peu de "
                               "demandeurs le savent."]
    assert first["after"] == ["Personne 2 présente l'atelier et rappelle les règles du débat "
                              "mouvant."]
    assert {q["text"] for q in theme["quotes"]} == set(texts)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"territory": "paris"}, "Valeurs acceptées : haute-provence, marseille"),
    ({"orientation": "frein"}, "Valeurs acceptées : difficulte, levier, autre"),
    ({"theme": "T999"}, "T001, T002"),
    ({"event": "2030-01-x"}, "marseille/2026-03-journee-cep"),
    ({"atelier": "a99"}, "haute-provence/2026-06-journee-cep/a01-mobilite"),
])
def test_bad_filters_name_the_accepted_values(api, kwargs, message):
    with pytest.raises(SearchError) as err:
        api.query("formation", **kwargs)
    assert message in str(err.value)


def test_sql_is_read_only(api):
    frame = api.sql("SELECT territory_id, count(*) AS n FROM segments GROUP BY 1 ORDER BY 1")
    assert frame["n"].sum() == len(ROWS)
    from corpus.store import StoreError

    with pytest.raises(StoreError):
        api.sql("DELETE FROM segments")


def test_a_new_run_is_seen_without_reopening(api, small_store):
    assert len(api.segments(theme="T005")) == 3
    segs = small_store.texts.segments()
    small_store.texts.update_segments(segs.assign(theme_id="T005", theme_label="Tout"))
    small_store.runs.record("r2", started_at=pd.Timestamp("2026-07-01"), input="x",
                            status="ok", config={}, counts={})
    assert len(api.segments(theme="T005")) == len(ROWS)


def test_missing_store_is_explained(tmp_path):
    import corpus

    with pytest.raises(FileNotFoundError, match="corpus run"):
        corpus.open(tmp_path / "absent.duckdb")


def test_import_corpus_stays_cheap():
    code = ("import sys, corpus; print(int('pandas' in sys.modules)); "
            "assert callable(corpus.open); "
            "print(int('torch' in sys.modules or 'sentence_transformers' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["0", "0"]


def test_an_edited_text_is_never_served_from_the_cache(api, small_store):
    """`corpus forget` rewrites texts without a new run: the API must not show the old one."""
    sid = segment_id_of("Les jeunes décrocheurs")
    assert api.segments(theme="T005")["text"].str.contains("décrocheurs").any()
    with small_store.db.transaction() as con:
        con.execute("UPDATE segments SET text = 'Personne 3 ne vient plus.' "
                    "WHERE segment_id = ?", [sid])
    reopened = type(api)(small_store.path, embedder=api.embedder)  # a new process, same cache
    for reader in (api, reopened):
        texts = reader.segments(theme="T005")["text"].tolist()
        assert "Personne 3 ne vient plus." in texts
        assert not any("décrocheurs" in t for t in texts)
