"""The usual actors of the Cep and its partners, and who is not yet around the table.

Organisation names are matched to the reference list without accents or case, on whole words,
with aliases ("PE", "Pôle emploi" and "France Travail" are one actor; "Akto" is an OPCO). Each
actor has cue words: themes that speak of them call for inviting that actor.

The organisations present are grouped under their network, so that "Cap emploi 13" and "Cap
emploi", or "Association" and "Associations", are read once. A name the reference list knows
goes under that actor. Another name goes under its head, found by form, never by a list of
places: accents, case and plurals folded, a trailing parenthesis ignored, a trailing place
stripped, and a name that starts with another present name's words is a branch of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from corpus.lang.actors import REFERENCE, Actor
from corpus.text.french import fold, normalise


def _tokens(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


def match(organisation: str) -> list[Actor]:
    """The reference actors an organisation name stands for ("Mission Locale de Digne")."""
    words = _tokens(organisation)
    return [a for a in REFERENCE if any(_tokens(alias) in words for alias in a.aliases)]


def primary(organisation: str) -> Actor | None:
    """The one actor an organisation belongs to when several match: the one named first in
    it, then by the longest alias ("CFA de la CMA" is a CFA; "Entreprise d'insertion" a SIAE)."""
    words = _tokens(organisation)
    best: tuple[int, int, int] | None = None
    for rank, actor in enumerate(REFERENCE):
        for alias in actor.aliases:
            at = words.find(_tokens(alias))
            if at >= 0 and (best is None or (at, -len(alias), rank) < best):
                best = (at, -len(alias), rank)
    return None if best is None else REFERENCE[best[2]]


def _order(name: str) -> tuple[str, str]:
    """Alphabetical for a reader, then as written: one order whatever the set's."""
    return fold(name), name


def short_name(actor: Actor) -> str:
    """The actor's name without its gloss: "France Travail", "CMA"."""
    return re.sub(r"\s*\([^)]*\)$", "", actor.name)


# -- networks: the organisations present, grouped ----------------------------------------------

_WORD = re.compile(r"\w+(?:-\w+)*")
_PREPOSITIONS = frozenset({"de", "du", "des", "d"})
_CONNECTORS = frozenset({"la", "le", "les", "l", "et", "sur", "en", "lès"})
_DEPARTMENT = re.compile(r"\d{2,3}|2[ab]", re.IGNORECASE)


def singular(word: str) -> str:
    """A folded word without its plural mark: a final -s or -x dropped, -aux made -al
    ("associations", "sociaux", "bureaux"). Crude, but applied alike to every name it only has
    to make two spellings of one name meet; words of three letters or fewer are kept."""
    if len(word) <= 3:
        return word
    if word.endswith("aux") and not word.endswith("eaux"):
        return word[:-3] + "al"
    return word[:-1] if word[-1] in "sx" else word


def _words(name: str) -> list[re.Match]:
    """The words of a name without its trailing parenthesis ("SAAD (aide à domicile)")."""
    text = normalise(name).replace("'", " ")
    return list(_WORD.finditer(re.sub(r"\s*\([^)]*\)\s*$", "", text) or text))


def _key(words: list[re.Match]) -> tuple[str, ...]:
    return tuple(singular(fold(w.group())) for w in words)


def _titled(word: str) -> bool:  # "Marseille", "Alpes-de-Haute-Provence"; not "EP", not "emploi"
    return word[0].isupper() and not word.isupper()


def _acronym(word: str) -> bool:  # "E2C", "PLIE", "CIO"
    return len(word) > 1 and word.isupper()


def _significant(words: list[str]) -> bool:
    """Enough left to name a network: two words besides prepositions and articles, or an
    acronym ("Maison de l'emploi", "E2C"; not "Maison" alone, which would join "Maison de
    l'Emploi" and "Maison des Familles")."""
    kept = [w for w in words if fold(w) not in _PREPOSITIONS | _CONNECTORS]
    return len(kept) >= 2 or (len(kept) == 1 and _acronym(kept[0]))


def _place(words: list[str]) -> int | None:
    """Where a trailing place starts, by its form alone, or None:
    a department number ("Cap emploi 13", "… du 04", "… 2A");
    a preposition then capitalised words ("… de Marseille", "… du Pays", "… de la Manche",
    "… des Alpes-de-Haute-Provence"; the last preposition, so that places come off one by one);
    capitalised words right after a lower-case word or an acronym ("Mission locale Morbihan",
    "E2C Marseille"; not "Association Trajectoires", not "Opco EP")."""
    n = len(words)
    if n > 1 and _DEPARTMENT.fullmatch(words[-1]):
        return n - 2 if n > 2 and fold(words[-2]) in _PREPOSITIONS else n - 1
    if n < 2 or not _titled(words[-1]):
        return None
    i = n - 1
    while i > 0 and fold(words[i - 1]) not in _PREPOSITIONS and (
            _titled(words[i - 1]) or fold(words[i - 1]) in _CONNECTORS):  # "… Du Var" too
        i -= 1
    if i > 0 and fold(words[i - 1]) in _PREPOSITIONS:
        first = next((w for w in words[i:] if fold(w) not in _CONNECTORS), "")
        return i - 1 if first and _titled(first) else None
    while i < n and not _titled(words[i]):  # a connector cannot start a place
        i += 1
    if 0 < i < n and (words[i - 1].islower() or _acronym(words[i - 1])):
        return i
    return None


