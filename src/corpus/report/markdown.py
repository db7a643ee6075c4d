"""The synthesis as a sequence of blocks, and its Markdown rendering (`synthese.md`).

The HTML and DOCX renderers walk the same blocks, so the three files share their sections. A
final guard drops any quote with a leftover e-mail or phone and masks them in other text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus.files import write_atomic
from corpus.synthesis.feedback import AnswerSummary
from corpus.synthesis.model import Quote, ScopeSynthesis, Synthesis, ThemeEntry
from corpus.text.french import plural
from corpus.text.protect import EMAIL, EMAIL_MARK, PHONE, PHONE_MARK, leaks


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str
    muted: bool = False


@dataclass
class Items:
    items: list[tuple[str, str]]  # (label in bold, text)


@dataclass
class Quotes:
    items: list[tuple[str, str]]  # (quote, source)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Chart:
    name: str  # key in corpus.report.charts.CHARTS
    caption: str


Block = Heading | Para | Items | Quotes | Table | Chart
MAX_ROWS = 60  # ateliers listed in a table
MAX_EVENTS = 30  # beyond this, no section per event (flat tables with many "events")


def number(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _source(q: Quote) -> str:
    return f"{q.territory} · atelier {q.atelier} · {q.segment_id}"


def _entry(rank: int, e: ThemeEntry, level: int = 4) -> list[Block]:
    kind = "difficulté" if e.orientation == "difficulte" else "levier"
    where = (f"{plural(e.n_ateliers, 'atelier')}, {plural(e.n_territories, 'territoire')} "
             f"({', '.join(e.territories)}) ; {plural(e.n_segments, 'segment')} "
             f"{'orienté' if e.n_segments == 1 else 'orientés'} {kind} "
             f"sur {plural(e.theme_size, 'segment')} du thème")
    items = [("Vu dans", where)]
    if e.terms:
        items.append(("Termes clés", ", ".join(e.terms)))
    return [Heading(level, f"{rank}. {e.label} ({e.theme_id})"), Items(items),
            Quotes([(q.text, _source(q)) for q in e.quotes])]


def _glance(scope: ScopeSynthesis) -> list[Block]:
    g = scope.glance
    name = {"demarche": "La démarche", "territoire": "Le territoire"}.get(scope.kind, "L'événement")
    out: list[Block] = [Heading(3, f"{name} en un coup d'œil")]
    out.append(Table(["Événement", "Territoire", "Date", "Lieu", "Participants"], [
        [e["name"], e["territory"], e["date"], e["place"],
         "" if e["participants"] is None else str(e["participants"])] for e in g.events]))
    methods = ", ".join(f"{m} ({n})" for m, n in g.methods.items()) or "non renseignées"
    out.append(Items([
        ("Ateliers", str(len(g.ateliers))),
        ("Participants", "non renseigné" if g.participants is None else str(g.participants)),
        ("Méthodes", methods),
        ("Organisations autour des tables", str(len(g.organisations))),
    ]))
    out.append(Table(
        ["Atelier", "Territoire", "Problématique", "Méthode et déroulé", "Participants",
         "Difficultés", "Leviers"],
        [[a.atelier, a.territory, a.problematique, a.deroule or a.methode,
          "" if a.participants is None else str(a.participants),
          str(a.orientation_counts["difficulte"]), str(a.orientation_counts["levier"])]
         for a in g.ateliers[:MAX_ROWS]]))
    if len(g.ateliers) > MAX_ROWS:
        out.append(Para(f"… et {len(g.ateliers) - MAX_ROWS} autres ateliers (voir "
                        "segments.parquet).", muted=True))
    return out


def _notes(scope: ScopeSynthesis, charts: bool, shown: tuple[int, int] = (0, 0)) -> list[Block]:
    c = scope.counts
    out: list[Block] = [Heading(3, "Ce que disent les notes"), Para(
        f"{plural(c['segments'], 'segment')} de notes : {plural(c['difficulte'], 'difficulté')}, "
        f"{plural(c['levier'], 'levier')}, {plural(c['autre'], 'autre')} (contexte) ; "
        f"{plural(c['themes'], 'thème')}, {plural(c['hors_theme'], 'segment')} hors thème.")]
    if charts:  # `shown`: the map's points, and the segments they stand for
        sample = (f" ; {shown[0]} segments sur {shown[1]}, tirés au hasard"
                  if shown[0] < shown[1] else "")
        out += [Chart("orientations", "Thèmes récurrents : segments par orientation"),
                Chart("heatmap", "Présence des thèmes dans les ateliers (nombre de segments)"),
                Chart("carte", "Carte des segments (analyse en composantes principales), "
                               f"couleur = thème{sample}")]
    return out


def _by_group(entries: list[ThemeEntry], empty: str) -> list[Block]:
    """Entries ranked as given, under their grand thème when there are several."""
    if not entries:
        return [Para(empty, muted=True)]
    groups = sorted({(e.group_id or "", e.group_label) for e in entries})
    if len(groups) < 2:
        return [b for rank, e in enumerate(entries, 1) for b in _entry(rank, e, 4)]
    out: list[Block] = []
    rank = 0
    for gid, label in groups:
        out.append(Heading(4, f"Grand thème : {label or 'sans nom'}"
                           + (f" ({gid})" if gid else "")))
        for e in (e for e in entries if (e.group_id or "") == gid):
            rank += 1
            out += _entry(rank, e, 5)
    return out


def _themes(scope: ScopeSynthesis, n_major: int) -> list[Block]:
    out: list[Block] = [Heading(3, "Difficultés du métier récurrentes")]
    out += _by_group(scope.difficulties, "Aucune difficulté n'apparaît dans plusieurs ateliers.")
    out.append(Heading(3, "Leviers récurrents"))
    out += _by_group(scope.levers, "Aucun levier n'apparaît dans plusieurs ateliers.")
    out.append(Heading(3, "Pistes : des leviers pour les difficultés majeures"))
    pistes = scope.pistes[:n_major]
    if not pistes:
        out.append(Para("Aucun levier proche des difficultés majeures n'a été trouvé.", muted=True))
    for e in pistes:
        out.append(Heading(4, f"Face à : {e.label} ({e.theme_id})"))
        for m in e.levers:
            where = ("aussi dans un territoire où la difficulté n'a pas été exprimée"
                     if m.elsewhere else "là où la difficulté a été exprimée")
            same = " — même thème" if m.theme_id == e.theme_id else ""
            out.append(Items([(f"{m.label} ({m.theme_id}{same})",
                               f"similarité {number(m.similarity)} ; "
                               f"{plural(m.n_segments, 'levier')} dans "
                               f"{plural(len(m.ateliers), 'atelier')} ({', '.join(m.territories)})"
                               f", trouvé {where}")]))
            out.append(Quotes([(q.text, _source(q)) for q in m.quotes]))
    return out


def _feedback(scope: ScopeSynthesis) -> list[Block]:
    fb = scope.feedback
    out: list[Block] = [Heading(3, "Ce qu'ont dit les participants")]
    if not fb.n:
        return out + [Para("Aucun retour participant pour ce périmètre.", muted=True)]
    out.append(Para(f"{plural(fb.n, 'retour')} de participants."))
    if fb.ratings:
        out.append(Table(["Critère", "Réponses", "Moyenne", "Répartition"], [
            [r.column, str(r.n), number(r.mean),
             " ; ".join(f"{v} : {n}" for v, n in r.distribution.items())] for r in fb.ratings]))
    if any(a.themes for a in fb.answers):
        out.append(Para("Les réponses ouvertes sont regroupées en thèmes comme les notes ; "
                        "« rejoint le thème » nomme le thème des notes dont elles parlent.",
                        muted=True))
    for a in fb.answers:
        out.append(Heading(4, f"{a.question} ({plural(a.n, 'réponse')})"))
        if a.themes:
            out += _answer_themes(a)
        elif a.terms:
            out.append(Items([("Mots partagés", ", ".join(
                f"{t} ({plural(n, 'réponse')})" for t, n in a.terms))]))
            out.append(Quotes([(q, "retour participant") for q in a.quotes]))
        else:
            out.append(Para("Pas de mot commun à plusieurs réponses.", muted=True))
    return out


def _answer_themes(a: AnswerSummary) -> list[Block]:
    """The themes of one question's answers, each with its link to a note theme and quotes."""
    out: list[Block] = []
    if not a.grouped:
        out.append(Para(f"Trop peu de réponses ({a.n_fitted}) pour y distinguer des thèmes : "
                        "elles sont lues comme un seul ensemble.", muted=True))
    for t in a.themes:
        text = plural(t.n, "réponse")
        if t.link:
            text += f" (rejoint le thème « {t.link.label} », {t.link.theme_id})"
        if t.mixed:
            text += " sans sujet commun"
        if t.terms:
            which = "les plus fréquents" if t.mixed else "clés"
            text += f" ; termes {which} : {', '.join(t.terms)}"
        label = "Réponses diverses" if t.mixed else t.label
        out += [Items([(label, text)]), Quotes([(q, "retour participant") for q in t.quotes])]
    if a.outside:
        out.append(Para(f"{plural(a.outside, 'réponse')} dans aucun de ces thèmes.", muted=True))
    return out


