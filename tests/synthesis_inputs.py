"""A small, realistic démarche after orientation and themes, for the synthesis tests.

Two territories, five ateliers, five themes (one not recurring) and two outliers. The themes
list is consistent with the segments, as `corpus.themes` writes it. Embeddings put each theme in
its own direction, so that levers answer the difficulties of their own theme.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

EM, EH = "marseille/2026-03-journee-cep", "haute-provence/2026-06-journee-cep"
D, L, A = "difficulte", "levier", "autre"

# (event, atelier, text, orientation, score, theme)
ROWS = [
    (EM, "a01-ingenierie-financiere", "Un même parcours cumule CPF, abondement France Travail, "
     "OPCO et Région : personne n'a la vue d'ensemble du plan de financement.", D, 0.91, "T001"),
    (EM, "a01-ingenierie-financiere", "Les délais de financement sont trop longs : six à huit "
     "semaines pour une AIF, la session démarre avant l'accord.", D, 0.88, "T001"),
    (EM, "a01-ingenierie-financiere", "Les OPCO changent leurs critères en cours d'année quand "
     "l'enveloppe est consommée, on l'apprend par le refus.", D, 0.84, "T001"),
    (EM, "a01-ingenierie-financiere", "Monter une fiche navette commune « plan de financement » "
     "que chaque financeur complète à son tour.", L, 0.86, "T001"),
    (EM, "a01-ingenierie-financiere", "Un tableau partagé des dates de commissions de "
     "Transitions Pro, de la Région et des OPCO.", L, 0.80, "T001"),
    (EM, "a01-ingenierie-financiere", "Voir avec Personne 2, personne2@opco-exemple.fr, pour "
     "les dossiers de financement.", L, 0.95, "T001"),
    (EM, "a01-ingenierie-financiere", "Trois tables de world-café, vingt-deux participants.",
     A, 0.60, None),
    (EM, "a03-premier-accueil-numerique", "Les personnes arrivent après avoir échoué seules sur "
     "la plateforme : le premier accueil devient un dépannage numérique.", D, 0.87, "T004"),
    (EM, "a03-premier-accueil-numerique", "Les conseillers n'ont plus le temps d'un premier "
     "entretien humain, tout passe par le formulaire en ligne.", D, 0.82, "T004"),
    (EM, "a03-premier-accueil-numerique", "Un annuaire partagé des conseillers de chaque "
     "structure, avec une ligne directe, évite de renvoyer la personne vers une boîte "
     "générique.", L, 0.78, "T002"),
    (EM, "a03-premier-accueil-numerique", "Un créneau d'accueil sans rendez-vous en binôme "
     "conseiller et médiateur numérique, testé à la Maison France services.", L, 0.80, "T004"),
    (EM, "a03-premier-accueil-numerique", "Débat mouvant : la salle s'est partagée en deux sur "
     "la place de la visio.", A, 0.55, "T004"),
    (EM, "a10-interconnaissance", "On ne connaît pas les offres de service des autres "
     "structures, on oriente au hasard ou pas du tout.", D, 0.90, "T002"),
    (EM, "a10-interconnaissance", "Des matinales d'interconnaissance tous les deux mois : chaque "
     "structure présente son offre en dix minutes.", L, 0.88, "T002"),
    (EM, "a10-interconnaissance", "Des immersions croisées d'une demi-journée entre conseillers "
     "de France Travail, de la Mission locale et de l'Apec.", L, 0.83, "T002"),
    (EM, "a10-interconnaissance", "Chaque financeur a son propre circuit de dossier, les "
     "conseillers ne savent pas qui solliciter en premier.", D, 0.70, "T001"),
    (EM, "a10-interconnaissance", "Les personnes éloignées du numérique ne trouvent plus de "
     "porte d'entrée physique.", D, 0.74, "T004"),
    (EH, "a01-mobilite-rurale", "Hors de Digne, Manosque et Sisteron, il n'y a presque pas de "
     "transport en commun : un ou deux cars par jour.", D, 0.90, "T003"),
    (EH, "a01-mobilite-rurale", "Les jeunes sans permis ne peuvent accepter ni formation ni "
     "emploi, c'est le premier frein cité.", D, 0.92, "T003"),
    (EH, "a01-mobilite-rurale", "Le permis coûte 1 500 à 2 000 euros et les jeunes n'ont pas "
     "de droits CPF pour le financer.", D, 0.85, "T003"),
    (EH, "a01-mobilite-rurale", "Les aides à la mobilité sont mal connues, chaque structure a "
     "la sienne avec ses propres critères.", D, 0.80, "T002"),
    (EH, "a01-mobilite-rurale", "Un garage solidaire loue des voitures et des scooters à petit "
     "prix aux personnes en parcours.", L, 0.87, "T003"),
    (EH, "a01-mobilite-rurale", "Regrouper les rendez-vous de plusieurs structures le même jour "
     "dans la même commune.", L, 0.83, "T003"),
    (EH, "a01-mobilite-rurale", "Des permanences délocalisées des conseillers dans les France "
     "services et les mairies.", L, 0.81, "T004"),
    (EH, "a01-mobilite-rurale", "Aucune solution d'hébergement pour les stagiaires qui se "
     "forment loin, à Marseille ou à Aix.", D, 0.86, "T005"),
    (EH, "a01-mobilite-rurale", "Plateforme mobilité : Personne 4, [téléphone retiré].",
     A, 0.50, None),
    (EH, "a01-mobilite-rurale", "Les foyers de jeunes travailleurs sont complets toute l'année.",
     A, 0.40, "T005"),
    (EH, "a04-ingenierie-financiere", "Les aides au permis et à la formation arrivent trop "
     "tard : le jeune décroche avant l'accord de financement.", D, 0.86, "T001"),
    (EH, "a04-ingenierie-financiere", "Le dossier de projet de transition professionnelle est "
     "lourd, il faut l'anticiper cent vingt jours avant l'entrée en formation.", D, 0.83, "T001"),
    (EH, "a04-ingenierie-financiere", "Un référent financement par structure, joignable en "
     "direct, qui suit le dossier de bout en bout.", L, 0.85, "T001"),
    (EH, "a04-ingenierie-financiere", "Les formations qualifiantes sont à une heure et demie de "
     "route pour beaucoup de stagiaires.", D, 0.80, "T003"),
]

LABELS = {
    "T001": ("Financement des parcours de formation",
             ["financement", "délais", "OPCO", "CPF", "dossier"]),
    "T002": ("Connaissance des offres de service",
             ["offres de service", "interconnaissance", "structures", "orienter"]),
    "T003": ("Mobilité et permis de conduire", ["permis", "transport", "mobilité", "jeunes"]),
    "T004": ("Premier accueil et numérique",
             ["premier accueil", "numérique", "plateforme", "France services"]),
    "T005": ("Hébergement des stagiaires", ["hébergement", "stagiaires", "foyers"]),
}
STATUS = {"T001": ("retrouvé", "T001"), "T003": ("retrouvé", "T007")}
# Grands thèmes: money and mobility apart from knowing one another and the first welcome.
GROUPS = {"T001": ("G01", "Financement des parcours"), "T003": ("G01", "Financement des parcours"),
          "T005": ("G01", "Financement des parcours"), "T002": ("G02", "Offres de service"),
          "T004": ("G02", "Offres de service")}


@dataclass
class Inputs:
    segments: pd.DataFrame
    themes: list[dict]
    ateliers: pd.DataFrame
    events: pd.DataFrame
    territories: pd.DataFrame
    feedback: pd.DataFrame
    embeddings: np.ndarray
    previous: list[dict]


def _segments() -> pd.DataFrame:
    records, position = [], {}
    for event, atelier, text, orientation, score, theme in ROWS:
        doc = f"{event}/{atelier}"
        position[doc] = position.get(doc, 0) + 1
        records.append({
            "segment_id": f"{doc}#{position[doc]:03d}", "doc_id": doc,
            "territory": event.split("/")[0], "event": event, "atelier": atelier, "text": text,
            "orientation": orientation, "orientation_score": score, "theme_id": theme,
            "theme_label": LABELS[theme][0] if theme else None, "section": "",
            "position": position[doc],
        })
    return pd.DataFrame(records)


def _themes(seg: pd.DataFrame) -> list[dict]:
    out = []
    for tid, group in seg[seg["theme_id"].notna()].groupby("theme_id"):
        keys = sorted(set(group["event"] + "/" + group["atelier"]))
        status, seed = STATUS.get(tid, ("nouveau", None))
        reps = list(group.sort_values("orientation_score", ascending=False)["segment_id"][:3])
        out.append({
            "theme_id": tid, "label": LABELS[tid][0], "terms": LABELS[tid][1],
            "size": len(group), "ateliers": keys, "n_ateliers": len(keys),
            "events": sorted(set(group["event"])), "territories": sorted(set(group["territory"])),
            "n_territories": group["territory"].nunique(),
            "orientation_counts": {o: int((group["orientation"] == o).sum()) for o in (D, L, A)},
            "recurring": len(keys) >= 2, "representative_segment_ids": reps,
            "status": status, "seed_theme_id": seed,
            "group_id": GROUPS[tid][0], "group_label": GROUPS[tid][1],
        })
    return out


def _embeddings(seg: pd.DataFrame, dim: int = 24) -> np.ndarray:
    rng = np.random.default_rng(7)
    base = {t: rng.normal(size=dim) for t in sorted(LABELS)}
    lean = {D: rng.normal(size=dim), L: rng.normal(size=dim), A: np.zeros(dim)}
    vecs = []
    for row in seg.itertuples():
        v = base[row.theme_id] if isinstance(row.theme_id, str) else rng.normal(size=dim)
        v = v + 0.3 * lean[row.orientation] + 0.2 * rng.normal(size=dim)
        vecs.append(v / np.linalg.norm(v))
    return np.asarray(vecs, dtype=np.float32)


ATELIERS = [
    (EM, "a01-ingenierie-financiere", "Comment mieux travailler ensemble pour boucler le "
     "financement des parcours de formation ?", "world-café",
     ["France Travail", "Transitions Pro", "Akto", "Région Sud", "Mission locale"], 22),
    (EM, "a03-premier-accueil-numerique", "Comment garder un premier accueil humain quand les "
     "démarches passent par les plateformes numériques ?", "débat mouvant",
     ["France Travail", "Mission locale", "Apec", "Maison France services"], 20),
    (EM, "a10-interconnaissance", "Comment mieux connaître les offres de service des uns et des "
     "autres pour bien orienter ?", "double-tour",
     ["Apec", "France Travail", "Mission locale", "Carif-Oref"], 24),
    (EH, "a01-mobilite-rurale", "Comment accompagner les parcours quand il n'y a ni bus ni "
     "permis ?", "world-café", ["Mission locale", "Pôle emploi", "Département",
                                "Maison France services"], 19),
    (EH, "a04-ingenierie-financiere", "Comment raccourcir les délais de financement des "
     "formations ?", "table d'instruction",
     ["France Travail", "Transitions Pro", "Région Sud", "Organismes de formation"], 16),
]

FEEDBACK = [
    ("r01", EM, "France Travail", "a01-ingenierie-financiere", 5, 4.5,
     "Le tableau des dates de commissions, on en a tous besoin",
     "Un représentant de la Région à notre table",
     "Proposer la fiche navette de financement à mon équipe"),
    ("r02", EM, "Mission Locale de Marseille", "a10-interconnaissance", 4, 4,
     "Les matinales d'interconnaissance entre structures",
     "Plus de temps pour les échanges entre structures",
     "M'inscrire aux matinales d'interconnaissance"),
    ("r03", EM, "Apec", "a10-interconnaissance", 5, 5,
     "L'annuaire partagé des structures, enfin !", "", "Appeler la Mission locale en direct"),
    ("r04", EH, "Mission locale des Alpes-de-Haute-Provence", "a01-mobilite-rurale", 4, 3.5,
     "Le garage solidaire de Forcalquier", "Des entreprises autour de la table",
     "Regrouper mes rendez-vous avec France Travail dans les France services"),
    ("r05", EH, "MSA Alpes-Vaucluse", "a04-ingenierie-financiere", 3, 3,
     "Les délais de financement sont les mêmes partout", "Plus de temps pour le financement",
     ""),
    ("r06", EH, "Agefiph", "", 4, None, "Le financement des parcours reste compliqué",
     "Des entreprises et des OPCO", "Contacter Transitions Pro"),
]


def make_inputs() -> Inputs:
    seg = _segments()
    ateliers = pd.DataFrame(
        [(e, a, e.split("/")[0], p, m, o, n) for e, a, p, m, o, n in ATELIERS],
        columns=["event_id", "atelier_id", "territory_id", "problematique", "methode",
                 "organisations", "participants"],
    )
    events = pd.DataFrame([
        (EM, "marseille", "Journée du dialogue territorial du Cep", "2026-03-19",
         "Cité des métiers, Marseille", 118,
         ["France Travail", "Apec", "Mission locale", "Transitions Pro", "Région Sud", "Akto"]),
        (EH, "haute-provence", "Journée du dialogue territorial du Cep", "2026-06-11",
         "Palais des congrès, Digne-les-Bains", 64,
         ["France Travail", "Mission locale", "Chambre d'agriculture", "Département"]),
    ], columns=["event_id", "territory_id", "name", "date", "place", "participants",
                "organisations"])
    territories = pd.DataFrame(
        [("marseille", "Marseille Provence", "urbain"),
         ("haute-provence", "Alpes-de-Haute-Provence", "rural")],
        columns=["territory_id", "name", "kind"],
    )
    rows = []
    for fid, event, org, atelier, note, use, keep, miss, do in FEEDBACK:
        ratings = {"Note globale (1 à 5)": note}
        if use is not None:
            ratings["Utilité pour ma pratique (1 à 5)"] = use
        answers = {"Ce que je retiens": keep, "Ce qui m'a manqué": miss,
                   "Ce que je vais mettre en œuvre": do}
        rows.append((fid, event, event.split("/")[0], org, atelier, ratings, answers))
    feedback = pd.DataFrame(rows, columns=["feedback_id", "event_id", "territory_id",
                                           "organisation", "atelier_id", "ratings", "answers"])
    previous = [
        {"theme_id": "T001", "question": "Comment raccourcir les délais de financement ?"},
        {"theme_id": "T007", "question": "Comment accompagner les parcours sans bus ni permis ?"},
        {"theme_id": "T009", "question": "Comment faire découvrir l'industrie aux femmes ?"},
    ]
    return Inputs(seg, _themes(seg), ateliers, events, territories, feedback,
                  _embeddings(seg), previous)
