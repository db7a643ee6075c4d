"""`problematiques.json` and `problematiques.md`: the next territory's problématiques as files.

The JSON is the seed of a later run (`--seed-from`); the Markdown is a working document for the
next groupe de coopération: questions to edit, with the evidence behind them.
"""

from __future__ import annotations

import json

from corpus.report.markdown import md, number, plural
from corpus.synthesis.problematiques import WEIGHT_FORMULA


def problematiques_json(items: list[dict]) -> bytes:
    """UTF-8 JSON, accents kept."""
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def problematiques_markdown(items: list[dict]) -> str:
    """A working document for the next groupe de coopération: questions to edit, with evidence."""
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
            f"- **Thème** : {md(item['theme_label'])} ({item['theme_id']}) · {status}"
            + (f" · grand thème « {md(item['group_label'])} »" if item.get("group_label") else ""),
            f"- **Poids** : {number(item['weight'])} ({plural(d['ateliers'], 'atelier')}, "
            f"{plural(d['territoires'], 'territoire')}, part des difficultés "
            f"{number(d['part_difficultes'] * 100)} %)",
            f"- **Pourquoi cette question** : {md(item['why'])}",
            "- **Ce qui a été dit** :",
        ]
        lines += [f"  - « {md(q['text'])} » — {md(q['territory'])}, atelier {md(q['atelier'])}"
                  for q in item["quotes"]] or ["  - (aucune citation)"]
        if item.get("corrections"):
            lines.append("- **Corrections du groupe de coopération** : " + " ; ".join(
                f"{c['correction_id']} ({c['action']}{', ' + md(c['why']) if c.get('why') else ''})"
                for c in item["corrections"])
                + (" — intitulé choisi par le groupe" if item.get("heading_chosen_by_group")
                   else ""))
        lines.append("- **Leviers déjà trouvés** :")
        lines += [f"  - « {md(x['text'])} » — {md(x['territory'])}, atelier {md(x['atelier'])}"
                  + (" (ailleurs)" if x["elsewhere"] else "")
                  + (f" — {md(x['reason'])}" if x.get("source") == "voisin" else "")
                  for x in item["levers"]] or ["  - aucun pour l'instant"]
        absent = set(item.get("organisations_absent_from_theme", []))
        invite = ", ".join(
            o + (" (pas encore mobilisé)" if o in item["organisations_not_yet_mobilised"] else
                 " (absent des ateliers du thème)" if o in absent else "")
            for o in item["organisations_to_invite"])
        lines += [
            f"- **Qui inviter** : {md(invite) or 'à préciser'}",
            f"- **Méthode suggérée** : {md(item['method'])} — {md(item['method_reason'])}",
            *([f"- **Méthodes des ateliers où le thème se concentre** : "
               f"{md(', '.join(item['methods_used']))}"] if item["methods_used"] else []),
            f"- **Preuves** : {len(item['segment_ids'])} segments "
            f"({md(', '.join(item['segment_ids'][:5]))}"
            + (", …" if len(item["segment_ids"]) > 5 else "") + ")",
            "- **Reformulation par le groupe** : _à compléter_",
            "- **Trinôme pressenti (exposant, gardien de la méthode, scribe)** : _à compléter_",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