def _actors(scope: ScopeSynthesis) -> list[Block]:
    a = scope.actors
    out: list[Block] = [Heading(3, "Acteurs présents et acteurs non mobilisés")]
    if a.networks:  # one line per network, its structures as named in parentheses
        out += [Para("Organisations présentes, regroupées par réseau (entre parenthèses, les "
                     "structures telles que nommées) :"),
                Items([("", f"{n.name} ({', '.join(n.branches)})" if n.branches else n.name)
                       for n in a.networks])]
    else:
        out.append(Items([("Organisations présentes", "non renseignées")]))
    return out + [Items([
        ("Acteurs habituels du Cep déjà mobilisés", ", ".join(a.mobilised) or "aucun"),
        ("Acteurs habituels non encore mobilisés", ", ".join(a.missing) or "aucun"),
    ])]


def _loop(syn: Synthesis) -> list[Block]:
    loop = syn.loop
    if loop is None:
        return []

    def line(d: dict) -> str:
        return (f"{d['label']} ({d['theme_id']}) : {plural(d['n_ateliers'], 'atelier')}, "
                f"{plural(d['size'], 'segment')}")

    return [Heading(2, "La boucle : problématiques de la démarche précédente"), Items(
        [("Retrouvée", f"« {d['previous_question'] or d['previous_theme_id']} » → {line(d)}")
         for d in loop.found_again]
        + [("Estompée", f"« {d['previous_question'] or d['previous_theme_id']} » "
                        f"({d['previous_theme_id']}) : plus présente dans les notes")
           for d in loop.faded]
        + [("Nouveau thème", line(d)) for d in loop.new]
    )]


