"""Orientation features: the cues a scribe's wording gives away."""

from corpus.orient.features import cue_features


def test_cues_see_negation_and_infinitive_first_word():
    cues = cue_features(["Créer un annuaire partagé", "Les jeunes ne viennent pas", "Entre nous"])
    assert cues[0, -1] == 1 and cues[2, -1] == 0  # infinitive first word, not "entre"
    assert cues[1, 0] == 1 and cues[0, 0] == 0  # "ne ... pas"


def test_tfidf_is_the_smoothed_sublinear_formula_on_stored_counts():
    """scikit-learn's transformer gives the hand formula: (1 + ln tf) x idf, rows of length 1,
    and features below `min_df` weigh nothing."""
    import numpy as np
    import scipy.sparse as sp

    from corpus.orient.features import tfidf

    counts = sp.csr_matrix(np.array([[3, 1, 0, 2], [0, 0, 5, 1], [0, 0, 0, 0]], dtype=float))
    df = np.array([4.0, 1.0, 2.0, 7.0])
    n_docs = 9
    got = tfidf(counts, df, n_docs, min_df=2).toarray()
    idf = (np.log((1 + n_docs) / (1 + df)) + 1) * (df >= 2)
    tf = np.where(counts.toarray() > 0, 1 + np.log(np.maximum(counts.toarray(), 1)), 0)
    raw = tf * idf
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    expected = raw / np.maximum(norms, 1e-12)
    assert np.abs(got - expected).max() < 1e-6
    assert got[0, 1] == 0  # seen in one training text only: unknown
    assert np.allclose(np.linalg.norm(got[:2], axis=1), 1) and not got[2].any()
