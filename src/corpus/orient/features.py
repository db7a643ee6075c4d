"""Features of the orientation model: lexical cues, hashed word and character n-grams, TF-IDF.

Hashing means no vocabulary is stored: a model is a few arrays of numbers and its settings.
The cues are what a scribe's wording gives away whatever the subject (negation, "manque",
"trop", "il faudrait", an infinitive first word...), matched on folded text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from corpus.text.french import fold, normalise

FEATURES_VERSION = 1
START = "debutdesegment"
_TOKEN = r"(?u)\b\w+\b"

_NOT_VERBS = {
    "entre", "notre", "votre", "autre", "leur", "pour", "par", "sur", "hier", "cher", "mer",
    "hiver", "plusieurs", "tenir", "avenir", "loisir", "desir", "plaisir", "pouvoir", "savoir",
    "devoir", "espoir", "soir", "noir", "centre", "titre", "offre", "ordre", "nombre", "membre",
    "libre", "cadre", "chiffre", "propre", "contre", "lettre", "maire", "salaire", "partenaire",
    "territoire", "necessaire", "encore", "outre", "quatre", "tiers",
}
# (name, pattern on folded text): cues a scribe's wording gives away whatever the subject.
CUES: tuple[tuple[str, str], ...] = (
    ("negation", r"\bn(?:e\b|')[^.;:!?]{0,40}?\b(?:pas|plus|jamais|guere|aucun|aucune|rien)\b"),
    ("pas_de", r"\bpas (?:de|d'|d |assez|suffisamment|toujours|encore)\b|\bsans\b"),
    ("manque", r"\bmanqu\w*|\babsence\b|\binsuffis\w*|\bcarence\w*"),
    ("frein", r"\bfrein\w*|\bobstacle\w*|\bbloca\w*|\bbloqu\w*|\bbarriere\w*|\blimite\w*"),
    ("difficile", r"\bdifficil\w*|\bdifficult\w*|\bcompliqu\w*|\bcomplexe\w*|\blourd\w*"),
    ("trop_peu", r"\btrop\b|\bpeu\b|\bmal\b|\bmoins\b"),
    ("probleme", r"\bprobleme\w*|\brupture\w*|\bisol\w*|\bperte\w*|\babandon\w*|\bdecroch\w*"
                 r"|\bmeconn\w*|\binadapt\w*|\bmefian\w*|\bcrainte\w*|\binquiet\w*"),
    ("il_faut", r"\bil (?:faudrait|faut|conviendrait|convient)\b"
                r"|\b(?:doit|doivent|devrait|devraient|pourrait|pourraient)\b"),
    ("mettre_en", r"\bmettre en (?:place|oeuvre|commun|relation|avant|reseau)\b"),
    ("action", r"\b(?:creer|creation|developp\w*|renforc\w*|favoris\w*|amelior\w*|facilit\w*"
               r"|mutualis\w*|organis\w*|instaur\w*|simplifi\w*|valoris\w*|encourag\w*"
               r"|generalis\w*|systematis\w*|soutenir|soutien|augmenter|reduire|permettre)\b"),
    ("proposer", r"\bpropos\w*|\bpiste\w*|\bsolution\w*|\bidee\w*|\bpreconis\w*|\bsuggere\w*"),
    ("marche", r"\bfonctionne\w* bien\b|\bbonne\w* pratique\w*|\breussi\w*|\befficace\w*"
               r"|\bgrace (?:a|au|aux)\b|\bpermet\w*|\bs'appuyer\b"),
    ("contexte", r"\b(?:atelier|reunion|seance|participant\w*|animat\w*|anime\w*|tour de table"
                 r"|deroul\w*|ambiance|methode|debat\w*|restitution|presentation|echange\w*)\b"),
)
_CUES = [re.compile(p) for _, p in CUES]
_FIRST_WORD = re.compile(r"^[^\w]*(\w+)")


def cue_features(texts: Sequence[str]) -> np.ndarray:
    """Presence (0/1) of each lexical cue, plus an infinitive first word, for each text."""
    out = np.zeros((len(texts), len(_CUES) + 1), dtype=np.float32)
    for i, text in enumerate(texts):
        folded = fold(text)
        for j, cue in enumerate(_CUES):
            out[i, j] = cue.search(folded) is not None
        first = _FIRST_WORD.match(folded)
        word = first.group(1) if first else ""
        out[i, -1] = (
            len(word) > 3 and word.endswith(("er", "ir", "re")) and word not in _NOT_VERBS
            and not word.endswith(("ier", "eur"))
        ) or word in {"creer", "simplifier", "unifier", "clarifier", "diversifier", "modifier",
                      "identifier", "planifier", "privilegier", "etudier", "relier", "publier"}
    return out


def prepared(texts: Sequence[str]) -> list[str]:
    return [f"{START} {fold(normalise(t))}" for t in texts]


def hashers(n_bits: int, word_ngrams: tuple[int, int], char_ngrams: tuple[int, int]) -> tuple:
    from sklearn.feature_extraction.text import HashingVectorizer

    common = dict(n_features=2**n_bits, alternate_sign=False, norm=None, lowercase=False)
    word = HashingVectorizer(analyzer="word", ngram_range=tuple(word_ngrams), token_pattern=_TOKEN,
                             **common)
    char = HashingVectorizer(analyzer="char_wb", ngram_range=tuple(char_ngrams), **common)
    return word, char


def tfidf(counts: sp.csr_matrix, df: np.ndarray, n_docs: int, min_df: int) -> sp.csr_matrix:
    """Sublinear TF times smoothed IDF, rows L2-normalised: scikit-learn's `TfidfTransformer`
    with the IDF of the training texts' document frequencies `df`.

    Features seen in fewer than `min_df` training texts count as unknown (weight 0), like words
    outside a vocabulary.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True)
    # The transformer's own smoothed IDF, from the stored counts instead of a fit.
    transformer.idf_ = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0) * (df >= min_df)
    return transformer.transform(counts.astype(np.float64).tocsr())
