"""French text helpers every stage shares: folding, normalisation, stop words, the spaCy
pipeline, lemmas, and articles with their contractions.

Pure functions of text (and of a spaCy `Doc` where morphology is needed): no file, no state but
the loaded pipeline, which `load_nlp` keeps once per process.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any

from corpus.lang.fr import (
    DOMAIN_STOP_WORDS,
    FEMININE_ACRONYMS,
    FUNCTION_WORDS,
    H_ASPIRE,
    fold,
    normalise,
)

# The language data and pure folding live in `corpus.lang.fr` (shared with the records);
# re-exported here for the stages that already take them from this module.
__all__ = ["CONTENT_POS", "DOMAIN_STOP_WORDS", "FUNCTION_WORDS", "a_", "de_", "fold",
           "folded_stop_words", "is_content", "lemma", "load_nlp", "normalise", "stop_words",
           "with_article"]
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})


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


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """« 1 levier », « 2 leviers »: `n` and `word`, in the plural from 2 on (or 0)."""
    return f"{n} {word if n == 1 else plural_form or word + 's'}"


def load_nlp(name: str | None = None):
    """The French spaCy pipeline `name` (default: `DEFAULT_MODEL`), loaded once per process
    however it is asked for (`load_nlp()`, `load_nlp("fr_core_news_sm")`, `name=`)."""
    return _loaded(name or DEFAULT_MODEL)


@cache
def _loaded(name: str):
    import spacy
    from thinc.api import use_ops

    # Its products through numpy's BLAS rather than thinc's bundled BLIS: the same parses
    # (segments, lemmas, entities and tags of 1,200 notes of the scale bench, byte for byte),
    # 35 % less time to segment them on this 2-core AMD machine (16 s -> 10.5 s). Under
    # `embed.one_blas_thread`, as every stage that parses runs, on one BLAS thread.
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(name)
    # The statistical sentence recogniser is several times cheaper than the parser, and
    # sentences are all the segmenter takes from the parser.
    if "senter" in nlp.component_names and "parser" in nlp.pipe_names:
        nlp.disable_pipe("parser")
        nlp.enable_pipe("senter")
    nlp.max_length = 2_000_000
    _index_as_sets(nlp)
    return nlp


def _index_as_sets(nlp) -> None:
    """The French rule lemmatiser's word index as sets instead of lists: it tests each new
    word against the lists (66,191 nouns) one by one, 10.6 s of the parse of 10,000 segments.
    Same lemmas: only membership is read."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        if isinstance(table[key], list):
            table[key] = frozenset(table[key])


def left_open(text: str) -> bool:
    """A quotation or a bracket opened in `text` and not closed."""
    return (text.count("«") > text.count("»") or text.count("(") > text.count(")")
            or text.count("“") > text.count("”"))


def is_acronym(text: str) -> bool:
    """"ML", "PMSMP", "CPF": two capitals or more, no small letter."""
    return len(text) > 1 and text.isupper()


def lemma(token) -> str:
    """The lemma, lower-cased; an acronym stays itself ("ML" is the Mission locale, not a
    millilitre). Where the tagger misread a word, spaCy's rules make a lemma that is no word
    (« hébergement » read as a verb gives « hébergemer », « démarre » as an adjective
    « démarr »): the lemma of the form in spaCy's lookup table is taken instead, or the word
    itself when the lexicon knows it as it is."""
    if is_acronym(token.text):
        return token.text.lower()
    return checked_lemma(token.lemma_.lower(), token.lower_)


@lru_cache(maxsize=262144)
def checked_lemma(found: str, word: str, model: str = DEFAULT_MODEL) -> str:
    """`found`, the rule lemmatiser's lemma of `word`, when the lexicon of `model` knows it (a
    lemma or a form of its tables) or when `word` is its plural; otherwise the lemma the
    lookup table gives `word`, or `word` when the lexicon knows it."""
    if found == word or not found:
        return found  # as it is, or no lemmatiser ran (a blank pipeline)
    try:
        tables = _lexicon(model)
    except OSError:  # the model is not installed: nothing to check against
        return found
    if tables is None:
        return found
    known, lookup = tables
    if found in known or word in (found + "s", found + "x"):
        return found  # a lemma the lexicon knows, or the singular of a plural
    looked = lookup.get(word)
    looked = looked[0] if isinstance(looked, list) and looked else looked
    if isinstance(looked, str) and looked:
        return looked
    return word if word in known else found


