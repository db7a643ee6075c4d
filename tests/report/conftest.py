"""Renderings shared by the report tests, from the `synthesis` fixture of tests/conftest.py."""

from __future__ import annotations

import re

import pytest

from corpus.report.markdown import render_markdown
from corpus.synthesis.build import build_synthesis


@pytest.fixture(scope="session")
def markdown(synthesis):
    return render_markdown(synthesis)


@pytest.fixture(scope="session")
def markdown_headings(markdown):
    """The Markdown's headings, unescaped: the outline the HTML and the DOCX must share."""
    return [re.sub(r"\\(.)", r"\1", m)
            for m in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.M)]


@pytest.fixture(scope="session")
def bare_synthesis(synthesis_inputs):
    """The same démarche without embeddings, feedback or previous run: no map, no pistes."""
    i = synthesis_inputs
    return build_synthesis(i.segments, i.themes, ateliers=i.ateliers, events=i.events,
                           territories=i.territories)
