"""The query embedder through ONNX: the same vectors as sentence-transformers, or no use."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corpus.config import Settings
from corpus.embed.fast import LAYOUT, ONNX_DIR, export_onnx, onnx_embedder, slim_tokenizer

TEXTS = [
    "Les employeurs peinent à recruter des saisonniers agricoles.",
    "VAE : l'accompagnement est trop long, les candidats abandonnent avant le jury.",
    "RQTH",
    "Atelier « mixité » : l'œuvre des femmes dans l'industrie, 30 % d'embauches en 2026 €",
    "Кириллица и 中文 : un texte hors de l'alphabet latin passe par le tokenizer complet",
    "Sans permis ni voiture, les jeunes ne peuvent pas rejoindre les centres de formation. " * 60,
]


def test_no_export_means_no_onnx_embedder(tmp_path):
    assert onnx_embedder(tmp_path) is None


def test_a_stale_export_is_not_used(tmp_path):
    real = Settings().models_dir / "e5-small"
    if not (real / "manifest.json").is_file():
        pytest.skip("models/e5-small absent : `corpus models build`")
    (tmp_path / "e5-small").symlink_to(real.resolve())
    folder = tmp_path / ONNX_DIR
    folder.mkdir()
    for name in ("model.onnx", "word_embeddings.npy"):
        (folder / name).write_bytes(b"")
    info = {"fingerprint": "e5-small-autre", "prompt": "query: ", "dim": 384, "layout": LAYOUT}
    (folder / "onnx.json").write_text(json.dumps(info), "utf-8")
    assert onnx_embedder(tmp_path) is None


def test_the_slim_tokenizer_cuts_french_as_the_whole_one(tmp_path):
    from tokenizers import Tokenizer

    path = Settings().models_dir / "e5-small" / "tokenizer.json"
    if not path.is_file():
        pytest.skip("models/e5-small absent : `corpus models build`")
    slim, ids = slim_tokenizer(json.loads(path.read_text("utf-8")))
    assert len(ids) < 0.5 * 250_002
    (tmp_path / "slim.json").write_text(json.dumps(slim, ensure_ascii=False), "utf-8")
    small, whole = Tokenizer.from_file(str(tmp_path / "slim.json")), Tokenizer.from_file(str(path))
    for text in [*TEXTS[:4], "Œuvre, cœur, ŒIL : « déjà » — naïveté… 1ʳᵉ fois ; Zoé, exemple"]:
        assert ids[small.encode("query: " + text).ids].tolist() == whole.encode(
            "query: " + text).ids


@pytest.mark.slow
def test_onnx_export_gives_the_same_vectors_and_fingerprint(tmp_path):
    from corpus.embed import load_embedder

    real = Settings().models_dir
    source = load_embedder("e5-small", models_dir=real)  # builds models/ on first need
    (tmp_path / "e5-small").symlink_to((real / "e5-small").resolve())
    export_onnx(tmp_path)
    fast = onnx_embedder(tmp_path)
    assert fast is not None and fast.fingerprint == source.fingerprint and fast.dim == 384
    a, b = fast.encode(TEXTS), source.encode(TEXTS)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cosines = (a * b).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