def grands_themes(syn: Synthesis) -> list[Block]:
    """The grands thèmes at a glance: their themes, segments, difficulties and levers."""
    groups: dict[str, list] = {}
    for t in sorted(syn.themes, key=lambda t: (-t.size, t.theme_id)):
        groups.setdefault(t.group_id or "", []).append(t)
    if len(groups) < 2:
        return []
    rows = []
    for gid in sorted(groups):
        themes = groups[gid]
        rows.append([
            f"{themes[0].group_label or 'sans nom'} ({gid})",
            ", ".join(f"{t.label} ({t.theme_id})" for t in themes),
            str(sum(t.size for t in themes)),
            str(sum(t.orientation_counts["difficulte"] for t in themes)),
            str(sum(t.orientation_counts["levier"] for t in themes)),
        ])
    return [Heading(3, "Les grands thèmes"), Para(
        f"Les {len(syn.themes)} thèmes des notes se regroupent en {len(groups)} grands thèmes "
        "(thèmes proches par leur contenu) ; la suite de la synthèse suit ce regroupement."),
        Table(["Grand thème", "Thèmes", "Segments", "Difficultés", "Leviers"], rows)]


def scope_blocks(scope: ScopeSynthesis, *, charts: bool = False, n_major: int = 5,
                 overview: list[Block] | None = None,
                 shown: tuple[int, int] = (0, 0)) -> list[Block]:
    return [Heading(2, scope.title), *_glance(scope), *_notes(scope, charts, shown),
            *(overview or []), *_themes(scope, n_major), *_feedback(scope), *_actors(scope)]


def document(syn: Synthesis) -> list[Block]:
    """Every block of the synthesis, in reading order, guarded against leftover contacts."""
    d = syn.demarche
    blocks: list[Block] = [Heading(1, syn.title), Para(
        f"Synthèse établie à partir de {plural(d.counts['segments'], 'segment')} de notes de "
        f"scribe : {plural(len(d.glance.ateliers), 'atelier')}, "
        f"{plural(len(syn.events), 'événement')}, {plural(len(syn.territories), 'territoire')}. "
        "Chaque citation renvoie à l'identifiant de son segment."), Para(
        "Les personnes sont pseudonymisées (« Personne 3 ») ; e-mails et téléphones sont "
        "retirés.", muted=True)]
    blocks += set_aside_blocks(syn.set_aside)
    blocks += corrections_blocks(syn.corrections)
    blocks += scope_blocks(d, charts=True, overview=grands_themes(syn),
                           shown=(len(syn.map_points), syn.map_total))
    blocks += _loop(syn)
    events_of = {t.key: [e for e in syn.events if e.territory_id == t.key]
                 for t in syn.territories}
    for terr in syn.territories if len(syn.territories) <= MAX_EVENTS else []:
        if len(events_of[terr.key]) != 1 or len(syn.events) > MAX_EVENTS:
            blocks += scope_blocks(terr)
        if len(syn.events) <= MAX_EVENTS:
            blocks += [b for e in events_of[terr.key] for b in scope_blocks(e)]
    return guard(blocks)


