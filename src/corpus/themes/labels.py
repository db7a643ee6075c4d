"""Theme labels a practitioner would write: one French noun phrase of the theme's own segments.

Candidates are the noun phrases of the theme's most central segments, found by a grammar over
the part-of-speech tags (no parser needed): an optional adjective, a noun, its adjectives or
participles, then up to two complements introduced by "de", "à", "pour"... ("financement des
parcours de formation", "mobilité des publics", "offre de service"). A candidate counts when it
is written, word for word (case and accents aside), in at least two of the theme's segments.
The best one covers the theme's key terms, is frequent, and short; every theme gets a different
one. Places (communes, the démarche's own territories and places, spaCy's LOC entities) and
people never appear in a label; an acronym may, whatever entity spaCy saw in it. A phrase that
starts on the adjective of the word before it, or whose adjective does not agree with its noun,
is a cut through a longer one, not a candidate (`reads_as_label`). Without any such phrase, the
best key term stands alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corpus.config import default
from corpus.lang.actors import structure_words
from corpus.text import deroule
from corpus.text.french import finite_plural, fold, is_acronym, verb_not_feminine

MAX_WORDS = 6
MIN_SEGMENTS = 2
LINKS = frozenset("de d' des du à au aux en pour sur entre avec dans".split())
ARTICLES = frozenset("la le l' les".split())
_HEAD_POS = ("NOUN", "PROPN")
# Places and people never; organisations neither: a theme is a subject, not a structure.
_NOT_IN_LABEL = frozenset({"LOC", "GPE", "PER", "ORG", "MISC"})
_KEY = re.compile(r"\w+", re.UNICODE)
_STRUCTURES = structure_words()


@dataclass
class Candidate:
    """A noun phrase: its key (folded lemmas: "structure" and "structures" are one), the
    segments it is written in, and the segments each spelling is written in."""

    key: str
    lemmas: tuple[str, ...]
    segments: set[int] = field(default_factory=set)
    spellings: dict[str, set[int]] = field(default_factory=dict)

    def spelling(self, min_segments: int = MIN_SEGMENTS) -> str | None:
        """The spelling written in the most segments, if at least `min_segments` of them."""
        best = min(self.spellings, key=lambda s: (-len(self.spellings[s]), s))
        return best if len(self.spellings[best]) >= min_segments else None


def _word(token) -> str:
    return token.text.lower() if token.text != "l'" else "l'"


def _allowed(token, places: frozenset[str]) -> bool:
    """A token that may stand in a label: not a place, not a person, not a pseudonym.

    An acronym stands whatever spaCy's entity recogniser makes of it: on the sample's notes it
    reads "PMSMP" as a place and "CMA" as an organisation, so that « Immersions PMSMP » could not
    head the theme of the immersions. A place written in capitals is still a place (`places`),
    and the acronym of one of the field's usual structures (`corpus.lang.actors`: « FT »,
    « CFA ») is still a structure: a theme is a subject."""
    if fold(token.text) in places:
        return False
    if is_acronym(token.text) and token.is_alpha:  # « PMSMP » may name a theme, « FT » not
        return fold(token.text) not in _STRUCTURES
    if token.ent_type_ in _NOT_IN_LABEL:
        return False
    if fold(token.text) == "personne":  # "Personne 3": a pseudonym, never a subject
        return False
    return not (token.pos_ == "PROPN" and token.text.istitle() and token.ent_type_ == "")


def _content(token, places: frozenset[str]) -> bool:
    return (token.pos_ in _HEAD_POS or token.pos_ == "ADJ"
            or (token.pos_ == "VERB" and "Part" in token.morph.get("VerbForm")
                and "Pres" not in token.morph.get("Tense"))) and _allowed(
        token, places) and token.is_alpha


# The grammar, over one letter a token (`_roles`): "h" a head noun, "a" an adjective, "c" another
# content word (a participle), in capitals when the word is also an article; "l" a link word
# ("de", "pour"...), "r" an article, "x" anything else. ADJ* NOUN (content)*, then up to two
# complements: a link word, an optional article, a noun, (content)*. After a link word, an
# article is always read as the article. (It was spaCy `Matcher` patterns on token extensions:
# the same spans, at a third of the time.)
GRAMMAR = re.compile(r"[aA]*[hH][hHaAcC]*(?:l(?:[HACr][hH]|h)[hHaAcC]*){0,2}")
_CONTENT, _ADJECTIVE, _HEAD = "hHaAcC", "aA", "hH"


def _role(token, places: frozenset[str]) -> str:
    """The token's letter in `GRAMMAR`. A content word is never a link."""
    article = fold(token.text) in ARTICLES
    if _content(token, places):
        letter = "h" if token.pos_ in _HEAD_POS else "a" if token.pos_ == "ADJ" else "c"
        return letter.upper() if article else letter
    if fold(token.text).replace("’", "'") in LINKS:
        return "l"
    return "r" if article else "x"


