"""In a table, an event is named within its territory and an atelier within its event.

A table of projects by district and year has the year "2015" in every district: two events,
"Nord/2015" and "Sud/2015" (named "2015"), as a démarche folder's "<territoire>/<dossier>".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import IngestError, read_table
from corpus.ingest.flat import event_key
from corpus.records import Segment
from corpus.store import Store

PROJECTS = """id;quartier;annee;atelier;texte
p1;Nord;2015;atelier 3;Les jeunes du quartier ne connaissent pas la Mission locale.
p2;Nord;2016;atelier 3;Un guichet unique a été ouvert à la mairie annexe.
p3;Sud;2015;atelier 3;Les permanences croisées avec le CIO fonctionnent bien.
p4;Sud;2015;atelier 1;Manque de places en formation pour les adultes.
"""


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    path = tmp_path / "projets.csv"
    path.write_text(PROJECTS, encoding="utf-8")
    return path


def read(path: Path, **extra):
    return read_table(path, text="texte", id="id", territory="quartier", event="annee", **extra)


def test_the_same_year_in_two_districts_is_two_events(projects):
    found = read(projects)
    assert [(e.event_id, e.territory_id, e.name) for e in found.events] == [
        ("Nord/2015", "Nord", "2015"), ("Nord/2016", "Nord", "2016"), ("Sud/2015", "Sud", "2015"),
    ]
    assert {n.doc_id: n.event_id for n in found.notes} == {
        "p1": "Nord/2015", "p2": "Nord/2016", "p3": "Sud/2015", "p4": "Sud/2015"}


def test_the_same_atelier_in_three_events_is_three_ateliers(projects):
    found = read(projects, atelier="atelier")
    assert sorted((w.event_id, w.atelier_id) for w in found.workshops) == [
        ("Nord/2015", "atelier 3"), ("Nord/2016", "atelier 3"),
        ("Sud/2015", "atelier 1"), ("Sud/2015", "atelier 3"),
    ]


def test_what_is_truly_ambiguous_is_still_refused(tmp_path):
    path = tmp_path / "ambigu.csv"
    path.write_text("texte;territoire;evenement\nUn frein.;a/b;c\nUn levier.;a;b/c\n",
                    encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_table(path, text="texte", territory="territoire", event="evenement")
    assert caught.value.line == 3
    assert "l'événement « a/b/c » apparaît sous deux parents (« a/b » puis « a »)" in str(
        caught.value)


@pytest.mark.parametrize("territory, event, by_territory, key", [
    ("Nord", "2015", True, "Nord/2015"),
    ("Nord", "", True, "Nord"),          # no event value: the territory's own event
    ("projets", "2015", False, "2015"),  # no territory column: one territory, the value itself
    ("projets", "", False, "projets"),
])
def test_event_keys(territory, event, by_territory, key):
    assert event_key(territory, event, by_territory) == key


def test_a_row_moved_to_another_event_is_stored_again(projects, tmp_path):
    before = {n.doc_id: n.content_hash for n in read(projects).notes}
    moved = tmp_path / "moved" / "projets.csv"
    moved.parent.mkdir()
    moved.write_text(PROJECTS.replace("p4;Sud;2015", "p4;Sud;2016"), encoding="utf-8")
    after = {n.doc_id: n.content_hash for n in read(moved).notes}
    assert [d for d in before if before[d] != after[d]] == ["p4"]


def test_the_event_filter_selects_both_alone_and_one_with_the_territory(projects, tmp_path):
    found = read(projects)
    segments = [Segment(segment_id=f"{n.doc_id}#000", doc_id=n.doc_id, territory_id=n.territory_id,
                        event_id=n.event_id, atelier_id=n.atelier_id, position=0, text=n.text)
                for n in found.notes]
    store = Store(tmp_path / "corpus.duckdb")
    store.texts.write_demarche(found, segments, [])

    def docs(**filters) -> list[str]:
        return store.texts.filtered_segments(**filters)["doc_id"].tolist()

    assert docs(event="2015") == ["p1", "p3", "p4"]
    assert docs(event="2015", territory="Sud") == ["p3", "p4"]
    assert docs(event="Nord/2015") == ["p1"]
    events = store.db.frame("SELECT event_id, name FROM events ORDER BY event_id")
    assert events.values.tolist() == [["Nord/2015", "2015"], ["Nord/2016", "2016"],
                                      ["Sud/2015", "2015"]]
