"""Labels: a noun phrase of the theme's own segments, written in two of them, one per theme."""

import pytest
import spacy
from spacy.tokens import Doc

from corpus.themes.labels import candidates, choose_labels, noun_phrases

VOCAB = spacy.blank("fr").vocab


def tagged(*words: tuple[str, str, str], ents: tuple[str, ...] = ()) -> Doc:
    """A doc from (text, pos, lemma) triples; `ents` like "LOC:2:3" mark entities."""
    doc = Doc(VOCAB, words=[w for w, _, _ in words], pos=[p for _, p, _ in words],
              lemmas=[lem for _, _, lem in words])
    spans = []
    for ent in ents:
        label, start, end = ent.split(":")
        spans.append(doc.char_span(doc[int(start)].idx, doc[int(end) - 1].idx
                                   + len(doc[int(end) - 1].text), label=label))
    doc.ents = spans
    return doc


def financement(noun="financement", lemma="financement"):
    return tagged(("le", "DET", "le"), (noun, "NOUN", lemma), ("des", "ADP", "de"),
                  ("parcours", "NOUN", "parcours"), ("reste", "VERB", "rester"),
                  ("flou", "ADJ", "flou"))


def test_noun_phrases_follow_the_grammar():
    phrases = [" ".join(t.text for t in p) for p in noun_phrases(financement())]
    assert "financement des parcours" in phrases
    assert "financement" in phrases
    assert not any(p.startswith("le ") or p.endswith(" des") for p in phrases)


def test_the_label_is_written_in_two_segments_and_covers_the_terms():
    docs = [financement(), financement(), tagged(("mobilité", "NOUN", "mobilité"))]
    found = candidates(docs)
    (label, is_phrase), = choose_labels([found], [["financement", "parcours"]], [0])
    assert (label, is_phrase) == ("Financement des parcours", True)


def test_a_phrase_written_once_is_not_a_label():
    docs = [financement(), tagged(("financement", "NOUN", "financement"))]
    (label, is_phrase), = choose_labels([candidates(docs)], [["financement", "parcours"]], [0])
    assert label == "Financement" and is_phrase  # the noun alone is written twice


def test_places_and_people_never_make_a_label():
    def visit():
        return tagged(("mobilité", "NOUN", "mobilité"), ("à", "ADP", "à"),
                      ("Sisteron", "PROPN", "Sisteron"), ents=("LOC:2:3",))
    found = candidates([visit(), visit()], places=frozenset({"sisteron"}))
    assert all("sisteron" not in key for key in found)
    person = tagged(("Personne", "NOUN", "personne"), ("3", "NUM", "3"))
    assert not candidates([person, person])


def test_every_theme_gets_its_own_label():
    docs = [financement(), financement()]
    found = [candidates(docs), candidates(docs)]
    labels = choose_labels(found, [["financement", "parcours"], ["financement", "parcours"]],
                           [0, 1])
    assert labels[0][0] != labels[1][0]


def test_without_any_phrase_the_best_term_stands_alone():
    (label, is_phrase), = choose_labels([{}], [["mobilité", "voiture"]], [0])
    assert (label, is_phrase) == ("Mobilité", False)


# -- the Matcher patterns give what the state machine gave -----------------------------------

PHRASES = [
    "Le financement des parcours de formation reste flou pour les demandeurs d'emploi.",
    "La mobilité des publics ruraux est un frein majeur à l'accès aux offres.",
    "Créer une offre de service commune entre les structures d'insertion.",
    "Les jeunes sans permis de conduire restent isolés dans les villages.",
    "Manque de places en crèche pour les parents en reprise d'emploi.",
    "Un guichet unique pour l'orientation professionnelle des adultes handicapés.",
    "Renforcer la coordination des acteurs de l'emploi sur le territoire de Sisteron.",
    "La fracture numérique touche surtout les personnes âgées isolées.",
    "Le reste à charge sur le CPF décourage les salariés des petites entreprises.",
    "Développer l'apprentissage dans l'artisanat et les métiers de bouche.",
    "Les délais de la MDPH retardent l'entrée en formation qualifiante.",
    "Une meilleure connaissance mutuelle des dispositifs d'accompagnement vers l'emploi.",
    "Personne 3 présente le diagnostic partagé des besoins en compétences.",
    "Mise en place d’un annuaire partagé des partenaires de l’insertion à Marseille.",
    "Des aides financières pour le transport solidaire et la garde d'enfants.",
]