KIND_LABELS = {"note": "note", "retours": "retours", "evenement": "événement entier"}


def set_aside_blocks(set_aside: list[dict]) -> list[Block]:
    """The files left out of the run because they could not be read, with the fix."""
    if not set_aside:
        return []
    return [Heading(2, "Fichiers écartés"), Para(
        f"{plural(len(set_aside), 'fichier illisible', 'fichiers illisibles')} "
        + ("a été écarté : cette synthèse est établie sans lui. Corrigez-le"
           if len(set_aside) == 1 else
           "ont été écartés : cette synthèse est établie sans eux. Corrigez-les")
        + " puis relancez corpus run pour les intégrer."), Table(
        ["Fichier", "Ligne", "Écarté", "Problème", "Correction"],
        [[s["path"], "" if s.get("line") is None else str(s["line"]),
          KIND_LABELS.get(s["kind"], s["kind"]), s["reason"], s["fix"]] for s in set_aside])]


def corrections_blocks(corrections: list[dict]) -> list[Block]:
    """The corrections of the groupe de coopération this synthesis rests on: the headings it
    chose, the themes it merged, split or hid, and those that no longer apply."""
    if not corrections:
        return []
    applied = [c for c in corrections if c["status"] == "applied"]
    chosen = [c for c in applied if c["action"] == "rename"]
    text = (f"{plural(len(applied), 'correction appliquée', 'corrections appliquées')} sur "
            f"{len(corrections)} : cette synthèse suit les choix du groupe de coopération.")
    if chosen:
        text += " Intitulés choisis par le groupe : " + " ; ".join(
            f"{c['target']} « {c['value'].get('label', '')} »" for c in chosen) + "."
    return [Heading(2, "Corrections du groupe de coopération"), Para(text), Table(
        ["Correction", "Ce qui a été corrigé", "Par", "Pourquoi", "État"],
        [[c["correction_id"], c["description"], c.get("by") or "", c.get("why") or "",
          "appliquée" if c["status"] == "applied" else f"non applicable : {c['reason']}"]
         for c in corrections])]


def _mask(text: str) -> str:
    return PHONE.sub(PHONE_MARK, EMAIL.sub(EMAIL_MARK, text))


def guard(blocks: list[Block]) -> list[Block]:
    """Drop quotes with a leftover e-mail or phone; mask any elsewhere."""
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Quotes):
            b = Quotes([(q, s) for q, s in b.items if "@" not in q and not leaks(q)])
        elif isinstance(b, Items):
            b = Items([(_mask(k), _mask(v)) for k, v in b.items])
        elif isinstance(b, Table):
            b = Table(b.header, [[_mask(c) for c in row] for row in b.rows])
        elif isinstance(b, Para | Heading):
            b.text = _mask(b.text)
        out.append(b)
    return out


_ESCAPE = re.compile(r"([\\*_`\[\]<|])")


def md(text: str) -> str:
    """Text safe inside a Markdown line."""
    return _ESCAPE.sub(r"\\\1", " ".join(str(text).split()))


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            lines += ["#" * b.level + " " + md(b.text), ""]
        elif isinstance(b, Para):
            lines += [f"*{md(b.text)}*" if b.muted else md(b.text), ""]
        elif isinstance(b, Items):
            lines += [f"- **{md(k)}** : {md(v)}" if k else f"- {md(v)}" for k, v in b.items]
            lines.append("")
        elif isinstance(b, Quotes) and b.items:
            for q, s in b.items:
                lines += [f"> « {md(q)} »  ", f"> — {md(s)}", ""]
        elif isinstance(b, Table) and b.rows:
            lines += ["| " + " | ".join(md(h) for h in b.header) + " |",
                      "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in b.rows]
            lines.append("")
        elif isinstance(b, Chart):
            lines += [f"*Graphique : {md(b.caption)} (voir synthese.html ou synthese.docx).*", ""]
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(syn: Synthesis) -> str:
    return to_markdown(document(syn))


def write_markdown(syn: Synthesis, path: Path) -> Path:
    return write_atomic(Path(path), render_markdown(syn).encode("utf-8"))
