"""The next territory's problématiques: recurring themes turned into open questions.

A question is built from the theme itself, never from a list of known subjects:

- its subject is the theme's label (a noun phrase of its own segments) with the article that
  spaCy's morphology gives its head noun ("la mobilité des publics", "les employeurs"), and the
  contractions French requires ("du", "des", "au", "aux");
- its opening follows what the evidence says: a knowledge gap ("on ne connaît pas…"), a
  coordination problem (several actors, circuits, referents), an obstacle (a lack, a delay, a
  cost), attractiveness (image, discovery), or levers already found; cue words are the field's
  ways of saying so, not subjects;
- each kind has several openings, and a set of problématiques uses each opening once before
  repeating one;
- where a theme concentrates in one atelier that had its own problématique (`ateliers.csv`),
  that human question is taken, and the item says so (`question_source`).

Problématiques are ranked by their weight:

    poids = ateliers × (1 + 0,5 × (territoires − 1)) × (0,5 + part des difficultés)

an atelier counts one, each further territory adds half, and a theme made only of difficulties
weighs three times one made only of levers. A method of intelligence collective is suggested by
rules, with the reason. The JSON list is the seed of a later run (`--seed-from`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from corpus.synthesis import actors as ref
from corpus.synthesis.model import DIFF, LEV, Synthesis, ThemeSummary
from corpus.text.french import a_, de_, fold, load_nlp, parsed_ahead, plural, with_article

WEIGHT_FORMULA = "ateliers × (1 + 0,5 × (territoires − 1)) × (0,5 + part des difficultés)"

# How the field says what kind of problem it meets (accent-free word starts).
KNOWLEDGE = ("connai", "connu", "information", "qui fait quoi", "offre de service",
             "offres de service", "interconnaissance", "annuaire", "savoir", "visibilit",
             "ignor", "repere")
COORDINATION = ("coordin", "chaque financeur", "chacun", "circuit", "financeur", "partenaire",
                "interlocuteur", "referent", "vue d ensemble", "doublon", "cloisonn", "relais",
                "articul")
OBSTACLE = ("frein", "manque", "delai", "trop", "cout", "loin", "absence", "aucun", "pas de",
            "bloqu", "difficile", "sans", "impossible", "refus", "attente")
ATTRACTIVE = ("attractiv", "image", "decouvr", "regard", "envie", "stereotyp", "valoris",
              "meconn", "represent")
DOSSIER = ("financ", "dossier", "dispositif", "critere", "regle", "prise en charge")
# A theme concentrates in an atelier holding at least this share of its segments: that atelier's
# own problématique is then the question (a rule of reading, not fitted on data).
CONCENTRATION = 0.5

Template = Callable[[str, ThemeSummary], str | None]


def _between(theme: ThemeSummary) -> str | None:
    table = _table_actors(theme)
    return _join([a.phrase for a in table[:3]]) if len(table) >= 2 else None


# Openings by kind of evidence, in order of preference. `s` is the subject with its article.
OPENINGS: dict[str, tuple[tuple[str, Template], ...]] = {
    "connaissance": (
        ("faire-connaitre", lambda s, t: f"Comment mieux faire connaître {s} aux conseillers et "
                                         "à leurs partenaires ?"),
        ("savoir", lambda s, t: f"Que faut-il savoir {de_(s)} pour bien orienter les publics ?"),
        ("partager-savoir", lambda s, t: "Comment partager entre professionnels ce que chacun "
                                         f"sait {de_(s)} ?"),
    ),
    "coordination": (
        ("coordonner-entre", lambda s, t: (f"Comment mieux coordonner {s} entre {_between(t)} ?"
                                           if _between(t) else None)),
        ("articuler", lambda s, t: "Comment articuler les interventions de chacun autour "
                                   f"{de_(s)} ?"),
        ("qui-fait-quoi", lambda s, t: f"Qui fait quoi autour {de_(s)}, et comment mieux s'y "
                                       "retrouver ensemble ?"),
    ),
    "obstacle": (
        ("lever-freins", lambda s, t: f"Comment lever les freins liés {a_(s)} ?"),
        ("reponses-communes", lambda s, t: "Quelles réponses communes apporter aux difficultés "
                                           f"liées {a_(s)} ?"),
        ("echelle-territoire", lambda s, t: "Que peut-on faire ensemble, à l'échelle du "
                                            f"territoire, face aux difficultés liées {a_(s)} ?"),
    ),
    "attractivite": (
        ("regard", lambda s, t: f"Comment changer le regard des publics sur {s} ?"),
        ("faire-decouvrir", lambda s, t: f"Comment mieux faire découvrir {s} aux publics "
                                         "accompagnés ?"),
    ),
    "leviers": (
        ("bricolees", lambda s, t: "Comment s'appuyer sur les coopérations déjà bricolées "
                                   f"autour {de_(s)} ?"),
        ("essaimer", lambda s, t: ("Comment faire essaimer d'un territoire à l'autre ce qui "
                                   f"marche déjà autour {de_(s)} ?"
                                   if len(t.territories) > 1 else
                                   f"Comment faire connaître plus largement ce qui marche déjà "
                                   f"autour {de_(s)} ?")),
    ),
    "cooperation": (
        ("travailler-ensemble", lambda s, t: "Comment mieux travailler ensemble autour "
                                             f"{de_(s)} ?"),
        ("agir-ensemble", lambda s, t: f"Comment agir ensemble, entre structures, sur {s} ?"),
    ),
}
CUES = {"connaissance": KNOWLEDGE, "coordination": COORDINATION, "obstacle": OBSTACLE,
        "attractivite": ATTRACTIVE}


def _has(text: str, cues: Sequence[str]) -> bool:
    return any(f" {c}" in text for c in cues)


def _hits(text: str, cues: Sequence[str]) -> int:
    return sum(text.count(f" {c}") for c in cues)


def _words(*parts: str) -> str:
    return ref._tokens(" ".join(parts))


def _label(theme: ThemeSummary) -> str:
    """The label as a phrase: BERTopic's "0_financement_cpf" and term lists cut to their head."""
    label = re.sub(r"^-?\d+_", "", theme.label)
    for sep in (",", "·", "/", "|", " - ", ";", "_"):
        label = label.split(sep)[0]
    label = label.strip()
    if len(label) < 3 or not re.search(r"[^\W\d_]{3}", label):
        label = next((t for t in theme.terms if len(t) >= 3 and re.search(r"[^\W\d_]", t)), "")
    return label


