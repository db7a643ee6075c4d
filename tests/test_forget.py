"""`corpus forget NAME`: a person removed from a real DuckDB store (RGPD).

The store holds a note where pseudonymisation worked ("Mme Lefèvre" -> "Personne N") and
where it missed ("lefèvre a promis", written in lower case), and a feedback answer naming her.
"""

from __future__ import annotations

import json

import pytest
import spacy
from typer.testing import CliRunner

from corpus.cli import app
from corpus.forget import forget_person, outputs_showing
from corpus.records import Demarche, Event, Feedback, Note, Segment, Territory, Workshop
from corpus.store import Store
from corpus.text import tags as text_tags
from corpus.text.protect import Pseudonymiser, protect_feedback, protect_segments

TEXT = ("- Mme Lefèvre et Karim Haddad présentent la plateforme ; lefèvre a promis "
        "l'annuaire à la Mission locale")


def _store(path) -> tuple[Store, Pseudonymiser]:
    note = Note(doc_id="t/e/a01", territory_id="t", event_id="t/e", atelier_id="a01",
                source="notes/a01.md", format="md", content_hash="h1", text=TEXT)
    demarche = Demarche(
        root="sample",
        territories=(Territory(territory_id="t", name="Territoire"),),
        events=(Event(event_id="t/e", territory_id="t", name="Journée"),),
        workshops=(Workshop(atelier_id="a01", event_id="t/e", territory_id="t",
                            problematique="Comment coopérer ?", methode="world-café"),),
        notes=(note,),
        feedback=(Feedback(feedback_id="t/e/retour-001", event_id="t/e", territory_id="t",
                           source="retours.csv:2",
                           answers={"Ce que je retiens": "Merci à Lefèvre pour l'annuaire"}),),
        file_hashes={"notes/a01.md": "h1"},
    )
    blank = spacy.blank("fr")  # the parse's tokens, kept as tags (`corpus.text.tags`)
    segment = Segment(segment_id="t/e/a01#000", doc_id="t/e/a01", territory_id="t",
                      event_id="t/e", atelier_id="a01", position=0, text=TEXT[2:],
                      lemmas="lefèvre présenter plateforme promettre annuaire",
                      tags=text_tags.dumps(text_tags.of_tokens(blank(TEXT[2:]))))
    pseudo = Pseudonymiser("sample", known_names=["Karim Haddad"])
    store = Store(path)
    store.texts.write_demarche(demarche, protect_segments([segment], pseudo),
                               protect_feedback(demarche.feedback, pseudo, nlp=blank))
    store.pseudonyms.add("sample", pseudo.numbers)
    return store, pseudo


def _all_text(store: Store) -> str:
    parts = []
    for table in ("segments", "feedback", "themes", "ateliers", "events"):
        frame = store.db.frame(f"SELECT * FROM {table}")
        parts += [str(v) for v in frame.to_numpy().ravel()]
    return "\n".join(parts)


def test_forget_rewrites_every_text_and_drops_the_mapping(tmp_path) -> None:
    store, pseudo = _store(tmp_path / "c.duckdb")
    assert "lefèvre" in _all_text(store).casefold()  # the miss this command exists for
    tags = store.db.frame("SELECT s.tags, f.answer_tags FROM segments s, feedback f")
    assert "lefèvre" in tags["tags"][0].casefold()  # in the tags too, lower case
    assert "Lefèvre" in tags["answer_tags"][0]
    lefevre = pseudo.pseudonym("Lefèvre")
    stamp = store.db.frame("SELECT ingested_at FROM documents")["ingested_at"][0]

    done = forget_person(store, "Lefèvre")

    text = _all_text(store)
    assert "lefèvre" not in text.casefold() and "lefevre" not in text.casefold()
    assert done.replacement == lefevre
    assert f"{lefevre} a promis" in text
    assert done.tables["segments"] == 1 and done.tables["feedback"] == 1
    assert done.tables["pseudonyms"] == 1
    # The tags that showed the name are cleared: the next run parses the rewritten texts.
    tags = store.db.frame("SELECT s.tags, f.answer_tags FROM segments s, feedback f")
    assert tags["tags"].isna().all() and tags["answer_tags"].isna().all()
    left = store.pseudonyms.numbers("sample")
    assert len(left) == 1  # Karim Haddad's number stays
    # The document is stamped anew: the next run's cache keys change.
    assert store.db.frame("SELECT ingested_at FROM documents")["ingested_at"][0] > stamp