def _head(words: list[re.Match]) -> list[re.Match]:
    """The name's words without its trailing places: "Mission locale du Pays de Lorient" ->
    "Mission locale". A place comes off only when what is left still names a network, except a
    department number ("Département 13"), which is never part of a name."""
    while (at := _place([w.group() for w in words])) is not None and at > 0:
        numbered = _DEPARTMENT.fullmatch(words[-1].group()) is not None
        left = words[:at]
        while left and fold(left[-1].group()) in _PREPOSITIONS | _CONNECTORS:  # "… Commerce et"
            left = left[:-1]
        if not left or not numbered and not _significant([w.group() for w in left]):
            break
        words = left
    return words


@dataclass
class Network:
    name: str  # the reference actor's short name, or the network's name as written
    branches: list[str]  # names present under it that differ from `name`, as written, sorted
    names: list[str]  # every name present under it, as written, sorted
    actor: str | None = None  # the reference actor (as in `Actors.mobilised`), if any


def networks(names: Iterable[str]) -> list[Network]:
    """The organisations present grouped under their network, sorted by name.

    A name the reference list knows goes under that actor ("Mission Locale de Digne" under
    "Mission locale"). The others go under the shortest head they share: a present name whose
    words start theirs ("Association" for "Association de quartier"), or a head left once
    places are stripped ("Centre social" for "Centre social de Kervénanec" and "Centre social
    du Bois du Château"). A name alone under its head keeps its own name.
    """
    names = sorted({n.strip() for n in names if n and n.strip()}, key=_order)
    by_actor: dict[str, list[str]] = {}
    words: dict[str, list[re.Match]] = {}
    for name in names:
        actor = primary(name)
        if actor is not None:
            by_actor.setdefault(actor.name, []).append(name)
        else:
            words[name] = _words(name)
    keys = {name: _key(w) or (fold(name),) for name, w in words.items()}  # "—" keeps itself
    heads = {name: _head(w) for name, w in words.items() if w}
    candidates = set(keys.values()) | {_key(h) for h in heads.values()}
    groups: dict[tuple[str, ...], list[str]] = {}
    for name, key in keys.items():
        root = min((c for c in candidates if c == key[:len(c)]), key=len)
        groups.setdefault(root, []).append(name)

    out = []
    for actor in REFERENCE:
        if actor.name in by_actor:
            short = short_name(actor)
            out.append(Network(short, _branches(by_actor[actor.name], _key(_words(short))),
                               by_actor[actor.name], actor.name))
    for root, members in groups.items():
        if len(members) == 1:
            out.append(Network(members[0], [], members))
            continue
        own = sorted((m for m in members if keys[m] == root), key=lambda m: (len(m), fold(m)))
        branches = _branches(members, root)
        if own:  # the shortest spelling, or the one with a gloss when it stands alone
            glossed = [m for m in own if m.endswith(")")]
            name = glossed[0] if glossed and not branches else own[0]
        else:
            m = next(m for m in members if m in heads and _key(heads[m]) == root)
            name = normalise(m)[:heads[m][-1].end()]
        out.append(Network(name, branches, members))
    return sorted(out, key=lambda n: fold(n.name))


def _branches(members: list[str], root: tuple[str, ...]) -> list[str]:
    """The members that say more than the network's name, one spelling each."""
    seen = {root}
    out = []
    for m in members:
        key = _key(_words(m))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


@dataclass
class Actors:
    present: list[str]  # organisation names as written, sorted
    mobilised: list[str]  # reference actors matched by a present organisation
    missing: list[str]  # reference actors not yet mobilised
    networks: list[Network] = field(default_factory=list)  # `present`, grouped


def actors_in_scope(present: Iterable[str]) -> Actors:
    """Organisations present, grouped by network, and the usual actors not yet mobilised."""
    names = sorted({p.strip() for p in present if p and p.strip()}, key=_order)
    found = {a.name for p in names for a in match(p)}
    return Actors(
        names,
        [a.name for a in REFERENCE if a.name in found],
        [a.name for a in REFERENCE if a.name not in found],
        networks(names),
    )


def called_for(text: str) -> list[Actor]:
    """Reference actors whose cue words appear in `text` (a theme's label and terms)."""
    words = _tokens(text)
    return [a for a in REFERENCE if any(f" {fold(c)}" in words for c in a.cues)]


def by_name(name: str) -> Actor | None:
    return next((a for a in REFERENCE if a.name == name), None)
