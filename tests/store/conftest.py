"""A one-atelier démarche to write into a store under tmp_path."""

from __future__ import annotations

import pytest

from corpus.records import Demarche, Event, Feedback, Note, Segment, Territory, Workshop


def _demarche(text="- Les délais de financement sont trop longs pour les OF."):
    note = Note(doc_id="t/e/a01", territory_id="t", event_id="t/e", atelier_id="a01",
                source="notes/a01.md", format="md", content_hash=str(hash(text)), text=text)
    return Demarche(
        root="sample",
        territories=(Territory(territory_id="t", name="Territoire", kind="rural"),),
        events=(Event(event_id="t/e", territory_id="t", name="Journée", participants=90,
                      organisations=("Apec", "Mission locale")),),
        workshops=(Workshop(atelier_id="a01", event_id="t/e", territory_id="t",
                            problematique="Comment financer ?", methode="world-café"),),
        notes=(note,),
        feedback=(Feedback(feedback_id="t/e/retour-001", event_id="t/e", territory_id="t",
                           source="retours.csv:2", ratings={"Note globale": 4.5},
                           answers={"Ce que je retiens": "Les contacts"}),),
        file_hashes={"notes/a01.md": note.content_hash},
    )


def _segments(demarche):
    note = demarche.notes[0]
    return [Segment(segment_id=f"{note.doc_id}#000", doc_id=note.doc_id, territory_id="t",
                    event_id="t/e", atelier_id="a01", position=0, text=note.text[2:])]


@pytest.fixture
def make_demarche():
    """demarche(text) -> a Demarche of one note; its segments come with `segments_of`."""
    return _demarche


@pytest.fixture
def segments_of():
    return _segments
