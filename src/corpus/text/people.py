"""Which of spaCy's PER entities are people worth pseudonymising (`corpus.text.protect`), and
the lemmas a text keeps once its people are left out."""

from __future__ import annotations

from corpus.text.french import fold, is_content, lemma


def looks_like_person(ent) -> bool:
    """A spaCy PER entity worth pseudonymising: "Julie Marchetti", or "Karim" inside a sentence.

    The small French model also tags capitalised words at the start of a bullet ("Fiche
    navette", "Aller vers"); those are dropped.
    """
    if ent.label_ != "PER" or any(_plural_noun(t) for t in ent):
        return False
    capitalised = [t for t in ent if t.text[:1].isupper() and t.is_alpha]
    if len(capitalised) >= 2 and len(capitalised) == len([t for t in ent if t.is_alpha]):
        return True
    if len(ent) == 1 and capitalised and ent.start != ent.sent.start:
        before = ent.doc[ent.start - 1].text.lower().replace("’", "'")
        if before in ("l'", "la", "le", "les"):  # "les outils de l'Onisep": a name takes no article
            return False
        return ent[0].pos_ == "PROPN" and not _in_place_list(ent)
    return False


def _plural_noun(token) -> bool:
    """A common noun in the plural, inflected from its lemma ("Employeurs" of « Employeurs TPE
    difficiles à mobiliser »): people, not a person's name (on 3,000 real texts, none of the
    65 PER entities holding one was a person: « Gilets Jaunes », « Députés »…)."""
    return (token.pos_ == "NOUN" and token.morph.get("Number") == ["Plur"]
            and token.lemma_.lower() != token.text.lower())


def spacy_people(doc) -> list:
    """The entities of `doc` that are people (see `looks_like_person`)."""
    return [e for e in doc.ents if looks_like_person(e)]


def content_lemmas(tokens, people=None, words_out: frozenset[str] = frozenset()) -> list[str]:
    """The lemmas of the content words of `tokens` (a `Doc` or a `Span`), without the words of
    `people` (entities; by default the people of the tokens' doc, `spacy_people`) nor those
    written as one of `words_out` (folded: places): what a segment's lemmas hold. A
    capitalised word that is not a person ("Arrêter de multiplier…", "Bonne organisation")
    keeps its lemma; a person's name never gets one."""
    people = spacy_people(getattr(tokens, "doc", tokens)) if people is None else people
    named = {i for e in people for i in range(e.start, e.end)}
    return [lemma(t) for t in tokens if is_content(t) and t.i not in named
            and not (words_out and fold(t.text) in words_out)]


def spacy_person_spans(doc) -> list[tuple[int, int]]:
    """Character spans of the people spaCy finds in `doc` (see `looks_like_person`)."""
    return [(e.start_char, e.end_char) for e in spacy_people(doc)]


def _in_place_list(ent) -> bool:
    """One word in an enumeration of places ("Digne, Manosque, Barcelonnette"): a commune."""
    doc = ent.doc
    for comma, other in ((ent.start - 1, ent.start - 2), (ent.end, ent.end + 1)):
        if 0 <= other < len(doc) and doc[comma].text == "," and doc[other].ent_type_ == "LOC":
            return True
    return False
