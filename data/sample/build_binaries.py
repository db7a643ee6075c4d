"""Build the binary files of the shipped sample démarche (.docx, .odt notes and retours.xlsx).

The texts live in this script; the .md, .txt, .csv and .yaml files of the sample are plain
files kept next to it. Run from anywhere with the project's environment:

    .venv/bin/python data/sample/build_binaries.py

Outputs are byte-for-byte reproducible: document metadata carry fixed dates and every zip
entry gets a fixed timestamp, so content hashes do not change from one build to the next.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from odf.opendocument import OpenDocumentText
from odf.style import ListLevelProperties, ParagraphProperties, Style, TextProperties
from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
MARSEILLE = HERE / "marseille" / "2026-03-journee-cep"
HAUTE_PROVENCE = HERE / "haute-provence" / "2026-06-journee-cep"

# A note is a list of blocks: ("h1" | "h2", heading), ("p", paragraph) or ("li", bullet).
Block = tuple[str, str]


def _bullets(*items: str) -> list[Block]:
    return [("li", item) for item in items]


# --------------------------------------------------------------------------------------------
# Marseille Provence, 19 mars 2026
# --------------------------------------------------------------------------------------------

M_A02: list[Block] = [
    ("h1", "Atelier 2 – Achats groupés de formation"),
    ("p", "Table d'instruction. Exposante : Région Sud, service formation. 18 participants."),
    ("h2", "Constats"),
    *_bullets(
        "Les mêmes besoins sont repérés séparément par FT, la ML, le PLIE et les SIAE "
        "(agents de sécurité, préparateurs de commandes, aides-soignants)",
        "Chaque structure prescrit de son côté : les sessions ne se remplissent pas ou "
        "démarrent avec six stagiaires",
        "Le PRF de la Région ne couvre pas tous les besoins de proximité, en particulier "
        "dans les quartiers nord",
        "Les OF disent n'avoir aucune visibilité sur les volumes, alors ils n'ouvrent "
        "pas de session",
    ),
    ("h2", "Difficultés"),
    *_bullets(
        "Calendriers d'achat incompatibles : marché annuel de la Région, achats de FT (AFC) "
        "au fil de l'eau",
        "Règles de la commande publique complexes, les conseillers ne savent pas ce qui est "
        "possible ou non",
        "Les salariés en insertion des SIAE ne sont pas éligibles aux mêmes dispositifs que "
        "les demandeurs d'emploi inscrits",
        "Difficile de s'engager sur un nombre de places quand on ne maîtrise pas le sourcing "
        "des candidats",
        "Délais de financement trop longs entre le repérage du besoin et l'ouverture de la "
        "session, parfois neuf mois",
    ),
    ("h2", "Leviers / propositions"),
    *_bullets(
        "Recenser les besoins de formation communs une fois par trimestre avec un outil de "
        "diagnostic partagé",
        "Conventions de places réservées : la Région achète, les prescripteurs s'engagent "
        "sur un sourcing commun",
        "S'appuyer sur le Carif-Oref pour publier l'offre de formation à jour et les places "
        "encore disponibles",
        "Réunions d'info collectives communes avant l'entrée en formation, animées à "
        "plusieurs (FT, ML, OF)",
        "Associer les OPCO pour compléter avec des salariés en reconversion quand il reste "
        "des places",
        "Expérience du PLIE sur le titre pro agent de propreté : achat groupé avec trois SIAE, "
        "session pleine en deux mois",
        "Informations collectives en QPV avec les centres sociaux pour remplir les sessions "
        "de proximité",
        "Une adresse unique pour faire remonter les besoins du terrain vers la Région",
    ),
    ("h2", "Suites"),
    *_bullets(
        "Groupe de travail restreint Région / FT / ML / PLIE à réunir avant l'été",
        "Point d'étape prévu au prochain comité local du Cep",
    ),
]

M_A06: list[Block] = [
    ("h1", "Atelier 6 – Mixité des métiers : industrie et BTP"),
    (
        "p",
        "Anti-problème : « Comment faire pour qu'aucune femme ne choisisse jamais "
        "l'industrie ou le BTP ? », puis retournement des idées.",
    ),
    ("h2", "Ce qui décourage à coup sûr (l'anti-problème)"),
    *_bullets(
        "Ne montrer que des photos d'hommes dans les plaquettes et sur les stands des salons",
        "Ne proposer le BTP que lorsque tous les autres projets ont échoué",
        "Laisser les conseillers avec leurs représentations : « c'est physique, ce n'est "
        "pas pour vous »",
        "Aucune solution de garde d'enfants pour des chantiers qui commencent à 7h",
        "Pas de vestiaires ni de toilettes pour les femmes sur les chantiers et dans "
        "certains ateliers",
        "Ouvrir des sessions de formation où la stagiaire est la seule femme sur douze",
    ),
    ("h2", "Freins constatés"),
    *_bullets(
        "Les campagnes nationales existent mais changent peu de choses au moment de l'entretien",
        "Les familles et l'entourage freinent, surtout pour les jeunes filles suivies par le "
        "CIO et la ML",
        "Peu de formatrices dans les OF du BTP et de l'industrie, donc peu de modèles",
        "Les employeurs disent vouloir recruter des femmes mais n'adaptent pas l'organisation "
        "du travail",
        "Mères seules : horaires incompatibles avec la garde des enfants, en particulier en QPV",
    ),
    ("h2", "Leviers / pistes"),
    *_bullets(
        "Marraines métiers : des femmes en poste qui témoignent en réunion d'info collective",
        "Immersions PMSMP en binôme pour ne pas se retrouver seule sur le site",
        "Visites d'usines et de chantiers réservées aux femmes, avec la CCI et la fédération "
        "du BTP",
        "Former les conseillers aux stéréotypes de genre : module de deux heures, outils de "
        "l'Onisep",
        "Sessions avec des places réservées aux femmes, négociées avec la Région et Constructys",
        "Lien avec les crèches à vocation d'insertion professionnelle pour lever le frein "
        "de la garde",
        "Exemple : session de soudeuses avec un OF de Fos-sur-Mer, 9 femmes sur 12, "
        "7 en emploi à six mois",
    ),
    ("h2", "À retenir"),
    *_bullets(
        "Parler de salaire et de perspectives d'évolution, pas seulement de « métier qui recrute »",
    ),
]

M_A09: list[Block] = [
    ("h1", "Atelier 9 – Sécuriser les parcours des personnes en situation de handicap"),
    (
        "p",
        "Accélérateur de coopération. Situation apportée par Cap emploi : un cariste de "
        "47 ans, inapte à son poste après un accident, demande de RQTH en cours.",
    ),
    ("h2", "Difficultés"),
    *_bullets(
        "Délais de la MDPH très longs pour la RQTH (six à huit mois), le parcours est "
        "suspendu en attendant",
        "Hors Cap emploi, les conseillers ne savent pas toujours quand orienter, ni qui fait "
        "quoi entre Cap emploi, FT et la MDPH",
        "Beaucoup de personnes refusent de se déclarer par peur de l'étiquette auprès des "
        "employeurs",
        "Formations pas toujours accessibles : rythme, locaux, adaptations pédagogiques",
        "L'information se perd entre le médecin du travail, le service PDP et les conseillers, "
        "chacun n'a qu'un morceau du dossier",
        "Employeurs TPE mal informés des aides de l'Agefiph pour aménager un poste",
        "Entre 45 et 55 ans, la reconversion est vécue comme une perte, il faut du temps "
        "avant de se projeter",
    ),
    ("h2", "Ressources"),
    *_bullets(
        "Prestations d'appui spécifiques (PAS) de l'Agefiph, mobilisables par tous les "
        "prescripteurs",
        "Référent handicap dans chaque OF certifié Qualiopi : point d'entrée pour adapter "
        "la formation",
        "Essai encadré et PMSMP pour tester un nouveau poste sans risque",
        "Le CEP salariés de Transitions Pro pour ceux qui sont encore en poste et doivent "
        "se reconvertir (PTP)",
        "Cellules PDP de l'Assurance maladie et des services de santé au travail, à "
        "solliciter le plus tôt possible",
    ),
    ("h2", "Pistes de coopération"),
    *_bullets(
        "Fiche navette commune FT / Cap emploi / ML pour transmettre la situation sans que "
        "la personne raconte tout de nouveau",
        "Rendez-vous tripartite (personne, conseiller d'origine, Cap emploi) plutôt qu'une "
        "simple orientation",
        "Une demi-journée de sensibilisation commune animée par Cap emploi pour les "
        "conseillers de tous les réseaux",
        "Ne pas attendre la RQTH : démarrer le bilan de compétences ou une PMSMP pendant "
        "l'instruction MDPH",
        "Solliciter davantage le référent handicap de chaque agence France Travail",
    ),
    ("h2", "Contacts"),
    *_bullets(
        "Cap emploi 13 : Stéphane Roux, chargé de mission maintien dans l'emploi, 06 82 14 37 59",
        "Référente handicap de l'agence FT de Castellane : Aurélie Dumas, "
        "aurelie.dumas@francetravail-exemple.fr",
        "Permanence MDPH réservée aux professionnels : 04.13.31.02.56",
    ),
]

M_A04: list[Block] = [
    ("h1", "Atelier 4 – Données socio-économiques locales et accompagnement"),
    ("p", "Méthode des échos. Exposante : Carif-Oref. 16 participants."),
    ("h2", "Difficultés"),
    *_bullets(
        "Les conseillers connaissent mal les outils du Carif-Oref (portraits de territoire, "
        "tableaux de bord emploi-formation)",
        "Les données sont à l'échelle du département ou de la zone d'emploi, trop larges "
        "pour parler d'un quartier",
        "Décalage entre les chiffres des offres déposées et ce que racontent les employeurs "
        "sur le terrain",
        "Pas le temps de lire des études de quarante pages quand on enchaîne huit entretiens "
        "par jour",
        "Les données sur les métiers en tension ne disent rien des conditions de travail "
        "(horaires décalés, temps partiel subi)",
        "Chaque réseau produit ses propres diagnostics territoriaux sans les partager "
        "(FT, Métropole, PLIE, Région)",
        "Risque d'orienter uniquement vers les métiers qui recrutent, au détriment du projet "
        "de la personne",
        "Les outils sont pensés pour des chargés d'études, pas pour le temps de l'entretien "
        "de conseil",
    ),
    ("h2", "Ce qui marche déjà"),
    *_bullets(
        "Les fiches synthèse d'une page par secteur faites par le Carif-Oref pour le réseau "
        "Cep sont très appréciées",
        "L'enquête BMO de France Travail, utilisée en entretien pour objectiver un projet",
        "Le CIO s'appuie sur les taux d'insertion des formations (InserJeunes) avec les "
        "lycéens et leurs familles",
    ),
    ("h2", "Propositions"),
    *_bullets(
        "Un outil de diagnostic partagé par bassin, avec quelques indicateurs clés mis à "
        "jour chaque trimestre",
        "Un webinaire court (30 minutes) du Carif-Oref à chaque publication, enregistré pour "
        "ceux qui ne peuvent pas venir",
        "Confronter les chiffres au terrain en invitant employeurs et OPCO à les commenter",
        "Une séquence « données du territoire » dans la professionnalisation des nouveaux "
        "conseillers, vu le turnover",
        "Déposer les diagnostics existants sur un espace commun du réseau Cep plutôt que "
        "dans les boîtes mail",
        "Produire des données à l'échelle des QPV avec l'appui de la Métropole et du PLIE",
    ),
    ("h2", "Échos entendus"),
    *_bullets(
        "« Je savais que ça existait, mais je ne savais pas où le trouver »",
        "« Les chiffres m'aident à ouvrir la discussion, pas à décider à la place de la personne »",
    ),
]

M_A07: list[Block] = [
    ("h1", "Atelier 7 – Forums et job datings montés à plusieurs"),
    ("p", "Forum ouvert, quatre sous-groupes constitués sur place. Exposant : Cité des métiers."),
    ("h2", "Groupe 1 – Un calendrier commun"),
    *_bullets(
        "Trop de forums la même semaine : en octobre, cinq événements emploi dans les 3e et "
        "13e arrondissements",
        "Les employeurs sont sollicités par tout le monde et finissent par ne plus venir",
        "Calendrier partagé des événements emploi-formation du territoire, alimenté par "
        "chaque réseau",
        "Se caler sur les temps forts nationaux (semaine de l'industrie, printemps de "
        "l'orientation) plutôt que d'en inventer d'autres",
    ),
    ("h2", "Groupe 2 – Des job datings qui débouchent"),
    *_bullets(
        "Les job datings marchent quand les candidats sont préparés en amont (CV, "
        "simulation d'entretien)",
        "Sans préparation, beaucoup viennent « pour voir » et les employeurs repartent déçus",
        "Présélection commune FT / ML / Cap emploi pour éviter que chacun envoie les mêmes "
        "personnes",
        "Prévoir des locaux accessibles et des offres ouvertes aux personnes handicapées, "
        "avec Cap emploi",
    ),
    ("h2", "Groupe 3 – Toucher les publics éloignés"),
    *_bullets(
        "Les personnes les plus éloignées ne viennent pas aux forums : trop de monde, peur "
        "de ne pas être à la hauteur",
        "Organiser de petits événements en pied d'immeuble avec les associations de "
        "quartier et les médiateurs",
        "Mobiliser par les réseaux sociaux et le bouche-à-oreille plutôt que par courrier "
        "ou par mail",
        "Le bus itinérant de l'emploi a bien fonctionné dans les quartiers nord, à reconduire",
    ),
    ("h2", "Groupe 4 – Et après l'événement ?"),
    *_bullets(
        "Personne ne mesure les suites : combien d'embauches, de formations, de PMSMP "
        "après le forum ?",
        "Manque de temps pour se coordonner après l'événement, chacun repart dans son activité",
        "Une fiche de suivi commune et simple (contacts, entretiens, embauches) remplie par "
        "chaque stand",
        "Un bilan partagé un mois après, avec les organisateurs et quelques employeurs",
    ),
    ("h2", "Contacts"),
    *_bullets(
        "Coordination du calendrier : Thomas Giraud, Cité des métiers, "
        "thomas.giraud@citedesmetiers-exemple.fr",
        "Référente événements de Cap emploi : Mme Aït-Ali, +33 6 71 20 44 83",
        "Réservation des salles, mairie de secteur : 04.91.55.20.10",
    ),
]

# --------------------------------------------------------------------------------------------
# Alpes-de-Haute-Provence, 11 juin 2026
# --------------------------------------------------------------------------------------------

HP_A04: list[Block] = [
    ("h1", "Atelier 4 – Financer les formations sans perdre les gens en route"),
    (
        "p",
        "Table d'instruction autour de trois dossiers réels, anonymisés. Exposante : "
        "France Travail Digne-les-Bains.",
    ),
    ("h2", "Constats"),
    *_bullets(
        "Sur les trois dossiers, le plus long n'est pas la décision mais le circuit : deux à "
        "quatre mois entre le projet validé et l'accord",
        "Un seul OF dans le département pour certaines formations : si la session est pleine, "
        "il faut attendre un an",
        "Les personnes reviennent découragées, ou ont pris un petit boulot entre-temps et "
        "abandonnent",
    ),
    ("h2", "Difficultés"),
    *_bullets(
        "Délais de financement trop longs (AIF, Région, Transitions Pro) au regard des dates "
        "de démarrage des sessions",
        "On ne connaît pas les critères des autres financeurs, ni leurs plafonds horaires",
        "CPF : depuis la participation obligatoire, certains renoncent pour 100 €, "
        "« c'est trop pour moi »",
        "Abondement de France Travail sur le CPF : tous les conseillers ne savent pas le "
        "déclencher dans Mon Compte Formation",
        "Formations hors département (Marseille, Avignon, Gap) : transport et hébergement "
        "non pris en charge",
        "PTP : commission de Transitions Pro à Marseille, des dossiers refusés pour une pièce "
        "manquante",
        "Dans les petites structures, un seul conseiller fait tout et n'a pas le temps de "
        "suivre chaque dossier",
    ),
    ("h2", "Leviers"),
    *_bullets(
        "Un référent unique financement dans chaque structure, identifié et joignable par "
        "téléphone",
        "Fiche navette « plan de financement » pour que l'OF, le conseiller et le financeur "
        "voient la même chose",
        "Commencer le montage trois mois avant : demander aux OF leur calendrier de sessions "
        "pour l'année",
        "Mutualiser les demandes : plusieurs stagiaires sur la même formation justifient une "
        "session délocalisée à Digne ou à Sisteron",
        "Relecture des dossiers PTP en visio par Transitions Pro avant le passage en commission",
        "Aides du Département pour la garde d'enfants et les déplacements, trop peu connues",
    ),
    ("h2", "Contacts"),
    *_bullets(
        "France Travail Digne, référente formation : Laetitia Brun, 06 24 68 13 57",
        "Transitions Pro, antenne des Alpes : Romain Castel, "
        "romain.castel@transitionspro-exemple.fr, +33 6 58 90 12 34",
        "OF de Sisteron, accueil : 04.92.61.05.77",
    ),
]

HP_A07: list[Block] = [
    ("h1", "Atelier 7 – Accompagner la reconversion des salariés loin des centres"),
    (
        "p",
        "Accélérateur de coopération. Situation : un agent de maintenance de 52 ans, site "
        "industriel de la vallée de la Durance, mal de dos, souhaite devenir formateur.",
    ),
    ("h2", "Ce qui bloque"),
    *_bullets(
        "Le salarié ignore qu'il peut être accompagné par un CEP sans que son employeur le sache",
        "Le CEP salariés se fait surtout en visio depuis Marseille ou Gap, très peu de "
        "rendez-vous en présentiel dans le 04",
        "Projet de transition professionnelle : dossier long, quatre à six mois "
        "d'anticipation, peu de salariés tiennent jusqu'au bout",
        "Le titre de formateur professionnel d'adultes se prépare à Marseille ou à Avignon : "
        "impossible sans hébergement",
        "Les petites entreprises ne peuvent pas remplacer le salarié pendant sa formation",
        "Démission-reconversion : les conditions d'indemnisation sont mal connues, y compris "
        "des conseillers FT",
        "À 52 ans, peur de perdre son salaire et son ancienneté",
        "Aucun lien entre le médecin du travail, le CEP salariés et l'employeur quand une "
        "inaptitude se profile",
        "Les cadres sont orientés vers l'Apec, mais l'Apec n'a pas d'antenne dans le département",
        "Salariés à temps partiel ou en CDD : peu de droits CPF, reste à charge important",
    ),
    ("h2", "Ce qui peut aider"),
    *_bullets(
        "Permanences physiques du CEP salariés dans les France services de Sisteron et de Manosque",
        "Transitions collectives quand plusieurs salariés d'un même site sont concernés",
        "Un bilan de compétences financé par le CPF, à mobiliser plus tôt dans le parcours",
        "La PMSMP est aussi ouverte aux salariés pour tester le métier visé",
        "Lien avec la cellule PDP du service de santé au travail pour anticiper l'inaptitude",
        "Découper le parcours : d'abord des blocs à distance, puis la partie présentielle "
        "regroupée sur quelques semaines",
        "Réunions d'info collectives communes Transitions Pro / FT / Apec sur les dispositifs "
        "de reconversion",
    ),
    ("h2", "Qui fait quoi"),
    *_bullets(
        "Le CEP salariés pilote le projet, FT intervient si le salarié démissionne, l'OPCO si "
        "l'employeur porte la formation",
        "Un référent unique pour la personne pendant tout le parcours, même avec plusieurs "
        "financeurs",
    ),
]

HP_A02: list[Block] = [
    ("h1", "Atelier 2 – Sécuriser les parcours des saisonniers (agriculture, tourisme)"),
    (
        "p",
        "Champ des possibles. 15 participants, dont la Chambre d'agriculture, la MSA et un "
        "groupement d'employeurs.",
    ),
    ("h2", "Ce que l'on vit aujourd'hui"),
    *_bullets(
        "Des saisonniers enchaînent arboriculture, lavande en juillet et saison d'hiver en "
        "station, sans jamais se former",
        "Les exploitants cherchent de la main-d'œuvre au dernier moment, quinze jours avant "
        "la récolte",
        "Logement des saisonniers introuvable l'été, certains dorment dans leur voiture",
        "Les travailleurs étrangers et détachés échappent complètement à l'accompagnement",
        "Entre deux saisons, personne ne suit les personnes : inscription à FT tardive, "
        "ou pas d'inscription du tout",
        "Dans les petites exploitations, le chef d'exploitation n'a pas le temps de monter "
        "une PMSMP ni un dossier OPCO",
        "Les conseillers connaissent mal les métiers agricoles (tractoriste, ouvrier "
        "arboricole, distillation)",
        "Barrière de la langue pour une partie des saisonniers, très peu de cours de FLE à "
        "proximité",
    ),
    ("h2", "Ce qui serait possible"),
    *_bullets(
        "Un calendrier commun des saisons agricoles et touristiques pour anticiper les "
        "recrutements avec la Chambre d'agriculture",
        "Des groupements d'employeurs pour construire des emplois à l'année en combinant "
        "plusieurs saisons",
        "Former pendant l'intersaison, de novembre à mars : CACES, taille, Certiphyto, avec "
        "Ocapiat",
        "Un job dating « saison » au printemps à Manosque, monté avec FT, la ML, la Chambre "
        "d'agriculture et les employeurs du tourisme",
        "La VAE pour faire reconnaître des années de saison (CAPA, BPA)",
        "Des conventions avec les communes pour ouvrir des logements saisonniers temporaires",
    ),
    ("h2", "Premiers pas"),
    *_bullets(
        "Inviter la Chambre d'agriculture et la MSA au prochain comité local du Cep",
        "Visites d'exploitations pour les conseillers pendant la cueillette, deux dates à "
        "caler en juillet",
        "Un référent unique « saisonniers » identifié dans chaque structure, liste à diffuser",
        "Diffuser les offres agricoles aussi dans les ML et les France services, pas seulement "
        "sur le site de FT",
        "Ne pas oublier les bénévoles des associations d'accueil : ce sont eux qui connaissent "
        "les saisonniers",
    ),
]

HP_A06: list[Block] = [
    ("h1", "Atelier 6 – La VAE, levier pour les salariés des petites structures"),
    ("p", "Méthode des échos. Exposante : conseillère VAE. 14 participants."),
    ("h2", "Constats"),
    *_bullets(
        "Depuis France VAE, le parcours est plus simple sur le papier, mais les conseillers "
        "orientent encore mal vers les architectes accompagnateurs de parcours",
        "Les salariés des TPE, des SAAD et des exploitations ont souvent des années "
        "d'expérience et aucun diplôme",
        "Des employeurs craignent que le salarié diplômé parte ou réclame une augmentation",
        "Abandons fréquents au moment du dossier écrit, surtout pour les personnes peu à "
        "l'aise avec l'écrit",
        "Jurys à Marseille ou à Aix : une journée de déplacement pour les candidats du 04",
        "Le financement de l'accompagnement VAE reste flou (CPF, OPCO, employeur, France VAE)",
        "Les conseillers ne proposent la VAE que si la personne en parle elle-même",
    ),
    ("h2", "Échos"),
    *_bullets(
        "« Moi aussi, j'ai des candidats qui lâchent au moment du livret 2 »",
        "« Depuis la fin des points relais conseil, on ne sait plus qui est l'interlocuteur »",
    ),
    ("h2", "Leviers"),
    *_bullets(
        "Réunions d'info collectives communes sur la VAE chaque trimestre, à tour de rôle à "
        "Digne, Manosque et Sisteron",
        "Ateliers d'écriture collectifs pour le livret 2, animés par un OF ou une association",
        "VAE collective pour les salariés d'un même secteur (aide à domicile, propreté), "
        "avec l'OPCO",
        "Mobiliser le CEP salariés de Transitions Pro pour construire le projet en amont",
        "Présenter la VAE aux employeurs TPE, via la CMA et la Chambre d'agriculture, comme "
        "un outil de fidélisation",
        "Viser des blocs de compétences : moins décourageant qu'un diplôme entier",
        "Faire témoigner d'anciens candidats du département lors des réunions",
        "Un référent VAE identifié dans chaque structure, inscrit à l'annuaire partagé",
    ),
    ("h2", "Ressources"),
    *_bullets(
        "Le site France VAE et son annuaire des architectes accompagnateurs de parcours",
        "Carif-Oref : liste des certifications accessibles par la VAE et calendrier des jurys",
    ),
]

HP_A09: list[Block] = [
    ("h1", "Atelier 9 – Se connaître quand on est peu nombreux et loin les uns des autres"),
    (
        "p",
        "Double-tour, 16 participants de 12 structures. Tour 1 : mon offre de service en "
        "deux minutes. Tour 2 : ce que j'attends des autres.",
    ),
    ("h2", "Constats"),
    *_bullets(
        "Dans le 04 tout le monde se connaît sur le papier, mais en réalité on ne connaît "
        "pas l'offre de service des autres",
        "Beaucoup de structures ont un ou deux salariés, parfois seulement des bénévoles, "
        "et ne viennent jamais aux réunions à Digne",
        "Une heure de route pour deux heures de réunion : se coordonner coûte une demi-journée",
        "Turnover des conseillers dans les antennes éloignées, des postes restent vacants "
        "pendant des mois",
        "Les partenaires régionaux (Transitions Pro, Apec, Carif-Oref) sont à Marseille et "
        "viennent rarement",
        "On découvre l'existence de certains dispositifs quand un usager nous en parle",
        "Les nouveaux dispositifs arrivent par mail national et personne ne les traduit "
        "pour le territoire",
    ),
    ("h2", "Leviers"),
    *_bullets(
        "Annuaire partagé des contacts par bassin, avec les jours de permanence de chacun",
        "Des visios courtes (45 minutes) une fois par mois, avec un partenaire qui présente "
        "son offre",
        "Matinales d'interconnaissance tournantes : Digne, Manosque, Sisteron, Forcalquier",
        "Des fiches navettes communes pour orienter et recevoir un retour",
        "Permanences croisées : la ML et Cap emploi dans la même France services, le même jour",
        "Covoiturage entre structures pour se rendre aux réunions",
        "Une liste de diffusion du réseau Cep 04 pour les infos rapides (sessions, "
        "dispositifs, offres)",
        "Associer les bénévoles des associations (épiceries solidaires, Secours populaire) "
        "aux temps d'interconnaissance",
        "Un kit d'accueil présentant les partenaires pour chaque nouveau conseiller",
    ),
    ("h2", "Contacts"),
    *_bullets(
        "Liste de diffusion : Claire Garcin (Département), claire.garcin@departement-exemple.fr",
        "Cap emploi 04 : Mme Lefèvre, +33 6 44 19 28 73",
        "Carif-Oref, chargée de mission territoriale : Nathalie Vidal, 04.91.20.60.15",
    ),
]

DOCX_NOTES: dict[Path, tuple[list[Block], datetime]] = {
    MARSEILLE / "notes" / "a02-achats-groupes.docx": (M_A02, datetime(2026, 3, 19, 12, 40)),
    MARSEILLE / "notes" / "a06-mixite-metiers.docx": (M_A06, datetime(2026, 3, 19, 16, 5)),
    MARSEILLE / "notes" / "a09-handicap-rqth.docx": (M_A09, datetime(2026, 3, 20, 9, 15)),
    HAUTE_PROVENCE / "notes" / "a04-ingenierie-financiere.docx": (
        HP_A04,
        datetime(2026, 6, 11, 12, 30),
    ),
    HAUTE_PROVENCE / "notes" / "a07-reconversion-salaries.docx": (
        HP_A07,
        datetime(2026, 6, 12, 10, 0),
    ),
}

ODT_NOTES: dict[Path, tuple[list[Block], datetime]] = {
    MARSEILLE / "notes" / "a04-donnees-territoriales.odt": (M_A04, datetime(2026, 3, 19, 12, 50)),
    MARSEILLE / "notes" / "a07-evenements-publics.odt": (M_A07, datetime(2026, 3, 19, 16, 20)),
    HAUTE_PROVENCE / "notes" / "a02-saisonniers-agricoles.odt": (
        HP_A02,
        datetime(2026, 6, 11, 12, 45),
    ),
    HAUTE_PROVENCE / "notes" / "a06-vae.odt": (HP_A06, datetime(2026, 6, 11, 16, 10)),
    HAUTE_PROVENCE / "notes" / "a09-interconnaissance.odt": (
        HP_A09,
        datetime(2026, 6, 11, 17, 0),
    ),
}

# --------------------------------------------------------------------------------------------
# Retours participants, Alpes-de-Haute-Provence (export d'un outil de formulaire en XLSX)
# --------------------------------------------------------------------------------------------

RETOURS_HEADER = [
    "Horodatage",
    "Nom et prénom",
    "Organisation",
    "Atelier suivi",
    "Note globale (1 à 5)",
    "Utilité pour ma pratique (1 à 5)",
    "Ce que je retiens",
    "Ce qui m'a manqué",
    "Ce que je vais mettre en œuvre",
]

# (heure, nom, organisation, atelier, note globale, utilité, retiens, manqué, mettre en œuvre)
HP_RETOURS: list[tuple] = [
    (
        "16:02:41",
        "Claire Garcin",
        "Département des Alpes-de-Haute-Provence",
        "a09-interconnaissance",
        5,
        5,
        "Une heure de route pour deux heures de réunion : tout le monde vit la même chose",
        None,
        "Lancer la liste de diffusion du réseau Cep 04",
    ),
    (
        "16:03:10",
        None,
        "Mission locale",
        "a01-mobilite-rurale",
        5,
        5,
        "La fiche commune des aides à la mobilité, on en rêvait",
        "Quelqu'un de la Région pour parler des aides au permis",
        "Recenser les places en auto-école sociale",
    ),
    (
        "16:04:55",
        None,
        "France Travail",
        "a04-ingenierie-financiere",
        4,
        4,
        "Commencer le montage financier trois mois avant la session",
        "Plus de dossiers concrets",
        "Demander leurs calendriers de sessions aux OF",
    ),
    (
        "16:05:20",
        "Gilles Pellegrin",
        "Association - plateforme mobilité",
        "a01-mobilite-rurale",
        4,
        5,
        "Très peu de conseillers connaissent notre garage solidaire",
        None,
        "Venir présenter la plateforme à l'agence FT de Manosque",
    ),
    (
        "16:06:02",
        None,
        "Chambre d'agriculture",
        "a02-saisonniers-agricoles",
        5,
        4,
        "Les conseillers ne connaissent pas nos métiers : c'est à nous d'ouvrir les exploitations",
        None,
        "Organiser deux visites pendant la cueillette",
    ),
    (
        "16:06:48",
        None,
        "MSA",
        "a02-saisonniers-agricoles",
        4,
        4,
        "L'intersaison est le bon moment pour former",
        "Un vrai temps sur le logement des saisonniers",
        None,
    ),
    (
        "16:07:30",
        None,
        "Maison France services Sisteron",
        "a05-france-services-numerique",
        5,
        5,
        "Nous sommes une porte d'entrée, pas un guichet de plus",
        "Une formation sur le Cep pour les agents",
        "Tester la visio assistée avec la ML",
    ),
    (
        "16:08:12",
        None,
        "Cap emploi",
        "a09-interconnaissance",
        4,
        4,
        None,
        None,
        "Tenir ma permanence le même jour que la ML à Castellane",
    ),
    (
        "16:09:40",
        "Laetitia Brun",
        "France Travail",
        "a04-ingenierie-financiere",
        4,
        5,
        "La participation CPF de 100 € fait renoncer des gens",
        None,
        "Vérifier l'abondement FT dans Mon Compte Formation avec l'équipe",
    ),
    (
        "16:10:05",
        None,
        "Transitions Pro",
        "a07-reconversion-salaries",
        4,
        4,
        "Il faut davantage de permanences physiques dans le 04",
        "Du temps, l'atelier était trop court",
        "Permanence mensuelle à la France services de Manosque",
    ),
    (
        "16:11:33",
        None,
        "SAAD (aide à domicile)",
        "a03-aide-a-domicile",
        5,
        4,
        "L'idée du groupement d'employeurs SAAD + EHPAD",
        None,
        "Accueillir des conseillers pour une matinée d'observation",
    ),
    (
        "16:12:18",
        None,
        "Mission locale",
        "a08-apprentissage-artisanat",
        4,
        5,
        "Les artisans ne savent pas qui appeler quand ça se passe mal",
        "Plus d'artisans présents",
        "Faire le lien avec la CMA pour la bourse aux apprentissages",
    ),
    (
        "16:13:02",
        None,
        "CMA",
        "a08-apprentissage-artisanat",
        5,
        4,
        None,
        None,
        "Mettre à jour la liste des artisans qui cherchent un apprenti",
    ),
    (
        "16:14:47",
        None,
        "CIO",
        "a10-mixite-industrie",
        4,
        4,
        "Les filles choisissent les filières qu'elles connaissent",
        "Une entreprise du BTP autour de la table",
        "Visites d'entreprises avec les classes de 3e",
    ),
    (
        "16:15:21",
        None,
        "Organisme de formation",
        "a06-vae",
        4,
        3,
        "Les abandons au moment du livret 2",
        "Un architecte accompagnateur France VAE",
        "Proposer des ateliers d'écriture collectifs",
    ),
    (
        "16:16:09",
        None,
        "France Travail",
        None,
        3,
        3,
        "Bonne organisation de la journée",
        "Il faisait très chaud dans la salle",
        None,
    ),
    (
        "16:17:55",
        None,
        "Uniformation",
        "a06-vae",
        5,
        5,
        "La VAE collective intéresse beaucoup les SAAD",
        None,
        None,
    ),
    (
        "16:18:30",
        "Thierry Aubert",
        "CCI",
        "a10-mixite-industrie",
        4,
        4.5,
        "Le minibus pour emmener les femmes en visite d'entreprise",
        None,
        "Coordonner la première visite d'entreprise réservée aux femmes",
    ),
    (
        "16:20:14",
        None,
        "Association d'aide au numérique",
        "a05-france-services-numerique",
        4,
        4,
        "Nos bénévoles sont débordés, et on n'est pas les seuls",
        "Des moyens, tout simplement",
        None,
    ),
    (
        "16:21:42",
        None,
        "Département",
        "a03-aide-a-domicile",
        4,
        4,
        "Le prêt de véhicules pour les intervenantes débutantes",
        None,
        "Étudier une petite flotte de véhicules de service",
    ),
    (
        "16:22:08",
        None,
        "Mission locale",
        "a01-mobilite-rurale",
        5,
        5,
        "Regrouper les rendez-vous le même jour dans la même commune",
        None,
        None,
    ),
    (
        "16:23:37",
        None,
        "Apec",
        "a07-reconversion-salaries",
        3,
        3,
        "L'Apec est peu connue dans le département",
        "Des cadres parmi les situations étudiées",
        "Une permanence en visio depuis une France services",
    ),
    (
        "16:25:11",
        None,
        "France Travail",
        "a09-interconnaissance",
        5,
        4.5,
        "On découvre les dispositifs par les usagers, c'est le monde à l'envers",
        None,
        "Participer aux visios mensuelles",
    ),
    (
        "16:26:50",
        None,
        "Groupement d'employeurs",
        "a02-saisonniers-agricoles",
        5,
        5,
        "On peut construire des temps pleins en combinant les saisons",
        None,
        None,
    ),
    (
        "16:28:03",
        None,
        "CFA",
        "a08-apprentissage-artisanat",
        4,
        4,
        "Nos cours à distance sont mal connus",
        "Un temps sur l'hébergement des apprentis",
        "Diffuser notre offre à distance aux ML",
    ),
    (
        "16:30:19",
        None,
        "Opco EP",
        "a07-reconversion-salaries",
        4,
        3.5,
        None,
        "Plus de situations d'entreprises",
        None,
    ),
    (
        "16:31:44",
        None,
        "Maison France services Barcelonnette",
        "a09-interconnaissance",
        5,
        5,
        "On n'est plus seuls au fond de la vallée",
        None,
        "Proposer du covoiturage pour les prochaines réunions",
    ),
    (
        "16:35:26",
        None,
        "Région Sud",
        None,
        4,
        4,
        "La mobilité est revenue dans presque tous les ateliers",
        None,
        "Remonter le besoin de sessions délocalisées à Digne et Sisteron",
    ),
]

# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _normalise_zip(path: Path, when: datetime) -> None:
    """Rewrite a zip package with fixed entry timestamps and fixed metadata dates."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S")
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for info, data in entries:
            if info.filename in ("docProps/core.xml", "meta.xml"):
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: f"{m.group(1)}{stamp}Z{m.group(2)}",
                    text,
                )
                text = re.sub(
                    r"(<(?:meta:creation-date|dc:date)>)[^<]*(</)",
                    lambda m: f"{m.group(1)}{stamp}{m.group(2)}",
                    text,
                )
                data = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            new.compress_type = info.compress_type
            new.external_attr = 0o644 << 16
            dst.writestr(new, data)
    path.write_bytes(buffer.getvalue())


