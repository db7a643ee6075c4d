"""The word lists the name finder reads, built from what libraries ship (no list written for
any corpus): first names from the PyPI package `gender-guesser`, French words from the spaCy
model's lemmatizer tables and stop words."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

from corpus.embed.sources import installed_version
from corpus.files import word_list
from corpus.text.french import fold, folded_stop_words

log = logging.getLogger(__name__)

FILE_NAME = "first-names-2.txt"  # 2: the UTF-8 lines are read as UTF-8 ("Céline")
TITLES = {"M", "Mr", "Mme", "Mlle", "Mmes", "MM", "Madame", "Monsieur", "Mademoiselle", "Dr",
          "Docteur", "Docteure", "Me", "Maître", "Pr", "Professeur", "Professeure"}


def _names_from_gender_guesser() -> set[str]:
    from importlib.resources import files

    raw = (files("gender_guesser") / "data" / "nam_dict.txt").read_bytes()
    names: set[str] = set()
    for row in raw.splitlines():
        try:  # mostly Latin-1, but some names ("Céline", "Hélène") are written in UTF-8
            line = row.decode("utf-8")
        except UnicodeDecodeError:
            line = row.decode("latin-1")
        if line.startswith("#") or len(line) < 30 or line[0] not in "MF?1":
            continue
        name = line[3:29].strip().replace("+", "-")
        if name and not name.startswith("<"):
            names.add(fold(name))
            names.update(fold(part) for part in name.split("-") if len(part) > 2)
    return names


@functools.cache
def first_names(models_dir: Path) -> frozenset[str]:
    """Folded first names (see module docstring); empty if the package is missing."""
    return word_list(Path(models_dir) / FILE_NAME, _names_from_gender_guesser,
                     "liste des prénoms indisponible : les prénoms seuls ne sont "
                     "reconnus que par spaCy et les manifestes")


@functools.cache
def french_words(model: str = "fr_core_news_sm",
                 models_dir: Path | None = None) -> frozenset[str]:
    """Folded French words: every form the spaCy model's lemmatizer tables know (base forms,
    inflected forms and exceptions) and the stop words; the stop words alone when the tables
    cannot be read. With `models_dir`, kept there (see `model_list`)."""
    return model_list("french-words", model, models_dir, lambda: _french_words(model),
                      folded_stop_words(domain=False), "tables du lemmatiseur indisponibles")


def model_list(name: str, model: str, models_dir: Path | None, build: Callable[[], set[str]],
               fallback: frozenset[str], unavailable: str) -> frozenset[str]:
    """A word list read from the spaCy model `model` by `build` (`fallback`, with the warning
    `unavailable`, when it cannot be). With `models_dir`, the list is kept there, a file per
    model and version, so that a process that parses nothing needs no spaCy: the ingest's main
    process loaded it for the name finder's lists alone (100,000 segments: 7.3 s before the
    territories' processes could start)."""
    if models_dir is not None:
        path = Path(models_dir) / f"{name}-{model}-{installed_version(model) or 'absent'}.txt"
        return word_list(path, build, unavailable) or fallback
    try:
        return frozenset(build())
    except (OSError, KeyError, ImportError) as exc:
        log.warning("%s (%s)", unavailable, exc)
        return fallback


def _french_words(model: str) -> set[str]:
    from corpus.text.french import load_nlp

    words = set(folded_stop_words(domain=False))
    lookups = load_nlp(model).get_pipe("lemmatizer").lookups
    for table in ("lemma_index", "lemma_exc", "lemma_lookup"):
        if not lookups.has_table(table):
            continue
        for entries in lookups.get_table(table).values():  # lists, or forms -> lemmas
            words.update(fold(w) for w in entries if isinstance(w, str))
    return words
