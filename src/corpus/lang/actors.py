"""The usual actors of the Cep and its partners: the reference list the synthesis matches
organisation names to (`corpus.synthesis.actors`), and that tells a structure's acronym from a
scheme's when themes are named (`corpus.themes.labels`: « FT » is a structure, « PMSMP » is not).
"""

from __future__ import annotations

from dataclasses import dataclass


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


def structure_words() -> frozenset[str]:
    """The one-word aliases of the reference actors, folded ("ft", "ml", "cfa", "opco")."""
    return frozenset(alias for actor in REFERENCE for alias in actor.aliases if " " not in alias)
