"""Segmentation: what a scribe's note becomes, bullet by bullet."""

import pytest

from corpus.records import Note
from corpus.text.segment import blocks, merge_short, normalise, section_hint, segment_notes

NOTE = """Atelier world-café, 3 tables tournantes.
## Freins
- On ne connaît pas l’offre de service des autres structures du territoire
- délais
- Les délais de financement CPF + AIF sont trop longs : les personnes abandonnent leur projet.
FREINS ET LIMITES :
- La plateforme numérique exclut les publics éloignés du numérique, surtout en zone rurale.
**Pistes :**
* Un annuaire partagé des référents de chaque structure, mis à jour deux fois par an.
Il faudrait des réunions d'information collectives communes entre PE et Cap emploi. \
Une première session commune pourrait être testée en juin à Aubagne.
"""


@pytest.mark.parametrize(
    ("heading", "hint"),
    [
        ("Freins", "difficulte"),
        ("FREINS ET LIMITES :", "difficulte"),
        ("Constats partagés", "difficulte"),
        ("Difficultés rencontrées", "difficulte"),
        ("Points de vigilance", "difficulte"),
        ("Leviers", "levier"),
        ("**Pistes :**", "levier"),
        ("Propositions d'actions", "levier"),
        ("Ressources du territoire", "levier"),
        ("Contacts", "autre"),
        ("Tour de table", None),
    ],
)
def test_heading_gives_orientation_hint(heading, hint):
    assert section_hint(heading) == hint


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("l’offre de service", "l'offre de service"),
        ("“mobilité”  en  zone rurale", '"mobilité" en zone rurale'),
        ("CPF\u00a0: 500\u202f€", "CPF : 500 €"),
        ("e\u0301quipe", "équipe"),  # NFD -> NFC, the accent stays
    ],
)
def test_normalise(raw, clean):
    assert normalise(raw) == clean


def test_blocks_follow_headings_and_bullets():
    got = blocks(NOTE)
    assert [b.section for b in got] == [
        "", "Freins", "Freins", "Freins", "FREINS ET LIMITES", "Pistes", "Pistes",
    ]
    assert got[1].text == "On ne connaît pas l'offre de service des autres structures du territoire"
    assert got[1].bullet and not got[0].bullet
    # A capitalised line after a bullet starts a new paragraph, not a continuation.
    assert got[-1].text.startswith("Il faudrait des réunions")
    assert [b.hint for b in got][1:] == ["difficulte"] * 4 + ["levier"] * 2


def test_wrapped_bullet_line_is_continued():
    got = blocks("- les OF ne répondent pas aux appels d'offres\n  car les volumes sont faibles\n")
    assert [b.text for b in got] == [
        "les OF ne répondent pas aux appels d'offres car les volumes sont faibles"
    ]




def _note(text, doc_id="marseille/2026-03/a01"):
    return Note(
        doc_id=doc_id, territory_id="marseille", event_id="marseille/2026-03", atelier_id="a01",
        source="notes/a01.md", format="md", content_hash="x", text=text,
    )


@pytest.mark.slow
def test_real_model_segments_a_note(nlp):
    segs = segment_notes([_note(NOTE)], nlp=nlp)
    texts = [s.text for s in segs]
    # "délais" alone is too short to carry an idea: merged with its neighbour.
    assert not any(t == "délais" for t in texts)
    assert any("délais" in t and "offre de service" in t for t in texts)
    # The paragraph is split into sentences by spaCy.
    assert any(t.startswith("Il faudrait des réunions") and "juin" not in t for t in texts)
    ids = [f"marseille/2026-03/a01#{i:03d}" for i in range(len(segs))]
    assert [s.segment_id for s in segs] == ids
    assert {s.section_hint for s in segs if "plateforme" in s.text} == {"difficulte"}
    annuaire = next(s for s in segs if "annuaire" in s.text)
    assert annuaire.section_hint == "levier"
    assert "annuaire" in annuaire.lemmas.split() and "référent" in annuaire.lemmas.split()


@pytest.mark.slow
def test_acronyms_are_their_own_lemmas(nlp):
    note = _note("- Les jeunes suivis par la ML ne connaissent pas le CEP ni la PMSMP.\n")
    lemmas = " ".join(s.lemmas for s in segment_notes([note], nlp=nlp)).split()
    assert {"ml", "cep", "pmsmp"} <= set(lemmas) and "millilitre" not in lemmas


