"""Property-based tests of the segmenter and the pseudonymiser: any text gives segments (or a
protected text), never an exception, never a hang.

spaCy's blank French tokenizer and a sentencizer stand in for the model (no model in fast
tests); the notes are what a reader could return: light Markdown, control characters, odd
bullets and headings, any Unicode.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.records import Note
from corpus.text.protect import Pseudonymiser, leaks
from corpus.text.segment import segment_notes

EXAMPLES = int(os.environ.get("CORPUS_PROPERTY_EXAMPLES", "60"))
FAST = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=3), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_PIECES = st.sampled_from([
    "# Freins", "## Leviers :", "- ", "* ", "• ", "1. ", "FREINS :", "\n", "\n\n", " ", "\t",
    "Mme Dupont", "M. Karim Haddad", "jean-marc", "Pôle emploi", "à Sisteron", "Personne 2",
    "06 12 34 56 78", "a.b@exemple.fr", "**Pistes**", "====", "----", "\x00", "\x0b", "\u2028",
    "l'Apec", "O'Neil", "N'Diaye", ";", "…", "«", "»", "’",
])
NOTE_TEXT = st.one_of(
    st.text(max_size=800),
    st.lists(st.one_of(_PIECES, st.text(max_size=40)), max_size=60).map("".join),
)


def _note(text: str) -> Note:
    return Note(doc_id="t/e/A1", territory_id="t", event_id="t/e", atelier_id="A1",
                source="notes/A1.md", format="md", content_hash="0" * 64, text=text)


@FAST
@given(text=NOTE_TEXT)
def test_segmenter_any_text(blank_nlp, text: str) -> None:
    segments = segment_notes([_note(text)], nlp=blank_nlp)
    assert [s.position for s in segments] == list(range(len(segments)))
    for seg in segments:
        assert seg.text.strip()
        assert seg.doc_id == "t/e/A1"
        assert all(0 <= s <= e <= len(seg.text) for s, e in seg.person_spans)


@FAST
@given(text=NOTE_TEXT, names=st.lists(st.text(min_size=1, max_size=20), max_size=4))
def test_protect_any_text(text: str, names: list[str]) -> None:
    pseudo = Pseudonymiser("demarche", known_names=names, known_places=["Sisteron"])
    out = pseudo.protect(text, [(0, min(len(text), 5))])
    assert not leaks(out)
