"""Grouping: k-means micro-clusters cut by Ward, several seeded partitions and their consensus."""

import numpy as np

from corpus.themes.clustering import MicroAgglomerative, consensus


def test_consensus_keeps_what_most_runs_agree_on():
    truth = np.repeat([0, 1, 2], 10)
    relabelled = np.array([2, 0, 1])[truth]  # the same partition under other numbers
    noisy = truth.copy()
    noisy[[0, 11, 25]] = [1, 2, 0]  # three segments moved
    merged = np.where(truth == 2, 1, truth)  # one run saw two themes only
    runs = np.stack([noisy, relabelled, merged, truth, truth], axis=1)
    found = consensus(runs, 3, seed=0)
    # numbered by first appearance, whatever the runs' own numbers
    assert found.tolist() == truth.tolist()
    assert consensus(runs[::-1], 3, seed=0).tolist() == (2 - truth[::-1]).tolist()


def test_several_runs_find_the_groups_and_repeat_exactly():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 8)) * 6
    x = np.vstack([c + rng.normal(size=(40, 8)) for c in centres])
    fits = [MicroAgglomerative(n_micro=24, seed=s, k_min=2, n_runs=5).fit(x) for s in (1, 1, 2)]
    assert fits[0].n_themes_ == 4
    assert fits[0].labels_.tolist() == fits[1].labels_.tolist()
    # another seed finds the same groups (numbered by first appearance)
    assert fits[2].labels_.tolist() == fits[0].labels_.tolist()
    assert sorted(np.bincount(fits[0].labels_).tolist()) == [40, 40, 40, 40]