def _roles(doc, places: frozenset[str]) -> str:
    """Each token's letter (`_role`), kept on the doc for these `places`."""
    key = ("corpus.labels.roles", places)
    if key not in doc.user_data:
        doc.user_data[key] = "".join(_role(token, places) for token in doc)
    return doc.user_data[key]


def noun_phrases(doc, places: frozenset[str] = frozenset()) -> Iterable[list]:
    """Noun phrases of a tagged spaCy doc, as token lists, by start then length: every span of
    at most `MAX_WORDS` tokens that starts with an adjective or a noun, holds a noun, and ends
    on a content word, within the grammar above (`GRAMMAR`)."""
    roles = _roles(doc, places)
    for start, role in enumerate(roles):
        if role not in "aAhH":
            continue
        for end in range(start + 1, min(len(roles), start + MAX_WORDS) + 1):
            if GRAMMAR.fullmatch(roles, start, end):
                yield list(doc[start:end])


def _number(token) -> list[str]:
    """spaCy's number, unless the word is its own lemma and ends as a plural does: « relais »,
    « parcours », « temps » are the same in both numbers, whatever the tagger guessed."""
    text = token.text.lower()
    if text.endswith(("s", "x", "z")) and text == token.lemma_.lower():
        return []
    return token.morph.get("Number")


def _agree(a, b) -> bool:
    """Number and gender agree where spaCy's morphology gives both."""
    return all(not x or not y or x == y for x, y in (
        (_number(a), _number(b)), (a.morph.get("Gender"), b.morph.get("Gender"))))


def reads_as_label(span: Sequence, places: frozenset[str] = frozenset()) -> bool:
    """A phrase of the grammar that also reads as a heading: it does not start on an adjective
    that qualifies the word before it (« unique côté employeur » of « un référent unique côté
    employeur », « commune FT » of « présélection commune FT »; a noun may: « parc relais » of
    « modèle parc relais »), and each adjective or participle agrees with the noun it
    stands by, in number and gender where spaCy's morphology gives them (« commande publique
    complexes » is a cut through « règles de la commande publique complexes »). A verb the
    tagger took for a noun or an adjective is no part of a label (`french.finite_plural`).
    A method's name (« Accélérateur de coopération ») says how an atelier ran, not what its
    segments share. Nor does a phrase of stop words only (« Me » of « Me former aux PAS », a
    pronoun the tagger took for a noun; an acronym such as « PAS » is no stop word)."""
    first = span[0]
    roles = _roles(first.doc, places)
    if deroule.is_method_name(" ".join(t.text for t in span)):
        return False
    if all(t.is_stop and not is_acronym(t.text) for t in span):
        return False
    if (first.i > 0 and roles[first.i - 1] in _CONTENT
            and (roles[first.i] in _ADJECTIVE or first.pos_ == "VERB")):
        return False
    if any(t.pos_ in ("ADJ", "NOUN") and finite_plural(t.text) for t in span):
        return False  # « Conseillers orientent »: a verb the tagger took for an adjective
    if any(t.pos_ == "ADJ" and verb_not_feminine(t) for t in span):
        return False  # « Structure prescrit »: the same, read as feminine
    for j, token in enumerate(span):
        if roles[token.i] not in _ADJECTIVE and token.pos_ != "VERB":
            continue
        noun = next((t for t in reversed(span[:j]) if roles[t.i] in _HEAD), None)
        if noun is None or any(roles[t.i] not in _CONTENT for t in span[noun.i - first.i:j]):
            noun = next((t for t in span[j + 1:] if roles[t.i] in _HEAD), None)
        if noun is not None and not _agree(token, noun):
            return False
    return True


