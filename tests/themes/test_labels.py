"""Labels: a noun phrase of the theme's own segments, written in two of them, one per theme."""

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
