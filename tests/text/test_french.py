"""French helpers: folding, stop words, and articles from spaCy's morphology."""

import pytest

from corpus.text.french import (
    a_,
    de_,
    fold,
    folded_stop_words,
    stop_words,
    with_article,
    written_gender,
)


@pytest.mark.parametrize(("text", "folded"), [
    ("Équipe", "equipe"), ("Mobilité rurale", "mobilite rurale"), ("CŒUR", "cœur"),
    ("e\u0301quipe", "equipe"),
])
def test_fold_drops_case_and_accents(text, folded):
    assert fold(text) == folded


def test_one_stop_word_list_serves_themes_search_and_feedback():
    assert {"le", "de", "faire"} <= set(stop_words(domain=False))
    assert "difficulté" in stop_words() and "difficulté" not in stop_words(domain=False)
    assert {"difficulte", "deja", "l"} <= folded_stop_words()
    assert "financement" not in folded_stop_words() and "cpf" not in folded_stop_words()


@pytest.mark.parametrize(("phrase", "expected"), [
    ("le financement", "au financement"), ("les parcours", "aux parcours"),
    ("la mobilité", "à la mobilité"), ("l'alternance", "à l'alternance"),
])
def test_a_contracts_with_the_article(phrase, expected):
    assert a_(phrase) == expected


@pytest.mark.parametrize(("phrase", "expected"), [
    ("le financement", "du financement"), ("les parcours", "des parcours"),
    ("la mobilité", "de la mobilité"), ("l'alternance", "de l'alternance"),
])
def test_de_contracts_with_the_article(phrase, expected):
    assert de_(phrase) == expected


@pytest.mark.slow
@pytest.mark.parametrize(("phrase", "expected"), [
    ("Zone rurale", "la zone rurale"),  # the word ending guessed "le zone"
    ("Financement des parcours", "le financement des parcours"),
    ("Mobilité des publics", "la mobilité des publics"),
    ("Conseillers ML", "les conseillers ML"),
    ("Alternance", "l'alternance"),
    ("Référente handicap", "la référente handicap"),
    ("Permis de conduire", "le permis de conduire"),
    # agreement read on the whole phrase, not the head alone (issue 21)
    ("Référent unique", "le référent unique"),
    ("Référents uniques", "les référents uniques"),
    ("Délais de financement", "les délais de financement"),
    ("Conseillers numériques", "les conseillers numériques"),
    ("Places en crèche", "les places en crèche"),
    ("Jeunes décrocheurs", "les jeunes décrocheurs"),
    ("Mixité des métiers", "la mixité des métiers"),
    ("Premier accueil", "le premier accueil"),
    ("Aide à domicile", "l'aide à domicile"),
    ("VAE", "la VAE"),
    ("AIF", "l'AIF"),
    ("CPF", "le CPF"),
    ("Voiture", "la voiture"),
    ("France services", "la France services"),
    ("Réunions d'information collectives", "les réunions d'information collectives"),
])
def test_articles_come_from_the_head_noun_morphology(nlp, phrase, expected):
    assert with_article(phrase, nlp) == expected


def test_the_gender_is_read_from_the_determiners_the_segments_write():
    said = ["Aides du Département pour la garde d'enfants, trop peu connues",
            "Aucune solution de garde d'enfants pour des chantiers qui commencent à 7h",
            "Mères seules : horaires incompatibles avec la garde des enfants",
            "Lien avec les crèches pour lever le frein de la garde"]
    assert written_gender("Garde d'enfants", said) == "Fem"
    assert written_gender("Entretien de conseil", ["Un entretien de conseil en agence"]) == "Masc"
    # a determiner agrees with the whole phrase, adjective first or not
    assert written_gender("Petite flotte", ["une petite flotte de véhicules"]) == "Fem"
    # not written with a determiner that says it, or split evenly: nothing to say
    assert written_gender("Alternance", ["l'alternance en TPE", "les alternances"]) == ""
    assert written_gender("Garde", ["la garde", "le garde champêtre"]) == ""
    # a longer word that starts the same is not the phrase's ("la gardienne")
    assert written_gender("Garde d'enfants", ["la gardienne du temps"]) == ""


@pytest.mark.slow
def test_the_written_gender_wins_over_the_tagger_of_the_phrase_alone(nlp):
    # the small model reads "garde" alone without gender: "le garde d'enfants"
    assert with_article("Garde d'enfants", nlp, "Fem") == "la garde d'enfants"
    assert de_(with_article("Garde d'enfants", nlp, "Fem")) == "de la garde d'enfants"
    # number stays the phrase's own, and elision does not depend on gender
    assert with_article("Immersions PMSMP", nlp, "Fem") == "les immersions PMSMP"
    assert with_article("Alternance", nlp, "Masc") == "l'alternance"
