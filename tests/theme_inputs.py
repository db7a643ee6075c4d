"""Segments of three subjects (financement, mobilité, numérique) over four ateliers of two
territories: the shared input of the themes and evaluation tests."""

from __future__ import annotations

import re

import pandas as pd

FINANCEMENT = [
    "Le financement du CPF ne couvre pas le coût de la formation qualifiante.",
    "Les dossiers de financement CPF attendent six semaines avant l'accord.",
    "Personne ne connaît le reste à charge du CPF pour une formation longue.",
    "Abondement du CPF par l'OPCO : le financement arrive après le début de la formation.",
    "Le plan de financement de la formation mélange CPF, Région et OPCO.",
    "Un simulateur commun du financement CPF aiderait à monter le dossier de formation.",
    "Le financement CPF des formations courtes est refusé par certains organismes.",
    "Les conseillers découvrent les règles de financement CPF à chaque dossier.",
    "Le financement des formations CPF dépend du calendrier des commissions.",
    "Une fiche commune de financement CPF pour chaque formation serait utile.",
    "Le CPF ne suffit pas au financement d'une reconversion par la formation.",
    "Former les conseillers au financement CPF des formations certifiantes.",
]
MOBILITE = [
    "Sans permis de conduire, la mobilité en zone rurale bloque l'accès à l'emploi.",
    "Aucun bus ne dessert la zone rurale : la mobilité des jeunes est impossible.",
    "La mobilité rurale empêche de rejoindre un centre de formation éloigné.",
    "Le transport à la demande en zone rurale reste inconnu des demandeurs d'emploi.",
    "Un garage solidaire prête des voitures pour la mobilité en zone rurale.",
    "Le covoiturage rural aide la mobilité des salariés sans voiture.",
    "La mobilité en zone rurale coûte cher : essence, voiture, assurance.",
    "Des plateformes mobilité rurale financent le permis de conduire.",
    "Les horaires des bus ruraux ne collent pas aux horaires de travail.",
    "La mobilité rurale des personnes âgées limite le retour à l'emploi.",
    "Une carte des solutions de mobilité en zone rurale pour les conseillers.",
    "Location de scooters pour la mobilité des jeunes en zone rurale.",
]
NUMERIQUE = [
    "La plateforme numérique en ligne décourage les personnes éloignées du numérique.",
    "Le compte sur la plateforme numérique demande une adresse mail et un mot de passe.",
    "La plateforme numérique bugue pendant l'inscription en ligne.",
    "Les conseillers font à la place des personnes sur la plateforme numérique.",
    "Un atelier numérique pour apprendre la plateforme en ligne avant le rendez-vous.",
    "La plateforme numérique change ses écrans tous les trois mois.",
    "Un tutoriel vidéo de la plateforme numérique en ligne pour les usagers.",
    "Les personnes sans ordinateur n'accèdent pas à la plateforme numérique.",
    "Un conseiller numérique accompagne l'inscription en ligne sur la plateforme.",
    "La plateforme numérique en ligne remplace l'accueil physique.",
    "Des bornes numériques en libre accès pour la plateforme en ligne.",
    "La plateforme numérique exige des justificatifs scannés en ligne.",
]
ATELIERS = [("marseille", "marseille/j1", "a01"), ("marseille", "marseille/j1", "a02"),
            ("gap", "gap/j1", "a01"), ("gap", "gap/j1", "a05")]


def _lemmas(text: str) -> str:
    """Crude lemmas for tests: lower-case words of four letters or more, plural -s dropped."""
    words = [w.lower() for w in re.findall(r"\w+", text) if len(w) > 3]
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words)


def make_segments(groups: list[list[str]] | None = None) -> pd.DataFrame:
    """Segments of three subjects spread over four ateliers of two territories."""
    groups = groups or [FINANCEMENT, MOBILITE, NUMERIQUE]
    rows = []
    for g, texts in enumerate(groups):
        for i, text in enumerate(texts):
            territory, event, atelier = ATELIERS[(i + g) % len(ATELIERS)]
            doc = f"{event}/{atelier}"
            rows.append({
                "segment_id": f"{doc}#{g}{i:02d}", "doc_id": doc, "territory_id": territory,
                "event_id": event, "atelier_id": atelier, "text": text,
                "lemmas": _lemmas(text), "orientation": ("difficulte", "levier")[i % 2],
                "subject": g,
            })
    return pd.DataFrame(rows)