def write_docx(path: Path, blocks: list[Block], when: datetime) -> None:
    doc = Document()
    props = doc.core_properties
    props.author = "Atelier Cep"
    props.last_modified_by = "Atelier Cep"
    props.title = blocks[0][1]
    props.created = when
    props.modified = when
    props.revision = 1
    for kind, text in blocks:
        if kind == "h1":
            doc.add_heading(text, level=1)
        elif kind == "h2":
            doc.add_heading(text, level=2)
        elif kind == "li":
            doc.add_paragraph(text, style="List Bullet")
        else:
            doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    _normalise_zip(path, when)


def write_odt(path: Path, blocks: list[Block], when: datetime) -> None:
    doc = OpenDocumentText()
    h1 = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph")
    h1.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    h1.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.2cm"))
    h2 = Style(name="Heading_20_2", displayname="Heading 2", family="paragraph")
    h2.addElement(TextProperties(fontsize="13pt", fontweight="bold"))
    h2.addElement(ParagraphProperties(margintop="0.25cm", marginbottom="0.1cm"))
    body = Style(name="Text_20_body", displayname="Text body", family="paragraph")
    for style in (h1, h2, body):
        doc.styles.addElement(style)
    bullets = ListStyle(name="L1")
    level = ListLevelStyleBullet(level=1, bulletchar="•")
    level.addElement(ListLevelProperties(spacebefore="0.4cm", minlabelwidth="0.4cm"))
    bullets.addElement(level)
    doc.automaticstyles.addElement(bullets)

    current_list = None
    for kind, text in blocks:
        if kind == "li":
            if current_list is None:
                current_list = List(stylename=bullets)
                doc.text.addElement(current_list)
            item = ListItem()
            item.addElement(P(stylename=body, text=text))
            current_list.addElement(item)
            continue
        current_list = None
        if kind == "h1":
            doc.text.addElement(H(outlinelevel=1, stylename=h1, text=text))
        elif kind == "h2":
            doc.text.addElement(H(outlinelevel=2, stylename=h2, text=text))
        else:
            doc.text.addElement(P(stylename=body, text=text))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    _normalise_zip(path, when)