def subject(theme: ThemeSummary, nlp) -> str:
    """The theme's subject with its article ("la mobilité des publics"), or "ce thème"."""
    label = _label(theme)
    return with_article(label, nlp, theme.gender) if label else "ce thème"


def evidence_kind(theme: ThemeSummary) -> str:
    """What the evidence says: "leviers" when levers dominate, else the kind of problem whose
    cues are most frequent in the label, terms and difficulties ("cooperation" when none)."""
    n_diff, n_lev = theme.orientation_counts[DIFF], theme.orientation_counts[LEV]
    if n_lev > n_diff and theme.difficulty_share < 0.35:
        return "leviers"
    said = " ".join(q.text for q in theme.quotes.get(DIFF, []))
    words = _words(theme.label, *theme.terms, said)
    hits = {kind: _hits(words, cues) for kind, cues in CUES.items()}
    best = max(hits, key=lambda k: (hits[k], -list(CUES).index(k)))
    return best if hits[best] else "cooperation"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _table_actors(theme: ThemeSummary) -> list[ref.Actor]:
    out: list[ref.Actor] = []
    for org in theme.organisations:
        out += [a for a in ref.match(org) if a not in out]
    return out


def question(theme: ThemeSummary, nlp, used: Counter | None = None) -> tuple[str, str]:
    """The open question for a theme and its opening's id.

    The opening is the first of the evidence's kind not yet in `used` (then a general one not
    yet used, then the least used of the kind); `used` is updated.
    """
    used = used if used is not None else Counter()
    s = subject(theme, nlp)
    kind = evidence_kind(theme)
    choices = [(key, make(s, theme)) for key, make in OPENINGS[kind]]
    choices = [(key, q) for key, q in choices if q and not _repeats(q, s)] or [
        (key, q) for key, q in choices if q]
    general = [(key, make(s, theme)) for key, make in OPENINGS["cooperation"]]
    fresh = [c for c in choices + general if not used[c[0]]]
    key, text = fresh[0] if fresh else min(choices, key=lambda c: used[c[0]])
    used[key] += 1
    return text, key


