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

import json
import re
from collections.abc import Sequence
from pathlib import Path

from corpus import actors as ref
from corpus.segment import fold
from corpus.synthesize import DIFF, LEV, Synthesis, ThemeSummary

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
_INVARIABLE = {"acces", "temps", "parcours", "cours", "recours", "processus", "secours",
               "concours", "discours", "choix", "prix", "relais"}
_FEMININE = ("tion", "sion", "te", "ure", "ance", "ence", "ie", "ee", "ise", "ude", "ette", "elle")


def _has(text: str, cues: Sequence[str]) -> bool:
    return any(f" {c}" in text for c in cues)


def _words(*parts: str) -> str:
    return ref._tokens(" ".join(parts))


def _with_article(phrase: str) -> str:
    """A noun phrase from a label, with a guessed French article ("la mobilité rurale")."""
    phrase = phrase.strip().rstrip(".?!")
    first = phrase.split()[0]
    if len(first) > 1 and first[1:].islower():
        phrase = first.lower() + phrase[len(first):]
    key = fold(first)
    if len(key) > 3 and key[-1] in "sx" and key not in _INVARIABLE and not first.isupper():
        return f"les {phrase}"
    if key[:1] in "aeiouyh" and not first.isupper():
        return f"l'{phrase}"
    return f"{'la' if key.endswith(_FEMININE) else 'le'} {phrase}"


def _a(phrase: str) -> str:
    """"à" + phrase, with French contractions (au, aux)."""
    if phrase.startswith("le "):
        return "au " + phrase[3:]
    return "aux " + phrase[4:] if phrase.startswith("les ") else "à " + phrase


def _de(phrase: str) -> str:
    """"de" + phrase, with French contractions (du, des)."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    return "des " + phrase[4:] if phrase.startswith("les ") else "de " + phrase


def topic(theme: ThemeSummary) -> str:
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
    return "ce thème" if label == "ce thème" else _with_article(label)


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _table_actors(theme: ThemeSummary) -> list[ref.Actor]:
    out: list[ref.Actor] = []
    for org in theme.organisations:
        out += [a for a in ref.match(org) if a not in out]
    return out


def question(theme: ThemeSummary) -> str:
    """The open question for a theme, by the first template whose cues fit."""
    subject = topic(theme)
    said = " ".join(q.text for q in theme.quotes.get(DIFF, []))
    words = _words(theme.label, *theme.terms, said)
    n_diff, n_lev = theme.orientation_counts[DIFF], theme.orientation_counts[LEV]
    if n_lev > n_diff and theme.difficulty_share < 0.35:
        return f"Comment s'appuyer sur les coopérations déjà bricolées autour {_de(subject)} ?"
    if _has(words, KNOWLEDGE):
        return f"Comment mieux faire connaître {subject} aux conseillers et à leurs partenaires ?"
    table = _table_actors(theme)
    if _has(words, COORDINATION) and len(table) >= 2:
        between = _join([a.phrase for a in table[:3]])
        return f"Comment mieux coordonner {subject} entre {between} ?"
    if _has(words, ATTRACTIVE):
        return f"Comment changer le regard des publics sur {subject} ?"
    if _has(words, OBSTACLE):
        return f"Comment lever les freins liés {_a(subject)} ?"
    return f"Comment mieux travailler ensemble autour {_de(subject)} ?"


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


def build_problematiques(synthesis: Synthesis, *, limit: int | None = None) -> list[dict]:
    """The recurring themes as ranked problématiques, each with its evidence (JSON-ready)."""
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
            "question": question(theme), "theme_id": theme.theme_id, "theme_label": theme.label,
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


def write_problematiques(items: list[dict], json_path: Path, md_path: Path) -> None:
    """`problematiques.json` (UTF-8, accents kept) and the working document `problematiques.md`."""
    from corpus.report.tables import write_atomic

    text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    write_atomic(Path(json_path), text.encode("utf-8"))
    write_atomic(Path(md_path), problematiques_markdown(items).encode("utf-8"))


def problematiques_markdown(items: list[dict]) -> str:
    """A working document for the next groupe de coopération: questions to edit, with evidence."""
    from corpus.report.markdown import md, number, plural

    lines = [
        "# Problématiques pour la prochaine démarche", "",
        "Document de travail pour le groupe de coopération : chaque question est une proposition "
        "tirée des notes de scribe, à reformuler, fusionner ou écarter. Les questions sont "
        f"classées par poids = {WEIGHT_FORMULA}.", "",
    ]
    for item in items:
        d = item["weight_detail"]
        status = item["status"]
        if item.get("previous_question"):
            status += f" (déjà posée : « {md(item['previous_question'])} »)"
        lines += [
            f"## {item['rank']}. {md(item['question'])}", "",
            f"- **Thème** : {md(item['theme_label'])} ({item['theme_id']}) · {status}",
            f"- **Poids** : {number(item['weight'])} ({plural(d['ateliers'], 'atelier')}, "
            f"{plural(d['territoires'], 'territoire')}, part des difficultés "
            f"{number(d['part_difficultes'] * 100)} %)",
            f"- **Pourquoi cette question** : {md(item['why'])}",
            "- **Ce qui a été dit** :",
        ]
        lines += [f"  - « {md(q['text'])} » — {md(q['territory'])}, atelier {md(q['atelier'])}"
                  for q in item["quotes"]] or ["  - (aucune citation)"]
        lines.append("- **Leviers déjà trouvés** :")
        lines += [f"  - « {md(x['text'])} » — {md(x['territory'])}, atelier {md(x['atelier'])}"
                  + (" (ailleurs)" if x["elsewhere"] else "")
                  for x in item["levers"]] or ["  - aucun pour l'instant"]
        invite = ", ".join(
            o + (" (pas encore mobilisé)" if o in item["organisations_not_yet_mobilised"] else "")
            for o in item["organisations_to_invite"])
        lines += [
            f"- **Qui inviter** : {md(invite) or 'à préciser'}",
            f"- **Méthode suggérée** : {md(item['method'])} — {md(item['method_reason'])}",
            f"- **Méthodes déjà utilisées sur ce thème** : {md(', '.join(item['methods_used']))}"
            if item["methods_used"] else "- **Méthodes déjà utilisées sur ce thème** : aucune",
            f"- **Preuves** : {len(item['segment_ids'])} segments "
            f"({md(', '.join(item['segment_ids'][:5]))}"
            + (", …" if len(item["segment_ids"]) > 5 else "") + ")",
            "- **Reformulation par le groupe** : _à compléter_",
            "- **Trinôme pressenti (exposant, gardien de la méthode, scribe)** : _à compléter_",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
