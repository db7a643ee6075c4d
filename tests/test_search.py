"""Semantic search over the store: filters, ranking, the lexical bonus, the cache, the CLI."""

import json

import numpy as np
import pytest
from store_inputs import H_EVENT, make_store, segment_id_of
from typer.testing import CliRunner

from corpus import search
from corpus.cli import app
from corpus.embed import FakeEmbedder
from corpus.search import RESULT_COLUMNS, SearchError, lexical_overlap, query, query_terms


@pytest.fixture
def store(tmp_path):
    return make_store(tmp_path / "corpus.duckdb")


class ConstantEmbedder:
    """Every text gets the same vector: cosine ties everywhere, only the lexical bonus counts."""

    name = "constant"
    dim = 4
    fingerprint = "constant-v1"

    def encode(self, texts):
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        rows[:, 0] = 1.0
        return rows


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("RQTH", "La RQTH n'est pas toujours connue des conseillers.", 1.0),
        ("rqth", "La RQTH n'est pas toujours connue des conseillers.", 1.0),
        ("CPF", "Le reste à charge sur le CPF décourage les salariés.", 1.0),
        ("financement des formations", "Il faut financer la formation.", 1.0),
        ("mobilité des jeunes", "Les jeunes sans permis restent isolés.", 0.5),
        ("fracture numérique", "Les délais de la MDPH retardent l'entrée.", 0.0),
        ("équipe", "Une EQUIPE mobile vient au domicile.", 1.0),  # accents and case ignored
    ],
)
def test_lexical_overlap(question, text, expected):
    assert lexical_overlap(query_terms(question), text) == pytest.approx(expected)


def test_query_terms_drop_french_function_words():
    assert query_terms("Comment payer la formation d'un demandeur d'emploi ?") == [
        "payer", "format", "demand", "emploi",
    ]


def test_results_have_the_contract_columns_and_are_sorted(store):
    found = query(store, "financement de la formation", embedder=FakeEmbedder(), limit=5)
    assert list(found.columns) == RESULT_COLUMNS
    assert len(found) == 5
    assert found["score"].is_monotonic_decreasing
    assert found["segment_id"].is_unique


def test_exact_acronym_wins_when_meaning_ties(store):
    found = query(store, "RQTH", embedder=ConstantEmbedder(), limit=3)
    assert found["segment_id"].iloc[0] == segment_id_of("La RQTH")
    # Equal scores after the match are ordered by segment id, the same on every run.
    rest = found.iloc[1:]
    assert rest["score"].nunique() == 1
    assert rest["segment_id"].tolist() == sorted(rest["segment_id"])


@pytest.mark.parametrize(
    ("filters", "column", "expected"),
    [
        ({"territory": "haute-provence"}, "territory", {"haute-provence"}),
        ({"territory": "MARSEILLE"}, "territory", {"marseille"}),
        ({"event": "2026-06-journee-cep"}, "event", {H_EVENT}),
        ({"event": H_EVENT}, "event", {H_EVENT}),
        ({"orientation": "levier"}, "orientation", {"levier"}),
        ({"orientation": "Difficulté"}, "orientation", {"difficulte"}),
        ({"theme": "t001"}, "theme_id", {"T001"}),
    ],
)
def test_filters_restrict_the_candidates(store, filters, column, expected):
    found = query(store, "formation", embedder=FakeEmbedder(), limit=20, **filters)
    assert len(found) > 0
    assert set(found[column]) == expected


def test_filters_combine(store):
    found = query(store, "financer", embedder=FakeEmbedder(), limit=20,
                  territory="haute-provence", theme="T001", orientation="levier")
    assert found["segment_id"].tolist() == [segment_id_of("Le permis de conduire")]


def test_pages_give_the_same_ranking_as_one_pass(store):
    one = query(store, "les jeunes et la formation", embedder=FakeEmbedder(), limit=7)
    paged = query(store, "les jeunes et la formation", embedder=FakeEmbedder(), limit=7,
                  page_size=3)
    assert paged.equals(one)


def test_vectors_are_computed_once_then_read_from_the_store(store):
    embedder = FakeEmbedder()
    query(store, "délais de financement", embedder=embedder)
    assert embedder.n_encoded == 20 + 1  # every segment, then the question
    query(store, "garages solidaires", embedder=embedder, territory="haute-provence")
    assert embedder.n_encoded == 20 + 2  # only the new question
    assert store.counts()["embeddings"] == 20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"orientation": "frein"}, "Valeurs acceptées : difficulte, levier, autre"),
        ({"territory": "lyon"}, "Valeurs connues : haute-provence, marseille"),
        ({"event": "2030-journee"}, "Événement « 2030-journee » absent"),
        ({"theme": "T999"}, "Valeurs connues : T001, T002, T003, T004, T005"),
        ({"limit": 0}, "--limit doit être au moins 1"),
    ],
)
def test_bad_requests_say_what_is_accepted(store, kwargs, message):
    with pytest.raises(SearchError, match=message):
        query(store, "formation", embedder=FakeEmbedder(), **kwargs)


def test_empty_question_is_refused(store):
    with pytest.raises(SearchError, match="question est vide"):
        query(store, "   ", embedder=FakeEmbedder())


def test_empty_store_gives_no_results(tmp_path):
    from corpus.store import Store

    found = query(Store(tmp_path / "vide.duckdb"), "formation", embedder=FakeEmbedder())
    assert found.empty and list(found.columns) == RESULT_COLUMNS


# -- command line ------------------------------------------------------------------------------


@pytest.fixture
def fake_embedder(monkeypatch):
    from corpus.embed import fast

    monkeypatch.setattr(search, "load_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr(fast, "load_query_embedder", lambda: FakeEmbedder())


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_cli_query_json(store, fake_embedder):
    result = CliRunner().invoke(app, [
        "query", "financer la formation", "--store", str(store.path), "--territory",
        "marseille", "--limit", "3", "--json",
    ])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 3
    assert all(set(r) == {*RESULT_COLUMNS, "doc_id"} for r in rows)
    assert {r["territory"] for r in rows} == {"marseille"}
    assert all(isinstance(r["score"], float) for r in rows)


def test_cli_query_table(store, fake_embedder):
    result = CliRunner().invoke(app, [
        "query", "RQTH", "--store", str(store.path), "--limit", "2",
    ])
    assert result.exit_code == 0, result.output
    assert "RQTH" in result.stdout and "score" in result.stdout


def test_cli_query_bad_orientation(store, fake_embedder):
    result = CliRunner().invoke(app, [
        "query", "formation", "--store", str(store.path), "--orientation", "frein",
    ])
    assert result.exit_code == 2
    assert "Valeurs acceptées : difficulte, levier, autre" in _flat(result.output)


# -- the real model ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        ("comment payer la formation d'un demandeur d'emploi", "L'AIF de France Travail"),
        ("pas de voiture pour aller en formation", "Sans permis ni voiture"),
        ("aller chercher les jeunes qui échappent aux dispositifs", "Les maraudes communes"),
        ("RQTH", "La RQTH n'est pas"),
    ],
)
def test_real_model_finds_the_paraphrased_segment_first(store, question, fragment):
    from corpus.embed import load_embedder

    found = query(store, question, embedder=load_embedder("e5-small"), limit=3)
    assert found["segment_id"].iloc[0] == segment_id_of(fragment), found[["score", "text"]]