@pytest.fixture(scope="module")
def nlp():
    from corpus.text.french import load_nlp

    try:
        return load_nlp()
    except OSError:
        pytest.skip("modèle spaCy français absent")


def _spans(found) -> list[tuple[int, int]]:
    return [(span[0].i, span[-1].i + 1) for span in found]


@pytest.mark.parametrize("text", PHRASES)
def test_matcher_patterns_find_the_state_machines_phrases(nlp, text):
    from noun_phrase_oracle import machine_noun_phrases

    doc = nlp(text)
    places = frozenset({"sisteron", "marseille"})
    assert _spans(noun_phrases(doc, places)) == _spans(machine_noun_phrases(doc, places))
    assert _spans(noun_phrases(doc))  # every phrase holds at least one noun phrase


def test_matcher_candidates_are_the_state_machines_on_the_sample_notes(nlp, monkeypatch):
    """Every line of the sample's text notes: the same candidates, keys, lemmas, spellings."""
    from pathlib import Path

    import noun_phrase_oracle

    from corpus.themes import labels

    root = Path(__file__).parents[2] / "data" / "sample"
    lines = [line.strip("-* \t") for path in sorted([*root.rglob("*.md"), *root.rglob("*.txt")])
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if len(line.strip()) > 20]
    assert len(lines) > 100
    docs = list(nlp.pipe(lines))
    new = candidates(docs)
    monkeypatch.setattr(labels, "noun_phrases", noun_phrase_oracle.machine_noun_phrases)
    old = labels.candidates(docs)
    assert len(new) > 500
    assert list(new) == list(old)
    assert [(c.lemmas, c.segments, c.spellings) for c in new.values()] == [
        (c.lemmas, c.segments, c.spellings) for c in old.values()]


def morphed(*words: tuple[str, str, str, str], ents: tuple[str, ...] = ()) -> Doc:
    """A doc from (text, pos, lemma, morph) quadruples, as spaCy's tagger leaves them."""
    doc = tagged(*[(w, p, lem) for w, p, lem, _ in words], ents=ents)
    for token, (_, _, _, morph) in zip(doc, words, strict=True):
        token.set_morph(morph or None)
    return doc


def _spellings(doc, places=frozenset()) -> set[str]:
    return {c.spelling(1) for c in candidates([doc], places).values()}


def test_a_cut_through_a_longer_phrase_whose_adjective_does_not_agree_is_no_label():
    # « Règles de la commande publique complexes » : « complexes » qualifies « règles ».
    doc = morphed(("Règles", "NOUN", "règle", "Gender=Fem|Number=Plur"), ("de", "ADP", "de", ""),
                  ("la", "DET", "le", "Gender=Fem|Number=Sing"),
                  ("commande", "NOUN", "commande", "Gender=Fem|Number=Sing"),
                  ("publique", "ADJ", "public", "Gender=Fem|Number=Sing"),
                  ("complexes", "ADJ", "complexe", "Number=Plur"))
    found = _spellings(doc)
    assert "Commande publique" in found and "Règles de la commande publique" in found
    assert "Commande publique complexes" not in found


def test_a_phrase_does_not_start_on_the_adjective_of_the_word_before():
    doc = morphed(("un", "DET", "un", "Gender=Masc|Number=Sing"),
                  ("référent", "NOUN", "référent", "Gender=Masc|Number=Sing"),
                  ("unique", "ADJ", "unique", "Number=Sing"),
                  ("côté", "NOUN", "côté", "Gender=Masc|Number=Sing"),
                  ("employeur", "NOUN", "employeur", "Gender=Masc|Number=Sing"))
    found = _spellings(doc)
    assert "Référent unique" in found
    assert not any(s.startswith("Unique") for s in found)