@cache
def _lexicon(model: str):
    """(every word `model`'s lemmatiser knows: its index, the lemmas of its exceptions, the
    forms and lemmas of its lookup table; the lookup table), or None."""
    nlp = _loaded(model)
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not all(lookups.has_table(t) for t in
                                  ("lemma_index", "lemma_lookup", "lemma_exc")):
        return None

    def words(values) -> set[str]:
        return {w for v in values for w in (v if isinstance(v, (list, tuple, set, frozenset))
                                             else [v]) if isinstance(w, str)}

    index, lookup = lookups.get_table("lemma_index"), lookups.get_table("lemma_lookup")
    exceptions = lookups.get_table("lemma_exc")
    known = words(index[k] for k in index.keys())
    known |= words(index_value for k in exceptions.keys()
                   for index_value in exceptions[k].values())
    known |= words(lookup.values()) | words(lookup.keys())
    return frozenset(known), lookup


@lru_cache(maxsize=65536)
def finite_plural(word: str, model: str = DEFAULT_MODEL) -> bool:
    """A present or imperfect third-person plural verb (« orientent », « cherchaient »), by
    spaCy's lemma lookup of `model`: a form in -ent whose lemma is another word in -er. The
    tagger sometimes reads such a form as an adjective (« les conseillers orientent peu »)."""
    word = word.lower()
    found = lookup_lemma(word, model) if word.endswith("ent") else None
    return found is not None and found != word and found.endswith("er")


def verb_not_feminine(token, model: str = DEFAULT_MODEL) -> bool:
    """A verb's form that the tagger read as a feminine adjective (« Chaque structure prescrit
    de son côté »: « prescrit », feminine by spaCy's morphology): not ending in -e, its lemma
    by spaCy's lookup another word, an infinitive. A feminine form ends in -e."""
    word = token.text.lower()
    if token.morph.get("Gender") != ["Fem"] or word.endswith(("e", "es")):
        return False
    found = lookup_lemma(word, model)
    return found is not None and found != word and found.endswith(("er", "ir", "re"))


def lookup_lemma(word: str, model: str = DEFAULT_MODEL) -> str | None:
    """The lemma of `word` in the lookup table of `model`'s lemmatizer, if any."""
    try:
        nlp = _loaded(model)
    except OSError:  # the model is not installed: no lookup to read
        return None
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_lookup"):
        return None
    found = lookups.get_table("lemma_lookup").get(word)
    found = found[0] if isinstance(found, list) and found else found
    return found if isinstance(found, str) else None


def is_content(token) -> bool:
    """A word that carries meaning: noun, proper noun, verb or adjective, not a stop word."""
    return (token.pos_ in CONTENT_POS and not token.is_stop and token.is_alpha
            and len(token) > 1)


# -- articles and contractions -----------------------------------------------------------------

_VOWEL_START = re.compile(r"^[aeiouyhâàäéèêëîïôöûùüœæ]", re.IGNORECASE)
# An "h aspiré" forbids the elision: "le handicap", "la hausse", not "l'handicap".


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


def _phrase_number_gender(doc) -> tuple[str, str]:
    """("Plur"|"Sing", "Fem"|"Masc") of a noun phrase from the morphology of its whole head
    group (the nouns and adjectives before any complement), not of its head alone: "référent
    unique" is singular even when the model reads "référent" as plural, because "unique" cannot
    be; "référents uniques" is plural."""
    head = _head(doc)
    group = []
    for t in doc:
        if t.pos_ == "ADP" and group:
            break
        if t.pos_ in ("NOUN", "PROPN", "ADJ") or t is head:
            group.append(t)
    words = [t for t in group if t.is_alpha and not is_acronym(t.text)]
    # a French plural ends in s, x or z: a word that does not is singular, whatever the tag
    singular_form = any(not re.search(r"[sxz]$", t.text.lower()) for t in words)
    votes = [t.morph.get("Number")[0] for t in [head, *group] if t is not None
             and t.morph.get("Number")]
    number = "Sing" if singular_form or not votes else (
        "Plur" if votes.count("Plur") > votes.count("Sing") or (
            head is not None and "Plur" in head.morph.get("Number")) else "Sing")
    genders = [t.morph.get("Gender")[0] for t in [head, *group] if t is not None
               and t.morph.get("Gender")]
    gender = (head.morph.get("Gender") or [""])[0] if head is not None else ""
    if head is not None and head.text in FEMININE_ACRONYMS:
        gender = "Fem"
    if not gender and genders:
        gender = max(("Fem", "Masc"), key=genders.count)
    return number, gender or "Masc"


