"""The gazetteer of French communes, built once from the packaged GeoNames list."""

from corpus.text import places


def test_communes_are_read_from_the_package_then_from_a_small_file(tmp_path):
    places.french_communes.cache_clear()
    communes = places.french_communes(tmp_path)
    assert {"sisteron", "manosque", "castellane", "digne", "aix"} <= communes
    assert "marchetti" not in communes and len(communes) > 10_000
    cached = (tmp_path / places.FILE_NAME).read_text(encoding="utf-8")
    assert "sisteron\n" in cached
    places.french_communes.cache_clear()
    assert places.french_communes(tmp_path) == communes  # read back from the file
