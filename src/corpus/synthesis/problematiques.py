"""The next territory's problématiques: recurring themes turned into open questions.

Each recurring theme of the synthesis becomes a question ("Comment ... ?") built from a topic
(a noun phrase chosen by cue words in the theme's label and terms) and a template chosen by cues
in its label, terms and difficulties. Problématiques are ranked by their weight:

    poids = ateliers × (1 + 0,5 × (territoires − 1)) × (0,5 + part des difficultés)

an atelier counts one, each further territory adds half, and a theme made only of difficulties
weighs three times one made only of levers. A method of intelligence collective is suggested by
rules, with the reason. The JSON list is the seed of a later run (`--seed-from`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.synthesis import actors as ref
from corpus.synthesis.model import DIFF, LEV, Synthesis, ThemeSummary
from corpus.text.french import a_, de_, load_nlp, with_article

WEIGHT_FORMULA = "ateliers × (1 + 0,5 × (territoires − 1)) × (0,5 + part des difficultés)"

# Cue words (accent-free, word starts) -> the topic as a practitioner names it, article included.
TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("achat", "achats groupes"), "les achats groupés de formation"),
    (("financ", "cpf", "aif", "abondement", "prise en charge"),
     "le financement des parcours de formation"),
    (("hebergement", "logement"), "l'hébergement des personnes en formation"),
    (("permis", "mobilite", "transport"), "la mobilité des publics"),
    (("handicap", "rqth"), "les parcours des personnes en situation de handicap"),
    (("apprentissage", "alternance", "apprenti"), "l'alternance"),
    (("vae", "validation des acquis"), "la validation des acquis de l'expérience"),
    (("mixite", "femme", "feminis"), "la place des femmes dans les métiers"),
    (("saisonn",), "les parcours des saisonniers"),
    (("aide a domicile", "domicile"), "les métiers de l'aide à domicile"),
    (("donnee", "diagnostic", "observatoire"), "les données territoriales"),
    (("numerique", "premier accueil", "plateforme", "dematerial"),
     "le premier accueil face au numérique"),
    (("interconnaissance", "offre de service", "offres de service", "annuaire", "qui fait quoi"),
     "les offres de service des uns et des autres"),
    (("reconversion", "transition professionnelle"), "la reconversion des salariés"),
    (("tension", "recrut"), "les métiers qui recrutent"),
    (("forum", "job dating", "evenement"), "les événements pour les publics"),
    (("jeune",), "l'accompagnement des jeunes"),
    (("senior",), "l'accompagnement des seniors"),
    (("entreprise", "tpe", "employeur"), "les liens avec les entreprises"),
)
KNOWLEDGE = ("connai", "connu", "information", "qui fait quoi", "offre de service",
             "offres de service", "interconnaissance", "annuaire")
COORDINATION = ("coordin", "chaque financeur", "chacun", "circuit", "financeur", "partenaire",
                "interlocuteur", "referent", "vue d ensemble")
OBSTACLE = ("frein", "manque", "delai", "trop", "cout", "loin", "absence", "aucun", "pas de",
            "bloqu", "difficile", "sans")
ATTRACTIVE = ("attractiv", "image", "decouvr", "tension", "mixite", "femme")
DOSSIER = ("financ", "dossier", "dispositif", "critere", "regle", "prise en charge")


def _has(text: str, cues: Sequence[str]) -> bool:
    return any(f" {c}" in text for c in cues)


def _words(*parts: str) -> str:
    return ref._tokens(" ".join(parts))


def topic(theme: ThemeSummary, nlp) -> str:
    """The subject of a theme as a noun phrase with its article, never a list of terms."""
    words = _words(theme.label, *theme.terms)
    for cues, phrase in TOPICS:
        if _has(words, cues):
            return phrase
    label = re.sub(r"^-?\d+_", "", theme.label)  # BERTopic's "0_financement_cpf"
    for sep in (",", "·", "/", "|", " - ", ";", "_"):
        label = label.split(sep)[0]
    label = label.strip()
    if len(label) < 3 or not re.search(r"[^\W\d_]{3}", label):
        label = next((t for t in theme.terms if len(t) >= 3), "") or "ce thème"
    return "ce thème" if label == "ce thème" else with_article(label, nlp)


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _table_actors(theme: ThemeSummary) -> list[ref.Actor]:
    out: list[ref.Actor] = []
    for org in theme.organisations:
        out += [a for a in ref.match(org) if a not in out]
    return out


def question(theme: ThemeSummary, nlp) -> str:
    """The open question for a theme, by the first template whose cues fit."""
    subject = topic(theme, nlp)
    said = " ".join(q.text for q in theme.quotes.get(DIFF, []))
    words = _words(theme.label, *theme.terms, said)
    n_diff, n_lev = theme.orientation_counts[DIFF], theme.orientation_counts[LEV]
    if n_lev > n_diff and theme.difficulty_share < 0.35:
        return f"Comment s'appuyer sur les coopérations déjà bricolées autour {de_(subject)} ?"
    if _has(words, KNOWLEDGE):
        return f"Comment mieux faire connaître {subject} aux conseillers et à leurs partenaires ?"
    table = _table_actors(theme)
    if _has(words, COORDINATION) and len(table) >= 2:
        between = _join([a.phrase for a in table[:3]])
        return f"Comment mieux coordonner {subject} entre {between} ?"
    if _has(words, ATTRACTIVE):
        return f"Comment changer le regard des publics sur {subject} ?"
    if _has(words, OBSTACLE):
        return f"Comment lever les freins liés {a_(subject)} ?"
    return f"Comment mieux travailler ensemble autour {de_(subject)} ?"


def weight(theme: ThemeSummary) -> float:
    """See WEIGHT_FORMULA."""
    n_at, n_terr = len(theme.by_atelier), len(theme.territories)
    return round(n_at * (1 + 0.5 * (n_terr - 1)) * (0.5 + theme.difficulty_share), 3)


def invitations(theme: ThemeSummary, missing: Sequence[str]) -> tuple[list[str], list[str]]:
    """Who to invite: actors the theme calls for (not yet mobilised first), then its tables."""
    called = ref.called_for(" ".join([theme.label, *theme.terms]))
    first = [a.name for a in called if a.name in missing]
    at_table = {a.name for a in _table_actors(theme)}
    then = [a.name for a in called if a.name not in missing and a.name not in at_table]
    table = [o for o in theme.organisations[:3]]
    return list(dict.fromkeys(first + then + table))[:8], first


def method(theme: ThemeSummary, levers: list[dict], missing: list[str]) -> tuple[str, str]:
    """A method of intelligence collective for the atelier, and why (first rule that fits)."""
    n_diff, n_lev = theme.orientation_counts[DIFF], theme.orientation_counts[LEV]
    elsewhere = {(x["event"], x["atelier"]) for x in levers if x["elsewhere"]}
    words = _words(theme.label, *theme.terms)
    if len(elsewhere) >= 2:
        if _has(words, KNOWLEDGE):
            return "speed-dating", (
                f"Des leviers ont été trouvés dans {len(elsewhere)} autres ateliers : des "
                "rencontres courtes en binômes font circuler qui fait quoi.")
        return "place du marché", (
            f"Des leviers ont été trouvés dans {len(elsewhere)} autres ateliers : une place du "
            "marché permet à chacun d'offrir ses solutions et d'exprimer ses besoins.")
    if n_lev <= 1 or not levers:
        if theme.difficulty_share >= 0.6:
            return "anti-problème", (
                "Peu de leviers ont été trouvés : partir de la question inverse (comment aggraver "
                "la situation ?) aide à faire émerger des pistes nouvelles.")
        return "accélérateur de coopération", (
            "Peu de leviers ont été trouvés : l'accélérateur de coopération met le cas d'un "
            "exposant au travail du groupe pour bâtir une réponse commune.")
    if len(missing) >= 2:
        return "world-café", (
            f"{len(missing)} acteurs concernés ne sont pas encore mobilisés : le world-café "
            "mélange les organisations autour des tables.")
    if n_diff >= 3 and n_lev >= 3 and 0.4 <= n_diff / (n_diff + n_lev) <= 0.6:
        return "débat mouvant", (
            f"Difficultés ({n_diff}) et leviers ({n_lev}) se répondent : le débat mouvant fait "
            "prendre position et explicite les désaccords avant de chercher des pistes.")
    if _has(words, DOSSIER):
        return "table d'instruction", (
            "Le thème touche à des dossiers et des règles : la table d'instruction examine un cas "
            "réel pas à pas avec chaque acteur concerné.")
    if _has(words, KNOWLEDGE):
        return "double-tour", (
            "Le thème relève de la connaissance mutuelle : le double-tour donne la parole à "
            "chacun, puis fait réagir sur ce qui a été entendu.")
    if n_lev > n_diff:
        return "méthode des échos", (
            "Les leviers dominent : la méthode des échos fait raconter les coopérations "
            "bricolées et recueille ce qu'elles inspirent aux autres.")
    return "champ des possibles", (
        "Difficultés et leviers sont connus : le champ des possibles ouvre les options avant "
        "d'en choisir une à expérimenter ensemble.")


def _lever_items(theme: ThemeSummary) -> list[dict]:
    out = []
    for match in theme.levers:
        for q in match.quotes:
            key = f"{q.event}/{q.atelier}"
            out.append({"text": q.text, "territory": q.territory, "event": q.event,
                        "atelier": q.atelier, "segment_id": q.segment_id,
                        "theme_id": match.theme_id, "similarity": match.similarity,
                        "elsewhere": key not in theme.difficulty_ateliers})
    return sorted(out, key=lambda x: (not x["elsewhere"], -x["similarity"], x["segment_id"]))


def build_problematiques(synthesis: Synthesis, *, nlp=None, limit: int | None = None) -> list[dict]:
    """The recurring themes as ranked problématiques, each with its evidence (JSON-ready).

    `nlp` (default: `french.load_nlp()`) gives the articles of the questions' subjects.
    """
    nlp = nlp if nlp is not None else load_nlp()
    missing = synthesis.demarche.actors.missing
    previous = {}
    if synthesis.loop is not None:
        previous = {f["theme_id"]: f["previous_question"] for f in synthesis.loop.found_again}
    items = []
    for theme in (t for t in synthesis.themes if t.recurring):
        levers = _lever_items(theme)
        invite, not_yet = invitations(theme, missing)
        chosen, reason = method(theme, levers, not_yet)
        quotes = theme.quotes[DIFF] or theme.quotes[LEV]
        n_diff, n_lev = theme.orientation_counts[DIFF], theme.orientation_counts[LEV]
        why = (f"Vu dans {len(theme.by_atelier)} ateliers ({_join(theme.territories)}) : "
               f"{n_diff} difficultés, {n_lev} leviers sur {theme.size} segments.")
        if theme.quotes[DIFF]:
            q = theme.quotes[DIFF][0]
            why += (f" Difficulté la plus représentative : « {q.text} » "
                    f"({q.territory}, {q.atelier}).")
        items.append({
            "question": question(theme, nlp), "theme_id": theme.theme_id,
            "theme_label": theme.label,
            "terms": theme.terms, "status": theme.status or "nouveau",
            "seed_theme_id": theme.seed_theme_id,
            "previous_question": previous.get(theme.theme_id),
            "weight": weight(theme),
            "weight_detail": {"ateliers": len(theme.by_atelier),
                              "territoires": len(theme.territories),
                              "part_difficultes": round(theme.difficulty_share, 3)},
            "why": why, "segment_ids": theme.segment_ids,
            "quotes": [{"segment_id": q.segment_id, "text": q.text, "territory": q.territory,
                        "event": q.event, "atelier": q.atelier} for q in quotes],
            "levers": levers, "organisations_to_invite": invite,
            "organisations_not_yet_mobilised": not_yet,
            "methods_used": theme.methods, "method": chosen, "method_reason": reason,
        })
    items.sort(key=lambda x: (-x["weight"], x["theme_id"]))
    for rank, item in enumerate(items, 1):
        item["rank"] = rank
    return items[:limit] if limit else items
