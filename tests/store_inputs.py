"""A small analysed store for the read side (search, export): 2 territories, 6 ateliers.

Twenty French segments written through `Store.texts.write_demarche`, then given orientations
and theme ids through `Store.texts.update_segments`, as the analysis stages would.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from corpus.records import Demarche, Event, Note, Segment, Territory, Workshop
from corpus.store import Store

M_EVENT = "marseille/2026-03-journee-cep"
H_EVENT = "haute-provence/2026-06-journee-cep"
THEMES = {
    "T001": "Financement de la formation",
    "T002": "Handicap et RQTH",
    "T003": "Fracture numérique",
    "T004": "Mobilité en zone rurale",
    "T005": "Repérage des jeunes invisibles",
}

# (event, atelier, text, orientation, theme_id)
ROWS = [
    (M_EVENT, "a01-financement",
     "L'AIF de France Travail complète le CPF pour financer la formation des demandeurs "
     "d'emploi.", "levier", "T001"),
    (M_EVENT, "a01-financement",
     "Les délais de validation des financements dépassent souvent deux mois, les stagiaires "
     "abandonnent.", "difficulte", "T001"),
    (M_EVENT, "a01-financement",
     "Le reste à charge sur le CPF décourage les salariés les moins qualifiés.",
     "difficulte", "T001"),
    (M_EVENT, "a01-financement",
     "Un guichet commun des financeurs permettrait de monter les dossiers en une seule fois.",
     "levier", "T001"),
    (M_EVENT, "a02-handicap",
     "La RQTH n'est pas toujours connue des conseillers, qui orientent trop tard vers Cap "
     "emploi.", "difficulte", "T002"),
    (M_EVENT, "a02-handicap",
     "Un référent handicap dans chaque structure facilite les orientations vers Cap emploi.",
     "levier", "T002"),
    (M_EVENT, "a02-handicap",
     "Les délais de la MDPH retardent l'entrée en formation des personnes concernées.",
     "difficulte", "T002"),
    (M_EVENT, "a03-numerique",
     "Beaucoup de bénéficiaires n'ont ni ordinateur ni connexion pour suivre un parcours à "
     "distance.", "difficulte", "T003"),
    (M_EVENT, "a03-numerique",
     "Les conseillers numériques de France services accompagnent les démarches en ligne.",
     "levier", "T003"),
    (M_EVENT, "a03-numerique",
     "Les plateformes changent souvent et les professionnels eux-mêmes s'y perdent.",
     "difficulte", "T003"),
    (H_EVENT, "a01-mobilite",
     "Sans permis ni voiture, les jeunes ne peuvent pas rejoindre les centres de formation de "
     "Manosque.", "difficulte", "T004"),
    (H_EVENT, "a01-mobilite",
     "Le transport à la demande du département fonctionne bien quand il est connu des "
     "conseillers.", "levier", "T004"),
    (H_EVENT, "a01-mobilite",
     "Les garages solidaires proposent des locations de véhicules à petit prix.",
     "levier", "T004"),
    (H_EVENT, "a02-financement",
     "Le permis de conduire peut être payé avec le CPF, mais peu de demandeurs le savent.",
     "levier", "T001"),
    (H_EVENT, "a02-financement",
     "Les financements de la Région arrivent après le début des sessions de formation.",
     "difficulte", "T001"),
    (H_EVENT, "a02-financement",
     "Personne 2 présente l'atelier et rappelle les règles du débat mouvant.", "autre", None),
    (H_EVENT, "a03-jeunes",
     "Les jeunes décrocheurs ne poussent pas la porte de la Mission locale.",
     "difficulte", "T005"),
    (H_EVENT, "a03-jeunes",
     "Les maraudes communes avec les éducateurs de prévention permettent d'aller vers les "
     "jeunes.", "levier", "T005"),
    (H_EVENT, "a03-jeunes",
     "Le contrat d'engagement jeune donne un cadre mais les places manquent en hiver.",
     "difficulte", "T005"),
    (H_EVENT, "a03-jeunes",
     "**Contacts** : le tableau des contacts a été partagé à la fin de la séance.",
     "autre", None),
]


def _demarche_and_segments() -> tuple[Demarche, list[Segment]]:
    notes, segments, workshops = {}, [], {}
    positions: dict[str, int] = {}
    for event_id, atelier, text, _, _ in ROWS:
        territory = event_id.split("/")[0]
        doc_id = f"{event_id}/{atelier}"
        notes.setdefault(doc_id, [])
        notes[doc_id].append(f"- {text}")
        workshops.setdefault(doc_id, Workshop(
            atelier_id=atelier, event_id=event_id, territory_id=territory,
            problematique=f"Comment agir sur {atelier.split('-', 1)[1]} ?", methode="world-café",
        ))
        position = positions.get(doc_id, 0)
        positions[doc_id] = position + 1
        segments.append(Segment(
            segment_id=f"{doc_id}#{position:03d}", doc_id=doc_id, territory_id=territory,
            event_id=event_id, atelier_id=atelier, position=position, text=text,
            lemmas=" ".join(w.lower() for w in text.split() if len(w) > 3),
        ))
    note_records = tuple(
        Note(doc_id=doc_id, territory_id=doc_id.split("/")[0], event_id=doc_id.rsplit("/", 1)[0],
             atelier_id=doc_id.rsplit("/", 1)[1], source=f"notes/{doc_id}.md", format="md",
             content_hash=f"h-{doc_id}", text="\n".join(lines))
        for doc_id, lines in notes.items()
    )
    demarche = Demarche(
        root="tests",
        territories=(Territory(territory_id="marseille", name="Marseille", kind="urbain"),
                     Territory(territory_id="haute-provence", name="Haute-Provence",
                               kind="rural")),
        events=(Event(event_id=M_EVENT, territory_id="marseille", name="Journée Cep"),
                Event(event_id=H_EVENT, territory_id="haute-provence", name="Journée Cep")),
        workshops=tuple(workshops.values()),
        notes=note_records,
    )
    return demarche, segments


def make_store(path: Path) -> Store:
    """A DuckDB store at `path` holding ROWS, analysed (orientations, themes)."""
    store = Store(path)
    demarche, segments = _demarche_and_segments()
    store.texts.write_demarche(demarche, segments, [])
    store.texts.update_segments(pd.DataFrame({
        "segment_id": [s.segment_id for s in segments],
        "orientation": [r[3] for r in ROWS],
        "orientation_score": [round(0.6 + 0.01 * i, 2) for i in range(len(ROWS))],
        "theme_id": [r[4] for r in ROWS],
        "theme_label": [THEMES.get(r[4]) for r in ROWS],
    }))
    return store


def segment_id_of(fragment: str) -> str:
    """The id of the one segment whose text contains `fragment`."""
    demarche, segments = _demarche_and_segments()
    (found,) = [s.segment_id for s in segments if fragment in s.text]
    return found
