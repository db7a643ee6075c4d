"""French: folding and normalisation, stop words, orientation words, name particles, plurals.

Data and pure functions of text only (no spaCy, no file): the records, the segmenter, the
pseudonymiser, the theme labels and the evaluators share these lists, so they cannot disagree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_COMBINING = re.compile(r"[\u0300-\u036f]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'",
                              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                              "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\t": " "})
_SPACES = re.compile(r"[ ]{2,}")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case without accents, for matching words (never for display). Remembered: the
    pseudonymiser's rules fold the same words millions of times (7.2 million calls for
    10,000 segments)."""
    return _COMBINING.sub("", unicodedata.normalize("NFD", text.casefold()))


def normalise(text: str) -> str:
    """NFC, straight apostrophes and quotes, no non-breaking spaces, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())


# -- plurals -----------------------------------------------------------------------------------

PLURAL_MARKS = "sx"


def singular(word: str, *, min_length: int = 4) -> str:
    """`word` without a final plural mark (s, x) when it has at least `min_length` letters.

    Crude on purpose ("bus" stays, "freins" -> "frein", "travaux" -> "travau"): it only has to
    make two spellings of one word meet. Short words keep their last letter."""
    return word[:-1] if len(word) >= min_length and word[-1:] in tuple(PLURAL_MARKS) else word


# -- stop words --------------------------------------------------------------------------------

# Elisions and discourse words that spaCy's French list lacks but that carry no subject.
FUNCTION_WORDS = frozenset(
    "c d j l m n qu s t aucun aucune bien faire faut non oui trop rien mieux autant ete avez"
    .split()
)
# Words that say how a participant speaks, not what about: they would label every theme and
# fill every list of shared feedback terms.
DOMAIN_STOP_WORDS = frozenset(
    """
    faire être avoir pouvoir devoir falloir aller venir mettre permettre prendre donner dire
    voir savoir vouloir rendre trouver passer rester tenir parler penser demander sembler
    exister manquer poser proposer constater souhaiter noter évoquer exprimer aborder
    chose cas fois façon manière niveau exemple type part point question sujet thème idée
    problème besoin manque difficulté levier piste proposition constat solution frein
    participant participante personne gens monde groupe atelier réunion débat échange
    discussion avis remarque ensemble certain autre même tout plusieurs nombreux grand
    petit bon mauvais nouveau important possible nécessaire général particulier actuel
    réel vrai an année jour mois temps moment plus moins trop beaucoup
    """.split()
)
# Nouns starting with an aspirated h: "la hausse", "le handicap", never "l'".
H_ASPIRE = frozenset("handicap hausse hiérarchie honte hasard haut hauteur hall halte".split())
# The domain's feminine acronyms (spaCy gives an acronym no gender): "la VAE", "l'AIF".
FEMININE_ACRONYMS = frozenset(
    "VAE AIF RQTH PMSMP SIAE CCI CMA MSA POEC POEI AFPR CAF MDPH DREETS ESAT EA".split())


# -- orientations ------------------------------------------------------------------------------

# How teams write an orientation in their own tables, folded, words joined by "_".
ORIENTATION_LABELS: dict[str, str] = {
    word: orientation
    for orientation, words in {
        "difficulte": "difficulte difficultes constat constats frein freins difficulte_constat "
        "difficulte_constats obstacle obstacles probleme problemes besoin besoins difficulty",
        "levier": "levier leviers proposition propositions piste pistes levier_proposition "
        "leviers_propositions solution solutions ressource ressources action actions lever",
        "autre": "autre autres contexte other none",
    }.items()
    for word in words.split()
}
# The orientation a section heading of the notes suggests (folded words, singular): "Freins :"
# -> difficulte, "Pistes" -> levier.
SECTION_CUES: dict[str, str] = {
    "constat": "difficulte", "frein": "difficulte", "difficulte": "difficulte",
    "probleme": "difficulte", "obstacle": "difficulte", "blocage": "difficulte",
    "limite": "difficulte", "manque": "difficulte", "irritant": "difficulte",
    "besoin": "difficulte", "point de vigilance": "difficulte", "vigilance": "difficulte",
    "levier": "levier", "piste": "levier", "proposition": "levier", "solution": "levier",
    "ressource": "levier", "idee": "levier", "action": "levier", "preconisation": "levier",
    "bonne pratique": "levier", "reussite": "levier", "perspective": "levier",
    "engagement": "levier", "prochaine etape": "levier", "suite": "levier",
    "contact": "autre", "contexte": "autre", "presentation": "autre", "participant": "autre",
    "introduction": "autre", "divers": "autre", "deroulement": "autre",
}


# -- names -------------------------------------------------------------------------------------

# Lower-case words inside a person's name ("Marie de La Tour", "Ahmed ould Salem", "Van der
# Berg"): a name grows over them, and a reference name keeps them.
NAME_PARTICLES = frozenset({
    "de", "du", "des", "da", "do", "dos", "das", "e", "van", "von", "der", "den", "el", "al",
    "ben", "bin", "ibn", "ould", "le", "la", "di", "del", "della", "ter", "ten", "y"})
# The elided particle, a word of its own where words are split at apostrophes ("d'Almeida").
ELIDED_PARTICLES = frozenset({"d'"})