# Determiners that say the gender of the word after them ("l'", "les" do not), and that word
# (a whole word: not "garde" of "garde-robe").
_GENDERED = {"la": "Fem", "une": "Fem", "cette": "Fem",
             "le": "Masc", "un": "Masc", "du": "Masc", "au": "Masc", "ce": "Masc", "cet": "Masc"}
_DETERMINED = re.compile(r"(?<![\w'’])(" + "|".join(_GENDERED) + r")\s+([^\W_][\w]*)(?![\w'’-])",
                         re.IGNORECASE)


def written_gender(phrase: str, texts: Iterable[str]) -> str:
    """The gender `texts` give `phrase`: "Fem" or "Masc" by the majority of the determiners
    written just before its first word ("la garde d'enfants", where the tagger reads "garde"
    alone as masculine), "" when they do not say or are evenly split.

    A determiner agrees with its whole noun phrase, so this holds when the first word is an
    adjective ("une petite flotte") as well as the noun."""
    first = phrase.strip().split()[0].lower() if phrase.strip() else ""
    if not first or not re.search(r"[^\W\d_]", first):
        return ""
    votes = Counter(_GENDERED[det.lower()] for t in texts if first in t.lower()
                    for det, word in _DETERMINED.findall(t) if word.lower() == first)
    fem, masc = votes["Fem"], votes["Masc"]
    return "Fem" if fem > masc else "Masc" if masc > fem else ""


def with_article(phrase: str, nlp, gender: str = "") -> str:
    """The noun phrase with its definite article, from spaCy's morphology of the whole phrase:
    "la mobilité rurale", "le financement", "les référents uniques", "le référent unique",
    "l'alternance".

    Number and gender come from `token.morph` (Number=Plur, Gender=Fem) of the head noun and
    the words that agree with it (`_phrase_number_gender`); a phrase the model does not tag is
    taken as masculine singular. `gender` ("Fem", "Masc"), when given, is the gender the
    phrase is written with (`written_gender`) and wins over the tagger's reading of the phrase
    alone. Acronyms keep their case ("le CPF").
    """
    phrase, lowered = _article_texts(phrase)
    if not phrase:
        return phrase
    first = phrase.split()[0]
    # "Mobilité rurale", "Logement des apprentis" lose their capital, not "France services": the
    # small model reads most capitalised first words as proper nouns, so ask it of the lower case
    lower = len(first) > 1 and first[1:].islower() and (
        len(phrase.split()) == 1 or _parse(nlp, lowered)[0].pos_ != "PROPN")
    # number and gender from the phrase as written ("Logement des apprentis": the lower case
    # misleads the small model), a lone common word in lower case ("Voiture" -> "la voiture")
    doc = _parse(nlp, lowered if lower and len(phrase.split()) == 1 else phrase)
    if not len(doc):
        return phrase
    number, tagged = _phrase_number_gender(doc)
    gender = gender or tagged
    phrase = lowered if lower else phrase
    if number == "Plur":
        return f"les {phrase}"
    starts = phrase.split()[0]
    if _VOWEL_START.match(starts) and (not starts.isupper() or starts[0] in "AEIOU") and fold(
        starts) not in {
        fold(w) for w in H_ASPIRE
    }:
        return f"l'{phrase}"
    return f"{'la' if gender == 'Fem' else 'le'} {phrase}"


def _article_texts(phrase: str) -> tuple[str, str]:
    """The phrase `with_article` reads, and the same with its first word in lower case."""
    phrase = phrase.strip().rstrip(".?!")
    first = phrase.split()[0] if phrase else ""
    return phrase, first.lower() + phrase[len(first):]


_PARSED: dict[tuple[int, str], Any] = {}  # (id of the pipeline, text) -> doc: `parsed_ahead`


def _parse(nlp, text: str):
    doc = _PARSED.get((id(nlp), text))
    return doc if doc is not None else nlp(text)


@contextmanager
def parsed_ahead(phrases: Iterable[str], nlp, batch_size: int = 256) -> Iterator[None]:
    """Within the block, `with_article` finds the phrases already parsed, in batches of
    `nlp.pipe`: one call per phrase cost 21 ms, 43 s of the problématiques of 2,048 themes."""
    texts = sorted({t for p in phrases for t in _article_texts(p) if t})
    keys = [(id(nlp), t) for t in texts]
    for key, doc in zip(keys, nlp.pipe(texts, batch_size=batch_size), strict=True):
        _PARSED[key] = doc
    try:
        yield
    finally:
        for key in keys:
            _PARSED.pop(key, None)


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
