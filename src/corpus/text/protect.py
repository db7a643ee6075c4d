"""Pseudonymisation before anything is stored.

People's names (spaCy's PER entities, names listed in the manifests, "Mme Untel") become stable
pseudonyms within a démarche ("Personne 3"); e-mail addresses and phone numbers are removed.
Organisation names stay: they are what the synthesis is about.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.records import Demarche, Feedback, Segment
from corpus.text import usage
from corpus.text.french import fold
from corpus.text.marks import (  # noqa: F401 (re-exported)
    EMAIL,
    EMAIL_MARK,
    FORGOTTEN_MARK,
    MARKS,
    PHONE,
    PHONE_MARK,
    without_marks,
)
from corpus.text.names import PARTICLES, TITLES, NameFinder
from corpus.text.people import looks_like_person, spacy_person_spans  # noqa: F401 (re-exported)

CIVILITY = re.compile(
    r"\b(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Madame|Monsieur|Mademoiselle)\s+"
    r"((?:[A-ZÀ-Ý][\w'-]+)(?:\s+[A-ZÀ-Ý][\w'-]+)?)"
)

# Words spaCy sometimes takes for a person in these notes: organisations, acronyms, headings.
NOT_PEOPLE = {
    fold(w) for w in (
        "Pôle emploi", "France Travail", "Apec", "Mission locale", "Cap emploi", "Cep", "CIO",
        "Transitions Pro", "Fongecif", "Carif-Oref", "Opco", "Akto", "Constructys", "Région",
        "Département", "CCI", "CMA", "CFA", "PLIE", "SIAE", "VAE", "CPF", "AIF", "PTP", "RQTH",
        "MDPH", "France services", "Cité des métiers", "Constats", "Freins", "Leviers", "Pistes",
        "Propositions", "Ressources", "Contacts", "Difficultés", "Agefiph", "Afpa", "Greta",
        "Uniformation", "Opcalia", "Afdas", "Faftt", "Unifaf", "CléA", "Ouiform", "Kairos",
        "Pix", "Parcoursup", "Qualiopi", "Atelier", "Scribe", "Exposant", "Gardien", "Personne",
    )
}


_LOCATIVE = re.compile(r"(?:^|\s)(?:à|au|aux|en|sur|sous|vers|de|du|des|d'|entre|par|pour)\s*$",
                       re.IGNORECASE)
_JOINED = re.compile(r"([\w'-]+)\s*(?:,|\bet)\s*$")
_DIGIT = re.compile(r"\d")  # no phone number without one


def _key(name: str) -> str:
    return " ".join(fold(name).replace("-", " ").split())


def salted_key(scope: str, key: str) -> str:
    """How the `pseudonyms` table names a person: a hash of the scope and the folded name."""
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:24]


def name_keys(scope: str, name: str) -> set[str]:
    """Every salted key `name` may have been stored under in `scope`: whole, in reverse
    order, or one of its words alone (a name seen only as "Mme Haddad")."""
    words = _key(name).split()
    forms = {" ".join(words), " ".join(reversed(words))} | {w for w in words if len(w) > 2}
    return {salted_key(scope, f) for f in forms if f}


def name_pattern(name: str, words: frozenset[str] = frozenset()) -> re.Pattern | None:
    """`name` in a text, whole or in part, in any case (see `_known_names_re`)."""
    return _known_names_re([name], words)


@dataclass
class Pseudonymiser:
    """Maps people's names to "Personne N", stable within one scope (a démarche).

    `numbers` maps a salted hash of the normalised name to its number, so that the mapping can
    be stored and reused without storing the names.
    """

    scope: str
    known_names: Sequence[str] = ()
    numbers: dict[str, int] = field(default_factory=dict)
    # Words of the manifests' places, territories and organisations ("Maison France services
    # Barcelonnette"): a capitalised word there is not a person's name.
    known_places: Sequence[str] = ()
    # Folded names of French communes (`corpus.text.places`): a single word found there is a
    # place when the text reads it as one ("à Sisteron", "de Sisteron", "Digne et Sisteron").
    communes: frozenset[str] = frozenset()
    # Rules beside spaCy (`corpus.text.names`): titles, initials, first names, lists.
    finder: NameFinder | None = None

    def __post_init__(self) -> None:
        self.numbers = dict(self.numbers)
        self._next = max(self.numbers.values(), default=0) + 1  # not a max per new name
        self._setup()

    def _setup(self) -> None:
        self._places = {_key(w) for p in self.known_places for w in re.split(r"[\s,()/'’-]+", p)
                        if len(w) > 3 and w[:1].isupper()} - {_key(n) for n in self.known_names}
        self._fulls = {_key(n) for n in self.known_names if n.strip()}
        self._full = sorted(self._fulls, key=lambda n: (-len(n), n))  # not in a set's order
        self._canonicals: dict[str, str] = {}
        words = self.finder.words if self.finder is not None else frozenset()
        self._known_re = _known_names_re(self.known_names, words)
        if self.finder is not None:
            stop = {w for phrase in NOT_PEOPLE for w in phrase.split()} | self._places
            known = {w for n in self._full for w in n.split() if fold(w) not in PARTICLES}
            self.finder = replace(self.finder, stop_words=frozenset(stop), places=self.communes,
                                  known=frozenset(known - stop))

    def learn(self, texts: Iterable[tuple[str, Iterable[tuple[int, int]]]]) -> list[str]:
        """Take as known names those the démarche itself gives: a surname written once with
        a first name ("Yvonne Cordonnier") or after a title ("Mme Tessier") is a name when
        it comes back alone, in any case (a French word: capitalised, or where a person is
        written, see `corpus.text.speakers`); so is a word that already has a pseudonym in
        `numbers`. `texts` are (text, spaCy's person spans) pairs; returns the names learned."""
        return self.learn_found([(text, self.person_spans(text, spans)) for text, spans in texts])

    def learn_found(self, texts: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[str]:
        """`learn`, from each text and the spans `person_spans` finds in it before learning."""
        # A word this démarche's earlier runs already gave a pseudonym ("Personne 3"); none
        # on its first run (100,000 segments: 1.1 s to list the words that could be one).
        first = self.finder.first_names if self.finder is not None else frozenset()
        seen = {w for text, _ in texts for w in re.findall(r"[^\W\d_][\w'’-]+", text)
                if w[:1].isupper() or fold(w) in first} if self.numbers else set()
        again = {w for w in seen if self._hash(_key(w)) in self.numbers and self.is_person(w)}
        learned = set(again)
        for text, found in texts:
            for s, e in found:
                name = text[s:e].strip(" .,;:")
                words = [w for w in name.split() if fold(w) not in PARTICLES and len(w) > 1]
                titled = bool(re.search(r"\b(?:M|Mme|Mlle|Dr|Me|Pr|Madame|Monsieur)\.?\s*$",
                                        text[max(0, s - 12):s]))
                if words and words[0].rstrip(".") in TITLES:  # spaCy's "Mme Tessier"
                    titled, words = True, words[1:]
                named = len(words) >= 2 and any(fold(w) in first for w in words) and not any(
                    w.isupper() and fold(w) not in first and len(w) <= 4 for w in words)
                if (named or titled) and self.is_person(name):  # not "Employeurs TPE"
                    learned.add(name)
        parts = {n: [w for w in re.split(r"[\s-]+", n) if len(w) > 1 and w.rstrip(".") not in TITLES
                     and fold(w) not in PARTICLES] for n in learned - again}
        common = usage.common_words((t for t, _ in texts), (w for p in parts.values() for w in p))
        # « France Assos Santé », « M. Le Maire », « Madame EMPLOI »: words the démarche writes
        # in lower case, learned as names, took « le maire » and « France » everywhere.
        learned -= {n for n, words in parts.items()
                    if any(fold(w) in common for w in words) or re.search(r"\d", n)}
        new = sorted(learned - set(self.known_names))
        if new:
            self.known_names = tuple(self.known_names) + tuple(new)
            self._setup()
        return new

    def _hash(self, key: str) -> str:
        return salted_key(self.scope, key)

    def _canonical(self, name: str) -> str:
        """The full known name that `name` is a part of ("Haddad" -> "karim haddad"); `name`
        itself when it is none's, or several's ("Jean" of "Jean Roux" and "Jean Py"): which of
        them it means, the text does not say, and no choice may depend on the run."""
        key = _key(name)
        if key not in self._canonicals:  # looked for once a name
            matches = [] if key in self._fulls else [
                f for f in self._full if key in f.split() or set(key.split()) == set(f.split())]
            self._canonicals[key] = matches[0] if len(matches) == 1 else key
        return self._canonicals[key]

    def pseudonym(self, name: str) -> str:
        digest = self._hash(self._canonical(name))
        if digest not in self.numbers:
            self.numbers[digest], self._next = self._next, self._next + 1
        return f"Personne {self.numbers[digest]}"

    def is_person(self, text: str) -> bool:
        key = _key(text)
        if not key or key in NOT_PEOPLE or any(w in NOT_PEOPLE for w in key.split()):
            return False
        if key in self._places or all(w in self._places for w in key.split()):
            return False
        if text.isupper() or not any(w[:1].isupper() for w in text.split()):
            return False
        return bool(re.search(r"[a-zà-ÿ]", text))

    def is_place(self, text: str, before: str) -> bool:
        """One word that is a commune, read as a place by what precedes it: a locative
        preposition ("à", "de", "sur"...), or "," / "et" after another place."""
        key = fold(text)
        if " " in key or key not in self.communes:
            return False
        if _LOCATIVE.search(before):
            return True
        joined = _JOINED.search(before)
        return bool(joined) and (fold(joined.group(1)) in self.communes
                                 or _key(joined.group(1)) in self._places)

    def person_spans(self, text: str,
                     person_spans: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
        """Sorted, disjoint spans of people's names in `text`: `person_spans` (spaCy's) that
        are not places, the manifests' names, and names after a civilité."""
        spans = [(s, e) for s, e in person_spans
                 if self.is_person(name := text[s:e].strip(" .,;:"))
                 and not self.is_place(name, text[:s])]
        if self._known_re is not None:
            spans += [(m.start(), m.end()) for m in self._known_re.finditer(text)]
        spans += [m.span(1) for m in CIVILITY.finditer(text)]
        if self.finder is not None:
            spans += self.finder.spans(text, self.is_place)
        # Inside an e-mail or a phone number, a name goes with the address, removed whole.
        hidden = [m.span() for rx in (EMAIL, PHONE) for m in rx.finditer(text)]
        out: list[tuple[int, int]] = []
        for s, e in _disjoint([(s, e) for s, e in spans
                               if not any(a < e and s < b for a, b in hidden)]):
            if out and text[out[-1][1]:s] == " ":  # "FONTAINE Hugo": one person, one pseudonym
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return out

    def protect(self, text: str, person_spans: Iterable[tuple[int, int]] = ()) -> str:
        """`text` with e-mails and phones removed and people's names pseudonymised."""
        return self.protect_with_edits(text, person_spans)[0]

    def protect_with_edits(self, text: str, person_spans: Iterable[tuple[int, int]] = ()
                           ) -> tuple[str, list[tuple[int, int, str]] | None]:
        """`protect`'s text, and its edits: (start, end, replacement) in `text`, sorted; None
        when they cannot be told apart (an e-mail or a phone made by a replacement)."""
        return self.protect_found(text, self.person_spans(text, person_spans))

    def protect_found(self, text: str, found: Sequence[tuple[int, int]]
                      ) -> tuple[str, list[tuple[int, int, str]] | None]:
        """`protect_with_edits` with the names' spans already found (`person_spans`)."""
        out, cursor, edits = [], 0, []
        for start, end in found:
            name = text[start:end].strip(" .,;:")
            edits.append((start, end, self.pseudonym(name)))
            out += [text[cursor:start], edits[-1][2]]
            cursor = end
        out.append(text[cursor:])
        named = "".join(out)
        protected = EMAIL.sub(EMAIL_MARK, named) if "@" in named else named  # most have none
        protected = PHONE.sub(PHONE_MARK, protected) if _DIGIT.search(protected) else protected
        if protected != named:  # no name lies in an e-mail or a phone: found in `text` alike
            emails = [(*m.span(), EMAIL_MARK) for m in EMAIL.finditer(text)]
            masked = EMAIL.sub(lambda m: "\0" * len(m.group()), text)
            edits = sorted(edits + emails + [(*m.span(), PHONE_MARK)
                                             for m in PHONE.finditer(masked)])
            if _apply(text, edits) != protected:
                return protected, None
        return protected, edits


def _apply(text: str, edits: Sequence[tuple[int, int, str]]) -> str | None:
    """`text` with sorted `edits` (start, end, replacement) made; None if two overlap."""
    out, cursor = [], 0
    for start, end, replacement in edits:
        if start < cursor:
            return None
        out += [text[cursor:start], replacement]
        cursor = end
    return "".join(out) + text[cursor:]


def _known_names_re(names: Sequence[str], words: frozenset[str]) -> re.Pattern | None:
    """The manifests' names, whole or in part ("Haddad", "karim"), in any case; a part that
    is also a French word ("Petit", "Fontaine") only capitalised or in capitals."""
    wholes = {n.strip() for n in names if n.strip()}
    parts = {p for n in wholes for p in re.split(r"[\s]+", n)  # "Madame" of "Madame Roux": no
             if len(p) > 2 and fold(p) not in PARTICLES and p.rstrip(".") not in TITLES}
    loose, strict = set(), set()
    for part in wholes | parts:
        if " " in part or fold(part) not in words:
            loose.add(re.escape(part))
        else:
            strict.update({re.escape(part[:1].upper() + part[1:]), re.escape(part.upper())})
    if not loose and not strict:
        return None
    by_length = functools.partial(sorted, key=len, reverse=True)
    alternatives = [f"(?i:{p})" for p in by_length(loose)] + by_length(strict)
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(alternatives) + r")(?![\w'’-])")


def _disjoint(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans (the longest wins where two overlap)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda x: (x[0], -x[1])):
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
            continue
        out.append((s, e))
    return out


def names_found(segments: Sequence[Segment], pseudo: Pseudonymiser) -> list[list[tuple[int, int]]]:
    """The names `pseudo` finds in each segment before it learns the démarche's own: what
    `protect_segments` starts from, computable where the segments are made (a territory's
    process) with a copy of the same `pseudo`."""
    return [pseudo.person_spans(seg.text, seg.person_spans) for seg in segments]


def protect_segments(segments: Sequence[Segment], pseudo: Pseudonymiser,
                     found: Sequence[list[tuple[int, int]]] | None = None) -> list[Segment]:
    """Segments with their text protected; lemmas lose the names' words. With the rules of
    `corpus.text.names` (a finder), the names that the segments give are learned first
    (`Pseudonymiser.learn`), then looked for in all of them. `found`: `names_found` of the
    segments with this `pseudo` before it learned anything, when already computed."""
    spans = list(found) if found is not None else names_found(segments, pseudo)
    if pseudo.finder is not None and (new := pseudo.learn_found(
            [(seg.text, own) for seg, own in zip(segments, spans, strict=True)])):
        # What is learned changes what is found only where a word of the new names is written.
        writes = usage.writes_any(w for n in new for w in _key(n).split() if w not in PARTICLES)
        spans = [pseudo.person_spans(seg.text, seg.person_spans) if writes(fold(seg.text)) else own
                 for seg, own in zip(segments, spans, strict=True)]
    names = {w for full in pseudo._full for w in full.split()}
    out = []
    for seg, own in zip(segments, spans, strict=True):
        words = {fold(w) for s, e in own for w in re.findall(r"[\w'’-]+", seg.text[s:e])}
        text, edits = pseudo.protect_found(seg.text, own)
        lemmas = " ".join(w for w in seg.lemmas.split() if "@" not in w and (
            key := fold(w)) not in names and key not in words)
        out.append(seg.model_copy(update={"text": text, "lemmas": lemmas, "person_spans": (),
                                          "tags": _protected_tags(seg.tags, text, edits)}))
    return out


def _protected_tags(tags: str | None, text: str,
                    edits: Sequence[tuple[int, int, str]] | None) -> str | None:
    """The stored tags (`corpus.text.tags`, JSON) after `edits`: those of `text`, or None
    (never a tag that spells anything but the protected text)."""
    from corpus.text import tags as text_tags

    if tags is None or edits is None:
        return None
    if not edits:
        return tags
    found = text_tags.protected(text_tags.loads(tags), edits)
    return text_tags.dumps(found) if found and text_tags.text_of(found) == text else None


def protect_feedback(
    feedback: Sequence[Feedback], pseudo: Pseudonymiser, *, nlp=None
) -> list[Feedback]:
    """Feedback with open answers protected; with `nlp`, spaCy's PER entities too, and the
    tags of that parse kept (`Feedback.answer_tags`, of the protected answers)."""
    from corpus.text import parsing
    from corpus.text import tags as text_tags

    keys = [(i, k) for i, f in enumerate(feedback) for k in sorted(f.answers)]
    texts = [feedback[i].answers[k] for i, k in keys]
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    parsed: list[str | None] = [None for _ in texts]
    if nlp is not None:
        for j, doc in enumerate(parsing.docs(nlp, texts)):
            # As in the notes: a capitalised word opening an answer ("Diffuser notre offre",
            # "Bonne organisation") is not a person.
            spans[j] = spacy_person_spans(doc)
            parsed[j] = text_tags.dumps(text_tags.of_tokens(doc))
    answers: list[dict[str, str]] = [{} for _ in feedback]
    tags: list[dict[str, str]] = [{} for _ in feedback]
    for (i, k), text, sp, found in zip(keys, texts, spans, parsed, strict=True):
        answers[i][k], edits = pseudo.protect_with_edits(text, sp)
        if (kept := _protected_tags(found, answers[i][k], edits)) is not None:
            tags[i][k] = kept
    return [f.model_copy(update={"answers": a, "answer_tags": t})
            for f, a, t in zip(feedback, answers, tags, strict=True)]


def scope_of(demarche: Demarche) -> str:
    """Pseudonyms are stable within a démarche: its folder (or table) name."""
    return Path(demarche.root).name or demarche.root


def pseudonymiser_for(demarche: Demarche, numbers: dict[str, int],
                      communes: frozenset[str] = frozenset(),
                      finder: NameFinder | None = None) -> Pseudonymiser:
    """A pseudonymiser that knows the names listed in the démarche's manifests and, with
    `communes`, the French communes; with `finder`, the rules of `corpus.text.names`."""
    names = [p for e in demarche.events for p in e.people]
    names += [p for w in demarche.workshops for p in w.people]
    places = [t.name for t in demarche.territories]
    places += [x for e in demarche.events for x in (e.place or "", *e.organisations)]
    places += [o for w in demarche.workshops for o in w.organisations]
    return Pseudonymiser(scope_of(demarche), known_names=sorted(set(names)), numbers=numbers,
                         known_places=sorted(set(places)), communes=communes, finder=finder)


def leaks(text: str) -> list[str]:
    """E-mails and phone numbers still present in `text` (for checks and tests)."""
    return EMAIL.findall(text) + PHONE.findall(text)
