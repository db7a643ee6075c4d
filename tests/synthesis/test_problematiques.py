"""The next territory's problématiques: questions a practitioner would write, with evidence."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from corpus.synthesis.model import Quote, ThemeSummary
from corpus.synthesis.problematiques import (
    build_problematiques,
    concentrated_problematique,
    method,
    question,
    weight,
)

METHODS = {"world-café", "speed-dating", "débat mouvant", "double-tour",
           "accélérateur de coopération", "méthode des échos", "forum ouvert", "place du marché",
           "anti-problème", "champ des possibles", "table d'instruction"}


@pytest.fixture(scope="module")
def items(synthesis, blank_nlp):
    return build_problematiques(synthesis, nlp=blank_nlp)


def _theme(label, terms, diff=3, lev=2, said=(), orgs=(), ateliers=2, territories=1):
    quotes = [Quote(f"x#{i:03d}", text, "Territoire", "ev", "a01") for i, text in enumerate(said)]
    return ThemeSummary(
        theme_id="T900", label=label, terms=list(terms), status="nouveau", seed_theme_id=None,
        orientation_counts={"difficulte": diff, "levier": lev, "autre": 0},
        by_atelier={f"ev/a{i:02d}": 1 for i in range(ateliers)},
        territories=[f"Territoire {i}" for i in range(territories)],
        segment_ids=[f"s{i}" for i in range(diff + lev)],
        quotes={"difficulte": quotes, "levier": [], "autre": []},
        organisations=list(orgs), methods=[], recurring=True,
    )


OPENING_WORDS = ("Comment ", "Que ", "Quelles ", "Qui ")


def test_every_question_is_an_open_question_in_french_without_term_lists(synthesis, items):
    assert items
    terms = {t.theme_id: t.terms for t in synthesis.themes}
    for item in items:
        q = item["question"]
        assert q.startswith(OPENING_WORDS) and q.endswith(" ?"), q
        assert "  " not in q
        assert ", ".join(terms[item["theme_id"]][:2]) not in q
        assert not re.search(r"[·|/;_]", q)


def _ask(theme, nlp, used=None):
    return question(theme, nlp, used)[0]


@pytest.mark.slow
@pytest.mark.parametrize("label, terms, said, orgs, expected", [
    ("Financement des parcours de formation", ["financement", "CPF", "dossier"],
     ["Chaque financeur a son propre circuit de dossier."],
     ["France Travail", "Transitions Pro", "Région Sud"],
     "Comment mieux coordonner le financement des parcours de formation entre France Travail, "
     "Transitions Pro et la Région ?"),
    ("Mobilité des publics", ["permis", "transport"],
     ["Les jeunes sans permis ne peuvent accepter ni formation ni emploi."], [],
     "Comment lever les freins liés à la mobilité des publics ?"),
    ("Offres de service", ["offres de service", "orienter"],
     ["On ne connaît pas les offres des autres structures."], [],
     "Comment mieux faire connaître les offres de service aux conseillers et à leurs "
     "partenaires ?"),
    ("Métiers de l'industrie", ["femmes", "industrie", "BTP"],
     ["Les métiers souffrent d'une mauvaise image auprès des jeunes."], [],
     "Comment changer le regard des publics sur les métiers de l'industrie ?"),
    ("Reconnaissance du métier de conseiller", ["reconnaissance", "métier"],
     ["Le métier évolue vite."], [],
     "Comment mieux travailler ensemble autour de la reconnaissance du métier de conseiller ?"),
    # subjects no list knows: the label carries them, with the article of its head noun
    ("Santé mentale des jeunes", ["santé", "mentale"], ["Trop peu de psychologues."], [],
     "Comment lever les freins liés à la santé mentale des jeunes ?"),
    ("Illettrisme", ["illettrisme", "lecture"], ["Les personnes cachent leur difficulté."],
     [], "Comment mieux travailler ensemble autour de l'illettrisme ?"),
    ("Logement des apprentis", ["logement", "apprentis"], ["Aucun foyer à moins de 40 km."],
     [], "Comment lever les freins liés au logement des apprentis ?"),
    ("tutorat, binôme, nouveaux conseillers", ["tutorat", "binôme"], ["On arrive seul."], [],
     "Comment mieux travailler ensemble autour du tutorat ?"),
    ("3_tutorat_binome_conseillers", ["tutorat", "binôme"], [], [],
     "Comment mieux travailler ensemble autour du tutorat ?"),
    ("12", ["parrainage", "filleuls"], [], [],
     "Comment mieux travailler ensemble autour du parrainage ?"),
])
def test_questions_follow_the_evidence_of_the_theme(label, terms, said, orgs, expected, nlp):
    assert _ask(_theme(label, terms, said=said, orgs=orgs), nlp) == expected


@pytest.mark.slow
def test_a_theme_of_levers_asks_how_to_build_on_what_was_bricole(nlp):
    theme = _theme("Immersions croisées entre conseillers", ["immersions"], diff=1, lev=6)
    assert _ask(theme, nlp) == ("Comment s'appuyer sur les coopérations déjà bricolées "
                                "autour des immersions croisées entre conseillers ?")


@pytest.mark.slow
def test_the_article_agrees_with_the_subject(nlp):
    """The gender and number of the theme's head noun, from spaCy's morphology."""
    asked = {label: _ask(_theme(label, [label.lower()]), nlp)
             for label in ("Zones blanches", "Employeurs", "Alternance", "Plan de financement")}
    assert asked == {
        "Zones blanches": "Comment mieux travailler ensemble autour des zones blanches ?",
        "Employeurs": "Comment mieux travailler ensemble autour des employeurs ?",
        "Alternance": "Comment mieux travailler ensemble autour de l'alternance ?",
        "Plan de financement": "Comment mieux travailler ensemble autour du plan de "
                               "financement ?",
    }


@pytest.mark.slow
def test_the_article_is_the_one_the_theme_segments_write(synthesis_inputs, nlp):
    """« Garde d'enfants » alone reads as masculine to the small model; the notes write « la
    garde d'enfants », and the question follows the notes."""
    from corpus.synthesis.build import build_synthesis

    i = synthesis_inputs
    segments = i.segments.copy()
    rows = segments.index[segments["theme_id"] == "T003"]
    segments.loc[rows[0], "text"] = "Aucune solution pour la garde d'enfants avant 7h."
    segments.loc[rows, "theme_label"] = "Garde d'enfants"
    themes = [dict(t, label="Garde d'enfants") if t["theme_id"] == "T003" else t
              for t in i.themes]
    syn = build_synthesis(segments, themes, ateliers=i.ateliers, events=i.events,
                          territories=i.territories, feedback=i.feedback,
                          embeddings=i.embeddings, previous=None)
    theme = next(t for t in syn.themes if t.theme_id == "T003")
    assert theme.gender == "Fem"
    assert "la garde d'enfants" in question(theme, nlp)[0]


