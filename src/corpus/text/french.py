"""French text helpers every stage shares: folding, normalisation, stop words, the spaCy
pipeline, lemmas, and articles with their contractions.

Pure functions of text (and of a spaCy `Doc` where morphology is needed): no file, no state but
the loaded pipeline, which `load_nlp` keeps once per process.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_COMBINING = re.compile(r"[\u0300-\u036f]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'",
                              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                              "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\t": " "})
_SPACES = re.compile(r"[ ]{2,}")

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
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})


def fold(text: str) -> str:
    """Lower case without accents, for matching words (never for display)."""
    return _COMBINING.sub("", unicodedata.normalize("NFD", text.casefold()))


def normalise(text: str) -> str:
    """NFC, straight apostrophes and quotes, no non-breaking spaces, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())


def _spacy_stop_words() -> frozenset[str]:
    """spaCy's French stop words, read from their module file without importing spaCy (3.5 s
    here, most of a cold `corpus query`)."""
    import importlib.util
    import sys
    from pathlib import Path

    if "spacy.lang.fr.stop_words" not in sys.modules:
        spec = importlib.util.find_spec("spacy")
        if spec is not None and spec.submodule_search_locations:
            path = Path(list(spec.submodule_search_locations)[0]) / "lang/fr/stop_words.py"
            if path.is_file():
                scope: dict = {}
                exec(compile(path.read_text("utf-8"), str(path), "exec"), scope)
                return frozenset(scope["STOP_WORDS"])
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@lru_cache(maxsize=2)
def stop_words(*, domain: bool = True) -> tuple[str, ...]:
    """spaCy's French stop words, the function words above and, with `domain`, the domain's
    (lemmas as written, lower case), sorted."""
    words = set(_spacy_stop_words()) | FUNCTION_WORDS | (DOMAIN_STOP_WORDS if domain else set())
    return tuple(sorted(words))


@lru_cache(maxsize=2)
def folded_stop_words(*, domain: bool = True) -> frozenset[str]:
    """`stop_words` folded: to test a word with `fold(word) in folded_stop_words()`."""
    return frozenset(fold(w) for w in stop_words(domain=domain))


# -- the spaCy pipeline ------------------------------------------------------------------------


DEFAULT_MODEL = "fr_core_news_sm"


def load_nlp(name: str | None = None):
    """The French spaCy pipeline `name` (default: `DEFAULT_MODEL`), loaded once per process
    however it is asked for (`load_nlp()`, `load_nlp("fr_core_news_sm")`, `name=`)."""
    return _loaded(name or DEFAULT_MODEL)


@cache
def _loaded(name: str):
    import spacy

    nlp = spacy.load(name)
    # The statistical sentence recogniser is several times cheaper than the parser, and
    # sentences are all the segmenter takes from the parser.
    if "senter" in nlp.component_names and "parser" in nlp.pipe_names:
        nlp.disable_pipe("parser")
        nlp.enable_pipe("senter")
    nlp.max_length = 2_000_000
    return nlp


def lemma(token) -> str:
    """The lemma, lower-cased; an acronym stays itself ("ML" is the Mission locale, not a
    millilitre)."""
    if len(token.text) > 1 and token.text.isupper():
        return token.text.lower()
    return token.lemma_.lower()


def is_content(token) -> bool:
    """A word that carries meaning: noun, proper noun, verb or adjective, not a stop word."""
    return (token.pos_ in CONTENT_POS and not token.is_stop and token.is_alpha
            and len(token) > 1)


# -- articles and contractions -----------------------------------------------------------------

_VOWEL_START = re.compile(r"^[aeiouyhâàäéèêëîïôöûùüœæ]", re.IGNORECASE)
# An "h aspiré" forbids the elision: "le handicap", "la hausse", not "l'handicap".
_H_ASPIRE = frozenset("handicap hausse hiérarchie honte hasard haut hauteur hall halte".split())


def _head(doc):
    """The phrase's head: the first noun before any complement ("les délais de financement";
    "métiers" in "métiers de l'industrie", even when tagged an adjective), else the first word
    that has a number or gender, else the first word."""
    if not len(doc):
        return None
    before = []
    for t in doc:
        if t.pos_ == "ADP" and before:
            break
        before.append(t)
    return next((t for t in before if t.pos_ in ("NOUN", "PROPN")),
                next((t for t in before if t.morph.get("Number") or t.morph.get("Gender")),
                     doc[0]))


def with_article(phrase: str, nlp) -> str:
    """The noun phrase with its definite article, from spaCy's morphology of its head noun:
    "la mobilité rurale", "le financement", "les parcours", "l'alternance".

    Number and gender come from `token.morph` (Number=Plur, Gender=Fem); a noun the model does
    not tag is taken as masculine singular. Acronyms keep their case ("le CPF").
    """
    phrase = phrase.strip().rstrip(".?!")
    if not phrase:
        return phrase
    first = phrase.split()[0]
    if len(first) > 1 and first[1:].islower():
        phrase = first.lower() + phrase[len(first):]
    head = _head(nlp(phrase))
    if head is None:
        return phrase
    morph = head.morph
    if "Plur" in morph.get("Number"):
        return f"les {phrase}"
    starts = phrase.split()[0]
    if _VOWEL_START.match(starts) and not starts.isupper() and fold(starts) not in {
        fold(w) for w in _H_ASPIRE
    }:
        return f"l'{phrase}"
    return f"{'la' if 'Fem' in morph.get('Gender') else 'le'} {phrase}"


def a_(phrase: str) -> str:
    """"à" + a phrase that starts with its article, contracted ("au", "aux")."""
    if phrase.startswith("le "):
        return "au " + phrase[3:]
    return "aux " + phrase[4:] if phrase.startswith("les ") else "à " + phrase


def de_(phrase: str) -> str:
    """"de" + a phrase that starts with its article, contracted ("du", "des")."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    return "des " + phrase[4:] if phrase.startswith("les ") else "de " + phrase