@pytest.mark.slow
def test_a_misread_word_keeps_a_lemma_that_is_a_word(nlp):
    """The tagger reads « hébergement » as a verb and « démarre » as an adjective; the lemmas
    (the themes' key terms) stay words: « hébergemer » or « démarr » would be shown."""
    note = _note("- Pas d'hébergement pour les saisonniers, la session démarre avant "
                 "l'accord.\n")
    lemmas = " ".join(s.lemmas for s in segment_notes([note], nlp=nlp)).split()
    assert "hébergement" in lemmas and "hébergemer" not in lemmas
    assert "démarr" not in lemmas


def test_short_fragments_merge_within_their_section():
    from corpus.text.segment import Fragment

    frags = [
        Fragment("Constat très partagé autour de la table", "Freins", "difficulte"),
        Fragment("idem", "Freins", "difficulte"),
        Fragment("ok", "Leviers", "levier"),
        Fragment("Un référent unique par structure pour les partenaires", "Leviers", "levier"),
    ]
    out = merge_short(frags, 20)
    assert [f.text for f in out] == [
        "Constat très partagé autour de la table ; idem",
        "ok ; Un référent unique par structure pour les partenaires",
    ]


@pytest.mark.slow
def test_a_quotation_is_one_segment_whatever_its_sentences(nlp):
    """spaCy cuts sentences inside quotations (« … le BTP ? », « … existait. Mais … »): the
    segment keeps the quotation whole; a quotation never closed joins nothing."""
    note = _note("Une conseillère : « Je savais que ça existait. Mais je ne savais pas où le "
                 "trouver. » Les autres approuvent cette remarque.\n\n"
                 "Une phrase avec « une typo jamais fermée. Et une autre phrase assez longue "
                 "pour tenir seule.\n")
    texts = [s.text for s in segment_notes([note], nlp=nlp)]
    assert texts[0] == ("Une conseillère : « Je savais que ça existait. Mais je ne savais pas "
                        "où le trouver. » Les autres approuvent cette remarque.")
    assert texts[1:] == ["Une phrase avec « une typo jamais fermée.",
                         "Et une autre phrase assez longue pour tenir seule."]


def test_a_quotation_cut_at_its_question_mark_is_joined_back_as_written():
    from corpus.text.segment import Fragment

    frags = [Fragment("Anti-problème : « Comment faire pour qu'aucune femme ne choisisse le BTP ?",
                      "", None),
             Fragment("», puis retournement", "", None)]
    assert [f.text for f in merge_short(frags, 30)] == [
        "Anti-problème : « Comment faire pour qu'aucune femme ne choisisse le BTP ? », puis "
        "retournement"]


def test_segments_keep_their_note_section_and_hint_without_a_model(blank_nlp):
    note = _note("## Freins\n- délais\n- Les délais de financement CPF sont trop longs.\n"
                 "## Pistes\n- Un annuaire partagé des référents de chaque structure.\n")
    segs = segment_notes([note], nlp=blank_nlp, min_chars=30)
    assert [s.section for s in segs] == ["Freins", "Pistes"]
    assert [s.section_hint for s in segs] == ["difficulte", "levier"]
    assert segs[0].text == "délais ; Les délais de financement CPF sont trop longs."
    assert [s.segment_id for s in segs] == ["marseille/2026-03/a01#000",
                                            "marseille/2026-03/a01#001"]
    assert all(s.atelier_id == "a01" and s.territory_id == "marseille" for s in segs)


def test_a_line_without_final_punctuation_above_a_capital_ends_its_paragraph():
    """A note's title above the method line, an unbulleted list: not one sentence."""
    got = blocks("Atelier 8 : alternance et TPE, comment les rapprocher\n"
                 "Speed-dating entre conseillers, CFA et chefs d'entreprise. Notes en vrac.\n\n"
                 "Supprimer la TVA sur les produits de base\n"
                 "Rétablir l'aide au logement\n")
    assert [b.text for b in got] == [
        "Atelier 8 : alternance et TPE, comment les rapprocher",
        "Speed-dating entre conseillers, CFA et chefs d'entreprise. Notes en vrac.",
        "Supprimer la TVA sur les produits de base", "Rétablir l'aide au logement"]


def test_a_paragraph_goes_on_after_punctuation_or_before_a_small_letter():
    got = blocks("Les conseillers orientent vers\nla Mission locale, avec\n"
                 "France Travail, puis vers les\nOPCO. La suite vient\nensuite.\nEt encore.\n")
    assert [b.text for b in got] == [
        "Les conseillers orientent vers la Mission locale, avec France Travail, puis vers les "
        "OPCO. La suite vient ensuite. Et encore."]