def test_questions_of_one_set_do_not_repeat_an_opening(blank_nlp):
    themes = [_theme(f"Sujet {i}", [f"sujet{i}"], said=["Il manque des places."])
              for i in range(4)]
    used = Counter()
    asked = [question(t, blank_nlp, used) for t in themes]
    openings = [key for _, key in asked]
    assert len(set(openings)) == len(openings)  # three obstacle openings, then a general one
    assert asked[0][0].startswith("Comment lever les freins liés")


@pytest.mark.slow
def test_every_determiner_introduces_a_noun(nlp):
    """Grammar check on the real model: no article before a verb, an adjective alone or a
    preposition ("autour du partager", "le national")."""
    labels = ["Financement des parcours", "Employeurs", "Zones blanches", "Santé au travail",
              "Premier accueil", "Offre de service", "Illettrisme", "Logement des apprentis",
              "Plan de financement", "Délais de financement", "Nouveaux conseillers"]
    said = [["Il manque des places."], ["On ne connaît pas les dispositifs."],
            ["Chaque partenaire a son circuit."], ["Une image négative des métiers."], []]
    used = Counter()
    for i, label in enumerate(labels):
        text = _ask(_theme(label, [label.lower()], said=said[i % len(said)]), nlp, used)
        for tok in nlp(text):
            if tok.pos_ == "DET" and tok.lower_ in {"le", "la", "les", "l'", "du", "des", "au",
                                                     "aux"}:
                nxt = next(t for t in tok.doc[tok.i + 1:] if t.pos_ != "ADJ")
                assert nxt.pos_ in ("NOUN", "PROPN"), (text, tok.text, nxt.text, nxt.pos_)


def test_a_theme_concentrated_in_one_atelier_takes_its_problematique():
    theme = _theme("Mobilité", ["permis"], diff=4, lev=2)
    theme.by_atelier = {"ev/a00": 5, "ev/a01": 1}
    asked = {"ev/a00": "comment accompagner les parcours sans bus ni permis", "ev/a01": "x"}
    assert concentrated_problematique(theme, asked) == (
        "ev/a00", "Comment accompagner les parcours sans bus ni permis ?")
    theme.by_atelier = {"ev/a00": 3, "ev/a01": 3}
    assert concentrated_problematique(theme, {"ev/a00": "Comment ?"}) is None


def test_ranked_by_the_documented_weight(synthesis_inputs, items):
    themes = {t["theme_id"]: t for t in synthesis_inputs.themes}
    weights = [i["weight"] for i in items]
    assert weights == sorted(weights, reverse=True)
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
    for item in items:
        t = themes[item["theme_id"]]
        share = t["orientation_counts"]["difficulte"] / t["size"]
        expected = t["n_ateliers"] * (1 + 0.5 * (t["n_territories"] - 1)) * (0.5 + share)
        assert item["weight"] == pytest.approx(expected, abs=1e-3)
    assert items[0]["theme_id"] == "T001"  # 3 ateliers, 2 territories, 60 % difficulties


