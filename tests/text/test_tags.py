"""Parse once: each text's tokens are kept from its one spaCy parse (`corpus.text.tags`),
aligned after pseudonymisation, and read back by the themes' labels instead of a new parse."""

from __future__ import annotations

import pandas as pd
import pytest

from corpus.records import Feedback, Note
from corpus.text import french
from corpus.text import tags as text_tags
from corpus.text.protect import Pseudonymiser, protect_feedback, protect_segments, without_marks
from corpus.text.segment import segment_notes

NOTE = ("# Freins\n"
        "- Karim Haddad explique que la mobilité des jeunes reste le premier frein, "
        "contact : karim.haddad@example.org ou 06 12 34 56 78\n"
        "- Le financement des parcours de formation est trop lent pour les demandeurs "
        "d'emploi. Mme Lefèvre propose une offre de service commune.\n")


def _note(text: str = NOTE) -> Note:
    return Note(doc_id="t/e/a01", territory_id="t", event_id="t/e", atelier_id="a01",
                source="notes/a01.md", format="md", content_hash="h", text=text)


def _protected(nlp):
    segments = segment_notes([_note()], nlp=nlp, min_chars=30)
    return protect_segments(segments, Pseudonymiser("s", known_names=["Karim Haddad"]))


def test_load_nlp_loads_each_model_once_however_asked(monkeypatch) -> None:
    import spacy

    loads = []
    monkeypatch.setattr(spacy, "load", lambda name: loads.append(name) or spacy.blank("fr"))
    monkeypatch.setattr(french, "DEFAULT_MODEL", "xx_test_model")
    french._loaded.cache_clear()
    try:
        first = french.load_nlp()
        assert french.load_nlp("xx_test_model") is first
        assert french.load_nlp(name="xx_test_model") is first
        assert loads == ["xx_test_model"]
    finally:
        french._loaded.cache_clear()


def test_tags_spell_the_stored_text_and_never_a_name(blank_nlp) -> None:
    segments = _protected(blank_nlp)
    assert len(segments) >= 2
    for seg in segments:
        tags = text_tags.loads(seg.tags)
        assert tags is not None and text_tags.text_of(tags) == seg.text
        stored = seg.tags.casefold()
        assert "haddad" not in stored and "karim" not in stored and "lefèvre" not in stored
        assert "example.org" not in stored and "06 12" not in stored
    first = text_tags.loads(segments[0].tags)
    assert ("Personne", " ", "Personne", "PROPN", "", "") in first
    assert "[e-mail retiré]" in segments[0].text and "[téléphone retiré]" in segments[0].text


def test_tags_round_trip_through_json(blank_nlp) -> None:
    tags = text_tags.of_tokens(blank_nlp("L'offre de service  commune, enfin."))
    assert text_tags.loads(text_tags.dumps(tags)) == tags
    assert text_tags.loads(None) is None and text_tags.loads(float("nan")) is None


def test_merged_fragments_keep_their_tags(blank_nlp) -> None:
    note = _note("- Trop court.\n- Le financement des parcours de formation est lent.\n")
    seg, = segment_notes([note], nlp=blank_nlp, min_chars=30)
    assert " ; " in seg.text
    assert text_tags.text_of(text_tags.loads(seg.tags)) == seg.text


def test_without_marks_gives_the_words_of_the_mark_free_text(blank_nlp) -> None:
    text = "Personne 3 et Personne 12 présentent [e-mail retiré] la plateforme [téléphone retiré]"
    kept = text_tags.without_marks(text_tags.of_tokens(blank_nlp(text)))
    assert [t[0] for t in kept] == [t.text for t in blank_nlp(without_marks(text))]
    assert text_tags.text_of(kept) == without_marks(text)


def test_feedback_answers_keep_protected_tags(blank_nlp) -> None:
    feedback = [Feedback(feedback_id="f1", event_id="e", territory_id="t", source="r.csv:2",
                         answers={"Retenu": "Merci à Karim Haddad pour l'annuaire"})]
    out, = protect_feedback(feedback, Pseudonymiser("s", known_names=["Karim Haddad"]),
                            nlp=blank_nlp)
    tags = text_tags.loads(out.answer_tags["Retenu"])
    assert text_tags.text_of(tags) == out.answers["Retenu"]
    assert "haddad" not in out.answer_tags["Retenu"].casefold()


