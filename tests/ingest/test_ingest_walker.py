"""The démarche walker on a small real démarche: one territory, one event, three ateliers."""

from __future__ import annotations

import hashlib
import logging
import shutil
from datetime import date
from pathlib import Path

from corpus.ingest import read_demarche

EVENT_ID = "lyon-est/forum-cep-2024"


def test_reads_the_whole_demarche(demarche: Path):
    result = read_demarche(demarche)
    [territory] = result.territories
    assert (territory.territory_id, territory.name, territory.kind) == (
        "lyon-est",
        "Lyon Est",
        "urbain",
    )
    [event] = result.events
    assert event.event_id == EVENT_ID
    assert event.name == "Forum des professionnels du Cep"
    assert event.date == date(2024, 3, 14)
    assert event.place == "Maison de l'emploi, Vénissieux"
    assert event.participants == 112
    assert "Transitions Pro Auvergne-Rhône-Alpes" in event.organisations
    assert event.people == ("Claire Dubois",)

    assert [w.atelier_id for w in result.workshops] == ["A1", "A2", "A3"]
    a1, a2, a3 = result.workshops
    assert a1.problematique == "Comment repérer plus tôt les jeunes décrocheurs ?"
    assert a1.methode == "world-café"
    assert a1.organisations == ("Mission locale Lyon Est", "CIO de Vénissieux")
    assert a1.participants == 18
    assert a1.people == ("Karim Benali", "Julie Morel", "Léa Garnier")
    assert a2.people == ("Marc Petit", "Hugo Lambert")  # no exposant given
    assert a3.methode == "accélérateur de coopération"


def test_notes_in_three_formats(demarche: Path):
    notes = {note.atelier_id: note for note in read_demarche(demarche).notes}
    assert {a: n.format for a, n in notes.items()} == {"A1": "md", "A2": "docx", "A3": "odt"}
    assert notes["A1"].doc_id == f"{EVENT_ID}/A1"
    assert notes["A1"].source.endswith("lyon-est/forum-cep-2024/notes/A1.md")
    assert "## Constats" in notes["A1"].text
    assert "- Les entreprises reçoivent cinq sollicitations différentes pour le même poste." in (
        notes["A2"].text
    )
    assert "## Freins" in notes["A3"].text
    raw = Path(notes["A2"].source).read_bytes()
    assert notes["A2"].content_hash == hashlib.sha256(raw).hexdigest()


def test_feedback_rows_without_personal_data(demarche: Path):
    feedback = read_demarche(demarche).feedback
    assert [f.feedback_id for f in feedback] == [
        f"{EVENT_ID}/retour-001",
        f"{EVENT_ID}/retour-002",
        f"{EVENT_ID}/retour-003",
    ]
    assert feedback[0].ratings == {"Satisfaction globale (1 à 5)": 4.5}
    assert feedback[2].atelier_id == "A3"  # written "a3" by the participant
    assert feedback[2].organisation == "CMA du Rhône"
    dumped = "".join(f.model_dump_json() for f in feedback)
    assert "Sophie Martin" not in dumped and "@example.fr" not in dumped


def test_file_hashes_cover_every_file_read(demarche: Path):
    result = read_demarche(demarche)
    names = sorted(Path(path).name for path in result.file_hashes)
    assert names == ["A1.md", "A2.docx", "A3.odt", "ateliers.csv", "evenement.yaml", "retours.csv"]
    for path, digest in result.file_hashes.items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest


def test_event_or_territory_folder_gives_the_same_records(demarche: Path):
    whole = read_demarche(demarche)
    for folder in (demarche / "lyon-est", demarche / "lyon-est" / "forum-cep-2024"):
        part = read_demarche(folder)
        assert part.events == whole.events
        assert part.notes == whole.notes
        assert part.feedback == whole.feedback


