"""`problematiques.json` and `problematiques.md`: the seed of the next run and the working
document of the next groupe de coopération."""

from __future__ import annotations

import json
import re

import pytest
import spacy

from corpus.report.problematiques import problematiques_json, problematiques_markdown
from corpus.synthesis.build import build_synthesis
from corpus.synthesis.problematiques import build_problematiques


@pytest.fixture(scope="module")
def items(synthesis):
    """The fixture's problématiques; spaCy's blank French is enough for their files (no model)."""
    return build_problematiques(synthesis, nlp=spacy.blank("fr"))


def test_json_keeps_accents_and_seeds_the_next_run(synthesis_inputs, items):
    raw = problematiques_json(items).decode("utf-8")
    assert "\\u00e9" not in raw and "é" in raw
    seed = json.loads(raw)
    assert seed and seed == json.loads(json.dumps(items, ensure_ascii=False))
    i = synthesis_inputs
    later = build_synthesis(i.segments, i.themes, embeddings=i.embeddings, previous=seed)
    assert {f["theme_id"] for f in later.loop.found_again} == {s["theme_id"] for s in seed}
    assert later.loop.faded == []


def test_markdown_is_a_numbered_working_document(items):
    text = problematiques_markdown(items)
    headings = re.findall(r"^## (\d+)\. (.+)$", text, flags=re.M)
    assert headings and [int(n) for n, _ in headings] == list(range(1, len(items) + 1))
    assert [q for _, q in headings] == [i["question"] for i in items]
    sections = text.split("\n## ")[1:]
    for section in sections:
        for field in ("Pourquoi cette question", "Ce qui a été dit", "Leviers déjà trouvés",
                      "Qui inviter", "Méthode suggérée", "à compléter"):
            assert field in section
    assert "@" not in text