def test_forget_a_name_never_stored_changes_nothing(tmp_path) -> None:
    store, _ = _store(tmp_path / "c.duckdb")
    before = _all_text(store)
    done = forget_person(store, "Zofia Wójcik")
    assert _all_text(store) == before
    assert not any(done.tables.values())


def test_outputs_showing_the_name(tmp_path) -> None:
    out = tmp_path / "reports" / "sample"
    out.mkdir(parents=True)
    (out / "run.json").write_text(json.dumps({"input": "data/sample"}), encoding="utf-8")
    (out / "synthese.md").write_text("Selon Mme Lefèvre, l'annuaire…", encoding="utf-8")
    (out / "problematiques.md").write_text("Comment coopérer ?", encoding="utf-8")
    found = outputs_showing("Lefèvre", [tmp_path / "reports"])
    assert [(o.folder, o.files, o.input) for o in found] == [(out, ["synthese.md"],
                                                               "data/sample")]


def test_cli_forget_says_what_changed(tmp_path) -> None:
    store, _ = _store(tmp_path / "c.duckdb")
    reports = tmp_path / "reports"
    (reports / "sample").mkdir(parents=True)
    (reports / "sample" / "run.json").write_text(json.dumps({"input": "data/sample"}))
    (reports / "sample" / "synthese.md").write_text("Karim Haddad a présenté la plateforme")
    done = CliRunner().invoke(app, ["forget", "Karim Haddad", "--store", str(store.path),
                                    "--reports", str(reports), "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["tables"]["pseudonyms"] == 1
    assert result["outputs"][0]["files"] == ["synthese.md"]
    assert result["outputs"][0]["command"].startswith("corpus run data/sample --out ")
    assert "haddad" not in _all_text(store).casefold()

    plain = CliRunner().invoke(app, ["forget", "Karim Haddad", "--store", str(store.path),
                                     "--reports", str(reports)])
    assert plain.exit_code == 0
    assert "n'apparaît dans aucun texte" in plain.output
    assert "montre encore ce nom" in plain.output


def test_cli_forget_without_store_is_refused(tmp_path) -> None:
    done = CliRunner().invoke(app, ["forget", "Karim Haddad", "--store",
                                    str(tmp_path / "absent.duckdb")])
    assert done.exit_code == 2
    assert "base introuvable" in done.output


@pytest.mark.parametrize("name", ["", "  ", "de"])
def test_forget_refuses_a_name_without_words(tmp_path, name) -> None:
    store, _ = _store(tmp_path / "c.duckdb")
    with pytest.raises(ValueError, match="Correction"):
        forget_person(store, name)


def test_forget_deletes_the_explorers_copy_of_the_texts(tmp_path) -> None:
    """The API and explorer keep the segments beside the store (Arrow): a forgotten name must
    not stay there."""
    from corpus.store.explore import ExploreTables

    store, _ = _store(tmp_path / "c.duckdb")
    ExploreTables(store.db).all_segments(version="v1")
    cache = tmp_path / "c.duckdb.vectors"
    assert any("lefèvre" in p.read_bytes().decode("utf-8", "replace").casefold()
               for p in cache.iterdir())
    done = forget_person(store, "Lefèvre")
    assert not cache.exists() and done.tables["cache_explorateur"] == 1
    assert "lefèvre" not in ExploreTables(store.db).all_segments(version="v2")["text"].str.cat(
        sep=" ").casefold()
