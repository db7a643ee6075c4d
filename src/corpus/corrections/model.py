"""A correction of the groupe de coopération: what it changes, on which theme or segment, and
its value, checked and normalised before it enters the log."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

THEME_ACTIONS = ("rename", "merge", "split", "hide", "pin")
SEGMENT_ACTIONS = ("move", "orient")
ACTIONS = THEME_ACTIONS + SEGMENT_ACTIONS
ORIENT_VALUES = ("difficulte", "levier", "autre", "deroule")
GROUP_ID = re.compile(r"^G\d+$")

APPLIED = "applied"
NOT_APPLICABLE = "not_applicable"
OUT_OF_SCOPE = "out_of_scope"  # its segment is not part of this run (another territory)
PENDING = "pending"
UNDONE = "undone"


class CorrectionError(ValueError):
    """A correction that cannot enter the log: the message says what to fix."""


@dataclass(frozen=True)
class Correction:
    """One entry of the corrections log."""

    correction_id: str
    action: str
    target: str
    value: dict[str, Any] = field(default_factory=dict)
    by: str = ""
    why: str = ""
    at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"correction_id": self.correction_id, "at": self.at, "by": self.by,
                "why": self.why, "action": self.action, "target": self.target,
                "value": dict(self.value)}


def _ids(raw: Any, what: str) -> list[str]:
    items = [raw] if isinstance(raw, str) else list(raw or [])
    out = [str(i).strip() for i in items if str(i).strip()]
    if not out:
        raise CorrectionError(f"{what} : au moins un identifiant est attendu.")
    return out


def normalise(action: str, target: str, value: Any) -> tuple[str, str, dict[str, Any]]:
    """(action, target, value) checked, with the short forms accepted (a label as a string, a
    list of themes, a number of parts, an orientation); raises CorrectionError otherwise."""
    action = (action or "").strip().lower()
    target = (target or "").strip()
    if action not in ACTIONS:
        raise CorrectionError(f"action « {action} » inconnue. Actions acceptées : "
                              f"{', '.join(ACTIONS)}.")
    if not target:
        raise CorrectionError("cible vide : donnez l'identifiant d'un thème (T003, G02) ou "
                              "d'un segment.")
    if action == "rename":
        label = value.get("label") if isinstance(value, dict) else value
        if not isinstance(label, str) or not label.strip():
            raise CorrectionError("renommer : le nouvel intitulé est vide.")
        return action, target, {"label": " ".join(label.split())}
    if GROUP_ID.match(target) and action != "rename":
        raise CorrectionError(f"{target} est un grand thème : on peut seulement le renommer.")
    if action == "merge":
        themes = value.get("themes") if isinstance(value, dict) else value
        others = [t for t in _ids(themes, "fusionner") if t != target]
        if not others:
            raise CorrectionError(f"fusionner : donnez au moins un autre thème que {target}.")
        out: dict[str, Any] = {"themes": sorted(dict.fromkeys(others))}
        if isinstance(value, dict) and str(value.get("label") or "").strip():
            out["label"] = " ".join(str(value["label"]).split())
        return action, target, out
    if action == "split":
        if isinstance(value, dict) and value.get("segments"):
            out = {"segments": sorted(dict.fromkeys(_ids(value["segments"], "scinder")))}
            if str(value.get("label") or "").strip():
                out["label"] = " ".join(str(value["label"]).split())
            return action, target, out
        into = value.get("into", 2) if isinstance(value, dict) else (value or 2)
        try:
            into = int(into)
        except (TypeError, ValueError):
            raise CorrectionError(f"scinder : « {into} » n'est pas un nombre de parties.") from None
        if not 2 <= into <= 10:
            raise CorrectionError(f"scinder : entre 2 et 10 parties (reçu : {into}).")
        return action, target, {"into": into}
    if action in ("hide", "pin"):
        return action, target, dict(value) if isinstance(value, dict) else {}
    if action == "move":
        theme = value.get("theme") if isinstance(value, dict) else value
        if not isinstance(theme, str) or not theme.strip():
            raise CorrectionError("déplacer : donnez le thème d'arrivée (ex. T003).")
        return action, target, {"theme": theme.strip()}
    orientation = value.get("orientation") if isinstance(value, dict) else value
    orientation = str(orientation or "").strip().lower().replace("é", "e").replace("è", "e")
    if orientation not in ORIENT_VALUES:
        raise CorrectionError(f"orientation « {orientation} » inconnue. Valeurs acceptées : "
                              f"{', '.join(ORIENT_VALUES)}.")
    return action, target, {"orientation": orientation}


def describe(c: Correction | dict) -> str:
    """The correction in one French sentence, as the log and the synthesis list it."""
    d = c.to_dict() if isinstance(c, Correction) else c
    action, target, value = d["action"], d["target"], d.get("value") or {}
    if action == "rename":
        what = "grand thème" if GROUP_ID.match(target) else "thème"
        return f"{what} {target} renommé « {value.get('label', '')} »"
    if action == "merge":
        label = f" sous « {value['label']} »" if value.get("label") else ""
        return f"{', '.join(value.get('themes', []))} fusionné(s) dans {target}{label}"
    if action == "split":
        if value.get("segments"):
            return f"thème {target} scindé : {len(value['segments'])} segment(s) mis à part"
        return f"thème {target} scindé en {value.get('into', 2)}"
    if action == "hide":
        return f"thème {target} masqué"
    if action == "pin":
        return f"thème {target} épinglé (gardé même si le moteur le dissout)"
    if action == "move":
        return f"segment {target} déplacé vers {value.get('theme', '')}"
    orientation = value.get("orientation", "")
    if orientation == "deroule":
        return f"segment {target} marqué comme déroulé de l'atelier"
    return f"segment {target} réorienté en {orientation}"
