"""People's names found by rule, beside spaCy's entities: titles, initials, first names,
particles, lists of participants, lower-case names.

Two general resources, no list written for any corpus:
- first names: the dictionary of about 45,000 first names from many countries that the PyPI
  package `gender-guesser` ships (offline), folded into a small file in `models/` on first use;
- French words: the lemmatizer tables of the spaCy model (about 100,000 words) and its stop
  words. A capitalised first name that is also a French word ("Claire", "Pierre") needs more
  than its capital to be a name; a lower-case word is a name only if it is a first name and
  no French word ("karim", "lucie").
A name grows over the capitalised words, initials and particles ("de La", "da", "Van der",
"d'") that follow it; organisations, acronyms and places stop it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.lang.fr import NAME_PARTICLES
from corpus.text.french import fold, folded_stop_words
from corpus.text.name_lists import FILE_NAME, TITLES, first_names, french_words  # noqa: F401
from corpus.text.speakers import Speakers, speech_forms

log = logging.getLogger(__name__)

_LOWER_TITLES = {"m", "mr", "mme", "mlle", "madame", "monsieur", "dr", "docteur", "pr"}
PARTICLES = NAME_PARTICLES  # shared with the evaluator (corpus.lang.fr)
# Words of organisations and of the domain that a name never runs into ("Marie Pôle emploi").
ORG_WORDS = {fold(w) for w in (
    "Pôle", "emploi", "France", "Travail", "Mission", "locale", "Cap", "Région", "Sud", "Nord",
    "Est", "Ouest", "Département", "Opco", "Atlas", "EP", "Apec", "Afpa", "Greta", "Maison",
    "Chambre", "Cité", "métiers", "services", "Transitions", "Pro", "Agefiph", "Association",
    "Mairie", "Agence", "Conseil", "École", "Université", "Lycée", "Collège", "Centre",
    "Institut", "Réseau", "Plateforme", "Forum", "Atelier", "Groupe", "Commune", "Métropole",
    "Communauté", "Préfecture", "Fongecif", "Akto", "Constructys", "Uniformation", "Emmaüs",
    "Secours", "Croix-Rouge", "Restos", "Carif-Oref", "Compétences", "Entreprises",
    "Participants", "Contacts", "Contact", "Constats", "Freins", "Leviers", "Pistes",
    "Propositions", "Ressources", "Difficultés", "Scribe", "Gardien", "Exposant", "Personne",
    "St", "Ste", "Saint", "Sainte",
)}
# A line that lists people: "Participants : A, B et C", "scribe : Lou".
_LIST_HEAD = re.compile(
    r"(?i)\b(?:participant(?:e)?s?|pr[ée]sent(?:e)?s?|contacts?(?:\s+pris)?|intervenant(?:e)?s?"
    r"|scribe|gardien(?:ne)?(?:\s+de\s+la\s+m[ée]thode)?|exposant(?:e)?|anim[ée]e?\s+par"
    r"|excus[ée](?:e)?s?|absent(?:e)?s?)\s*:")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.UNICODE)
_INFLECTIONS = (("s", ""), ("x", ""), ("e", ""), ("es", ""), ("nne", "n"), ("nnes", "n"),
                ("ive", "if"), ("ives", "if"), ("euse", "eur"), ("rice", "eur"), ("aux", "al"),
                ("elle", "el"), ("ette", "et"), ("ère", "er"), ("ere", "er"))
# Prefixes written apart ("loi anti casseurs") and other words the tables miss.
_NOT_NAMES = {"anti", "pro", "post", "pre", "neo", "ultra", "super", "mini", "maxi", "multi",
              "semi", "auto", "inter", "extra", "hyper", "para", "asso", "info", "infos"}
_SAINTS = {"st", "ste", "saint", "sainte", "san", "santa", "sao"}
# Words after which a capitalised first name alone is a person ("voir avec Karima").
_INTRODUCERS = {"avec", "par", "selon", "pour", "et", "ou", "à", "a", "chez", "de", "d", "entre",
                "sans", "comme", "dit", "voir", "contacter", "appeler", "joindre", "demander",
                "merci", "retour", "idée", "idee", "proposition", "question", "remarque",
                "témoignage", "temoignage", "intervention", "contact", "via", "auprès", "aupres",
                "mail", "cf", "vu", "rencontré", "rencontre", "dixit", "note", "scribe",
                "exposant", "gardien", "gardienne", "exposante", "animatrice", "animateur",
                "relancer", "prévenir", "prevenir", "inviter", "informer"}
_CLEAN_GAP = re.compile(r"[\s,;:()\-–—'’\"«»/]*")
_FOREIGN = re.compile(r"[^a-zàâäçéèêëîïôöùûüÿœæ'’\-]")
# Before a first name that is also a French word, these make it the word ("la Rose", "Belle
# de Mai"); the name then needs a surname after it.
_DETERMINERS = {"le", "la", "les", "l", "un", "une", "des", "du", "au", "aux", "ce", "cette",
                "son", "sa", "ses", "notre", "nos", "leur", "leurs", "de", "d", "en"}


@dataclass
class Token:
    start: int
    end: int
    text: str
    gap: str  # the characters between the previous token and this one
    key: str = field(init=False)  # folded text: read dozens of times per token by the rules
    capitalised: bool = field(init=False)

    def __post_init__(self) -> None:
        self.key = fold(self.text)
        self.capitalised = self.text[:1].isupper()


@dataclass
class NameFinder:
    """Spans of people's names in a text, by rule (see module docstring)."""

    first_names: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    # Folded words that must stop a name: the démarche's organisations and places.
    stop_words: frozenset[str] = field(default_factory=frozenset)
    # Folded place names (communes): never joined to a name by "," or "et", nor before one.
    places: frozenset[str] = field(default_factory=frozenset)
    # Lower-case forms of the verbs of speech (`corpus.text.speakers.speech_forms`).
    speech: frozenset[str] = frozenset()
    # Folded words the démarche already gives as names (`Pseudonymiser.learn`).
    known: frozenset[str] = frozenset()

    def spans(self, text: str,
              is_place: Callable[[str, str], bool] = lambda word, before: False
              ) -> list[tuple[int, int]]:
        """Spans of names in `text`; `is_place(word, text_before)` tells a place."""
        return replace(self)._scan(text, is_place)  # a copy holds this text's tokens

    def _scan(self, text: str, is_place: Callable[[str, str], bool]) -> list[tuple[int, int]]:
        toks = [Token(m.start(), m.end(), m.group(0), "") for m in _WORD.finditer(text)]
        for i, t in enumerate(toks):
            t.gap = text[toks[i - 1].end if i else 0:t.start]
        self._text, self._toks, self._is_place = text, toks, is_place
        found: list[tuple[int, int]] = []
        first = self.first_names
        for i, t in enumerate(toks):
            # A word in lower case seeds a name only as a title or a first name ("mme", "karim"):
            # every other seed wants a capital (most words: 215,000 tried of 12,500 segments).
            if not t.capitalised and t.key not in _LOWER_TITLES and t.key not in first:
                continue
            span = (self._after_title(i) or self._initial(i) or self._first_name(i)
                    or self._lower_name(i) or self._pair(i))
            if span:
                found.append(span)
        found += self._listed()
        found += Speakers(self, found).spans()
        return self._coordinated(found)

    # -- what a token is ------------------------------------------------------------------

    def _initial_at(self, i: int) -> bool:
        t = self._toks[i]
        return (len(t.text) == 1 and t.text.isupper() and self._text[t.end:t.end + 1] == "."
                and t.text not in ("M",))

    def _org(self, t: Token) -> bool:
        key = t.key
        if key in ORG_WORDS or key in self.stop_words:
            return True
        return t.text.isupper() and 2 <= len(t.text) <= 6 and key not in self.first_names

    def _name_word(self, i: int) -> bool:
        """A capitalised word that may be part of a name (not an organisation nor a place)."""
        t = self._toks[i]
        if not t.capitalised or self._org(t) or t.text.rstrip(".") in TITLES:
            return False
        return not self._is_place(t.text, self._text[:t.start])

    def _unknown_word(self, t: Token) -> bool:
        """No French word: not in the lexicon, or written with letters French does not use
        ("Vũ", "Wójcik", "Gonçalves" has none, "Łukasz" has one)."""
        if _FOREIGN.search(t.text.lower()):
            return True
        key, words = t.key, self.words
        if key in words or key in folded_stop_words(domain=False) or key in _NOT_NAMES:
            return False
        elided = re.match(r"^(?:l|d|qu|j|n|s|c|m|t)['’](.+)$", key)
        if elided and elided.group(1) in words:  # "L'article", "d'emploi"
            return False
        parts = key.split("-")
        if len(parts) > 1 and all(p in words for p in parts) and not all(
                p in self.first_names for p in parts):  # "maire-député", not "Jean-Pierre"
            return False
        # Inflected forms the tables may lack: plurals, feminines ("urbaines", "nouvelle").
        return not any(key.endswith(end) and key[:-len(end)] + base in words
                       for end, base in _INFLECTIONS)

    # -- growing a name -------------------------------------------------------------------

    def _end(self, j: int) -> int:
        t = self._toks[j]
        return t.end + 1 if self._initial_at(j) else t.end

    def _grow(self, i: int, j: int) -> tuple[int, int]:
        """The span from token i to j, grown right over names, initials and particles."""
        toks = self._toks
        while j + 1 < len(toks):
            nxt = toks[j + 1]
            if nxt.gap.strip() not in ("", ".") or nxt.gap.count("\n"):
                break
            if nxt.gap.strip() == "." and not self._initial_at(j):
                break
            if self._name_word(j + 1) or self._initial_at(j + 1):
                j += 1
                continue
            k = j + 1  # particles: "de La", "da", "Van der", "d'Almeida"
            while k < len(toks) and toks[k].key in PARTICLES and toks[k].gap.strip() == "":
                k += 1
            if k > j + 1 and k < len(toks) and toks[k].gap.strip() == "" and (
                    self._name_word(k) and toks[k].key not in PARTICLES):
                j = k
                continue
            break
        return toks[i].start, self._end(j)

    def _grow_left(self, i: int) -> int:
        """Capitalised unknown words right before a first name ("Trần Minh", "DUPONT Marie")."""
        toks = self._toks
        while i > 0 and toks[i].gap.strip() == "" and self._name_word(i - 1) and (
                self._unknown_word(toks[i - 1]) or toks[i - 1].text.isupper()) and (
                toks[i - 1].key not in self.places):
            i -= 1
        return i

    # -- seeds ----------------------------------------------------------------------------

    def _after_title(self, i: int) -> tuple[int, int] | None:
        toks, t = self._toks, self._toks[i]
        if i + 1 >= len(toks) or toks[i + 1].gap.strip() not in ("", ".") or "\n" in toks[
                i + 1].gap:
            return None
        dotted = toks[i + 1].gap.strip() == "."
        nxt = toks[i + 1]
        if t.text in TITLES and (t.text != "M" or dotted):
            if self._name_word(i + 1) or self._initial_at(i + 1):
                return self._grow(i + 1, i + 1)
            k = i + 1
            while k < len(toks) and toks[k].key in PARTICLES and k - i <= 2 and not (
                    k == i + 1 and toks[k].text in ("le", "la", "les")):  # "M. le Ministre"
                k += 1
            if k > i + 1 and k < len(toks) and self._name_word(k):
                return self._grow(i + 1, k)
            return None
        if t.key in _LOWER_TITLES and not t.capitalised and (t.key != "m" or dotted):
            if nxt.text.islower() and self._unknown_word(nxt) and len(nxt.text) > 2:
                j = i + 1
                if j + 1 < len(toks) and toks[j + 1].gap == " " and toks[j + 1].text.islower() \
                        and self._unknown_word(toks[j + 1]) and len(toks[j + 1].text) > 2:
                    j += 1
                return nxt.start, toks[j].end
        return None

    def _initial(self, i: int) -> tuple[int, int] | None:
        toks = self._toks
        if self._initial_at(i) and i + 1 < len(toks) and toks[i + 1].gap == ". " \
                and self._name_word(i + 1):
            nxt = toks[i + 1]
            at_line_start = i == 0 or "\n" in toks[i].gap or toks[i].gap.strip(" \t") in (
                "-", "•", "*")
            if nxt.key in folded_stop_words(domain=False) or (
                    nxt.text.isupper() and len(nxt.text) > 3) or (
                    at_line_start and not self._unknown_word(nxt)):
                return None  # "I. La formation", "A. Les freins", "II. TRANSITION"
            return self._grow(i, i + 1)
        if (self._name_word(i) and i + 1 < len(toks) and toks[i + 1].gap == " "
                and self._initial_at(i + 1)
                and (self._unknown_word(toks[i]) or toks[i].key in self.first_names)
                and (i + 2 >= len(toks) or not self._name_word(i + 2)
                     or toks[i + 2].gap.strip() != ".")):
            return toks[i].start, toks[i + 1].end + 1
        return None

    def _is_first_name(self, t: Token) -> bool:
        """A first name, or a compound of first names ("Jean-Marc", "Marie-Claire")."""
        parts = t.key.split("-")
        return t.key in self.first_names or (
            len(parts) > 1 and all(p in self.first_names for p in parts))

    def _pair(self, i: int) -> tuple[int, int] | None:
        """Two capitalised words in a row that are no French word, organisation nor place
        ("Assane Ndiaye")."""
        toks = self._toks
        if i + 1 >= len(toks) or toks[i + 1].gap != " ":
            return None
        for k in (i, i + 1):
            t = toks[k]
            if (not self._name_word(k) or not self._unknown_word(t) or t.text.isupper()
                    or t.key in self.places or len(t.text) < 2):
                return None
        return self._grow(i, i + 1)

    def _surname_follows(self, i: int) -> bool:
        """A surname right after token i: an initial, a capitalised word that is no French
        word (or a first name, or in capitals), or particles then a name ("de Kerros")."""
        toks = self._toks
        if i + 1 >= len(toks) or toks[i + 1].gap != " ":
            return False
        nxt = toks[i + 1]
        if self._initial_at(i + 1):
            return True
        if nxt.key in PARTICLES:
            return self._grow(i, i)[1] > toks[i].end
        return self._name_word(i + 1) and (
            self._unknown_word(nxt) or self._is_first_name(nxt) or nxt.text.isupper())

    def _first_name(self, i: int) -> tuple[int, int] | None:
        toks, t = self._toks, self._toks[i]
        if (len(t.text) < 3 or not self._is_first_name(t) or not self._name_word(i)
                or t.text.isupper() or t.key in folded_stop_words(domain=False)):
            return None
        prev = toks[i - 1] if i else None
        if prev is not None and t.gap.strip() in ("", "'", "’") and (
                prev.key in _DETERMINERS - {"de", "d", "en"} or prev.key in _SAINTS):
            return None  # "la Rose", "St Martin"
        if not self._surname_follows(i):
            # Alone, a first name must be no French word ("Claire"), no commune ("Florence"),
            # and be introduced as a person is: after punctuation, at the start of a line,
            # or after a word such as "avec", "selon", "de", "et" (not "programme Erasmus").
            if not self._unknown_word(t) or t.key in self.places:
                return None
            if prev is not None and t.gap.strip() == "" and prev.text.islower() and (
                    prev.key not in _INTRODUCERS):
                return None
        return self._grow(self._grow_left(i), i)

    def _lower_name(self, i: int) -> tuple[int, int] | None:
        toks, t = self._toks, self._toks[i]
        if (not t.text.islower() or len(t.text) < 4 or t.key not in self.first_names
                or not self._unknown_word(t)):
            return None
        after = self._text[t.end:t.end + 1]
        if not _CLEAN_GAP.fullmatch(t.gap) or (after and after not in " ,;:.)!?\n"):
            return None  # a piece of a word cut by a bad character ("struc�ture")
        j = i
        if i + 1 < len(toks) and toks[i + 1].gap == " " and toks[i + 1].text.islower() \
                and self._unknown_word(toks[i + 1]) and len(toks[i + 1].text) > 2:
            j = i + 1
        return t.start, toks[j].end

    def _listed(self) -> list[tuple[int, int]]:
        """Names in a list after "Participants :", "Contacts :", "scribe :"..."""
        out = []
        for head in _LIST_HEAD.finditer(self._text):
            stop = re.search(r"[.\n]\s|$", self._text[head.end():])
            end = head.end() + (stop.start() if stop else 0)
            items = re.finditer(r"[^,;()]+", self._text[head.end():end])
            for item in items:
                start = head.end() + item.start()
                idx = [k for k, t in enumerate(self._toks)
                       if start <= t.start and t.end <= head.end() + item.end()]
                run = []
                for k in idx:
                    if self._toks[k].key in {"et"}:
                        break
                    run.append(k)
                if run and all(self._name_word(k) or self._initial_at(k)
                               or self._toks[k].key in PARTICLES for k in run) \
                        and self._name_word(run[0]):
                    out.append(self._grow(run[0], run[-1]))
        return out

    def _coordinated(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """A capitalised unknown word joined by "et" or "," to a name is a name too
        ("Tomasz et Rui", "Kader, Mélissa et Ludovic")."""
        spans = sorted(set(spans))
        starts = {t.start: k for k, t in enumerate(self._toks)}
        ends = {t.end: k for k, t in enumerate(self._toks)}
        changed = True
        while changed:
            changed = False
            for s, e in list(spans):
                right = ends.get(e)
                for k, step in ((right, 1), (starts.get(s), -1)):
                    if k is None:
                        continue
                    j = k + step * (2 if self._joined(k, step) == "et" else 1)
                    if not self._joined(k, step) or not 0 <= j < len(self._toks):
                        continue
                    t = self._toks[j]
                    if self._name_word(j) and t.key not in self.places and (
                            self._unknown_word(t) or t.key in self.first_names) and (
                            not self._covered(spans, t.start)):
                        spans.append(self._grow(j, j))
                        changed = True
        return spans

    def _joined(self, k: int, step: int) -> str | None:
        toks = self._toks
        if step == 1:
            if k + 1 < len(toks) and toks[k + 1].key == "et" and toks[k + 1].gap == " ":
                return "et" if k + 2 < len(toks) and toks[k + 2].gap == " " else None
            if k + 1 < len(toks) and toks[k + 1].gap == ", ":
                return ","
            return None
        if k - 1 >= 0 and toks[k - 1].key == "et" and toks[k].gap == " " and toks[k - 1].gap \
                == " ":
            return "et"
        if k - 1 >= 0 and toks[k].gap == ", ":
            return ","
        return None

    @staticmethod
    def _covered(spans: Iterable[tuple[int, int]], pos: int) -> bool:
        return any(s <= pos < e for s, e in spans)


@functools.cache
def name_finder(models_dir: Path, model: str = "fr_core_news_sm") -> NameFinder:
    """The finder with the general resources (first names, French words)."""
    return NameFinder(first_names(Path(models_dir)), french_words(model, Path(models_dir)),
                      speech=speech_forms(model, Path(models_dir)))
