"""The words of an atelier's déroulé (how it ran, not what was said): methods, roles, rounds,
counted units, timings. Folded (no accents, lower case), as `corpus.text.deroule` compares them.
"""

from __future__ import annotations

# Intelligence-collective methods (DESIGN.md's list and the usual others).
METHODS: tuple[str, ...] = tuple(sorted({
    "world cafe", "speed dating", "debat mouvant", "double tour", "accelerateur de cooperation",
    "methode des echos", "forum ouvert", "open space", "place du marche",
    "anti probleme", "champ des possibles", "table d instruction", "brainstorming", "photolangage",
    "photo langage", "metaplan", "fishbowl", "bocal", "codeveloppement", "co developpement",
    "six chapeaux", "theatre forum", "arpentage", "carrousel", "marche des idees",
    "tour de table", "jeu de role", "carte mentale", "mind mapping", "boule de neige",
    "1 2 4 all", "design thinking", "pecha kucha", "election sans candidat",
    "ligne du temps", "blason", "arbre a problemes", "arbre a solutions", "cadavre exquis",
    "plenieres", "pleniere", "retournement", "reverse brainstorming", "pitch", "carte d empathie",
    "world coffee", "cercle samoan", "speed meeting", "dot voting", "matrice", "escalier",
}, key=lambda m: (-len(m), m)))
# Roles around the table (the trinôme and the usual others), masculine and feminine.
ROLES = frozenset("""
    exposant exposante exposants gardien gardienne gardiens scribe scribes animateur animatrice
    animateurs animatrices co animateur co animatrice coanimateur coanimatrice facilitateur
    facilitatrice facilitateurs rapporteur rapporteuse moderateur moderatrice
    timekeeper time keeper animation facilitation
""".split())
# Roles that name the métier as well ("intervenante" à domicile, "référent" unique): a déroulé
# role only as a label ("Intervenante : …").
LABEL_ROLES = ROLES | frozenset("""
    intervenant intervenante intervenants temoin hote hotesse secretaire maitre maitresse
""".split())
# Labels that open a déroulé line ("Tour 2 : …", "Durée : 2 h", "Consigne : …").
ROUND_LABELS = frozenset("""
    tour temps etape phase sequence consigne consignes round manche deroule deroulement methode
    methodologie duree horaire horaires lieu salle presents presentes presence format modalites
    modalite pause photo photos restitution regles regle logistique participants
    participantes inscrits nombre effectif programme ordre affirmation affirmations
""".split())
# Headings under which every line tells how the atelier ran.
SECTIONS = frozenset("""
    deroulement deroule methode methodologie animation logistique presents presence
    participants participantes modalites format programme contact contacts
""".split())
# Counted units of an atelier: "14 participants", "3 tables", "5 stands", "2 tours".
COUNT_UNITS = frozenset("""
    participant participants participante participantes personne personnes present presents
    presente presentes inscrit inscrits structure structures organisation organisations table
    tables stand stands groupe groupes sous groupe sous groupes binome binomes trinome trinomes
    tour tours affirmation affirmations equipe equipes professionnel professionnels
    professionnelle professionnelles partenaire partenaires acteur acteurs ilot ilots chaise
    chaises cercle cercles question questions dossier dossiers
""".split())
# Words that are the déroulé's own (cues even without a number).
CUE_WORDS = frozenset("""
    gommette gommettes paperboard paper board post it postit plenieres pleniere pause pauses
    photo photos consigne consignes restitution chronometre minuteur
    brise glace icebreaker emargement salle
""".split()) | ROLES
# Phrases of the déroulé, cues wherever they stand.
PHRASES: tuple[str, ...] = ("compte rendu", "mise en commun", "en parallele", "brise glace",
                            "tour de table", "en pleniere", "en sous groupes", "sur place",
                            "ordre du jour", "feuille d emargement", "prise de parole")
# Words a déroulé line may hold besides its cues (they say nothing of the métier).
EXPLAINED = frozenset("""
    minute minutes heure heures duree matin matinee apres midi debut fin chacun chacune annexe
    annexes place salle tableau tableaux mur feuille feuilles atelier ateliers seance temps
    premier premiere second seconde deuxieme troisieme dernier derniere suivant suivante
    environ sous groupe groupe groupes table tables affirmation affirmation presentation
    presentations croise croisee tour tours rotation changement moment ensemble collectif
    collectivement individuel individuelle individuellement petit petits grand grande
    offre service autre autres participant participants personne personnes question questions
    liste rapide rapidement libre mot mots cle cles idee idees theme themes sujet sujets
    ordre jour accueil introduction conclusion cloture ouverture demi chrono methode exposant
    parallele commun depart note notes vrac rang rangee rangees
""".split()) | COUNT_UNITS
# Verbs of the déroulé: a finite one does not make the line content ("les participants se sont
# répartis en trois groupes", "chaque table a tourné toutes les 20 minutes").
VERBS = frozenset("""
    participer presenter tourner voter repartir diviser constituer composer reunir rassembler
    animer accueillir derouler tenir durer commencer demarrer debuter terminer finir clore
    cloturer restituer photographier prioriser afficher coller changer installer inscrire
    joindre
    regrouper circuler alterner passer chronometrer distribuer lancer introduire conclure
""".split())
NUMBER_WORDS = frozenset("""
    un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize
    vingt trente quarante cinquante soixante cent une dizaine quinzaine vingtaine trentaine
    quarantaine cinquantaine centaine
""".split())
