"""The usual actors of the Cep and its partners, and who is not yet around the table.

Organisation names are matched to the reference list without accents or case, on whole words,
with aliases ("PE", "Pôle emploi" and "France Travail" are one actor; "Akto" is an OPCO). Each
actor has cue words: themes that speak of them call for inviting that actor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.text.french import fold


@dataclass(frozen=True)
class Actor:
    name: str  # as shown in a list
    phrase: str  # with its article, for a sentence ("la Mission locale")
    aliases: tuple[str, ...]
    cues: tuple[str, ...] = ()


REFERENCE: tuple[Actor, ...] = (
    Actor("France Travail (ex-Pôle emploi)", "France Travail",
          ("france travail", "pole emploi", "pe", "ft"), ("demandeur", "indemnisation", "aif")),
    Actor("Apec", "l'Apec", ("apec",), ("cadre",)),
    Actor("Mission locale", "la Mission locale", ("mission locale", "missions locales", "ml"),
          ("jeune", "permis", "mobilite")),
    Actor("Cap emploi", "Cap emploi", ("cap emploi",), ("handicap", "rqth")),
    Actor("Transitions Pro", "Transitions Pro", ("transitions pro", "transition pro", "fongecif"),
          ("reconversion", "ptp", "salarie", "transition")),
    Actor("CIO", "le CIO", ("cio", "centre d information et d orientation"),
          ("eleve", "scolaire", "jeune", "orientation")),
    Actor("Carif-Oref", "le Carif-Oref", ("carif oref", "carif", "oref"),
          ("donnee", "diagnostic", "observatoire", "offre de formation")),
    Actor("OPCO", "les OPCO",
          ("opco", "opca", "opacif", "akto", "constructys", "ocapiat", "uniformation", "afdas",
           "atlas", "opcommerce", "faftt", "opcalia", "unifaf"),
          ("financement", "alternance", "apprentissage", "tpe", "branche")),
    Actor("Région", "la Région", ("region", "conseil regional"),
          ("financement", "achat", "formation", "mobilite")),
    Actor("Département", "le Département", ("departement", "conseil departemental"),
          ("rsa", "insertion", "mobilite", "aide a domicile")),
    Actor("CMA (Chambre de métiers et de l'artisanat)", "la Chambre de métiers et de l'artisanat",
          ("cma", "chambre de metiers", "chambre des metiers"), ("artisan", "artisanat", "tpe")),
    Actor("CCI", "la CCI", ("cci", "chambre de commerce"), ("commerce", "tpe", "industrie")),
    Actor("Chambre d'agriculture", "la Chambre d'agriculture",
          ("chambre d agriculture", "chambre agriculture"), ("agricole", "agriculture", "saisonn")),
    Actor("Organismes de formation", "les organismes de formation",
          ("organisme de formation", "organismes de formation", "of", "greta", "afpa"),
          ("session", "distance", "formation")),
    Actor("Entreprises", "les entreprises",
          ("entreprise", "entreprises", "employeur", "employeurs", "groupement d employeurs"),
          ("recrut", "embauche", "immersion", "tension", "stage")),
    Actor("SIAE", "les structures d'insertion par l'activité économique",
          ("siae", "structure d insertion", "chantier d insertion", "entreprise d insertion"),
          ("insertion",)),
    Actor("Cabinets de recrutement", "les cabinets de recrutement",
          ("cabinet de recrutement", "cabinets de recrutement", "interim"), ("recrut", "tension")),
    Actor("Syndicats employeurs", "les syndicats employeurs",
          ("syndicat employeur", "syndicats employeurs", "syndicats patronaux", "medef", "cpme",
           "u2p"), ("branche", "employeur")),
    Actor("Fédérations de branche", "les fédérations de branche",
          ("federation", "federations", "ffb", "capeb", "umih", "uimm"),
          ("branche", "btp", "industrie", "hotellerie")),
    Actor("CRESS", "la CRESS", ("cress", "chambre regionale de l economie sociale"),
          ("ess", "association")),
    Actor("PLIE", "le PLIE", ("plie",), ("insertion", "longue duree")),
    Actor("Maison France services", "les Maisons France services",
          ("france services", "maison france services", "msap", "maison de services au public"),
          ("numerique", "accueil", "demarche", "rural")),
    Actor("Cité des métiers", "la Cité des métiers", ("cite des metiers",),
          ("decouverte", "forum", "evenement", "metier")),
    Actor("Université", "l'université", ("universite", "iut"), ("etudiant", "diplome")),
    Actor("CFA", "les CFA", ("cfa", "centre de formation d apprentis"),
          ("apprentissage", "alternance", "apprenti")),
    Actor("Agefiph", "l'Agefiph", ("agefiph", "fiphfp"), ("handicap", "rqth")),
    Actor("MSA", "la MSA", ("msa", "mutualite sociale agricole"), ("agricole", "saisonn")),
)


def _tokens(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


def match(organisation: str) -> list[Actor]:
    """The reference actors an organisation name stands for ("Mission Locale de Digne")."""
    words = _tokens(organisation)
    return [a for a in REFERENCE if any(_tokens(alias) in words for alias in a.aliases)]


@dataclass
class Actors:
    present: list[str]  # organisation names as written, sorted
    mobilised: list[str]  # reference actors matched by a present organisation
    missing: list[str]  # reference actors not yet mobilised


def actors_in_scope(present: Iterable[str]) -> Actors:
    """Organisations present and the usual actors not yet mobilised."""
    names = sorted({p.strip() for p in present if p and p.strip()}, key=fold)
    found = {a.name for p in names for a in match(p)}
    return Actors(
        names,
        [a.name for a in REFERENCE if a.name in found],
        [a.name for a in REFERENCE if a.name not in found],
    )


def called_for(text: str) -> list[Actor]:
    """Reference actors whose cue words appear in `text` (a theme's label and terms)."""
    words = _tokens(text)
    return [a for a in REFERENCE if any(f" {fold(c)}" in words for c in a.cues)]


def by_name(name: str) -> Actor | None:
    return next((a for a in REFERENCE if a.name == name), None)