def test_describe_reads_stored_tags_instead_of_parsing(blank_nlp) -> None:
    from corpus.themes.describe import _tagged

    segments = _protected(blank_nlp)
    frame = pd.DataFrame({"text": [s.text for s in segments],
                          "tags": [s.tags for s in segments[:-1]] + [None]})

    class Counting:
        vocab, pipe_names = blank_nlp.vocab, blank_nlp.pipe_names

        def __init__(self) -> None:
            self.parsed: list[str] = []

        def select_pipes(self, **kw):
            return blank_nlp.select_pipes(**kw)

        def pipe(self, texts, **kw):
            texts = list(texts)
            self.parsed += texts
            return blank_nlp.pipe(texts, **kw)

    counting = Counting()
    docs = _tagged(frame, range(len(frame)), counting, {})
    assert counting.parsed == [without_marks(segments[-1].text)]  # only the one without tags
    assert "Personne" not in docs[0].text and "retiré" not in docs[0].text
    assert [t.text for t in docs[0]] == [t.text for t in blank_nlp(without_marks(segments[0].text))]


@pytest.mark.slow
def test_labels_candidates_from_tags_match_a_parse(nlp) -> None:
    """On bullets (the parse read the segment alone), stored tags give the label candidates a
    new parse of the mark-free text gives."""
    from corpus.themes import labels
    from corpus.themes.describe import _tagged

    bullets = ["Le financement des parcours de formation est trop lent pour les jeunes",
               "La mobilité des publics en zone rurale reste un frein majeur selon Personne 2",
               "Une offre de service commune aux structures de l'accompagnement [e-mail retiré]",
               "Les délais de financement des formations qualifiantes découragent les salariés"]
    segments = segment_notes([_note("\n".join(f"- {b}" for b in bullets))], nlp=nlp)
    frame = pd.DataFrame({"text": [s.text for s in segments], "tags": [s.tags for s in segments]})
    from_tags = _tagged(frame, range(len(frame)), nlp, {})
    parsed = _tagged(frame.drop(columns="tags"), range(len(frame)), nlp, {})
    for i in range(len(frame)):
        assert [(t.text, t.pos_, t.lemma_, str(t.morph), t.ent_type_) for t in from_tags[i]] == [
            (t.text, t.pos_, t.lemma_, str(t.morph), t.ent_type_) for t in parsed[i]]
    found = labels.candidates([from_tags[i] for i in range(len(frame))])
    assert found.keys() == labels.candidates([parsed[i] for i in range(len(frame))]).keys()
    assert "financement" in " ".join(found)


def test_a_store_made_before_tags_gains_them_empty(tmp_path) -> None:
    import duckdb

    from corpus.store import Store

    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:  # the segments table as the first release made it
        con.execute("CREATE TABLE segments (segment_id VARCHAR, doc_id VARCHAR, "
                    "territory_id VARCHAR, event_id VARCHAR, atelier_id VARCHAR, "
                    "position INTEGER, text VARCHAR, lemmas VARCHAR, section VARCHAR, "
                    "section_hint VARCHAR, given_orientation VARCHAR, orientation VARCHAR, "
                    "orientation_score DOUBLE, theme_id VARCHAR, theme_label VARCHAR)")
        con.execute("INSERT INTO segments (segment_id, doc_id, text) VALUES "
                    "('d#000', 'd', 'La mobilité des jeunes')")
    store = Store(path)
    segs = store.texts.segments(tags=True)
    assert segs["text"].tolist() == ["La mobilité des jeunes"] and segs["tags"].isna().all()
    assert "tags" not in store.texts.segments().columns


def test_a_name_inside_a_token_keeps_what_is_around_it(blank_nlp) -> None:
    tags = text_tags.of_tokens(blank_nlp("Merci M.Haddad, vraiment."))
    start = "Merci M.Haddad".index("Haddad")
    out = text_tags.protected(tags, [(start, start + 6, "Personne 1")])
    assert text_tags.text_of(out) == "Merci M.Personne 1, vraiment."
    kept = text_tags.without_marks(out)
    assert text_tags.text_of(kept) == without_marks("Merci M.Personne 1, vraiment.")
    assert [t[0] for t in kept] == ["Merci", "M", ".", ",", "vraiment", "."]
