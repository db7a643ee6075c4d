"""Names that only their place in a scribe's sentence gives away: who speaks, who proposes.

A surname that is also a French word ("Berger", "Bonnet"), a first name in lower case
("olivier", "pierre") or a surname with its particle ("Le Gall", "van den Bosch") is a name
where a note writes a person:
- as the subject of a verb of speech ("Masson souligne", "olivier rappelle", "Besson et
  Cordier ont rappelé"), the verb known by its lemma in spaCy's lookup table;
- in a list of who said what ("Berger (Mission locale), Lefebvre (CMA)");
- after a word that introduces a person ("selon", "d'après", "proposition de", "avec", "animé
  par") or a role ("la conseillère Delorme", "le maire, Gaillard,");
- joined by "et" or "," to a name already found ("valentin et mathis").
Elsewhere the same word stays a word ("le marc de café", "une consigne claire").
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.text.french import fold, folded_stop_words

if TYPE_CHECKING:
    from corpus.text.names import NameFinder

log = logging.getLogger(__name__)

# Verbs a note uses for what a person says or does in a meeting, by lemma.
SPEECH_LEMMAS = frozenset({
    "dire", "proposer", "rappeler", "souligner", "insister", "expliquer", "estimer",
    "présenter", "préciser", "indiquer", "signaler", "noter", "ajouter", "regretter",
    "souhaiter", "demander", "répondre", "confirmer", "annoncer", "évoquer", "témoigner",
    "relayer", "relancer", "suggérer", "constater", "déplorer", "alerter", "affirmer",
    "considérer", "penser", "trouver", "partager", "raconter", "décrire", "mentionner",
    "approuver", "reconnaître", "observer", "remarquer", "intervenir", "animer", "réclamer",
    "plaider", "recommander", "préconiser", "pointer", "relever", "rapporter", "citer",
    "interroger", "engager", "revenir", "parler", "conclure", "valider",
    "accepter", "refuser", "prévenir", "soulever", "défendre", "inquiéter", "juger", "croire",
    "admettre", "questionner", "résumer", "illustrer", "introduire",
})
_AUX = {"a", "ont", "avait", "avaient", "aurait", "se", "s", "n", "ne", "lui", "leur", "y",
        "aussi", "également", "egalement", "nous", "vous", "l", "deja", "déjà", "bien",
        "encore", "toujours", "pas"}
_REGULAR = ("e", "es", "ent", "ait", "aient", "era", "eront", "é", "ée", "és", "ées")
# Participles: a verb of speech without a subject ("Formation proposée", "Unanimement reconnue").
_PARTICIPLE = ("é", "ée", "és", "ées", "ant", "reconnue", "reconnues", "reconnus", "dite",
               "dites", "dits", "admise", "admises", "admis", "décrite", "décrites", "décrits")
# Words after which a person's name comes ("selon Barbier", "proposition de Bouvier").
_BEFORE = {"selon", "d'après", "d'apres", "dixit"}
# "avec" introduces a person after these ("voir avec Marchal", "point avec Sonia").
_WITH = {"voir", "contacter", "point", "échange", "echange", "échanger", "rdv", "rendez-vous",
         "lien", "réunion", "reunion", "rencontre", "entretien", "caler", "travailler", "binôme"}
# Articles: before a word of the lexicon they make it a thing ("Le Président", "la Source").
_ARTICLES = {"le", "la", "les", "du", "des", "l"}
_NOUNS = {"proposition", "idée", "idee", "question", "remarque", "retour", "intervention",
          "témoignage", "temoignage", "avis", "accord", "suggestion", "demande", "exposé",
          "expose", "contact", "relance", "point", "alerte", "initiative", "réponse", "reponse"}
# Roles a note puts before a person's name ("la conseillère Delorme").
ROLES = {fold(w) for w in (
    "conseiller", "conseillère", "directeur", "directrice", "chargé", "chargée", "responsable",
    "psychologue", "formateur", "formatrice", "animateur", "animatrice", "référent",
    "référente", "maire", "président", "présidente", "élu", "élue", "coordinateur",
    "coordinatrice", "coordonnateur", "coordonnatrice", "adjoint", "adjointe", "délégué",
    "déléguée", "médecin", "infirmière", "infirmier", "éducateur", "éducatrice", "assistante",
    "assistant", "secrétaire", "chef", "cheffe", "gérant", "gérante", "directeur", "juriste",
    "intervenant", "intervenante", "collègue", "stagiaire", "scribe", "exposant", "exposante",
    "gardien", "gardienne", "député", "députée", "sénateur", "sénatrice", "vice-président",
    "vice-présidente", "dirigeant", "dirigeante", "recruteur", "recruteuse", "préfet",
    "préfète", "ministre", "abbé", "docteur",
)}
_ROLE_WORDS = {"de", "d", "mission", "handicap", "sociale", "social", "insertion", "orientation",
               "emploi", "formation", "entreprise", "projet", "adjoint", "adjointe", "municipal",
               "municipale", "régional", "régionale", "departemental", "départemental",
               "départementale", "territorial", "territoriale", "rh", "du", "service"}
_DETS = {"le", "la", "l", "notre", "sa", "son", "leur", "une", "un", "cette", "ce", "votre"}
_CLAUSE = ("-", "•", "*", ";", ":", ".", "!", "?", "(", "–", "—", "\n")
_ELIDED = ("l'", "d'", "qu'", "j'", "n'", "s'", "c'", "m'", "t'", "l’", "d’")


# Forms of speech the lookup table does not lead to their lemma.
_IRREGULAR = frozenset({"dit", "disent", "estime", "présente", "conclut", "intervient",
                        "reconnaît", "reconnait", "revient", "décrit", "admet"})


@functools.cache
def speech_forms(model: str = "fr_core_news_sm",
                 models_dir: Path | None = None) -> frozenset[str]:
    """Lower-case forms of the verbs of speech: the forms spaCy's lookup table leads to
    their lemmas, and the regular forms of the verbs in -er (those alone, with a few
    irregular ones, when the table cannot be read). With `models_dir`, kept there
    (`name_lists.model_list`)."""
    from corpus.text.name_lists import model_list

    regular = {lemma[:-2] + end for lemma in SPEECH_LEMMAS if lemma.endswith("er")
               for end in _REGULAR}
    return model_list("speech-forms", model, models_dir, lambda: _speech_forms(model, regular),
                      _IRREGULAR | regular, "table des lemmes indisponible")


def _speech_forms(model: str, regular: set[str]) -> set[str]:
    from corpus.text.french import load_nlp

    forms = set(_IRREGULAR)
    nlp = load_nlp(model)
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for form in nlp.vocab.strings:  # the table's keys are hashes: ask it for each word
        if form.islower() and any(lemma in SPEECH_LEMMAS for lemma in table.get(form) or ()):
            forms.add(form)
    # A regular form the table reads as another word ("demande", "partage": nouns) is
    # left out: "Forte demande de…" has no speaker.
    return forms | {f for f in regular if table.get(f) is None
                    or any(lemma in SPEECH_LEMMAS for lemma in table.get(f))}


class Speakers:
    """The spans of people that their place in the sentence gives away, in one text."""

    def __init__(self, finder: NameFinder, found: list[tuple[int, int]]) -> None:
        self.f, self.toks, self.text = finder, finder._toks, finder._text
        self.found = list(found)

    def spans(self) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        particles, first, known = _particles(), self.f.first_names, self.f.known
        for i, t in enumerate(self.toks):
            # Every rule wants a name starting at token i (`_candidate`): a capital, a particle,
            # or a first name or known name in lower case. Most words are none of them.
            if not t.capitalised and t.key not in particles and t.key not in first and (
                    t.key not in known):
                continue
            for rule in (self._subject, self._introduced, self._after_role, self._listed,
                         self._particled):
                got = rule(i)
                if got:
                    out += got
                    break
        self.found += out
        out += self._coordinated()
        return out

    # -- candidates -----------------------------------------------------------------------

    def _stop(self, k: int) -> bool:
        t = self.toks[k]
        return (self.f._org(t) or t.key in folded_stop_words(domain=False)
                or t.text.lower().startswith(_ELIDED) or len(t.text) < 2
                or t.text.rstrip(".") in _titles())

    def _lower_ok(self, k: int) -> bool:
        """A lower-case word that may be a name: a first name, or a name of the démarche."""
        t = self.toks[k]
        return (t.text.islower() and len(t.text) > 2 and not self._stop(k)
                and (t.key in self.f.first_names or t.key in self.f.known))

    def _candidate(self, i: int, lower: bool = True) -> int | None:
        """The last token of a name starting at token i ("Le Gall", "van den Bosch", "Anne
        Vidal", "olivier"), or None."""
        toks, particles = self.toks, _particles()
        k = i
        while k < len(toks) and toks[k].key in particles and k - i < 3 and (
                k == i or toks[k].gap == " "):
            k += 1
        if k >= len(toks) or (k > i and toks[k].gap != " "):
            return None
        t = toks[k]
        if t.key in ROLES:
            return None
        if k - 1 == i and toks[i].key in _ARTICLES and not self.f._unknown_word(t):
            return None  # "le Préfet", "La Source"; not "Le Gall"
        if t.capitalised and not t.text.isupper() and not self._stop(k):
            if k > i and toks[i].capitalised and fold(self.text[toks[i].start:t.end]) in \
                    self.f.places:
                return None  # "Le Havre", "La Motte"
            if k == i and self.f._is_place(t.text, self.text[:t.start]):
                return None  # a commune where the text reads it as one ("de Besson")
            while k + 1 < len(toks) and toks[k + 1].gap == " " and toks[k + 1].capitalised \
                    and not toks[k + 1].text.isupper() and not self._stop(k + 1):
                k += 1
            return k
        if lower and k == i and self._lower_ok(k):
            return k
        return None

    def _group(self, i: int) -> list[tuple[int, int]]:
        """Names from token i joined by "," or "et" ("Besson et Cordier")."""
        out: list[tuple[int, int]] = []
        k = i
        while k < len(self.toks):
            end = self._candidate(k)
            if end is None:
                return out if out and self.toks[k - 1].key != "et" else []
            out.append((k, end))
            nxt = end + 1
            if nxt < len(self.toks) and self.toks[nxt].key == "et" and self.toks[nxt].gap == " ":
                k = nxt + 1
            elif nxt < len(self.toks) and self.toks[nxt].gap == ", ":
                k = nxt
            else:
                return out
        return out

    def _span(self, a: int, b: int) -> tuple[int, int]:
        return self.toks[a].start, self.toks[b].end

    def _clause_start(self, i: int) -> bool:
        gap = self.toks[i].gap.strip(" \t")
        return i == 0 or (bool(gap) and gap[-1] in _CLAUSE) or "\n" in self.toks[i].gap

    # -- rules ----------------------------------------------------------------------------

    def _verb_after(self, k: int) -> str | None:
        """The verb of speech that follows token k (over a parenthesis, auxiliaries), as
        written, or None."""
        toks, n = self.toks, len(self.toks)
        j = k + 1
        if j < n and toks[j].gap.strip() == "(":
            close = self.text.find(")", toks[k].end)
            while j < n and toks[j].start < close:
                j += 1
        aux = False
        while j < n and toks[j].key in _AUX and toks[j].gap.strip() in ("", ")", "'", "’"):
            aux = aux or toks[j].key in ("a", "ont", "avait", "avaient", "aurait")
            j += 1
        if j >= n or toks[j].gap.strip() not in ("", ")", "'", "’"):
            return None
        word = toks[j].text.lower()
        if word not in self.f.speech or word in SPEECH_LEMMAS:
            return None  # an infinitive has no subject: "Venir présenter la plateforme"
        if word.endswith(_PARTICIPLE) and not aux:
            return None  # "Formation proposée par…": a participle, no subject
        return word

    def _subject(self, i: int) -> list[tuple[int, int]]:
        if not self._clause_start(i):
            return []
        group = self._group(i)
        if not group:
            return []
        verb = self._verb_after(group[-1][1])
        if verb is None:
            return []
        if len(group) == 1 and (verb.endswith("ent") or self._plural_aux(group[-1][1])):
            return []  # "Élus rappellent": no single person
        return [self._span(a, b) for a, b in group]

    def _plural_aux(self, k: int) -> bool:
        return any(t.key in ("ont", "avaient") for t in self.toks[k + 1:k + 4])

    def _introduced(self, i: int) -> list[tuple[int, int]]:
        if i == 0:
            return []
        prev = self.toks[i - 1]
        if self.toks[i].gap != " ":
            return []
        by = prev.key in _BEFORE or (prev.key == "pour" and self._clause_start(i - 1))
        if prev.key == "avec" and i > 1 and self.toks[i - 2].key in _WITH:
            by = True  # "voir avec Marchal"
        if prev.key in ("de", "d") and i > 1 and self.toks[i - 2].key in _NOUNS:
            by = True  # "proposition de Bouvier"
        if not by or self.toks[i].key in _ARTICLES:
            return []
        end = self._candidate(i)
        if end is None or (end == i and not self._name_or_lower(i, end)):
            return []
        nxt = self.toks[end + 1] if end + 1 < len(self.toks) else None
        if prev.key == "pour" and (nxt is None or nxt.gap.strip() != "," or (
                end > i and not any(t.key in self.f.first_names for t in self.toks[i:end + 1]))):
            return []  # "Pour Mallet, le frein…", not "pour Marseille et…", "Pour Aidants Connect,"
        lexical = self.toks[i].text.islower() and self.toks[i].key in self.f.words
        if lexical and prev.key in ("de", "d") and (len(self.toks[i].text) < 4 or nxt is None
                                                   or nxt.gap.strip() not in (":", ",", "(")):
            return []  # "proposition de loi", not "proposition de jérôme :"
        if lexical and not (nxt is None or nxt.gap.strip(" ") or nxt.key in ("et", "pour", "sur")
                            or nxt.text in self.f.speech):
            return []  # "avec mise en place", "demande de justice fiscale"
        return [self._span(i, end)]

    def _name_or_lower(self, i: int, end: int) -> bool:
        t = self.toks[i]
        return t.text.islower() or self.f._name_word(i)

    def _after_role(self, i: int) -> list[tuple[int, int]]:
        toks = self.toks
        if i == 0 or toks[i].gap not in (" ", ", "):
            return []
        k = i - 1
        while k > 0 and toks[k].key in _ROLE_WORDS and toks[k].text.islower():
            k -= 1
        role = toks[k].key.split("'")[-1]  # "l'animatrice"
        if role not in ROLES or not toks[k].text.islower() or toks[i].key in _particles():
            return []  # "le maire de Grandrieu"
        if "'" not in toks[k].key and (k == 0 or toks[k - 1].key not in _DETS):
            return []
        end = self._candidate(i)
        if end is None or not self._name_or_lower(i, end) or (
                toks[i].text.islower() and toks[i].key in self.f.words):
            return []  # "la première mesure"
        return [self._span(i, end)]

    def _listed(self, i: int) -> list[tuple[int, int]]:
        """"Berger (Mission locale)", "Carpentier (CIO) :" at the start of an item."""
        toks = self.toks
        gap = toks[i].gap.strip(" \t")
        if not (self._clause_start(i) or gap.endswith(",") or (i and toks[i - 1].key == "et")):
            return []
        end = self._candidate(i, lower=False)
        if end is None or end + 1 >= len(toks) or toks[end + 1].gap.strip() != "(":
            return []
        close = self.text.find(")", toks[end].end)
        inside = [t for t in toks[end + 1:] if t.start < close] if close > 0 else []
        if not any(t.capitalised and self.f._org(t) for t in inside):
            return []
        return [self._span(i, end)]

    def _particled(self, i: int) -> list[tuple[int, int]]:
        """A particle and a word that is no French word nor a place ("Le Gall", "Da Costa",
        "van den Bosch"), anywhere."""
        toks = self.toks
        if toks[i].key not in _particles() or toks[i].key in _ARTICLES | {"e", "y"} or (
                toks[i].key == "de" and not toks[i].capitalised):
            return []  # "Le X" needs more: "Le Smic", "Le Ric"
        if i and toks[i - 1].key in _particles() and toks[i].gap == " ":
            return []
        end = self._candidate(i, lower=False)
        if end is None or end == i:
            return []
        last = toks[end]
        if not self.f._unknown_word(last) or last.key in self.f.places:
            return []
        return [self._span(i, end)]

    def _coordinated(self) -> list[tuple[int, int]]:
        """A lower-case first name joined by "et" or "," to a name found ("valentin et
        mathis")."""
        out = []
        starts = {t.start: k for k, t in enumerate(self.toks)}
        ends = {t.end: k for k, t in enumerate(self.toks)}
        for s, e in self.found:
            for k, step in ((ends.get(e), 1), (starts.get(s), -1)):
                if k is None:
                    continue
                j = k + step
                if 0 <= j < len(self.toks) and self.toks[j].key == "et":
                    j += step
                elif not 0 <= j < len(self.toks) or (
                        self.toks[max(j, k)].gap != ", "):
                    continue
                if 0 <= j < len(self.toks) and self._lower_ok(j) and (
                        j == 0 or self.toks[j - 1].key not in _DETS):
                    out.append(self._span(j, j))
        return out


@functools.cache
def _particles() -> frozenset[str]:
    from corpus.lang.fr import NAME_PARTICLES

    return frozenset(NAME_PARTICLES)


@functools.cache
def _titles() -> frozenset[str]:
    from corpus.text.name_lists import TITLES

    return frozenset(TITLES)
