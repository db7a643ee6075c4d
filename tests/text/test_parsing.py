"""The parse of many texts: the entity recogniser only where a capital stands inside a
sentence, the same people found as by the whole pipeline."""

from corpus.records import Note
from corpus.text import parsing
from corpus.text.people import spacy_person_spans
from corpus.text.segment import segment_notes

TEXTS = [
    "Julie Marchetti a présenté l'offre de la Mission locale de Digne.",
    "Nous avons rappelé Karim la semaine suivante, il n'avait pas reçu le courrier.",
    "Maintien d'une posture d'écoute réciproque entre conseillers.",
    "Constat partagé : les délais de financement découragent les personnes.",
    "les délais de financement cpf découragent les personnes.",
    "Orientation vers l'Afpa de Manosque, avec Mme Lefèvre de Cap emploi.",
    "Coordination des acteurs. Arrêter de multiplier les réunions. Voir avec Sophie.",
]


def _entities(doc):
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def test_the_people_found_are_those_of_the_whole_pipeline(nlp):
    whole = list(nlp.pipe(TEXTS))
    parsed = list(parsing.docs(nlp, TEXTS, batch_size=3))  # batches cut across the texts
    assert [d.text for d in parsed] == TEXTS
    assert [spacy_person_spans(d) for d in parsed] == [spacy_person_spans(d) for d in whole]
    assert any(spacy_person_spans(d) for d in parsed)  # the names inside sentences are found
    for a, b in zip(whole, parsed, strict=True):
        if parsing.capital_inside(a):
            assert _entities(b) == _entities(a)
        else:
            assert _entities(b) == [] and all(t.ent_iob_ == "O" for t in b)


def test_a_bullets_first_word_is_not_taken_for_a_person(nlp):
    text = "Arrêter de multiplier les réunions entre partenaires."
    assert [e.label_ for e in nlp(text).ents] == ["PER"]  # what the recogniser reads
    note = Note(doc_id="t/e/a", territory_id="t", event_id="t/e", atelier_id="a",
                source="notes/a.md", format="md", content_hash="x", text=f"- {text}\n")
    [segment] = segment_notes([note], nlp=nlp)
    assert segment.lemmas.split()[0] == "arrêter" and segment.person_spans == ()


def test_answers_keep_the_lemmas_that_notes_keep(nlp):
    """One rule for notes and feedback answers: a capitalised opener keeps its lemma (stored
    tags or a fresh parse alike), a person's name has none."""
    from corpus.records import Feedback
    from corpus.synthesis.feedback import answer_lemmas
    from corpus.text.protect import Pseudonymiser, protect_feedback

    text = "Arrêter de multiplier les réunions, comme le disait Julie Marchetti."
    fb = Feedback(feedback_id="f", event_id="e", territory_id="t", source="x",
                  answers={"retiens": text})
    [out] = protect_feedback([fb], Pseudonymiser("s"), nlp=nlp)
    stored = answer_lemmas([out.answers["retiens"]], nlp, tags=[out.answer_tags["retiens"]])
    parsed = answer_lemmas([out.answers["retiens"]], nlp)
    raw = answer_lemmas([text], nlp)  # a text never protected: the parse's people are left out
    note = Note(doc_id="t/e/a", territory_id="t", event_id="t/e", atelier_id="a",
                source="notes/a.md", format="md", content_hash="x", text=f"- {text}\n")
    [segment] = segment_notes([note], nlp=nlp)
    assert stored == parsed == raw == [segment.lemmas]
    assert segment.lemmas.split()[0] == "arrêter"
    assert not {"julie", "marchetti"} & set(segment.lemmas.split())
