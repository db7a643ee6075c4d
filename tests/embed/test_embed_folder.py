"""Model folders and their manifests (corpus.embed.folder)."""

from __future__ import annotations

from corpus.embed.folder import is_current


def test_is_current_checks_format_versions_and_files(tmp_path, write_model_folder):
    folder = tmp_path / "m"
    assert not is_current(folder)
    write_model_folder(folder, {"a.bin": b"abc", "config.json": b"{}"})
    assert is_current(folder) and is_current(folder, verify=True)
    (folder / "a.bin").write_bytes(b"abd")  # same size, other content
    assert is_current(folder) and not is_current(folder, verify=True)
    (folder / "a.bin").write_bytes(b"abcd")
    assert not is_current(folder)
    (folder / "a.bin").unlink()
    assert not is_current(folder)


def test_is_current_rebuilds_after_a_package_upgrade(tmp_path, write_model_folder):
    folder = tmp_path / "m"
    write_model_folder(folder, {"a.bin": b"abc"}, sources={"numpy": {"version": "0.0.1"}})
    assert not is_current(folder)


def test_an_older_build_format_is_rebuilt(tmp_path, write_model_folder):
    folder = tmp_path / "m"
    manifest = write_model_folder(folder, {"a.bin": b"abc"})
    write_model_folder(tmp_path / "old", {"a.bin": b"abc"}, format=manifest["format"] - 1)
    assert is_current(folder) and not is_current(tmp_path / "old")
