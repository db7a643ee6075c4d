"""The atelier's déroulé told apart from what the atelier found."""

import pytest

from corpus.records import Note
from corpus.text import deroule
from corpus.text.segment import segment_notes

# Lines the rule reads from their structure alone (labels, counts, methods): spaCy's blank
# tokenizer suffices.
STRUCTURAL = [
    ("Atelier 8 : alternance et TPE, comment les rapprocher", "deroule"),  # its name
    ("Atelier 10 – Faire découvrir l'industrie et le BTP aux femmes du territoire", "deroule"),
    ("L'atelier 3 a montré que les délais de financement découragent les salariés.", "contenu"),
    ("Exposante : Mission locale des Alpes-de-Haute-Provence.", "deroule"),
    ("Gardienne de la méthode : une conseillère Apec.", "deroule"),
    ("Tour 2 : ce que j'attends des autres.", "deroule"),
    ("Temps 1 (20 min) : les constats.", "deroule"),
    ("Nombre de participants : 19.", "deroule"),
    ("Durée : 1h30, pause comprise.", "deroule"),
    ("World-café, 3 tables, 22 participants (FT, ML, Région, 2 OF).", "deroule"),
    ("Place du marché, 5 stands. Environ 20 personnes.", "deroule"),
    ("Méthode des échos. Exposante : conseillère VAE. 14 participants.", "deroule"),
    ("Vote à gommettes, trois par personne.", "deroule"),
    # The contacts exchanged: who to call, not what was found.
    ("Cap emploi 04 : Martine Roux, chargée de mission, 04 92 31 22 10", "deroule"),
    ("Cap emploi 13 : Personne 17, [téléphone retiré]", "deroule"),
    ("Pour Aidants Connect, écrire à aidants@exemple.fr", "deroule"),
    ("Stand Akto : la saison démarre en avril, les employeurs cherchent dès février.", "contenu"),
    ("Référente handicap de l'agence FT : Mme Dumas, pour les dossiers RQTH.", "contenu"),
    ("Horaires coupés matin / midi / soir : 12 heures d'amplitude pour 6 heures payées",
     "contenu"),
    ("Les délais de financement CPF + AIF découragent les personnes.", "contenu"),
    ("Un référent unique par financeur, avec une ligne directe.", "contenu"),
]

# Content that mentions numbers, people and roles, and déroulé lines phrased as sentences:
# the rule needs spaCy's tags (finite verbs, infinitives).
TAGGED = [
    ("Les participants ont souligné le manque de places en crèche.", "contenu"),
    ("3 jeunes sur 10 abandonnent leur formation avant la fin du premier mois.", "contenu"),
    ("L'exposante a rappelé que la VAE reste méconnue des employeurs.", "contenu"),
    ("Vingt personnes sont sur liste d'attente pour la formation d'aide-soignant.", "contenu"),
    ("Aucune solution de garde pour des chantiers qui commencent à 7h.", "contenu"),
    ("Ouvrir les services d'accueil de 7h à 19h.", "contenu"),
    ("Sophie Martin (ML) propose de centraliser les retours : s.martin@exemple.fr", "contenu"),
    ("Les participants se sont répartis en trois sous-groupes de cinq.", "deroule"),
    ("Chaque table a tourné toutes les 20 minutes.", "deroule"),
    ("Débat mouvant, 20 participants. Scribe : Yasmina Cherif.", "deroule"),
    ("Double-tour : chacun présente son offre de service en deux minutes, puis second tour sur "
     "« ce dont j'aurais besoin des autres ».", "deroule"),
]


@pytest.mark.parametrize(("text", "kind"), STRUCTURAL)
def test_structure_tells_the_deroule(blank_nlp, text, kind):
    assert deroule.kinds([text], blank_nlp) == [kind]


def test_a_deroule_section_makes_its_lines_deroule(blank_nlp):
    lines = ["France Travail, Mission locale, CIO", "Les délais sont trop longs"]
    assert deroule.kinds(lines, blank_nlp, sections=["Participants", "Freins"]) == [
        "deroule", "contenu"]


def test_a_contacts_section_holds_deroule_lines(blank_nlp):
    lines = ["Département, service insertion : Paul Morel", "Les numéros changent sans cesse"]
    assert deroule.kinds(lines, blank_nlp, sections=["Contacts", "Constats"]) == [
        "deroule", "contenu"]


def test_a_short_deroule_line_is_not_merged_into_content(blank_nlp):
    note = Note(doc_id="d", territory_id="t", event_id="t/e", atelier_id="a", source="a.md",
                format="md", content_hash="h",
                text="Débat mouvant : 14 présents.\n\n- Les délais de financement sont trop "
                     "longs pour une AIF\n")
    segs = segment_notes([note], nlp=blank_nlp)
    assert [(s.text, s.kind) for s in segs] == [
        ("Débat mouvant : 14 présents.", "deroule"),
        ("Les délais de financement sont trop longs pour une AIF", "contenu")]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "kind"), STRUCTURAL + TAGGED)
def test_tags_tell_content_from_deroule(nlp, text, kind):
    assert deroule.kinds([text], nlp) == [kind]


@pytest.mark.slow
def test_annotated_lines_on_both_halves(nlp):
    """tests/fixtures/deroule/lines.tsv: tuned on the first half, held on the second
    (bench/deroule.py prints the figures)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from deroule import annotated, scores  # bench/deroule.py

    for rows, least_recall in zip(annotated(), (0.95, 0.8), strict=True):
        found = scores(rows, deroule.kinds([t for _, t in rows], nlp))
        assert found["precision"] >= 0.95 and found["recall"] >= least_recall, found