def test_several_territories_and_events_in_sorted_order(demarche: Path, event_dir: Path):
    shutil.copytree(event_dir, demarche / "lyon-est" / "atelier-2023")
    shutil.copytree(event_dir, demarche / "drome" / "rencontres-2024")
    manifest = demarche / "drome" / "rencontres-2024" / "evenement.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        .replace("Lyon Est", "Vallée de la Drôme")
        .replace("urbain", "rural"),
        encoding="utf-8",
    )
    result = read_demarche(demarche)
    assert [(t.territory_id, t.name, t.kind) for t in result.territories] == [
        ("drome", "Vallée de la Drôme", "rural"),
        ("lyon-est", "Lyon Est", "urbain"),
    ]
    assert [e.event_id for e in result.events] == [
        "drome/rencontres-2024",
        "lyon-est/atelier-2023",
        "lyon-est/forum-cep-2024",
    ]
    assert result.notes[0].doc_id == "drome/rencontres-2024/A1"
    assert len(result.notes) == 9 and len(result.feedback) == 9
    assert result.feedback[3].feedback_id == "lyon-est/atelier-2023/retour-001"


def test_same_folder_same_records(demarche: Path):
    assert read_demarche(demarche) == read_demarche(demarche)


def test_missing_note_is_a_warning_not_an_error(demarche: Path, event_dir: Path, caplog):
    (event_dir / "notes" / "A3.odt").unlink()
    with caplog.at_level(logging.WARNING, logger="corpus.ingest"):
        result = read_demarche(demarche)
    assert [note.atelier_id for note in result.notes] == ["A1", "A2"]
    assert len(result.workshops) == 3
    assert "pas de note pour l'atelier A3" in caplog.text


def test_office_lock_files_are_ignored(demarche: Path, event_dir: Path):
    (event_dir / "notes" / "~$A2.docx").write_bytes(b"\x00lock")
    (event_dir / "notes" / ".~lock.A3.odt#").write_text("verrou")
    assert len(read_demarche(demarche).notes) == 3


def test_english_keys_and_french_date_in_the_manifest(demarche: Path, event_dir: Path):
    (event_dir / "evenement.yaml").write_text(
        "territory: Lyon Est\nkind: urbain\nevent: Forum Cep\ndate: 14/03/2024\n"
        "place: Vénissieux\nparticipants: '95'\norganisations: Apec; CIO de Vénissieux\n",
        encoding="utf-8",
    )
    [event] = read_demarche(demarche).events
    assert (event.name, event.date, event.place, event.participants) == (
        "Forum Cep",
        date(2024, 3, 14),
        "Vénissieux",
        95,
    )
    assert event.organisations == ("Apec", "CIO de Vénissieux")
    assert read_demarche(demarche).territories[0].kind == "urbain"


def test_ateliers_csv_in_cp1252_with_commas(demarche: Path, event_dir: Path):
    (event_dir / "ateliers.csv").write_bytes(
        (
            "atelier_id,problématique,méthode,organisations,participants\r\n"
            'A1,"Comment repérer plus tôt les décrocheurs ?",world-café,"Mission locale;CIO",18\r\n'
            "A2,Comment coopérer avec les entreprises ?,débat mouvant,France Travail,22\r\n"
            "A3,Comment accompagner les reconversions ?,forum ouvert,,\r\n"
        ).encode("cp1252")
    )
    a1, a2, a3 = read_demarche(demarche).workshops
    assert a1.problematique == "Comment repérer plus tôt les décrocheurs ?"
    assert a1.methode == "world-café"
    assert a1.organisations == ("Mission locale", "CIO")
    assert a2.methode == "débat mouvant"
    assert (a3.organisations, a3.participants, a3.people) == ((), None, ())


def test_retours_xlsx_is_read_like_the_csv(demarche: Path, event_dir: Path):
    (event_dir / "retours.csv").unlink()
    xlsx = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "tables" / "retours.xlsx"
    (event_dir / "retours.xlsx").write_bytes(xlsx.read_bytes())
    feedback = read_demarche(demarche).feedback
    assert [(f.organisation, f.atelier_id) for f in feedback] == [
        ("France Travail", "A2"),
        ("Mission locale Lyon Est", "A1"),
    ]
