"""The search engine: the lexical bonus, ties, the bound that skips hopeless candidates, and the
same rows as the brute-force oracle (`tests/search_oracle.py`)."""

import numpy as np
import pytest
from search_oracle import query
from store_inputs import H_EVENT, segment_id_of

import corpus
from corpus.api.ranking import best_first, lexical_scores, query_terms


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
def test_lexical_bonus_is_the_share_of_terms_held(question, text, expected):
    assert lexical_scores(query_terms(question), [text])[0] == pytest.approx(expected)


def test_query_terms_drop_french_function_words():
    assert query_terms("Comment payer la formation d'un demandeur d'emploi ?") == [
        "payer", "format", "demand", "emploi",
    ]


def test_best_first_keeps_every_tie_of_the_last_place():
    cosine = np.array([0.1, 0.9, 0.5, 0.5, 0.5, 0.2])
    assert best_first(cosine, 2).tolist() == [1, 2, 3, 4]
    assert best_first(cosine, 10).tolist() == [1, 2, 3, 4, 5, 0]


def test_exact_acronym_wins_when_meaning_ties(small_store):
    api = corpus.open(small_store.path, embedder=ConstantEmbedder())
    found = api.query("RQTH", limit=3)
    assert found["segment_id"].iloc[0] == segment_id_of("La RQTH")
    # Equal scores after the match are ordered by segment id, the same on every run.
    rest = found.iloc[1:]
    assert rest["score"].nunique() == 1
    assert rest["segment_id"].tolist() == sorted(rest["segment_id"])
    ref = query(small_store, "RQTH", embedder=ConstantEmbedder(), limit=3)
    assert found["segment_id"].tolist() == ref["segment_id"].tolist()


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
def test_filters_restrict_the_candidates(api, filters, column, expected):
    found = api.query("formation", limit=20, **filters)
    assert len(found) > 0
    assert set(found[column]) == expected


def test_filters_combine(api):
    found = api.query("financer", limit=20, territory="haute-provence", theme="T001",
                      orientation="levier")
    assert found["segment_id"].tolist() == [segment_id_of("Le permis de conduire")]


def test_questions_that_cannot_run_are_refused(api):
    with pytest.raises(corpus.api.SearchError, match="question est vide"):
        api.query("   ")
    with pytest.raises(corpus.api.SearchError, match="limit doit être au moins 1"):
        api.query("formation", limit=0)


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
def test_real_model_finds_the_paraphrased_segment_first(small_store, question, fragment):
    from corpus.embed import load_embedder

    api = corpus.open(small_store.path, embedder=load_embedder("e5-small"))
    found = api.query(question, limit=3)
    assert found["segment_id"].iloc[0] == segment_id_of(fragment), found[["score", "text"]]