def write_retours_xlsx(path: Path, rows: list[tuple], day: str, when: datetime) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Réponses au formulaire 1"
    ws.append(RETOURS_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for heure, *rest in rows:
        stamp = datetime.strptime(f"{day} {heure}", "%Y-%m-%d %H:%M:%S")
        ws.append([stamp, *rest])
        ws.cell(row=ws.max_row, column=1).number_format = "dd/mm/yyyy hh:mm:ss"
    widths = [20, 20, 38, 30, 12, 12, 60, 45, 55]
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    wb.properties.creator = "Formulaire"
    wb.properties.created = when
    wb.properties.modified = when
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    _normalise_zip(path, when)


def main() -> None:
    for path, (blocks, when) in DOCX_NOTES.items():
        write_docx(path, blocks, when)
        print(f"wrote {path.relative_to(HERE)}")
    for path, (blocks, when) in ODT_NOTES.items():
        write_odt(path, blocks, when)
        print(f"wrote {path.relative_to(HERE)}")
    target = HAUTE_PROVENCE / "retours.xlsx"
    write_retours_xlsx(target, HP_RETOURS, "2026-06-11", datetime(2026, 6, 11, 17, 30))
    print(f"wrote {target.relative_to(HERE)}")


if __name__ == "__main__":
    main()
