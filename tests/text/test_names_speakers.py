"""Names their place in a scribe's sentence gives away (corpus.text.speakers), and names the
démarche itself gives (Pseudonymiser.learn). A small finder: the first names, French words and
verb forms are given here."""

from __future__ import annotations

import pytest

from corpus.text.names import NameFinder
from corpus.text.protect import Pseudonymiser

FIRST = frozenset({"olivier", "julien", "valentin", "mathis", "claire", "pierre", "marc", "rose",
                   "loi", "justine", "yvonne", "hugo", "mise"})
WORDS = frozenset({
    "olivier", "julien", "valentin", "claire", "pierre", "marc", "rose", "loi", "mise",
    "berger", "bonnet", "bouvier", "cordonnier", "pelletier", "fontaine", "chevalier", "motte",
    "forte", "demande", "participation", "logement", "mobilite", "transports", "cout", "cafe",
    "compost", "consigne", "metiers", "bois", "region", "departement", "maire", "village",
    "conseillere", "animatrice", "place", "aide", "smic", "euros", "proposition", "selon",
    "pour", "avec", "voir", "frein", "entreprises", "employeurs", "salle", "forum", "notes",
    "prennent",
})
SPEECH = frozenset({"souligne", "rappelle", "rappelé", "propose", "insiste", "relance",
                    "souhaite", "rappellent", "évoque", "engage", "proposée"})
FINDER = NameFinder(FIRST, WORDS, speech=SPEECH)


def names_in(text: str, pseudo: Pseudonymiser | None = None) -> list[str]:
    pseudo = pseudo or Pseudonymiser("s", finder=FINDER, communes=frozenset({"gap"}))
    return [text[s:e] for s, e in pseudo.person_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # the subject of a verb of speech
    ("- Chevalier insiste sur le manque de places en crèche", ["Chevalier"]),
    ("- Besson et Bonnet ont rappelé les règles du CPF", ["Besson", "Bonnet"]),
    ("- olivier rappelle que l'Opco finance les diagnostics", ["olivier"]),
    ("- Le Gall propose un forum des métiers", ["Le Gall"]),
    ("- de la Motte souhaite un calendrier commun", ["de la Motte"]),
    # a list of who said what
    ("Tour de table : Berger (Mission locale), Bonnet (CMA)", ["Berger", "Bonnet"]),
    # a word that introduces a person
    ("- Proposition de Bouvier : une permanence commune", ["Bouvier"]),
    ("- D'après Berger, les employeurs ne lisent pas les CV", ["Berger"]),
    ("- Selon de Villiers, les entreprises ne connaissent pas les aides", ["de Villiers"]),
    ("- voir avec julien pour la salle", ["julien"]),
    ("- Pour Bonnet, le frein principal reste la garde d'enfants", ["Bonnet"]),
    # a role
    ("- la conseillère Fontaine rappelle que c'est gratuit", ["Fontaine"]),
    ("- l'animatrice Bouvier relance le groupe", ["Bouvier"]),
    ("- le maire, Pelletier, s'engage à prêter une salle", ["Pelletier"]),
    # a particle
    ("- Da Costa (France Travail) : les offres restent non pourvues", ["Da Costa"]),
    ("- van den Bosch rappelle le rôle de l'Apec", ["van den Bosch"]),
    # joined to a name
    ("- valentin et mathis prennent les notes", ["valentin", "mathis"]),
])
def test_a_person_is_found_where_the_sentence_writes_one(text, expected):
    assert names_in(text) == expected


@pytest.mark.parametrize("text", [
    "- le marc de café sert de compost",
    "- une consigne claire a manqué aux conseillers",
    "- les métiers de la pierre et du bois recrutent",
    "- post-it rose pour les freins",
    "- Forte demande de participation des citoyens",
    "- Formation proposée par la CCI",
    "Venir présenter la plateforme à l'agence de la ville",  # an infinitive has no subject
    "Aller expliquer le dispositif aux conseillers",
    "- chaque proposition de loi, sans évaluation",
    "- avec mise en place d'une aide",
    "- La Région rappelle que le CPF est plafonné",
    "- Le Département propose un accompagnement",
    "- Employeurs rappellent leurs besoins",
    "- le maire de Gap évoque la fermeture",
    "- Tour de table des freins : Mobilité (transports), Logement (coût)",
    "- la conseillère France Travail rappelle les droits",
    "- Le Smic à 1800 euros",
])
def test_words_organisations_and_places_stay(text):
    assert names_in(text) == []