def _repeats(text: str, subject: str) -> bool:
    """The opening repeats a word of the subject ("faire connaître les nouveaux conseillers
    aux conseillers")."""
    def stems(t: str) -> list[str]:
        return [w.rstrip("sx") for w in _words(t).split() if len(w) >= 5]
    said = Counter(stems(text))
    return any(said[w] > n for w, n in Counter(stems(subject)).items())


def concentrated_problematique(theme: ThemeSummary,
                               problematiques: Mapping[str, str]) -> tuple[str, str] | None:
    """(atelier key, its problématique) when the theme concentrates in an atelier that had one."""
    if not theme.by_atelier or not theme.size:
        return None
    key, n = max(theme.by_atelier.items(), key=lambda kv: (kv[1], kv[0]))
    text = (problematiques.get(key) or "").strip()
    if n < CONCENTRATION * theme.size or len(text) < 10:
        return None
    text = text[0].upper() + text[1:]
    return key, text if text.endswith("?") else text.rstrip(" .") + " ?"


def weight(theme: ThemeSummary) -> float:
    """See WEIGHT_FORMULA."""
    n_at, n_terr = len(theme.by_atelier), len(theme.territories)
    return round(n_at * (1 + 0.5 * (n_terr - 1)) * (0.5 + theme.difficulty_share), 3)


def invitations(theme: ThemeSummary, missing: Sequence[str],
                orgs_of: Mapping[str, Sequence[str]] | None = None,
                ) -> tuple[list[str], list[str], list[str]]:
    """Who to invite for a theme: (to invite, not yet mobilised in the démarche, absent from
    the theme's own tables).

    First the actors the theme's words call for who sat at none of its ateliers (absent where
    the theme needs them; those the whole démarche lacks first), then the organisations of the
    ateliers where the theme was voiced (its difficulties' ateliers weigh double) that sat there
    more than at the démarche's tables overall: an organisation at every table (France Travail)
    says nothing of this theme.
    """
    orgs_of = orgs_of or {}
    called = ref.called_for(" ".join([theme.label, *theme.terms]))
    here = {o for k in theme.by_atelier for o in orgs_of.get(k, [])} or set(theme.organisations)
    here_actors = {a.name for o in here for a in ref.match(o)}
    absent = [a.name for a in called if a.name not in here_actors and a.name not in here]
    not_yet = [n for n in absent if n in missing] + [
        a.name for a in called if a.name in missing and a.name not in absent]
    weights = {k: n * (2 if k in theme.difficulty_ateliers else 1)
               for k, n in theme.by_atelier.items()}
    total = sum(weights.values()) or 1
    n_all = len(orgs_of) or 1
    lift = {}
    for org in sorted(here):
        at_theme = sum(w for k, w in weights.items() if org in orgs_of.get(k, [])) / total
        overall = sum(org in orgs for orgs in orgs_of.values()) / n_all
        if orgs_of and at_theme > 1.2 * overall:
            lift[org] = at_theme - overall
    specific = sorted(lift, key=lambda o: (-lift[o], fold(o)))
    if not orgs_of:
        specific = list(theme.organisations[:3])
    ordered = list(dict.fromkeys([n for n in absent if n in missing] + absent + not_yet
                                 + specific))
    return ordered[:8], list(dict.fromkeys(not_yet)), absent


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
    """The levers to show under the question: the theme's own first, then those of the lever
    themes closest to its difficulties, each saying where it comes from and why it is there."""
    own = [
        {"text": q.text, "territory": q.territory, "event": q.event, "atelier": q.atelier,
         "segment_id": q.segment_id, "theme_id": theme.theme_id, "theme_label": theme.label,
         "similarity": 1.0, "source": "theme",
         "reason": "levier du même thème",
         "elsewhere": f"{q.event}/{q.atelier}" not in theme.difficulty_ateliers}
        for q in theme.quotes.get(LEV, [])
    ]
    seen = {x["segment_id"] for x in own}
    near = []
    for match in theme.levers:
        for q in match.quotes:
            if q.segment_id in seen:
                continue
            seen.add(q.segment_id)
            same = match.theme_id == theme.theme_id
            near.append({
                "text": q.text, "territory": q.territory, "event": q.event,
                "atelier": q.atelier, "segment_id": q.segment_id, "theme_id": match.theme_id,
                "theme_label": match.label, "similarity": match.similarity,
                "source": "theme" if same else "voisin",
                "reason": "levier du même thème" if same else (
                    f"levier du thème « {match.label} », proche de ces difficultés "
                    f"(similarité {str(round(match.similarity, 2)).replace('.', ',')})"),
                "elsewhere": f"{q.event}/{q.atelier}" not in theme.difficulty_ateliers,
            })
    key = lambda x: (x["source"] != "theme", not x["elsewhere"], -x["similarity"],  # noqa: E731
                     x["segment_id"])
    return sorted(own, key=key) + sorted(near, key=key)