def test_only_recurring_themes_become_problematiques(items):
    assert {i["theme_id"] for i in items} == {"T001", "T002", "T003", "T004"}


def test_evidence_is_the_theme_segments(synthesis_inputs, items):
    seg = synthesis_inputs.segments
    for item in items:
        ids = sorted(seg.loc[seg["theme_id"] == item["theme_id"], "segment_id"])
        assert item["segment_ids"] == ids
        assert item["quotes"] and {q["segment_id"] for q in item["quotes"]} <= set(ids)
        assert all("@" not in q["text"] for q in item["quotes"])


def test_levers_say_what_and_where(items):
    t004 = next(i for i in items if i["theme_id"] == "T004")
    assert t004["levers"]
    for lever in t004["levers"]:
        assert lever["text"] and lever["territory"] and lever["atelier"]
        # a lever of another theme says which one, and why it is there
        assert lever["source"] == "theme" or (lever["source"] == "voisin"
                                              and lever["theme_label"] in lever["reason"])
    sources = [lever["source"] for lever in t004["levers"]]
    assert sources == sorted(sources, key=lambda s: s != "theme")  # its own levers first
    first = t004["levers"][0]  # found where the difficulty was not voiced comes first
    assert first["elsewhere"] and first["territory"] == "Alpes-de-Haute-Provence"
    assert first["atelier"] == "a01-mobilite-rurale"


def test_organisations_to_invite_flag_actors_not_yet_mobilised(synthesis, items):
    missing = set(synthesis.demarche.actors.missing)
    present = set(synthesis.demarche.actors.mobilised)
    for item in items:
        assert set(item["organisations_not_yet_mobilised"]) <= missing
        assert not set(item["organisations_not_yet_mobilised"]) & present
        assert set(item["organisations_not_yet_mobilised"]) <= set(item["organisations_to_invite"])
    t003 = next(i for i in items if i["theme_id"] == "T003")
    assert "CIO" in t003["organisations_not_yet_mobilised"]  # "jeunes" calls for the CIO


def test_methods_are_chosen_among_known_methods_with_a_reason(items):
    for item in items:
        assert item["method"] in METHODS
        assert len(item["method_reason"]) > 40


def _lever(atelier, elsewhere=True):
    return {"text": "…", "territory": "T", "event": "ev", "atelier": atelier,
            "elsewhere": elsewhere}


@pytest.mark.parametrize("theme, levers, missing, expected", [
    (_theme("Financement", ["financement"]), [_lever("a07"), _lever("a08")], [],
     "place du marché"),
    (_theme("Interconnaissance", ["interconnaissance"]), [_lever("a07"), _lever("a08")], [],
     "speed-dating"),
    (_theme("Handicap", ["rqth"], diff=6, lev=1), [], [], "anti-problème"),
    (_theme("Handicap", ["rqth"], diff=1, lev=1), [], [], "accélérateur de coopération"),
    (_theme("Saisonniers", ["saisonniers"]), [_lever("a01", False)], ["MSA", "Entreprises"],
     "world-café"),
    (_theme("Apprentissage", ["alternance"], diff=4, lev=4), [_lever("a01", False)], [],
     "débat mouvant"),
    (_theme("Financement", ["dossier"], diff=5, lev=2), [_lever("a01", False)], [],
     "table d'instruction"),
    (_theme("Offres de service", ["annuaire"], diff=5, lev=2), [_lever("a01", False)], [],
     "double-tour"),
    (_theme("Immersions", ["immersions"], diff=2, lev=5), [_lever("a01", False)], [],
     "méthode des échos"),
    (_theme("Mobilité", ["permis"], diff=5, lev=2), [_lever("a01", False)], [],
     "champ des possibles"),
])
def test_method_rules(theme, levers, missing, expected):
    chosen, reason = method(theme, levers, missing)
    assert chosen == expected
    assert reason.endswith(".")


def test_weight_grows_with_ateliers_territories_and_difficulties():
    base = weight(_theme("A", ["a"], ateliers=2, territories=1))
    assert weight(_theme("A", ["a"], ateliers=3, territories=1)) > base
    assert weight(_theme("A", ["a"], ateliers=2, territories=2)) > base
    assert weight(_theme("A", ["a"], diff=5, lev=0, ateliers=2)) > base


def test_the_loop_marks_problematiques_already_asked(items):
    t003 = next(i for i in items if i["theme_id"] == "T003")
    assert t003["status"] == "retrouvé"
    assert t003["previous_question"] == "Comment accompagner les parcours sans bus ni permis ?"
    assert next(i for i in items if i["theme_id"] == "T002")["previous_question"] is None