def test_a_surname_given_with_a_first_name_is_a_name_when_it_comes_back_alone():
    pseudo = Pseudonymiser("s", finder=FINDER)
    learned = pseudo.learn([("Participants : Yvonne Cordonnier (CIO), Hugo Fontaine", []),
                            ("- Mme Pelletier présente les aides", [])])
    assert set(learned) == {"Yvonne Cordonnier", "Hugo Fontaine", "Pelletier"}
    assert names_in("- Cordonnier insiste sur les stages", pseudo) == ["Cordonnier"]
    assert names_in("- pelletier souhaite un annuaire", pseudo) == ["pelletier"]
    # the same person, the same pseudonym; the word itself stays a word
    assert pseudo.protect("Yvonne Cordonnier") == pseudo.protect("Cordonnier")
    assert names_in("- la fontaine du village", pseudo) == []


def test_a_name_holding_a_word_the_demarche_writes_in_lower_case_is_not_learned():
    """« M. Le Maire » is a title, « France Assos Santé » an association: learned as names,
    they took « le maire » and « France » in every text (30,000 real segments: 964 spans
    added by learning, 149 now). A word the démarche writes in lower case more often than
    capitalised is one of its words, not a surname."""
    pseudo = Pseudonymiser("s", finder=FINDER)
    lines = [("- M. Le Maire ouvre la séance", []), ("- le maire propose une salle", []),
             ("- le maire du village prête le forum", []),
             ("Participants : Hugo Fontaine, Rose Santé (Région)", []),
             ("- la santé des salariés", []), ("- santé au travail", [])]
    learned = pseudo.learn(lines)
    assert learned == ["Hugo Fontaine"]
    assert names_in("- le maire souhaite un forum", pseudo) == []
    assert names_in("- Fontaine insiste sur les stages", pseudo) == ["Fontaine"]


def test_a_title_is_no_part_of_a_name_found_alone():
    pseudo = Pseudonymiser("s", known_names=["Madame Roux"], finder=FINDER)
    assert names_in("- Madame la directrice accueille le groupe", pseudo) == []
    assert names_in("- Roux propose un forum", pseudo) == ["Roux"]


def test_nothing_is_learned_from_a_word_alone_or_words_without_a_first_name():
    pseudo = Pseudonymiser("s", finder=FINDER)
    lines = ["- Berger (Mission locale) : trop de sigles",
             "- Employeurs TPE difficiles à mobiliser"]
    assert pseudo.learn((line, [(2, 16)] if "TPE" in line else []) for line in lines) == []
    assert names_in("- les bergers et les employeurs de la vallée", pseudo) == []


def test_a_word_that_already_has_a_pseudonym_in_the_demarche_is_a_name():
    before = Pseudonymiser("s", finder=FINDER)
    before.pseudonym("Bonnet")  # an earlier run: "Dr Bonnet" became "Personne 1"
    pseudo = Pseudonymiser("s", numbers=before.numbers, finder=FINDER)
    assert pseudo.learn([("- Bonnet a trouvé une salle", [])]) == ["Bonnet"]
    assert pseudo.protect("- Bonnet a trouvé une salle") == "- Personne 1 a trouvé une salle"
    other = Pseudonymiser("autre", finder=FINDER)
    assert other.learn([("- Bonnet a trouvé une salle", [])]) == []


def test_a_name_with_a_pseudonym_from_an_earlier_run_is_learned_even_if_also_a_word():
    """The check on words written in lower case spares a word the démarche's earlier runs
    already gave a pseudonym; a surname first met after a title gets no such pass."""
    before = Pseudonymiser("s", finder=FINDER)
    before.pseudonym("Boulanger")
    lines = [("- Boulanger a trouvé une salle", []), ("- le boulanger prête son local", []),
             ("- un boulanger recrute", []), ("- Mme Meunier présente le forum", []),
             ("- le meunier du moulin", []), ("- un meunier cherche un apprenti", [])]
    assert Pseudonymiser("s", numbers=before.numbers, finder=FINDER).learn(lines) == [
        "Boulanger"]


def test_which_texts_write_a_learned_word_as_a_whole_word():
    """`usage.writes_any` answers as the pattern `\\b(?:…)\\b` it replaced, on folded texts."""
    import re

    from corpus.text import usage

    words = ["haddad", "d'almeida", "roux"]
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
    writes = usage.writes_any(words)
    for text in ["- haddad insiste", "selon d'almeida :", "rouxel propose", "le roux-blanc",
                 "chaddad", "almeida seul", "", "roux"]:
        assert writes(text) == bool(pattern.search(text)), text