def build_problematiques(synthesis: Synthesis, *, nlp=None, limit: int | None = None) -> list[dict]:
    """The recurring themes as ranked problématiques, each with its evidence (JSON-ready).

    `nlp` (default: `french.load_nlp()`) gives the articles of the questions' subjects.
    """
    nlp = nlp if nlp is not None else load_nlp()
    missing = synthesis.demarche.actors.missing
    previous = {}
    if synthesis.loop is not None:
        previous = {f["theme_id"]: f["previous_question"] for f in synthesis.loop.found_again}
    asked = {a.key: a.problematique for a in synthesis.demarche.glance.ateliers}
    orgs_of = {a.key: a.organisations for a in synthesis.demarche.glance.ateliers}
    recurring = sorted((t for t in synthesis.themes if t.recurring),
                       key=lambda t: (-weight(t), t.theme_id))
    used: Counter = Counter()
    items = []
    with parsed_ahead([_label(t) for t in recurring], nlp):
        for theme in recurring:
            levers = _lever_items(theme)
            invite, not_yet, absent = invitations(theme, missing, orgs_of)
            chosen, reason = method(theme, levers, not_yet)
            quotes = theme.quotes[DIFF] or theme.quotes[LEV]
            n_diff, n_lev = theme.orientation_counts[DIFF], theme.orientation_counts[LEV]
            why = (f"Vu dans {len(theme.by_atelier)} ateliers ({_join(theme.territories)}) : "
                   f"{plural(n_diff, 'difficulté')}, {plural(n_lev, 'levier')} sur "
                   f"{theme.size} segments.")
            if theme.quotes[DIFF]:
                q = theme.quotes[DIFF][0]
                why += (f" Difficulté la plus représentative : « {q.text} » "
                        f"({q.territory}, {q.atelier}).")
            human = concentrated_problematique(theme, asked)
            if human is not None:
                text, opening, source = human[1], "atelier", f"atelier {human[0]}"
                share = theme.by_atelier[human[0]] / theme.size
                why += (f" Question reprise de l'atelier {human[0].rsplit('/', 1)[-1]}, où se "
                        f"concentrent {round(100 * share)} % des segments du thème.")
            else:
                text, opening = question(theme, nlp, used)
                source = "générée"
            items.append({
                "question": text, "question_source": source, "opening": opening,
                "theme_id": theme.theme_id, "theme_label": theme.label,
                "group_id": theme.group_id, "group_label": theme.group_label,
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
                "organisations_absent_from_theme": absent,
                "methods_used": theme.methods, "method": chosen, "method_reason": reason,
            })
    for rank, item in enumerate(items, 1):
        item["rank"] = rank
    return items[:limit] if limit else items