def _display(words: Sequence[str]) -> str:
    """One spelling, first letter capitalised, apostrophes joined ("l'offre")."""
    text = " ".join(words).replace("' ", "'")
    return text[:1].upper() + text[1:]


def candidates(docs: Sequence, places: frozenset[str] = frozenset()) -> dict[str, Candidate]:
    """Noun phrases of the theme's segments (one tagged doc each), by lemma key."""
    found: dict[str, Candidate] = {}
    for s, doc in enumerate(docs):
        for span in noun_phrases(doc, places):
            if not reads_as_label(span, places):
                continue
            words = [t.text if is_acronym(t.text) or t.pos_ == "PROPN"
                     else t.text.lower() for t in span]
            lemmas = tuple(t.lemma_.lower() for t in span if t.pos_ in (*_HEAD_POS, "ADJ", "VERB"))
            key = " ".join(_KEY.findall(fold(" ".join(
                t.lemma_ if t.pos_ in (*_HEAD_POS, "ADJ", "VERB") else t.text for t in span))))
            cand = found.setdefault(key, Candidate(key, lemmas))
            cand.segments.add(s)
            cand.spellings.setdefault(_display(words), set()).add(s)
    return found


# How a label's length reads: a practitioner names a theme in two to four words.
# Phrases of 2 to 4 words read as labels; a single word's weight is `Settings.themes_label_
# single_word_weight` (a key term, not yet a label).
LENGTH_WEIGHT = {2: 1.0, 3: 1.0, 4: 0.9, 5: 0.75, 6: 0.6}
SINGLE_WORD_WEIGHT = default("themes_label_single_word_weight")


def score(cand: Candidate, weights: dict[str, float],
          single: float = SINGLE_WORD_WEIGHT) -> float:
    """Covers the key terms (weighted by rank), is written often, reads as a label."""
    covered = sum(weights.get(lemma, 0.0) for lemma in set(cand.lemmas))
    n_words = len([w for w in cand.key.split() if w not in LINKS and w not in ARTICLES])
    length = single if n_words <= 1 else LENGTH_WEIGHT.get(n_words, 0.5)
    return covered * (1 + math.log(len(cand.segments))) * length


def term_weights(terms: Sequence[str], n: int = 8) -> dict[str, float]:
    """Lemma -> weight 1/(1+rank) for the words of the best `n` key terms."""
    out: dict[str, float] = {}
    for rank, term in enumerate(terms[:n]):
        for word in term.split():
            out.setdefault(word, 1.0 / (1 + rank))
    return out


def choose_labels(found: Sequence[dict[str, Candidate]], terms: Sequence[Sequence[str]],
                  order: Sequence[int],
                  single: float = SINGLE_WORD_WEIGHT) -> list[tuple[str, bool]]:
    """One label per theme, all different: (label, True when a phrase of >= 2 segments).

    Themes pick in `order` (largest first): each takes its best candidate not taken yet.
    """
    taken: set[str] = set()
    out: list[tuple[str, bool] | None] = [None] * len(found)
    for t in order:
        weights = term_weights(terms[t])
        ranked = sorted(
            (c for c in found[t].values() if c.spelling() is not None),
            key=lambda c: (-score(c, weights, single), -len(c.segments), c.key),
        )
        chosen = next((c for c in ranked if score(c, weights, single) > 0
                       and c.key not in taken), None)
        if chosen is not None:
            taken.add(chosen.key)
            out[t] = (chosen.spelling(), True)
            continue
        fallback = next((w for w in terms[t] if fold(w) not in taken), None)
        label = _display(fallback.split()) if fallback else "Thème sans terme distinctif"
        taken.add(fold(label))
        out[t] = (label, False)
    return [o for o in out if o is not None]