def test_an_invariable_word_agrees_whatever_number_the_tagger_guessed():
    # « relais » is its own plural: the tagger's Number=Plur does not part it from « parc ».
    doc = morphed(("le", "DET", "le", "Gender=Masc|Number=Sing"),
                  ("modèle", "NOUN", "modèle", "Gender=Masc|Number=Sing"),
                  ("parc", "NOUN", "parc", "Gender=Masc|Number=Sing"),
                  ("relais", "ADJ", "relais", "Gender=Masc|Number=Plur"))
    assert "Parc relais" in _spellings(doc)  # a noun may follow a noun: apposition


def test_an_acronym_may_head_a_theme_whatever_entity_the_recogniser_saw_but_not_a_place():
    doc = morphed(("Immersions", "NOUN", "immersion", "Gender=Fem|Number=Plur"),
                  ("PMSMP", "PROPN", "PMSMP", ""), ("à", "ADP", "à", ""),
                  ("MANOSQUE", "PROPN", "MANOSQUE", ""), ents=("LOC:1:2", "LOC:3:4"))
    found = _spellings(doc, frozenset({"manosque"}))
    assert "Immersions PMSMP" in found
    assert not any("MANOSQUE" in s for s in found)


def test_the_acronym_of_a_usual_structure_does_not_name_a_theme():
    doc = morphed(("Présélection", "NOUN", "présélection", "Gender=Fem|Number=Sing"),
                  ("FT", "NOUN", "FT", "Gender=Masc|Number=Sing"), ("et", "CCONJ", "et", ""),
                  ("droits", "NOUN", "droit", "Gender=Masc|Number=Plur"),
                  ("CPF", "PROPN", "CPF", ""))
    found = _spellings(doc)
    assert "Droits CPF" in found  # a scheme
    assert not any("FT" in s for s in found)  # France Travail: a structure, not a subject


def test_a_verb_the_tagger_read_as_an_adjective_is_no_part_of_a_label(nlp):
    from corpus.text.french import finite_plural

    assert finite_plural("orientent") and finite_plural("accompagnent")
    assert not any(finite_plural(w) for w in ("parent", "président", "intervenant", "urgent"))
    doc = morphed(("Les", "DET", "le", "Number=Plur"),
                  ("conseillers", "NOUN", "conseiller", "Gender=Masc|Number=Plur"),
                  ("orientent", "ADJ", "orientent", "Gender=Masc|Number=Plur"),
                  ("peu", "ADV", "peu", ""))
    found = _spellings(doc)
    assert "Conseillers" in found and "Conseillers orientent" not in found


def test_a_verb_the_tagger_read_as_a_feminine_adjective_is_no_part_of_a_label(nlp):
    """« Chaque structure prescrit de son côté » headed a theme of the sample as « Structure
    prescrit »: spaCy reads « prescrit » as an adjective agreeing with « structure »."""
    doc = morphed(("Chaque", "DET", "chaque", "Number=Sing"),
                  ("structure", "NOUN", "structure", "Gender=Fem|Number=Sing"),
                  ("prescrit", "ADJ", "prescrit", "Gender=Fem|Number=Sing"),
                  ("de", "ADP", "de", ""), ("son", "DET", "son", "Number=Sing"),
                  ("côté", "NOUN", "côté", "Gender=Masc|Number=Sing"))
    found = _spellings(doc)
    assert "Structure" in found and "Structure prescrit" not in found
    # a feminine adjective, or one written the same in both genders, still is
    doc = morphed(("Garde", "NOUN", "garde", "Gender=Fem|Number=Sing"),
                  ("partagée", "ADJ", "partagé", "Gender=Fem|Number=Sing"),
                  ("et", "CCONJ", "et", ""), ("agriculture", "NOUN", "agriculture",
                                               "Gender=Fem|Number=Sing"),
                  ("bio", "ADJ", "bio", "Gender=Fem|Number=Sing"))
    found = _spellings(doc)
    assert "Garde partagée" in found and "Agriculture bio" in found


def test_a_stop_word_alone_is_no_label_but_an_acronym_is():
    """« Me former aux PAS de l'Agefiph »: the tagger reads « Me » as a noun; it names nothing.
    « PAS » (the Agefiph's prestations) is written like a stop word but is an acronym."""
    def training():
        return tagged(("Me", "NOUN", "me"), ("former", "VERB", "former"), ("aux", "ADP", "à"),
                      ("PAS", "NOUN", "PAS"))
    found = candidates([training(), training()])
    assert "pas" in found and "me" not in found
